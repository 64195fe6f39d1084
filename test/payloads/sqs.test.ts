// Large payloads through S3 on SQS, end to end on fauxqs; every S3 request goes through a proxy
// that checks its signature with an independent SigV4 implementation.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isChecksumError, isPayloadNotFoundError, isValidationError } from "../../src/core/errors.js";
import { payloadErrorOf } from "../../src/payloads/errors.js";
import type { S3 } from "../../src/s3/index.js";
import { SQS } from "../../src/sqs/sqs.js";
import type { Message } from "../../src/sqs/types.js";
import { type Emulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { type PayloadBench, type S3Proxy, startPayloadBench } from "../helpers/s3-proxy.js";
import { caught } from "../helpers/sqs.js";

let bench: PayloadBench;
let emulator: Emulator;
let proxy: S3Proxy;
let plain: SQS;
let s3: S3;
const bucket = uniqueName("payloads").toLowerCase();

function large(options: Record<string, unknown> = {}): SQS {
  return new SQS({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    largePayloads: { bucket, s3: { endpoint: proxy.endpoint }, ...options },
  });
}

async function newQueue(): Promise<string> {
  const { QueueUrl } = await plain.createQueue({
    QueueName: uniqueName("large"),
    Attributes: { VisibilityTimeout: "2" },
  });
  return QueueUrl!;
}

async function keys(): Promise<string[]> {
  const listed = await s3.listObjectsV2({ Bucket: bucket });
  return (listed.Contents ?? []).map((o) => o.Key!);
}

async function receiveRaw(QueueUrl: string): Promise<Message[]> {
  const { Messages = [] } = await plain.receiveMessage({
    QueueUrl,
    MessageAttributeNames: ["All"],
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 1,
  });
  return Messages;
}

before(async () => {
  bench = await startPayloadBench(bucket);
  ({ emulator, proxy, s3 } = bench);
  plain = new SQS({ endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(async () => {
  assert.ok(proxy.requests.length > 10);
  await bench.close();
});

describe("SQS with largePayloads", () => {
  it("a large body goes through S3 as the extended clients write it, and comes back whole", async () => {
    const QueueUrl = await newQueue();
    const sqs = large();
    const body = `${"é".repeat(600_000)}end`; // 1,200,003 bytes
    const before = new Set(await keys());
    await sqs.sendMessage({
      QueueUrl,
      MessageBody: body,
      MessageAttributes: { color: { DataType: "String", StringValue: "blue" } },
    });
    const added = (await keys()).filter((k) => !before.has(k));
    assert.equal(added.length, 1);
    // What SQS carries: the pointer and the marker.
    const [raw] = await receiveRaw(QueueUrl);
    assert.ok(raw);
    assert.equal(
      raw.Body,
      `["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"${bucket}","s3Key":"${added[0]}"}]`,
    );
    assert.deepEqual(raw.MessageAttributes?.ExtendedPayloadSize, {
      DataType: "Number",
      StringValue: "1200003",
    });
    assert.deepEqual(raw.MessageAttributes?.color, { DataType: "String", StringValue: "blue" });
    await plain.changeMessageVisibility({
      QueueUrl,
      ReceiptHandle: raw.ReceiptHandle!,
      VisibilityTimeout: 0,
    });
    // What the client gives: the message as sent.
    const { Messages = [] } = await sqs.receiveMessage({
      QueueUrl,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ["color"],
    });
    assert.equal(Messages.length, 1);
    const message = Messages[0]!;
    assert.equal(message.Body, body);
    assert.deepEqual(message.MessageAttributes, { color: { DataType: "String", StringValue: "blue" } });
    assert.ok(message.ReceiptHandle!.startsWith(`-..s3BucketName..-${bucket}-..s3BucketName..--..s3Key..-`));
    assert.equal(payloadErrorOf(message), undefined);
    // Visibility changes and deletes take the handle; the delete removes the object too.
    await sqs.changeMessageVisibility({
      QueueUrl,
      ReceiptHandle: message.ReceiptHandle!,
      VisibilityTimeout: 5,
    });
    await sqs.deleteMessage({ QueueUrl, ReceiptHandle: message.ReceiptHandle! });
    assert.ok(!(await keys()).includes(added[0]!));
  });

  it("small messages go as they are; alwaysThroughS3, keyPrefix and the legacy marker name", async () => {
    const QueueUrl = await newQueue();
    await large().sendMessage({ QueueUrl, MessageBody: "small" });
    await large({ alwaysThroughS3: true, keyPrefix: "tiny/", legacyAttributeName: true }).sendMessage({
      QueueUrl,
      MessageBody: "tiny",
    });
    const raws = await receiveRaw(QueueUrl);
    const small = raws.find((m) => m.Body === "small");
    assert.ok(small);
    assert.equal(small.MessageAttributes, undefined);
    const tiny = raws.find((m) => m.Body !== "small");
    assert.ok(tiny);
    assert.match(tiny.Body!, /"s3Key":"tiny\/[0-9a-f-]{36}"/);
    assert.deepEqual(tiny.MessageAttributes, {
      SQSLargePayloadSize: { DataType: "Number", StringValue: "4" },
    });
  });

  it("counts attributes toward the threshold", async () => {
    const QueueUrl = await newQueue();
    const sqs = large({ thresholdBytes: 100 });
    // 90 bytes of body, 16 of attribute: over 100.
    await sqs.sendMessage({
      QueueUrl,
      MessageBody: "x".repeat(90),
      MessageAttributes: { a: { DataType: "String", StringValue: "123456789" } },
    });
    const [raw] = await receiveRaw(QueueUrl);
    assert.ok(raw?.Body?.startsWith('["software.amazon.payloadoffloading.PayloadS3Pointer"'));
  });

  it("bad input is a ValidationError before anything is uploaded or sent", async () => {
    const QueueUrl = await newQueue();
    const sqs = large({ thresholdBytes: 50 });
    const uploads = proxy.requests.filter((r) => r.method === "PUT").length;
    const big = "y".repeat(100);
    const attributes = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`a${i}`, { DataType: "String", StringValue: "v" }]),
      );
    const cases: [Record<string, unknown>, string][] = [
      [
        { MessageAttributes: { ExtendedPayloadSize: { DataType: "Number", StringValue: "1" } } },
        "MessageAttributes.ExtendedPayloadSize",
      ],
      [
        { MessageAttributes: { SQSLargePayloadSize: { DataType: "Number", StringValue: "1" } } },
        "MessageAttributes.SQSLargePayloadSize",
      ],
      [{ MessageAttributes: attributes(10) }, "MessageAttributes"],
      [
        { MessageAttributes: { a: { DataType: "String", StringValue: "z".repeat(60) } } },
        "MessageAttributes",
      ],
      [{ DelaySeconds: 901 }, "DelaySeconds"],
    ];
    for (const [extra, field] of cases) {
      const error = await caught(() => sqs.sendMessage({ QueueUrl, MessageBody: big, ...extra }));
      assert.ok(isValidationError(error), String(error));
      assert.equal(error.field, field);
      assert.equal(error.operation, "SendMessage");
    }
    const batch = await caught(() =>
      sqs.sendMessageBatch({
        QueueUrl,
        Entries: [
          { Id: "1", MessageBody: big },
          { Id: "2", MessageBody: big, MessageAttributes: attributes(10) },
        ],
      }),
    );
    assert.ok(isValidationError(batch));
    assert.equal(batch.field, "Entries[1].MessageAttributes");
    assert.equal(proxy.requests.filter((r) => r.method === "PUT").length, uploads, "nothing uploaded");
    assert.deepEqual(await receiveRaw(QueueUrl), [], "nothing sent");
  });

  it("batches: each entry offloaded or not; deleting a batch deletes only the objects of deleted messages", async () => {
    const QueueUrl = await newQueue();
    const sqs = large({ thresholdBytes: 1000 });
    const before = new Set(await keys());
    const sent = await sqs.sendMessageBatch({
      QueueUrl,
      Entries: [
        { Id: "small", MessageBody: "s" },
        { Id: "big1", MessageBody: "1".repeat(5000) },
        { Id: "big2", MessageBody: "2".repeat(5000) },
      ],
    });
    assert.equal(sent.Successful?.length, 3);
    const added = (await keys()).filter((k) => !before.has(k));
    assert.equal(added.length, 2, JSON.stringify([...before, "|", ...added]));
    const got: Message[] = [];
    for (let i = 0; i < 5 && got.length < 3; i++) {
      const { Messages = [] } = await sqs.receiveMessage({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      });
      got.push(...Messages);
    }
    assert.deepEqual(got.map((m) => m.Body!.length).sort(), [1, 5000, 5000]);
    const big1 = got.find((m) => m.Body === "1".repeat(5000))!;
    const big2 = got.find((m) => m.Body === "2".repeat(5000))!;
    const small = got.find((m) => m.Body === "s")!;
    await sqs.changeMessageVisibilityBatch({
      QueueUrl,
      Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 10 })),
    });
    const deleted = await sqs.deleteMessageBatch({
      QueueUrl,
      Entries: [
        { Id: "a", ReceiptHandle: big1.ReceiptHandle! },
        { Id: "b", ReceiptHandle: small.ReceiptHandle! },
      ],
    });
    assert.equal(deleted.Successful?.length, 2);
    const left = (await keys()).filter((k) => added.includes(k));
    assert.equal(left.length, 1);
    assert.ok(big2.ReceiptHandle!.includes(left[0]!), "the object of the message not deleted stays");
  });

  it("deleteFromS3: false keeps the objects", async () => {
    const QueueUrl = await newQueue();
    const sqs = large({ alwaysThroughS3: true, deleteFromS3: false });
    await sqs.sendMessage({ QueueUrl, MessageBody: "kept" });
    const { Messages = [] } = await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 1 });
    const key = /-\.\.s3Key\.\.-(.*)-\.\.s3Key\.\.-/.exec(Messages[0]!.ReceiptHandle!)![1]!;
    await sqs.deleteMessage({ QueueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle! });
    assert.ok((await keys()).includes(key));
  });

  it("a missing object or a size that differs: the message comes as SQS carried it, with the error", async () => {
    const QueueUrl = await newQueue();
    const sqs = large({ alwaysThroughS3: true, deleteFromS3: false });
    await sqs.sendMessage({ QueueUrl, MessageBody: "will vanish" });
    const [raw] = await receiveRaw(QueueUrl);
    const key = /"s3Key":"([^"]+)"/.exec(raw!.Body!)![1]!;
    await s3.deleteObject({ Bucket: bucket, Key: key });
    await plain.changeMessageVisibility({
      QueueUrl,
      ReceiptHandle: raw!.ReceiptHandle!,
      VisibilityTimeout: 0,
    });
    const { Messages = [] } = await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 1 });
    const message = Messages[0]!;
    const error = payloadErrorOf(message);
    assert.ok(isPayloadNotFoundError(error), String(error));
    assert.equal(error.bucket, bucket);
    assert.equal(error.key, key);
    assert.equal(message.Body, raw!.Body);
    assert.ok(message.MessageAttributes?.ExtendedPayloadSize);
    await sqs.deleteMessage({ QueueUrl, ReceiptHandle: message.ReceiptHandle! });

    // A marker that gives another size than the object's.
    await s3.putObject({ Bucket: bucket, Key: "sized", Body: new Uint8Array(10) });
    await plain.sendMessage({
      QueueUrl,
      MessageBody: JSON.stringify([
        "software.amazon.payloadoffloading.PayloadS3Pointer",
        { s3BucketName: bucket, s3Key: "sized" },
      ]),
      MessageAttributes: { ExtendedPayloadSize: { DataType: "Number", StringValue: "11" } },
    });
    const again = await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 1 });
    assert.ok(isChecksumError(payloadErrorOf(again.Messages![0]!)));
  });

  it("queue handles: send, receive and delete, transparently", async () => {
    const QueueUrl = await newQueue();
    const queue = large({ thresholdBytes: 10 }).queue(QueueUrl);
    await queue.send({ big: "z".repeat(100) });
    const [message] = await queue.receive({ WaitTimeSeconds: 1 });
    assert.deepEqual(JSON.parse(message!.Body!), { big: "z".repeat(100) });
    await queue.delete(message!);
    assert.deepEqual(await receiveRaw(QueueUrl), []);
  });
});
