// `asyncaws tail --large-payloads` (issue 19): bodies stored in S3 by an extended client shown
// in place of their pointers; without the option, a note says such messages are there. The bin
// runs in a child process against fauxqs (which serves S3 beside SQS).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MessageRecord } from "../../src/cli/messages.js";
import { S3 } from "../../src/s3/index.js";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { cli, counts, createQueue, emulator, ndjson, useEmulator } from "./helpers.js";

useEmulator();

describe("tail --large-payloads", () => {
  it("shows the payloads, deletes their objects with --delete; without it, notes the pointers", async () => {
    const options = { endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
    const bucket = uniqueName("tail").toLowerCase();
    const s3 = new S3(options);
    await s3.createBucket({ Bucket: bucket });
    const { name, url, queue } = await createQueue("tail-large");
    const writer = new SQS({ ...options, largePayloads: { bucket, thresholdBytes: 1000 } });
    const payload = JSON.stringify({ kind: "scan", data: "x".repeat(20_000) });
    await writer.queue(url).send(payload, {
      MessageAttributes: { kind: { DataType: "String", StringValue: "scan" } },
    });
    await writer.queue(url).send("small");
    const stored = async () => (await s3.listObjectsV2({ Bucket: bucket })).Contents?.length ?? 0;
    assert.equal(await stored(), 1);

    const plain = await cli(["tail", name, "-o", "ndjson"]);
    assert.equal(plain.code, 0, plain.stderr);
    const pointers = ndjson<MessageRecord>(plain.stdout);
    assert.equal(pointers.length, 2);
    assert.ok(
      pointers.some((r) => r.Body.startsWith('["software.amazon.payloadoffloading.PayloadS3Pointer"')),
    );
    assert.match(plain.stderr, /--large-payloads shows the payloads/);

    const resolved = await cli([
      "tail",
      name,
      "--large-payloads",
      "--where",
      "kind=scan",
      "--delete",
      "-o",
      "ndjson",
    ]);
    assert.equal(resolved.code, 0, resolved.stderr);
    const records = ndjson<MessageRecord>(resolved.stdout);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.Body, payload);
    assert.deepEqual(Object.keys(records[0]!.MessageAttributes ?? {}), ["kind"], "the marker removed");
    assert.doesNotMatch(resolved.stderr, /--large-payloads shows/);
    assert.match(resolved.stderr, /1 shown, 1 skipped by the filter, 1 deleted, 1 released/);
    assert.equal(await stored(), 0, "the object went with its message");
    assert.deepEqual(await counts(queue), { visible: 1, inFlight: 0 });
  });

  it("--keep-objects without --large-payloads is bad usage", async () => {
    const result = await cli(["tail", "anything", "--keep-objects"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--keep-objects goes with --large-payloads/);
  });
});
