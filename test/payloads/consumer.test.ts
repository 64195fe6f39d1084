// Large payloads and the consumer (issue 16): a batch handler gets whole payloads only, and
// messages whose object is missing fail (default) or are deleted (missingObject: "delete").
// On fauxqs; S3 requests go through the signature-checking proxy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isPayloadNotFoundError, isValidationError } from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/sqs.js";
import type { Message } from "../../src/sqs/types.js";
import { type Emulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { type PayloadBench, type S3Proxy, startPayloadBench } from "../helpers/s3-proxy.js";
import { caught } from "../helpers/sqs.js";

let bench: PayloadBench;
let emulator: Emulator;
let proxy: S3Proxy;
let plain: SQS;
const bucket = uniqueName("missing").toLowerCase();

function options(extra: Record<string, unknown> = {}) {
  return {
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    largePayloads: { bucket, s3: { endpoint: proxy.endpoint }, ...extra },
  };
}

/** A message as an extended client writes it, whose object was never written. */
async function sendDangling(QueueUrl: string): Promise<void> {
  await plain.sendMessage({
    QueueUrl,
    MessageBody: JSON.stringify([
      "software.amazon.payloadoffloading.PayloadS3Pointer",
      { s3BucketName: bucket, s3Key: uniqueName("gone") },
    ]),
    MessageAttributes: { ExtendedPayloadSize: { DataType: "Number", StringValue: "5" } },
  });
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 150 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
}

async function counts(QueueUrl: string): Promise<number> {
  const { Attributes } = await plain.getQueueAttributes({
    QueueUrl,
    AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
  });
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

before(async () => {
  bench = await startPayloadBench(bucket);
  ({ emulator, proxy } = bench);
  plain = new SQS({ endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(() => bench.close());

describe("a batch handler with largePayloads", () => {
  it("gets whole payloads; a message whose object is missing fails alone, never handed over", async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("batch") });
    const sqs = new SQS(options({ thresholdBytes: 1000 }));
    const big = "b".repeat(50_000);
    await sqs.queue(QueueUrl!).send(big);
    await sendDangling(QueueUrl!);
    await sqs.queue(QueueUrl!).send("small");
    const handed: string[] = [];
    const failures: unknown[] = [];
    const consumer = sqs.queue(QueueUrl!).consume(
      async (messages: Message[]) => {
        for (const message of messages) handed.push(message.Body!);
      },
      { batch: true, batchSize: 10, waitTimeSeconds: 1, retryDelay: 60, logger: false },
    );
    consumer.on("failed", (_message, error) => failures.push(error));
    await until(() => handed.length >= 2 && failures.length >= 1);
    await consumer.stop();
    assert.deepEqual(handed.sort(), [big, "small"]);
    assert.equal(failures.length, 1);
    assert.ok(isPayloadNotFoundError(failures[0]), String(failures[0]));
  });
});

describe('missingObject: "delete"', () => {
  it("deletes a message whose object is missing as it is received; onError is told", async () => {
    const { QueueUrl } = await plain.createQueue({
      QueueName: uniqueName("delete-missing"),
      Attributes: { VisibilityTimeout: "30" },
    });
    await sendDangling(QueueUrl!);
    await plain.sendMessage({ QueueUrl: QueueUrl!, MessageBody: "kept" });
    const told: unknown[] = [];
    const sqs = new SQS(options({ missingObject: "delete", onError: (error: unknown) => told.push(error) }));
    const handled: string[] = [];
    const consumer = sqs.queue(QueueUrl!).consume(
      async (message) => {
        handled.push(message.Body!);
      },
      { waitTimeSeconds: 1, logger: false },
    );
    await until(() => handled.length >= 1 && told.length >= 1);
    await consumer.stop();
    assert.deepEqual(handled, ["kept"]);
    assert.equal(told.length, 1);
    assert.ok(isPayloadNotFoundError(told[0]));
    // Deleted, not just invisible.
    assert.equal(await counts(QueueUrl!), 0);
  });

  it("receiveMessage leaves such messages out too", async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("receive-missing") });
    await sendDangling(QueueUrl!);
    const sqs = new SQS(options({ missingObject: "delete" }));
    const output = await sqs.receiveMessage({ QueueUrl: QueueUrl!, WaitTimeSeconds: 1 });
    assert.deepEqual(output.Messages ?? [], []);
    assert.equal(await counts(QueueUrl!), 0);
  });

  it('the default, "fail", keeps the message for the redrive policy', async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("keep-missing") });
    await sendDangling(QueueUrl!);
    const sqs = new SQS(options());
    const output = await sqs.receiveMessage({ QueueUrl: QueueUrl!, WaitTimeSeconds: 1 });
    assert.equal(output.Messages?.length, 1);
    assert.equal(await counts(QueueUrl!), 1);
  });

  it("any other value is a ValidationError when the client is made", async () => {
    const error = await caught(async () => new SQS(options({ missingObject: "drop" })));
    assert.ok(isValidationError(error));
    assert.equal(error.field, "largePayloads.missingObject");
  });
});
