import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { hmacSha256, toHex } from "../../src/core/crypto.js";
import { isValidationError } from "../../src/core/errors.js";
import { canonicalUrlPath } from "../../src/core/signer/canonical.js";
import { clearSigningKeyCacheAsync, signOwnRequestAsync } from "../../src/core/signer/webcrypto.js";
import {
  amzDate,
  canonicalHeaders,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
  clearSigningKeyCache,
  credentialScope,
  EMPTY_SHA256,
  type PresignOptions,
  presignQuery,
  presignUrl,
  type SignableRequest,
  type SigningOptions,
  signature,
  signingKey,
  signingKeyCacheSize,
  signOwnRequest,
  signRequest,
  signRequestSteps,
  stringToSign,
  UNSIGNED_PAYLOAD,
  uriEncode,
} from "../../src/core/signer.js";

const SUITE = new URL("../../../test/fixtures/sigv4/", import.meta.url);

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

interface ParsedRequest {
  method: string;
  path: string;
  query: string;
  /** Names as written; lines with the same name joined with commas, folded lines kept with "\n". */
  headers: Record<string, string>;
  body: string | undefined;
}

/** Parses a raw HTTP request as the suite writes it. */
function parseRequest(text: string): ParsedRequest {
  const lines = text.split("\n");
  const first = lines[0]!;
  const method = first.slice(0, first.indexOf(" "));
  // The target may hold spaces ("/example space/"): it runs up to the last " HTTP/1.1".
  const target = first.slice(method.length + 1, first.lastIndexOf(" "));
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? "" : target.slice(q + 1);
  const headers: Record<string, string> = {};
  let last: string | undefined;
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") break;
    if ((line.startsWith(" ") || line.startsWith("\t")) && last !== undefined) {
      headers[last] += "\n" + line; // a folded continuation line
      continue;
    }
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    headers[name] = name in headers ? headers[name] + "," + value : value;
    last = name;
  }
  const body = i < lines.length - 1 ? lines.slice(i + 1).join("\n") : undefined;
  return { method, path, query, headers, body: body === "" ? undefined : body };
}

function lowerHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    out[name] = name in out ? out[name] + "," + v : v;
  }
  return out;
}

interface Case {
  name: string;
  request: SignableRequest;
  options: SigningOptions;
  expires: number;
  file(name: string): string;
}

function loadCase(name: string): Case {
  const dir = new URL(name + "/", SUITE);
  const file = (f: string): string => readFileSync(new URL(f, dir), "utf8");
  const context = JSON.parse(file("context.json")) as Context;
  const raw = parseRequest(file("request.txt"));
  const host = Object.entries(raw.headers).find(([k]) => k.toLowerCase() === "host")?.[1] ?? "";
  const request: SignableRequest = {
    method: raw.method,
    host,
    path: raw.path,
    query: raw.query,
    headers: raw.headers,
  };
  if (raw.body !== undefined) request.body = raw.body;
  const credentials = {
    accessKeyId: context.credentials.access_key_id,
    secretAccessKey: context.credentials.secret_access_key,
    ...(context.credentials.token === undefined ? {} : { sessionToken: context.credentials.token }),
  };
  const options: SigningOptions = {
    credentials,
    region: context.region,
    service: context.service,
    date: new Date(context.timestamp),
    normalizePath: context.normalize,
    signBody: context.sign_body,
    omitSessionToken: context.omit_session_token === true,
  };
  return { name, request, options, expires: context.expiration_in_seconds, file };
}

const caseNames = readdirSync(SUITE, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("SigV4 test suite", () => {
  it("has the 38 cases", () => {
    assert.equal(caseNames.length, 38);
  });

  for (const name of caseNames) {
    describe(name, () => {
      const c = loadCase(name);
      const presignOptions: PresignOptions = { ...c.options, expiresInSeconds: c.expires };

      it("header-canonical-request", () => {
        assert.equal(
          signRequestSteps(c.request, c.options).canonicalRequest,
          c.file("header-canonical-request.txt"),
        );
      });
      it("header-string-to-sign", () => {
        assert.equal(
          signRequestSteps(c.request, c.options).stringToSign,
          c.file("header-string-to-sign.txt"),
        );
      });
      it("header-signature", () => {
        assert.equal(signRequestSteps(c.request, c.options).signature, c.file("header-signature.txt"));
      });
      it("header-signed-request (headers sent)", () => {
        const expected = parseRequest(c.file("header-signed-request.txt"));
        assert.deepEqual(lowerHeaders(signRequest(c.request, c.options)), lowerHeaders(expected.headers));
      });

      it("query-canonical-request", () => {
        assert.equal(
          presignQuery(c.request, presignOptions).canonicalRequest,
          c.file("query-canonical-request.txt"),
        );
      });
      it("query-string-to-sign", () => {
        assert.equal(
          presignQuery(c.request, presignOptions).stringToSign,
          c.file("query-string-to-sign.txt"),
        );
      });
      it("query-signature", () => {
        assert.equal(presignQuery(c.request, presignOptions).signature, c.file("query-signature.txt"));
      });
      it("query-signed-request (URL)", () => {
        const firstLine = c.file("query-signed-request.txt").split("\n")[0]!;
        const url = presignUrl(c.request, presignOptions);
        const prefix = "https://" + c.request.host;
        assert.ok(url.startsWith(prefix));
        assert.equal(`${c.request.method} ${url.slice(prefix.length)} HTTP/1.1`, firstLine);
      });
    });
  }
});

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const date = new Date("2015-08-30T12:36:00Z");

describe("steps", () => {
  it("amzDate and credentialScope", () => {
    assert.equal(amzDate(date), "20150830T123600Z");
    assert.equal(amzDate(new Date("2015-08-30T12:36:00.999Z")), "20150830T123600Z");
    assert.equal(amzDate(new Date("2024-02-29T23:59:59.001Z")), "20240229T235959Z");
    assert.equal(amzDate(new Date("0005-01-02T03:04:05.000Z")), "00050102T030405Z");
    assert.equal(amzDate(new Date("2024-03-01T00:00:00Z")), "20240301T000000Z");
    assert.throws(() => amzDate(new Date(Number.NaN)), isValidationError);
    assert.equal(credentialScope("20150830", "us-east-1", "sqs"), "20150830/us-east-1/sqs/aws4_request");
    assert.equal(credentialScope("20150831", "us-east-1", "sqs"), "20150831/us-east-1/sqs/aws4_request");
  });

  it("signingKey matches the AWS documentation example", () => {
    // From the SigV4 docs ("Examples of how to derive a signing key").
    const key = signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
    assert.equal(toHex(key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });

  it("signingKey is computed once per (secret, day, region, service) and the cache is bounded", () => {
    clearSigningKeyCache();
    const a = signingKey("secret-1", "20240101", "eu-west-1", "sqs");
    assert.equal(signingKeyCacheSize(), 1);
    const b = signingKey("secret-2", "20240101", "eu-west-1", "sqs");
    assert.notDeepEqual(a, b);
    // Same inputs: the very same cached array, whether or not it was the last one used.
    assert.equal(signingKey("secret-1", "20240101", "eu-west-1", "sqs"), a);
    assert.equal(signingKey("secret-1", "20240101", "eu-west-1", "sqs"), a);
    assert.equal(signingKeyCacheSize(), 2);
    // And the right value.
    const manual = hmacSha256(
      hmacSha256(hmacSha256(hmacSha256("AWS4secret-1", "20240101"), "eu-west-1"), "sqs"),
      "aws4_request",
    );
    assert.deepEqual(a, manual);
    for (let i = 0; i < 200; i++) signingKey("secret-1", "20240101", `region-${i}`, "sqs");
    assert.ok(signingKeyCacheSize() <= 50);
    assert.equal(signingKeyCacheSize(), 50);
    // Recomputed after eviction, with the same value.
    assert.deepEqual(signingKey("secret-1", "20240101", "eu-west-1", "sqs"), a);
    assert.notEqual(signingKey("secret-1", "20240102", "eu-west-1", "sqs"), a);
    clearSigningKeyCache();
    assert.equal(signingKeyCacheSize(), 0);
  });

  it("uriEncode", () => {
    assert.equal(uriEncode("abc-_.~XYZ019"), "abc-_.~XYZ019");
    assert.equal(uriEncode("a b+c/d=e&f"), "a%20b%2Bc%2Fd%3De%26f");
    assert.equal(uriEncode("a/b c", true), "a/b%20c");
    assert.equal(uriEncode("!'()*"), "%21%27%28%29%2A");
    assert.equal(uriEncode("ሴ"), "%E1%88%B4");
    assert.equal(uriEncode("%"), "%25");
    assert.throws(() => uriEncode("\ud800"), isValidationError);
  });

  it("canonicalPath", () => {
    assert.equal(canonicalPath("/"), "/");
    assert.equal(canonicalPath(""), "/");
    assert.equal(canonicalPath("/123456789012/my-queue"), "/123456789012/my-queue");
    // Double encoding, as AWS does for every service but S3.
    assert.equal(canonicalPath("/a%20b"), "/a%2520b");
    assert.equal(canonicalPath("/a%20b", true, false), "/a%20b");
    assert.equal(canonicalPath("/a/b/../c/./d//e/"), "/a/c/d/e/");
    assert.equal(canonicalPath("/a/b/.."), "/a/");
    assert.equal(canonicalPath("/a/b/../..", false), "/a/b/../..");
    assert.equal(canonicalPath("/a/.hidden"), "/a/.hidden");
    assert.equal(canonicalPath("/a/..b"), "/a/..b");
  });

  it("canonicalUrlPath (an endpoint's path) gives canonicalPath's result for every path a URL has", () => {
    const parts = ["a", "/", ".", "%2e", "%2F", " ", "\u00e9", "*", "+", "~"];
    let paths = [""];
    // Every path of 1 to 4 of these parts.
    for (let count = 1; count <= 4; count++) {
      paths = paths.flatMap((path) => parts.map((part) => path + part));
      for (const path of paths) {
        const pathname = new URL(`http://127.0.0.1/${path}`).pathname;
        assert.equal(canonicalUrlPath(pathname), canonicalPath(pathname), `path ${JSON.stringify(path)}`);
      }
    }
  });

  it("uriEncode leaves the unreserved characters alone and only them", () => {
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c);
      const unreserved = /[A-Za-z0-9\-_.~]/.test(ch);
      assert.equal(uriEncode(ch) === ch, unreserved, `U+${c.toString(16)}`);
      assert.equal(uriEncode(ch, true) === ch, unreserved || ch === "/", `U+${c.toString(16)} in a path`);
    }
  });

  it("canonicalQuery", () => {
    assert.equal(canonicalQuery(""), "");
    assert.equal(canonicalQuery("b=2&a=1&a=0"), "a=0&a=1&b=2");
    assert.equal(canonicalQuery("flag&x=1"), "flag=&x=1");
    assert.equal(canonicalQuery("k=a%20b&k2=a+b"), "k=a%20b&k2=a%2Bb");
    assert.equal(canonicalQuery("a=1&&b=2&"), "a=1&b=2");
    assert.equal(canonicalQuery("bad=%zz"), "bad=%25zz");
    assert.equal(canonicalQuery("a=x=y"), "a=x%3Dy");
    assert.equal(canonicalQuery("B=1&a=1&_=1"), "B=1&_=1&a=1");
  });

  it("canonicalHeaders: case, duplicates, spaces, unsignable headers", () => {
    const h = canonicalHeaders({
      "X-B": "  two  words   here ",
      host: "h",
      "x-a": "1",
      "X-A": "2",
      "User-Agent": "ua",
      Authorization: "old",
      "x-folded": "a\n   b\tc",
    });
    assert.equal(h.canonical, "host:h\nx-a:1,2\nx-b:two words here\nx-folded:a b c\n");
    assert.equal(h.signed, "host;x-a;x-b;x-folded");
  });

  it("canonicalRequest, stringToSign, signature compose as documented", () => {
    const creq = canonicalRequest("GET", "/", "", "host:example.amazonaws.com\n", "host", EMPTY_SHA256);
    assert.equal(creq, `GET\n/\n\nhost:example.amazonaws.com\n\nhost\n${EMPTY_SHA256}`);
    const sts = stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", creq);
    assert.match(
      sts,
      /^AWS4-HMAC-SHA256\n20150830T123600Z\n20150830\/us-east-1\/service\/aws4_request\n[0-9a-f]{64}$/,
    );
    const key = signingKey(credentials.secretAccessKey, "20150830", "us-east-1", "service");
    assert.match(signature(key, sts), /^[0-9a-f]{64}$/);
  });
});

describe("signature (HMAC from pads made once per key)", () => {
  it("equals HMAC-SHA-256 of node:crypto on generated keys and strings (ASCII, unicode, long, empty)", async () => {
    const { createHmac } = await import("node:crypto");
    let seed = 0x1234567;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const units = ["a", "Z", "0", "\n", "/", "-", "é", "€", "\u{1F600}", "\u007f", "\u0080", "\u0000"];
    // Lengths around the room kept after the inner pad (256 characters).
    const lengths = [0, 1, 55, 56, 63, 64, 119, 120, 130, 200, 255, 256, 257, 400, 5_000];
    for (let round = 0; round < 400; round++) {
      // SigV4 keys are 32 bytes; others (shorter, a block, longer than a block) take the same path or the general one.
      const keyLength = round % 10 === 0 ? [0, 1, 31, 33, 64, 65, 100][random(7)]! : 32;
      const key = new Uint8Array(keyLength).map(() => random(256));
      const length = round % 4 === 0 ? lengths[random(lengths.length)]! : random(200);
      let text = "";
      while (text.length < length) text += random(8) === 0 ? units[random(units.length)]! : units[random(3)]!;
      const expected = createHmac("sha256", key).update(text, "utf8").digest("hex");
      assert.equal(signature(key, text), expected, `round ${round}`);
      // Twice with the same key: the pads are reused, nothing of the last message is left in them.
      assert.equal(
        signature(key, text.slice(0, length >> 1)),
        createHmac("sha256", key)
          .update(text.slice(0, length >> 1), "utf8")
          .digest("hex"),
      );
    }
  });
});

describe("signRequest", () => {
  const base: SignableRequest = {
    method: "POST",
    host: "sqs.eu-west-1.amazonaws.com",
    path: "/",
    query: "",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "AmazonSQS.SendMessage",
    },
    body: '{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/123456789012/q","MessageBody":"hi"}',
  };

  it("returns the request headers plus x-amz-date and authorization, and does not touch the input", () => {
    const before = JSON.stringify(base);
    const headers = signRequest(base, { credentials, region: "eu-west-1", service: "sqs", date });
    assert.equal(JSON.stringify(base), before);
    assert.deepEqual(Object.keys(headers), ["content-type", "x-amz-target", "x-amz-date", "authorization"]);
    assert.equal(headers["x-amz-date"], "20150830T123600Z");
    assert.match(
      headers.authorization!,
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/sqs\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
  });

  it("the same signature whether names are lowercase or not, host given or not", () => {
    const opts = { credentials, region: "eu-west-1", service: "sqs", date };
    const a = signRequestSteps(base, opts);
    const b = signRequestSteps(
      {
        ...base,
        headers: {
          "Content-Type": "application/x-amz-json-1.0",
          "X-Amz-Target": " AmazonSQS.SendMessage",
          Host: "sqs.eu-west-1.amazonaws.com",
        },
      },
      opts,
    );
    assert.equal(a.signature, b.signature);
    assert.equal(a.canonicalRequest, b.canonicalRequest);
  });

  it("uses the injected clock", () => {
    const steps = signRequestSteps(base, {
      credentials,
      region: "eu-west-1",
      service: "sqs",
      date: new Date("2031-12-31T23:59:58.5Z"),
    });
    assert.equal(steps.amzDate, "20311231T235958Z");
    assert.equal(steps.headers["x-amz-date"], "20311231T235958Z");
    assert.equal(steps.credentialScope, "20311231/eu-west-1/sqs/aws4_request");
    const now = signRequest(base, { credentials, region: "eu-west-1", service: "sqs" });
    const t = now["x-amz-date"]!;
    const parsed = Date.UTC(
      +t.slice(0, 4),
      +t.slice(4, 6) - 1,
      +t.slice(6, 8),
      +t.slice(9, 11),
      +t.slice(11, 13),
    );
    assert.ok(Math.abs(parsed - Date.now()) < 120_000);
  });

  it("replaces a previous signature, date and token (re-signing on retry)", () => {
    const opts = {
      credentials: { ...credentials, sessionToken: "TOKEN" },
      region: "eu-west-1",
      service: "sqs",
      date,
    };
    const first = signRequest(base, opts);
    const again = signRequest({ ...base, headers: { ...first, "X-Amz-Date": "19990101T000000Z" } }, opts);
    assert.deepEqual(again, first);
    assert.equal(first["x-amz-security-token"], "TOKEN");
  });

  it("signBody and unsignedPayload", () => {
    const opts = { credentials, region: "eu-west-1", service: "sqs", date };
    const signed = signRequestSteps(base, { ...opts, signBody: true });
    assert.match(signed.headers["x-amz-content-sha256"]!, /^[0-9a-f]{64}$/);
    assert.ok(signed.signedHeaders.includes("x-amz-content-sha256"));
    const unsigned = signRequestSteps(base, { ...opts, signBody: true, unsignedPayload: true });
    assert.equal(unsigned.headers["x-amz-content-sha256"], UNSIGNED_PAYLOAD);
    assert.ok(unsigned.canonicalRequest.endsWith("\n" + UNSIGNED_PAYLOAD));
    // Bytes and text sign alike.
    const bytes = signRequestSteps({ ...base, body: new TextEncoder().encode(base.body as string) }, opts);
    assert.equal(bytes.signature, signRequestSteps(base, opts).signature);
  });

  it("throws without revealing the secret, and rejects missing pieces", () => {
    const secret = "SUPERSECRETVALUE/abc+123";
    const bad = [
      () =>
        signRequest(base, {
          credentials: { accessKeyId: "", secretAccessKey: secret },
          region: "r",
          service: "s",
        }),
      () =>
        signRequest(base, {
          credentials: { accessKeyId: "A", secretAccessKey: "" },
          region: "r",
          service: "s",
        }),
      () =>
        signRequest(base, {
          credentials: { accessKeyId: "A", secretAccessKey: secret },
          region: "",
          service: "s",
        }),
      () =>
        signRequest(base, {
          credentials: { accessKeyId: "A", secretAccessKey: secret },
          region: "r",
          service: "",
        }),
      () =>
        signRequest(base, {
          credentials: { accessKeyId: "A", secretAccessKey: secret, sessionToken: "SESSIONTOKENVALUE" },
          region: "r",
          service: "s",
          date: new Date("nope"),
        }),
      () =>
        presignUrl(base, {
          credentials: { accessKeyId: "A", secretAccessKey: secret, sessionToken: "SESSIONTOKENVALUE" },
          region: "r",
          service: "s",
          expiresInSeconds: 0,
        }),
      () =>
        signRequest(
          { ...base, path: "/\ud800" },
          { credentials: { accessKeyId: "A", secretAccessKey: secret }, region: "r", service: "s" },
        ),
    ];
    for (const f of bad) {
      assert.throws(f, (e: Error) => {
        const text = inspect(e) + String(e.message) + String(e.stack);
        assert.ok(!text.includes("SUPERSECRET"));
        assert.ok(!text.includes("SESSIONTOKENVALUE"));
        return isValidationError(e);
      });
    }
  });

  it("nothing public shows the secret in util.inspect", () => {
    const secret = "INSPECTME-SECRET-0123456789";
    const opts: SigningOptions = {
      credentials: { accessKeyId: "AKID", secretAccessKey: secret },
      region: "eu-west-1",
      service: "sqs",
      date,
    };
    const steps = signRequestSteps(base, opts);
    const presigned = presignQuery(base, { ...opts, expiresInSeconds: 60 });
    const key = signingKey(secret, "20150830", "eu-west-1", "sqs");
    for (const value of [steps, presigned, key, signRequest, signingKey]) {
      assert.ok(!inspect(value, { depth: 10, showHidden: true }).includes("INSPECTME"));
    }
  });
});

describe("signOwnRequest (the fast path)", () => {
  const cases: {
    name: string;
    method: string;
    path: string;
    query: string;
    body: string | Uint8Array;
    service: string;
    extra?: Record<string, string>;
  }[] = [
    {
      name: "POST / with a JSON body",
      method: "POST",
      path: "/",
      query: "",
      body: '{"a":"b"}',
      service: "sqs",
    },
    {
      name: "a query and a byte body",
      method: "PUT",
      path: "/bucket/a%20b",
      query: "x-id=PutObject&b=2&a=1",
      body: new Uint8Array([1, 2, 3, 255]),
      service: "s3",
    },
    {
      name: "GET with an empty body",
      method: "GET",
      path: "/bucket",
      query: "list-type=2&prefix=a%2Fb",
      body: "",
      service: "s3",
    },
  ];
  for (const c of cases) {
    it(`gives the general path's signature: ${c.name}`, () => {
      const headers: Record<string, string> = { host: "h.example.com", "content-type": "x/y", ...c.extra };
      const general = signRequest(
        {
          method: c.method,
          host: "h.example.com",
          path: c.path,
          query: c.query,
          headers: { ...headers },
          body: c.body,
        },
        {
          credentials: { ...credentials, sessionToken: "tok" },
          region: "eu-west-1",
          service: c.service,
          date,
        },
      );
      const own = { ...headers };
      const asSent = c.service === "s3";
      signOwnRequest(
        c.method,
        canonicalPath(c.path, !asSent, !asSent),
        own,
        c.body,
        { ...credentials, sessionToken: "tok" },
        "eu-west-1",
        c.service,
        date,
        canonicalQuery(c.query),
      );
      assert.equal(own.authorization, general.authorization);
    });
  }

  it("gives the general path's signature on every SigV4 suite case it can sign (no signBody, no omitted token)", () => {
    let compared = 0;
    for (const name of caseNames) {
      const c = loadCase(name);
      if (c.options.signBody || c.options.omitSessionToken) continue;
      const general = signRequestSteps(c.request, c.options);
      // The library's own requests carry their headers in canonical form: lowercase, unique,
      // normalized. Those are the headers the general path signed, less the ones it adds.
      const lines = general.canonicalRequest.split("\n");
      const own: Record<string, string> = {};
      for (const line of lines.slice(3, lines.length - 3)) {
        const colon = line.indexOf(":");
        const header = line.slice(0, colon);
        if (header !== "x-amz-date" && header !== "x-amz-security-token") own[header] = line.slice(colon + 1);
      }
      signOwnRequest(
        c.request.method,
        canonicalPath(c.request.path, c.options.normalizePath ?? true, true),
        own,
        c.request.body ?? "",
        c.options.credentials,
        c.options.region,
        c.options.service,
        c.options.date!,
        canonicalQuery(c.request.query ?? ""),
      );
      assert.equal(own.authorization, general.headers.authorization, name);
      assert.equal(own["x-amz-date"], general.headers["x-amz-date"], name);
      compared++;
    }
    assert.ok(compared >= 30, `compared ${compared} cases`);
  });

  it("gives the general path's signature over 600 generated requests (the empty-query fast path and others)", () => {
    // A small seeded generator (mulberry32): the same requests every run.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const text = (chars: string, most: number) =>
      Array.from({ length: Math.floor(random() * (most + 1)) }, () => pick([...chars])).join("");
    const CHARS = "abcXYZ019-_.~ %/+=&é€😀";
    let emptyQueries = 0;
    for (let n = 0; n < 600; n++) {
      const service = pick(["sqs", "sns", "sts", "s3", "execute-api"]);
      const method = pick(["POST", "GET", "PUT", "DELETE", "HEAD"]);
      const path = `/${Array.from({ length: Math.floor(random() * 4) }, () => encodeURIComponent(text(CHARS, 6))).join("/")}`;
      const query =
        random() < 0.5
          ? ""
          : Array.from(
              { length: 1 + Math.floor(random() * 4) },
              () => `${encodeURIComponent(text(CHARS, 5))}=${encodeURIComponent(text(CHARS, 5))}`,
            ).join("&");
      if (query === "") emptyQueries++;
      const headers: Record<string, string> = {
        host: pick(["sqs.eu-west-1.amazonaws.com", "127.0.0.1:4566"]),
      };
      for (let h = Math.floor(random() * 5); h > 0; h--) {
        headers[`x-${text("abcdefgh-", 8) || "h"}`] = text("abc XYZ 0123;:=,/", 12)
          .replace(/ +/g, " ")
          .trim();
      }
      if (random() < 0.5)
        headers["content-type"] = pick(["application/x-amz-json-1.0", "text/xml; charset=utf-8"]);
      const body =
        random() < 0.3
          ? ""
          : random() < 0.5
            ? text(CHARS, 40)
            : Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      const withToken = random() < 0.5 ? { ...credentials, sessionToken: `token/${n}+=` } : credentials;
      const region = pick(["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"]);
      const when = new Date(Date.UTC(2000, 0, 1) + Math.floor(random() * 30 * 365 * 86_400_000));
      const general = signRequest(
        { method, host: headers.host!, path, query, headers: { ...headers }, body },
        { credentials: withToken, region, service, date: when },
      );
      const own = { ...headers };
      const asSent = service === "s3";
      signOwnRequest(
        method,
        canonicalPath(path, !asSent, !asSent),
        own,
        body,
        withToken,
        region,
        service,
        when,
        canonicalQuery(query),
      );
      assert.equal(own.authorization, general.authorization, `request ${n}: ${method} ${path}?${query}`);
    }
    assert.ok(emptyQueries > 200, "many requests take the empty-query path");
  });

  it("signs S3 paths as sent by default (no normalizing, no second encoding), other services' not", () => {
    const request = { method: "GET", host: "h", path: "/a%20b//c/./d", headers: {} };
    const s3 = signRequestSteps(request, { credentials, region: "us-east-1", service: "s3", date });
    assert.equal(s3.canonicalRequest.split("\n")[1], "/a%20b//c/./d");
    const sqs = signRequestSteps(request, { credentials, region: "us-east-1", service: "sqs", date });
    assert.equal(sqs.canonicalRequest.split("\n")[1], "/a%2520b/c/d");
    const explicit = signRequestSteps(request, {
      credentials,
      region: "us-east-1",
      service: "s3",
      date,
      normalizePath: true,
      uriEscapePath: true,
    });
    assert.equal(explicit.canonicalRequest.split("\n")[1], "/a%2520b/c/d");
  });

  it("takes the payload hash from x-amz-content-sha256 when present", () => {
    const body = "hello";
    const general = signRequest(
      { method: "PUT", host: "h", path: "/k", headers: { host: "h" }, body },
      { credentials, region: "us-east-1", service: "s3", date, signBody: true },
    );
    const own: Record<string, string> = {
      host: "h",
      "x-amz-content-sha256": general["x-amz-content-sha256"]!,
    };
    signOwnRequest("PUT", "/k", own, "not hashed", credentials, "us-east-1", "s3", date);
    assert.equal(own.authorization, general.authorization);
  });
});

describe("signOwnRequestAsync (the browser build's path, on Web Crypto)", () => {
  // Run in Node through globalThis.crypto.subtle, as browsers and Workers have it.
  type OwnArgs = Parameters<typeof signOwnRequest>;

  /** Signs the same request on both paths; the headers each produced. */
  async function both(...args: OwnArgs): Promise<[Record<string, string>, Record<string, string>]> {
    const [method, uri, headers, ...rest] = args;
    const sync = { ...headers };
    const async = { ...headers };
    signOwnRequest(method, uri, sync, ...rest);
    await signOwnRequestAsync(method, uri, async, ...rest);
    return [sync, async];
  }

  it("gives the synchronous path's headers on every SigV4 suite case it can sign", async () => {
    let compared = 0;
    for (const name of caseNames) {
      const c = loadCase(name);
      if (c.options.signBody || c.options.omitSessionToken) continue;
      const general = signRequestSteps(c.request, c.options);
      const lines = general.canonicalRequest.split("\n");
      const own: Record<string, string> = {};
      for (const line of lines.slice(3, lines.length - 3)) {
        const colon = line.indexOf(":");
        const header = line.slice(0, colon);
        if (header !== "x-amz-date" && header !== "x-amz-security-token") own[header] = line.slice(colon + 1);
      }
      const [sync, async] = await both(
        c.request.method,
        canonicalPath(c.request.path, c.options.normalizePath ?? true, true),
        own,
        c.request.body ?? "",
        c.options.credentials,
        c.options.region,
        c.options.service,
        c.options.date!,
        canonicalQuery(c.request.query ?? ""),
      );
      assert.deepEqual(async, sync, name);
      assert.equal(async.authorization, general.headers.authorization, name);
      compared++;
    }
    assert.ok(compared >= 30, `compared ${compared} cases`);
  });

  it("gives the synchronous path's headers over 300 generated requests (bodies, tokens, regions, days, several secrets)", async () => {
    clearSigningKeyCacheAsync();
    let seed = 0xc0ffee;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const text = (chars: string, most: number) =>
      Array.from({ length: Math.floor(random() * (most + 1)) }, () => pick([...chars])).join("");
    const CHARS = "abcXYZ019-_.~ %/+=&é€😀";
    // More than the 50 keys the cache holds: evictions on the way.
    const secrets = Array.from({ length: 60 }, (_, i) => `secret-${i}/${"é".repeat(i % 3)}+`);
    for (let n = 0; n < 300; n++) {
      const service = pick(["sqs", "sns", "sts", "s3"]);
      const method = pick(["POST", "GET", "PUT"]);
      const path = `/${encodeURIComponent(text(CHARS, 6))}`;
      const query =
        random() < 0.5 ? "" : `${encodeURIComponent(text(CHARS, 5))}=${encodeURIComponent(text(CHARS, 5))}`;
      const headers: Record<string, string> = {
        host: pick(["sqs.eu-west-1.amazonaws.com", "127.0.0.1:4566"]),
      };
      if (random() < 0.5) headers["content-type"] = "application/x-amz-json-1.0";
      if (random() < 0.1) headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
      const body =
        random() < 0.3
          ? ""
          : random() < 0.5
            ? text(CHARS, 200)
            : Uint8Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256));
      const creds = {
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: pick(secrets),
        ...(random() < 0.5 ? { sessionToken: `token/${n}+=` } : {}),
      };
      const region = pick(["us-east-1", "eu-west-1", "cn-north-1"]);
      const when = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 5 * 86_400_000));
      const [sync, async] = await both(
        method,
        canonicalPath(path, service !== "s3", service !== "s3"),
        headers,
        body,
        creds,
        region,
        service,
        when,
        canonicalQuery(query),
      );
      assert.deepEqual(async, sync, `request ${n}: ${method} ${path}?${query}`);
    }
  });

  it("writes the synchronous path's x-amz-date at the ends of years 0 to 9999, and refuses the dates it refuses", async () => {
    const edges = [
      -62167219200000,
      -62167219199999,
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      0,
      Date.UTC(2024, 1, 29, 9, 8, 7, 6),
      253402300799999,
    ];
    for (const ms of edges) {
      const [sync, async] = await both(
        "POST",
        "/",
        { host: "h" },
        "{}",
        credentials,
        "eu-west-1",
        "sqs",
        new Date(ms),
      );
      assert.deepEqual(async, sync, new Date(ms).toISOString());
    }
    for (const bad of [new Date(Number.NaN), new Date(-62167219200001), new Date(253402300800000)]) {
      const sync = (() => {
        try {
          signOwnRequest("POST", "/", { host: "h" }, "{}", credentials, "eu-west-1", "sqs", bad);
        } catch (error) {
          return error as Error;
        }
      })();
      assert.ok(isValidationError(sync));
      await assert.rejects(
        signOwnRequestAsync("POST", "/", { host: "h" }, "{}", credentials, "eu-west-1", "sqs", bad),
        (error: Error) => isValidationError(error) && error.message === sync.message,
      );
    }
  });

  it("shares one key derivation among concurrent requests, and signs alike after the cache is cleared", async () => {
    clearSigningKeyCacheAsync();
    const signed = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const headers: Record<string, string> = { host: "h" };
        await signOwnRequestAsync("POST", "/", headers, "{}", credentials, "eu-west-1", "sqs", date);
        return headers.authorization;
      }),
    );
    assert.equal(new Set(signed).size, 1);
    clearSigningKeyCacheAsync();
    const again: Record<string, string> = { host: "h" };
    await signOwnRequestAsync("POST", "/", again, "{}", credentials, "eu-west-1", "sqs", date);
    assert.equal(again.authorization, signed[0]);
  });

  it("rejects, saying why, where there is no crypto.subtle (a browser page that is not a secure context)", async () => {
    clearSigningKeyCacheAsync();
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, "crypto")!;
    Object.defineProperty(globalThis, "crypto", { value: {}, configurable: true });
    try {
      await assert.rejects(
        signOwnRequestAsync("POST", "/", { host: "h" }, "{}", credentials, "eu-west-1", "sqs", date),
        /crypto\.subtle.*secure contexts/,
      );
    } finally {
      Object.defineProperty(globalThis, "crypto", descriptor);
    }
    // The failure is not kept: with Web Crypto back, signing works.
    const headers: Record<string, string> = { host: "h" };
    await signOwnRequestAsync("POST", "/", headers, "{}", credentials, "eu-west-1", "sqs", date);
    assert.match(headers.authorization!, /Signature=[0-9a-f]{64}$/);
  });
});

describe("presignUrl", () => {
  const opts = { credentials, region: "us-east-1", service: "sqs", date, expiresInSeconds: 60 };

  it("takes no headers for a GET", () => {
    const url = new URL(presignUrl({ method: "GET", host: "sqs.us-east-1.amazonaws.com", path: "/" }, opts));
    assert.equal(url.searchParams.get("X-Amz-SignedHeaders"), "host");
    assert.equal(
      presignUrl({ method: "GET", host: "sqs.us-east-1.amazonaws.com", path: "/" }, opts),
      presignUrl({ method: "GET", host: "sqs.us-east-1.amazonaws.com", path: "/", headers: {} }, opts),
    );
  });

  it("takes a scheme before the host: https as without one, http for an emulator", () => {
    const plain = presignUrl({ method: "GET", host: "h.example", path: "/q" }, opts);
    assert.ok(plain.startsWith("https://h.example/q?"));
    assert.equal(presignUrl({ method: "GET", host: "https://h.example", path: "/q" }, opts), plain);
    const local = presignUrl({ method: "GET", host: "http://127.0.0.1:4566", path: "/q" }, opts);
    assert.ok(local.startsWith("http://127.0.0.1:4566/q?"), local);
    // The same signature as for the bare host: the scheme is not signed.
    const bare = new URL(presignUrl({ method: "GET", host: "127.0.0.1:4566", path: "/q" }, opts));
    assert.equal(
      new URL(local).searchParams.get("X-Amz-Signature"),
      bare.searchParams.get("X-Amz-Signature"),
    );
  });

  it("rejects bad input with a ValidationError naming the field", () => {
    const cases: [SignableRequest, string][] = [
      [{ method: "GET", host: "https://h.example/path", path: "/" }, "host"],
      [{ method: "GET", host: "ftp://h.example", path: "/" }, "host"],
      [{ method: "GET", host: "", path: "/" }, "host"],
      [{ method: "GET", host: "h.example", path: "q" }, "path"],
      [{ method: "", host: "h.example", path: "/" }, "method"],
    ];
    for (const [request, field] of cases) {
      assert.throws(
        () => presignUrl(request, opts),
        (e: unknown) => isValidationError(e) && e.field === field && e.message.includes(field),
        `${field}: ${JSON.stringify(request)}`,
      );
    }
    for (const [options, field] of [
      [{ ...opts, region: "" }, "region"],
      [{ ...opts, service: undefined as unknown as string }, "service"],
      [
        { ...opts, credentials: { AccessKeyId: "A", SecretAccessKey: "SUPERSECRET" } as never },
        "credentials",
      ],
    ] as const) {
      assert.throws(
        () => presignUrl({ method: "GET", host: "h", path: "/" }, options),
        (e: unknown) => isValidationError(e) && e.field === field && !e.message.includes("SUPERSECRET"),
      );
    }
  });

  it("holds the X-Amz parameters, the expiry and the token", () => {
    const url = new URL(
      presignUrl(
        {
          method: "GET",
          host: "sqs.eu-west-1.amazonaws.com",
          path: "/123/q",
          query: "Action=ListQueues",
          headers: {},
        },
        {
          credentials: { ...credentials, sessionToken: "tok/+=" },
          region: "eu-west-1",
          service: "sqs",
          date,
          expiresInSeconds: 900,
        },
      ),
    );
    assert.equal(url.origin + url.pathname, "https://sqs.eu-west-1.amazonaws.com/123/q");
    const q = url.searchParams;
    assert.equal(q.get("Action"), "ListQueues");
    assert.equal(q.get("X-Amz-Algorithm"), "AWS4-HMAC-SHA256");
    assert.equal(q.get("X-Amz-Credential"), "AKIDEXAMPLE/20150830/eu-west-1/sqs/aws4_request");
    assert.equal(q.get("X-Amz-Date"), "20150830T123600Z");
    assert.equal(q.get("X-Amz-Expires"), "900");
    assert.equal(q.get("X-Amz-SignedHeaders"), "host");
    assert.equal(q.get("X-Amz-Security-Token"), "tok/+=");
    assert.match(q.get("X-Amz-Signature")!, /^[0-9a-f]{64}$/);
  });

  it("presignQuery gives the steps behind the URL", () => {
    const r = presignQuery(
      { method: "GET", host: "example.amazonaws.com", path: "/", headers: {} },
      { credentials, region: "us-east-1", service: "service", date, expiresInSeconds: 3600 },
    );
    assert.ok(r.url.endsWith("&X-Amz-Signature=" + r.signature));
    assert.equal(r.url, "https://example.amazonaws.com/?" + r.query);
    assert.ok(r.canonicalRequest.includes("X-Amz-Expires=3600"));
    assert.equal(r.stringToSign.split("\n")[2], r.credentialScope);
  });

  it("rejects bad expiries", () => {
    const req: SignableRequest = { method: "GET", host: "h", path: "/", headers: {} };
    for (const expiresInSeconds of [0, -1, 1.5, 604801, Number.NaN]) {
      assert.throws(
        () => presignUrl(req, { credentials, region: "r", service: "s", expiresInSeconds }),
        (e: unknown) =>
          isValidationError(e) && e.field === "expiresInSeconds" && Object.is(e.value, expiresInSeconds),
      );
    }
    assert.ok(presignUrl(req, { credentials, region: "r", service: "s", expiresInSeconds: 604800 }));
  });
});
