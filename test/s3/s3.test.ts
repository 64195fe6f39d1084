import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEndpoint } from "../../src/core/config.js";
import { isServiceError } from "../../src/core/errors.js";
import { encodeRestXml } from "../../src/core/protocol/rest-xml.js";
import { canonicalQuery } from "../../src/core/signer.js";
import { S3 } from "../../src/s3/index.js";
import * as operations from "../../src/s3/operations.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { startLoopback, xml } from "../helpers/loopback.js";
import { type S3Proxy, startS3Proxy } from "../helpers/s3-proxy.js";
import { caught, expectValidation, withEnv } from "../helpers/sqs.js";

/** Keys that S3 signs as sent: spaces, +, %, unicode, //, ./ and ../ are part of the name. */
const ODD_KEYS = [
  "with space.txt",
  "plus+sign",
  "percent%41%2F",
  "unicode/été/日本語/😀",
  "double//slash",
  "dot/./segment",
  "dotdot/../up",
  "/leading",
  "trailing/",
  "tilde~_-.()!*'$&,;=:@",
];

describe("S3 on the emulator, every request's signature checked", () => {
  let emulator: Emulator;
  let proxy: S3Proxy;
  let s3: S3;
  const bucket = uniqueName("bucket").toLowerCase();

  before(async () => {
    emulator = await startEmulator();
    proxy = await startS3Proxy(emulator.endpoint);
    s3 = new S3({ endpoint: proxy.endpoint, region: "eu-west-1", credentials: TEST_CREDENTIALS });
    await s3.createBucket({ Bucket: bucket });
  });
  after(async () => {
    // Every request the client sent was signed as an independent SigV4 implementation signs it.
    assert.ok(proxy.requests.length > 0);
    assert.deepEqual(
      proxy.requests.filter((r) => r.problem !== undefined),
      [],
    );
    await proxy.close();
    await emulator.stop();
  });

  it("puts, heads, gets and deletes bytes exactly", async () => {
    const body = new Uint8Array(70_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 255;
    const put = await s3.putObject({
      Bucket: bucket,
      Key: "bytes.bin",
      Body: body,
      ContentType: "application/x-test",
      Metadata: { origin: "test" },
    });
    assert.match(put.ETag ?? "", /^"[0-9a-f]{32}"$/);
    const head = await s3.headObject({ Bucket: bucket, Key: "bytes.bin" });
    assert.equal(head.ContentLength, body.length);
    assert.equal(head.ContentType, "application/x-test");
    assert.deepEqual(head.Metadata, { origin: "test" });
    assert.ok(head.LastModified instanceof Date);
    const got = await s3.getObject({ Bucket: bucket, Key: "bytes.bin" });
    assert.ok(got.Body instanceof Uint8Array);
    assert.deepEqual(got.Body, body);
    assert.equal(got.ETag, put.ETag);
    await s3.deleteObject({ Bucket: bucket, Key: "bytes.bin" });
    const error = await caught(() => s3.getObject({ Bucket: bucket, Key: "bytes.bin" }));
    assert.ok(isServiceError(error));
    assert.equal(error.code, "NoSuchKey");
    assert.equal(error.statusCode, 404);
    assert.ok(error.requestId);
    assert.match(error.message, /GetObject/);
    const missing = await caught(() => s3.headObject({ Bucket: bucket, Key: "bytes.bin" }));
    assert.ok(isServiceError(missing));
    assert.equal(missing.code, "NotFound");
    assert.equal(missing.statusCode, 404);
  });

  it("puts a string body as UTF-8", async () => {
    await s3.putObject({ Bucket: bucket, Key: "text", Body: "héllo" as unknown as Uint8Array });
    const got = await s3.getObject({ Bucket: bucket, Key: "text" });
    assert.equal(new TextDecoder().decode(got.Body), "héllo");
  });

  it("keys with spaces, +, %, unicode, //, ./ and ../ round-trip, signed as sent", async () => {
    for (const key of ODD_KEYS) {
      const body = new TextEncoder().encode(`body of ${key}`);
      await s3.putObject({ Bucket: bucket, Key: key, Body: body });
      const got = await s3.getObject({ Bucket: bucket, Key: key });
      assert.deepEqual(got.Body, body, key);
      const head = await s3.headObject({ Bucket: bucket, Key: key });
      assert.equal(head.ContentLength, body.length, key);
    }
    const listed = await s3.listObjectsV2({ Bucket: bucket });
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    for (const key of ODD_KEYS) assert.ok(keys.includes(key), `listed: ${key}`);
    const deleted = await s3.deleteObjects({
      Bucket: bucket,
      Delete: { Objects: ODD_KEYS.map((Key) => ({ Key })) },
    });
    assert.deepEqual(new Set((deleted.Deleted ?? []).map((d) => d.Key)), new Set(ODD_KEYS));
    const after = await s3.listObjectsV2({ Bucket: bucket });
    for (const key of ODD_KEYS) assert.ok(!(after.Contents ?? []).some((o) => o.Key === key), key);
  });

  it("lists with a prefix, and pages", async () => {
    for (const n of [1, 2, 3])
      await s3.putObject({ Bucket: bucket, Key: `list/${n}`, Body: new Uint8Array([n]) });
    const listed = await s3.listObjectsV2({ Bucket: bucket, Prefix: "list/" });
    assert.deepEqual(
      (listed.Contents ?? []).map((o) => o.Key),
      ["list/1", "list/2", "list/3"],
    );
    assert.equal(listed.KeyCount, 3);
    assert.equal(listed.IsTruncated, false);
    const pages = [];
    for await (const page of s3.paginateListObjectsV2({ Bucket: bucket, Prefix: "list/" })) pages.push(page);
    assert.ok(pages.length >= 1);
  });

  it("the checking proxy refuses a wrong signature (it is not a rubber stamp)", async () => {
    const other = await startS3Proxy(emulator.endpoint);
    try {
      const wrong = new S3({
        endpoint: other.endpoint,
        region: "eu-west-1",
        credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: "not-the-secret" },
      });
      await wrong.putObject({ Bucket: bucket, Key: "wrong", Body: new Uint8Array([1]) });
      assert.equal(other.requests[0]!.problem, "signature mismatch");
    } finally {
      await other.close();
    }
  });

  it("HeadBucket: found, and NotFound", async () => {
    assert.deepEqual(await s3.headBucket({ Bucket: bucket }), {});
    const error = await caught(() => s3.headBucket({ Bucket: "no-such-bucket-here" }));
    assert.ok(isServiceError(error));
    assert.equal(error.statusCode, 404);
  });
});

describe("S3 addressing", () => {
  const aws = parseEndpoint("https://s3.eu-west-1.amazonaws.com");
  const local = parseEndpoint("http://127.0.0.1:4566");

  it("virtual-hosted on AWS's endpoints, the key's slashes kept", () => {
    const s3 = new S3({ region: "eu-west-1", credentials: TEST_CREDENTIALS });
    assert.equal(s3.endpoint, "https://s3.eu-west-1.amazonaws.com");
    const request = encodeRestXml(operations.GetObject, { Bucket: "my-bucket", Key: "a b/c+d" }, aws, {
      pathStyle: () => false,
    });
    assert.equal(request.hostPrefix, "my-bucket.");
    assert.equal(request.path, "/a%20b/c%2Bd");
    assert.equal(request.method, "GET");
    assert.equal(request.binaryResponse, true);
    const list = encodeRestXml(operations.ListObjectsV2, { Bucket: "b-1", Prefix: "x/", MaxKeys: 5 }, aws, {
      pathStyle: () => false,
    });
    assert.equal(list.path, "/");
    assert.equal(list.query, "list-type=2&prefix=x%2F&max-keys=5");
    // The protocol gives the query's canonical form too: the client signs it as is.
    assert.equal(list.signedQuery, "list-type=2&max-keys=5&prefix=x%2F");
    assert.equal(list.signedQuery, canonicalQuery(list.query));
  });

  it("path-style for other endpoints, bucket names that are not DNS-safe, and forcePathStyle", async () => {
    const seen: string[] = [];
    const fetch = async (url: string) => {
      seen.push(url);
      return new Response("", { status: 200 });
    };
    const local3 = new S3({
      endpoint: "http://127.0.0.1:9",
      region: "eu-west-1",
      credentials: TEST_CREDENTIALS,
      fetch,
    });
    await local3.headBucket({ Bucket: "plain" });
    const aws3 = new S3({ region: "eu-west-1", credentials: TEST_CREDENTIALS, fetch });
    await aws3.headBucket({ Bucket: "plain" });
    await aws3.headBucket({ Bucket: "with.dots" });
    await aws3.headBucket({ Bucket: "UpperCase" });
    const forced = new S3({
      region: "eu-west-1",
      credentials: TEST_CREDENTIALS,
      fetch,
      forcePathStyle: true,
    });
    await forced.headBucket({ Bucket: "plain" });
    const virtualLocal = new S3({
      endpoint: "http://127.0.0.1:9",
      region: "eu-west-1",
      credentials: TEST_CREDENTIALS,
      fetch,
      forcePathStyle: false,
    });
    await virtualLocal.headBucket({ Bucket: "plain" });
    assert.deepEqual(seen, [
      "http://127.0.0.1:9/plain",
      "https://plain.s3.eu-west-1.amazonaws.com/",
      "https://s3.eu-west-1.amazonaws.com/with.dots",
      "https://s3.eu-west-1.amazonaws.com/UpperCase",
      "https://s3.eu-west-1.amazonaws.com/plain",
      "http://plain.127.0.0.1:9/",
    ]);
    assert.ok(local);
  });

  it("AWS_ENDPOINT_URL_S3", async () => {
    await withEnv(
      { AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4567", AWS_ENDPOINT_URL: "http://127.0.0.1:1" },
      () => {
        const s3 = new S3({ region: "eu-west-1", credentials: TEST_CREDENTIALS });
        assert.equal(s3.endpoint, "http://127.0.0.1:4567");
      },
    );
  });

  it("DeleteObjects carries Content-MD5 and an XML body in S3's namespace", () => {
    const request = encodeRestXml(
      operations.DeleteObjects,
      { Bucket: "b", Delete: { Objects: [{ Key: "a&b" }, { Key: "c" }], Quiet: true } },
      local,
      { pathStyle: () => true },
    );
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/b");
    assert.equal(request.query, "delete");
    assert.equal(
      request.body,
      '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key></Object><Quiet>true</Quiet></Delete>',
    );
    assert.match(request.headers["content-md5"]!, /^[A-Za-z0-9+/]{22}==$/);
    assert.match(request.headers["x-amz-content-sha256"]!, /^[0-9a-f]{64}$/);
  });
});

describe("S3 errors and validation (loopback)", () => {
  it("reads S3's XML errors as ServiceErrors", async () => {
    const server = await startLoopback(() =>
      xml(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>REQ123</RequestId><HostId>h</HostId></Error>',
        403,
        { "x-amz-request-id": "REQ123" },
      ),
    );
    try {
      const s3 = new S3({ endpoint: server.endpoint, region: "eu-west-1", credentials: TEST_CREDENTIALS });
      const error = await caught(() => s3.getObject({ Bucket: "b", Key: "k" }));
      assert.ok(isServiceError(error));
      assert.equal(error.code, "AccessDenied");
      assert.equal(error.statusCode, 403);
      assert.equal(error.requestId, "REQ123");
      assert.match(error.message, /^GetObject \(b\): AccessDenied: Access Denied/);
      assert.ok(!error.message.includes(TEST_CREDENTIALS.secretAccessKey));
      assert.equal(server.requests[0]!.url, "/b/k");
    } finally {
      await server.close();
    }
  });

  it("rejects bad input before sending", async () => {
    const server = await startLoopback(() => ({ status: 200 }));
    try {
      const s3 = new S3({ endpoint: server.endpoint, region: "eu-west-1", credentials: TEST_CREDENTIALS });
      await expectValidation(
        () => s3.putObject({ Bucket: "", Key: "k" }),
        { field: "Bucket", value: "" },
        server,
      );
      await expectValidation(
        () => s3.getObject({ Bucket: "b" } as never),
        { field: "Key", value: undefined },
        server,
      );
      await expectValidation(
        () => s3.putObject({ Bucket: "b", Key: "k", Body: 42 as never }),
        { field: "Body", value: 42 },
        server,
      );
      await expectValidation(
        () => s3.deleteObjects({ Bucket: "b", Delete: { Objects: [] } }),
        { field: "Delete.Objects" },
        server,
      );
      assert.throws(() => new S3({ forcePathStyle: "yes" as never }), /forcePathStyle/);
    } finally {
      await server.close();
    }
  });
});
