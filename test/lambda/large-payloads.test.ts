// sqsHandler with largePayloads (issue 17): records whose body is a pointer are resolved through
// S3 before their handler runs. Lambda events as AWS documents them, a fake context; S3 is
// fauxqs's, behind the signature-checking proxy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isPayloadNotFoundError, isValidationError } from "../../src/core/errors.js";
import type { SqsRecord } from "../../src/lambda/index.js";
import { sqsHandler } from "../../src/lambda/index.js";
import type { S3 } from "../../src/s3/index.js";
import type { SnsQueueMessage } from "../../src/sqs/consumer/sns.js";
import type { Message } from "../../src/sqs/types.js";
import { TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { type PayloadBench, type S3Proxy, startPayloadBench } from "../helpers/s3-proxy.js";
import { caught } from "../helpers/sqs.js";
import { fakeContext, snsEnvelope, sqsEvent, sqsRecord } from "./fixtures.js";

let bench: PayloadBench;
let proxy: S3Proxy;
let s3: S3;
const bucket = uniqueName("lambda").toLowerCase();

function s3Options() {
  return { endpoint: proxy.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
}

const pointer = (key: string) =>
  JSON.stringify([
    "software.amazon.payloadoffloading.PayloadS3Pointer",
    { s3BucketName: bucket, s3Key: key },
  ]);

/** A Lambda record whose body is a pointer to a stored payload (as Lambda presents attributes). */
async function offloaded(n: number, payload: string, key = uniqueName("key")): Promise<SqsRecord> {
  const bytes = new TextEncoder().encode(payload);
  await s3.putObject({ Bucket: bucket, Key: key, Body: bytes });
  return sqsRecord(n, {
    body: pointer(key),
    messageAttributes: {
      ExtendedPayloadSize: {
        stringValue: String(bytes.length),
        stringListValues: [],
        binaryListValues: [],
        dataType: "Number",
      },
      kind: { stringValue: "order", stringListValues: [], binaryListValues: [], dataType: "String" },
    },
  });
}

async function exists(key: string): Promise<boolean> {
  const listed = await s3.listObjectsV2({ Bucket: bucket, Prefix: key });
  return (listed.Contents ?? []).some((o) => o.Key === key);
}

before(async () => {
  bench = await startPayloadBench(bucket);
  ({ proxy, s3 } = bench);
});
after(() => bench.close());

describe("sqsHandler with largePayloads", () => {
  it("hands the handler the payload, the marker removed; keeps the objects by default", async () => {
    const payload = "é".repeat(300_000);
    const key = uniqueName("kept");
    const event = sqsEvent([await offloaded(1, payload, key), sqsRecord(2)]);
    const seen: Message[] = [];
    const handler = sqsHandler(
      async (message) => {
        seen.push(message);
      },
      { largePayloads: { s3: s3Options() } },
    );
    const response = await handler(event, fakeContext());
    assert.deepEqual(response, { batchItemFailures: [] });
    const byId = new Map(seen.map((m) => [m.MessageId, m]));
    const big = byId.get(event.Records[0]!.messageId)!;
    assert.equal(big.Body, payload);
    assert.deepEqual(Object.keys(big.MessageAttributes ?? {}), ["kind"]);
    assert.ok(big.ReceiptHandle?.startsWith("-..s3BucketName..-"), "the handle carries the pointer");
    assert.equal(byId.get(event.Records[1]!.messageId)!.Body, "message 2");
    assert.ok(await exists(key), "kept: Lambda deletes the message after the function answered");
  });

  it("deleteFromS3: true deletes the objects of the records that succeeded, only those", async () => {
    const okKey = uniqueName("ok");
    const failKey = uniqueName("fail");
    const event = sqsEvent([await offloaded(1, "first payload", okKey), await offloaded(2, "boom", failKey)]);
    const handler = sqsHandler(
      async (message) => {
        if (message.Body === "boom") throw new Error("handler failed");
      },
      { largePayloads: { s3: s3Options(), deleteFromS3: true } },
    );
    const response = await handler(event, fakeContext());
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: event.Records[1]!.messageId }]);
    assert.equal(await exists(okKey), false);
    assert.equal(await exists(failKey), true);
  });

  it("a missing object fails its record without the handler; missingObject: delete lets Lambda delete it", async () => {
    const dangling = sqsRecord(1, {
      body: pointer(uniqueName("never-written")),
      messageAttributes: {
        SQSLargePayloadSize: {
          stringValue: "5",
          stringListValues: [],
          binaryListValues: [],
          dataType: "Number",
        },
      },
    });
    const event = sqsEvent([dangling, sqsRecord(2)]);
    let handled = 0;
    const failures: unknown[] = [];
    const failing = sqsHandler(
      async () => {
        handled++;
      },
      { largePayloads: { s3: s3Options() } },
    );
    failing.on("failed", (_message, error) => failures.push(error));
    const failed = await failing(event, fakeContext());
    assert.deepEqual(failed.batchItemFailures, [{ itemIdentifier: dangling.messageId }]);
    assert.equal(handled, 1);
    assert.ok(isPayloadNotFoundError(failures[0]), String(failures[0]));

    const told: unknown[] = [];
    const deleting = sqsHandler(
      async () => {
        handled++;
      },
      {
        largePayloads: { s3: s3Options(), missingObject: "delete", onError: (error) => told.push(error) },
      },
    );
    const deleted = await deleting(event, fakeContext());
    assert.deepEqual(deleted.batchItemFailures, []);
    assert.equal(handled, 2);
    assert.ok(isPayloadNotFoundError(told[0]));
  });

  it("with unwrapSns, an envelope that wraps a pointer gives the payload as the message", async () => {
    const key = uniqueName("sns");
    const payload = JSON.stringify({ big: "s".repeat(270_000) });
    await s3.putObject({ Bucket: bucket, Key: key, Body: new TextEncoder().encode(payload) });
    const envelope = snsEnvelope(pointer(key), {
      ExtendedPayloadSize: { Type: "Number", Value: String(payload.length) },
      kind: { Type: "String", Value: "order" },
    });
    const event = sqsEvent([sqsRecord(1, { body: JSON.stringify(envelope) })]);
    const seen: SnsQueueMessage[] = [];
    const handler = sqsHandler(
      async (message) => {
        seen.push(message);
      },
      { unwrapSns: true, largePayloads: { s3: s3Options() } },
    );
    assert.deepEqual(await handler(event, fakeContext()), { batchItemFailures: [] });
    assert.equal(seen[0]?.Message, payload);
    assert.equal(await exists(key), true, "an SNS envelope's object is shared: never deleted");
  });

  it("checks the option when the handler is made", async () => {
    const error = await caught(() => sqsHandler(async () => {}, { largePayloads: "yes" as never }));
    assert.ok(isValidationError(error));
    assert.equal(error.field, "largePayloads");
    const bad = await caught(() =>
      sqsHandler(async () => {}, { largePayloads: { missingObject: "drop" as never } }),
    );
    assert.ok(isValidationError(bad));
    assert.equal(bad.field, "largePayloads.missingObject");
  });
});
