// Large payloads through the consumer, the iterator and SNS fan-out (raw and enveloped), on
// fauxqs; S3 requests go through the signature-checking proxy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isPayloadNotFoundError, isValidationError } from "../../src/core/errors.js";
import type { S3 } from "../../src/s3/index.js";
import { parseSnsEnvelope, unwrapSnsMessage } from "../../src/sns/envelope.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/sqs.js";
import { type Emulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { type PayloadBench, type S3Proxy, startPayloadBench } from "../helpers/s3-proxy.js";
import { caught } from "../helpers/sqs.js";

let bench: PayloadBench;
let emulator: Emulator;
let proxy: S3Proxy;
let plain: SQS;
let s3: S3;
const bucket = uniqueName("flows").toLowerCase();

function options(extra: Record<string, unknown> = {}) {
  return {
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    largePayloads: { bucket, s3: { endpoint: proxy.endpoint }, ...extra },
  };
}

async function keys(): Promise<string[]> {
  const listed = await s3.listObjectsV2({ Bucket: bucket });
  return (listed.Contents ?? []).map((o) => o.Key!);
}

before(async () => {
  bench = await startPayloadBench(bucket);
  ({ emulator, proxy, s3 } = bench);
  plain = new SQS({ endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(() => bench.close());

describe("the consumer and the iterator with largePayloads", () => {
  it("hands the handler the whole body, then deletes the message and its object", async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("consume") });
    const sqs = new SQS(options({ thresholdBytes: 1000 }));
    const body = "c".repeat(300_000);
    await sqs.queue(QueueUrl!).send(body);
    const added = await keys();
    const bodies: string[] = [];
    const consumer = sqs.queue(QueueUrl!).consume(
      async (message) => {
        bodies.push(message.Body!);
      },
      { waitTimeSeconds: 1, logger: false },
    );
    for (let i = 0; i < 100 && bodies.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await consumer.stop();
    assert.deepEqual(bodies, [body]);
    const left = await keys();
    assert.ok(added.length > 0);
    for (const key of added) assert.ok(!left.includes(key), `deleted: ${key}`);
  });

  it("a message whose object is missing fails without its handler, and redrive moves it to the DLQ", async () => {
    const { QueueUrl: dlq } = await plain.createQueue({ QueueName: uniqueName("dlq") });
    const { Attributes } = await plain.getQueueAttributes({ QueueUrl: dlq!, AttributeNames: ["QueueArn"] });
    const { QueueUrl } = await plain.createQueue({
      QueueName: uniqueName("missing"),
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 1 }),
      },
    });
    await plain.sendMessage({
      QueueUrl: QueueUrl!,
      MessageBody: JSON.stringify([
        "software.amazon.payloadoffloading.PayloadS3Pointer",
        { s3BucketName: bucket, s3Key: "never-written" },
      ]),
      MessageAttributes: { ExtendedPayloadSize: { DataType: "Number", StringValue: "5" } },
    });
    const sqs = new SQS(options());
    let handled = 0;
    const failures: unknown[] = [];
    const consumer = sqs.queue(QueueUrl!).consume(
      async () => {
        handled++;
      },
      { waitTimeSeconds: 1, retryDelay: 0, logger: false },
    );
    consumer.on("failed", (_message, error) => failures.push(error));
    for (let i = 0; i < 100 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await consumer.stop();
    assert.equal(handled, 0);
    assert.ok(isPayloadNotFoundError(failures[0]), String(failures[0]));
    // The next receive finds it over maxReceiveCount: SQS moves it to the dead-letter queue.
    await plain.receiveMessage({ QueueUrl: QueueUrl!, WaitTimeSeconds: 0 });
    const moved = await plain.receiveMessage({ QueueUrl: dlq!, WaitTimeSeconds: 1 });
    assert.equal(moved.Messages?.length, 1);
  });

  it("the iterator yields the whole body", async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("iterate") });
    const sqs = new SQS(options({ alwaysThroughS3: true }));
    await sqs.queue(QueueUrl!).send("through S3");
    for await (const message of sqs.queue(QueueUrl!).messages({ waitTimeSeconds: 1, logger: false })) {
      assert.equal(message.Body, "through S3");
      await message.ack();
      break;
    }
  });
});

describe("SNS with largePayloads", () => {
  it("publishes through S3; raw and enveloped subscribers both read the message as published", async () => {
    const sns = new SNS(options({ thresholdBytes: 1000 }));
    const reader = new SQS(options({ deleteFromS3: false }));
    const topic = sns.topic(uniqueName("large-topic"), { create: true });
    const { QueueUrl: rawUrl } = await plain.createQueue({ QueueName: uniqueName("raw") });
    const { QueueUrl: envUrl } = await plain.createQueue({ QueueName: uniqueName("env") });
    await topic.subscribeQueue(reader.queue(rawUrl!), { raw: true });
    await topic.subscribeQueue(reader.queue(envUrl!));
    const message = `{"big":"${"s".repeat(5000)}"}`;
    await topic.publish(message, {
      MessageAttributes: { kind: { DataType: "String", StringValue: "order" } },
    });
    await sns.publishBatch({
      TopicArn: await topic.arn(),
      PublishBatchRequestEntries: [{ Id: "1", Message: message }],
    });

    // What SQS carries: the pointer, the marker.
    const carried = await plain.receiveMessage({
      QueueUrl: rawUrl!,
      MessageAttributeNames: ["All"],
      WaitTimeSeconds: 1,
    });
    assert.ok(
      carried.Messages?.[0]?.Body?.startsWith('["software.amazon.payloadoffloading.PayloadS3Pointer"'),
    );
    assert.ok(carried.Messages?.[0]?.MessageAttributes?.ExtendedPayloadSize);
    await plain.changeMessageVisibility({
      QueueUrl: rawUrl!,
      ReceiptHandle: carried.Messages![0]!.ReceiptHandle!,
      VisibilityTimeout: 0,
    });

    const raw = await reader
      .queue(rawUrl!)
      .receive({ WaitTimeSeconds: 1, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] });
    assert.equal(raw.length, 2);
    for (const m of raw) {
      assert.equal(m.Body, message);
      assert.equal(unwrapSnsMessage(m).message, message);
    }
    const enveloped = await reader.queue(envUrl!).receive({ WaitTimeSeconds: 1, MaxNumberOfMessages: 10 });
    assert.equal(enveloped.length, 2);
    for (const m of enveloped) {
      const envelope = parseSnsEnvelope(m.Body!);
      assert.ok(envelope);
      assert.equal(envelope.Message, message);
      assert.ok(!envelope.MessageAttributes || !("ExtendedPayloadSize" in envelope.MessageAttributes));
      assert.equal(unwrapSnsMessage(m).message, message);
      // Fan-out: the envelope's object is never deleted from a subscriber.
      await reader.queue(envUrl!).delete(m);
    }
    assert.ok((await keys()).length >= 2);
  });

  it('refuses MessageStructure "json" for a message that goes through S3, and reserved names', async () => {
    const sns = new SNS(options({ thresholdBytes: 100 }));
    const TopicArn = "arn:aws:sns:us-east-1:000000000000:t";
    const json = await caught(() =>
      sns.publish({
        TopicArn,
        Message: JSON.stringify({ default: "x".repeat(200) }),
        MessageStructure: "json",
      }),
    );
    assert.ok(isValidationError(json));
    assert.equal(json.field, "MessageStructure");
    const reserved = await caught(() =>
      sns.publish({
        TopicArn,
        Message: "m",
        MessageAttributes: { SQSLargePayloadSize: { DataType: "Number", StringValue: "1" } },
      }),
    );
    assert.ok(isValidationError(reserved));
  });
});
