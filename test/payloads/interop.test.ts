// Interoperability with AWS's extended client libraries: messages exactly as the Java and Python
// libraries write them, read by asyncaws; messages asyncaws writes, read by a reference reader
// that follows the libraries' rules and shares no code with asyncaws.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { S3 } from "../../src/s3/index.js";
import { SQS } from "../../src/sqs/sqs.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { referenceRead } from "../helpers/reference-reader.js";

let emulator: Emulator;
let plain: SQS;
let s3: S3;
const bucket = uniqueName("interop").toLowerCase();

before(async () => {
  emulator = await startEmulator();
  const options = { endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
  plain = new SQS(options);
  s3 = new S3(options);
  await s3.createBucket({ Bucket: bucket });
});
after(() => emulator.stop());

function reader(extra: Record<string, unknown> = {}): SQS {
  return new SQS({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    largePayloads: { bucket, ...extra },
  });
}

async function newQueue(): Promise<string> {
  const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("interop") });
  return QueueUrl!;
}

/** The fixtures: what each library puts on the queue for a payload in S3. */
const FIXTURES = [
  {
    name: "Java SQS extended client 2.x (payload-offloading-java-common-lib, legacy marker by default)",
    body: (b: string, k: string) =>
      `["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"${b}","s3Key":"${k}"}]`,
    marker: "SQSLargePayloadSize",
  },
  {
    name: "Java SQS extended client 1.x (MessageS3Pointer)",
    body: (b: string, k: string) =>
      `["com.amazon.sqs.javamessaging.MessageS3Pointer",{"s3BucketName":"${b}","s3Key":"${k}"}]`,
    marker: "SQSLargePayloadSize",
  },
  {
    name: "Python extended client (json.dumps: spaced)",
    body: (b: string, k: string) =>
      `["software.amazon.payloadoffloading.PayloadS3Pointer", {"s3BucketName": "${b}", "s3Key": "${k}"}]`,
    marker: "ExtendedPayloadSize",
  },
  {
    name: "Java SNS extended client, raw delivery",
    body: (b: string, k: string) =>
      `["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"${b}","s3Key":"${k}"}]`,
    marker: "ExtendedPayloadSize",
  },
];

describe("reading what the AWS libraries write", () => {
  for (const fixture of FIXTURES) {
    it(fixture.name, async () => {
      const QueueUrl = await newQueue();
      const payload = `{"payload":"${"p".repeat(300_000)}","é":true}`;
      const bytes = new TextEncoder().encode(payload);
      const key = `fixtures/${uniqueName("k")}`;
      await s3.putObject({ Bucket: bucket, Key: key, Body: bytes });
      await plain.sendMessage({
        QueueUrl,
        MessageBody: fixture.body(bucket, key),
        MessageAttributes: {
          [fixture.marker]: { DataType: "Number", StringValue: String(bytes.length) },
          origin: { DataType: "String", StringValue: "java" },
        },
      });
      const sqs = reader();
      const { Messages = [] } = await sqs.receiveMessage({
        QueueUrl,
        MessageAttributeNames: ["All"],
        WaitTimeSeconds: 1,
      });
      assert.equal(Messages.length, 1);
      const message = Messages[0]!;
      assert.equal(message.Body, payload);
      assert.deepEqual(message.MessageAttributes, { origin: { DataType: "String", StringValue: "java" } });
      await sqs.deleteMessage({ QueueUrl, ReceiptHandle: message.ReceiptHandle! });
      const listed = await s3.listObjectsV2({ Bucket: bucket, Prefix: key });
      assert.equal(listed.KeyCount, 0, "the object went with the message");
    });
  }

  it("receipt handles with the libraries' markers, made elsewhere, are stripped for SQS", async () => {
    const QueueUrl = await newQueue();
    await s3.putObject({ Bucket: bucket, Key: "handle-key", Body: new Uint8Array([104, 105]) });
    await plain.sendMessage({ QueueUrl, MessageBody: "carried" });
    const { Messages = [] } = await plain.receiveMessage({ QueueUrl, WaitTimeSeconds: 1 });
    // As the Java library builds it from the received message's handle.
    const handle = `-..s3BucketName..-${bucket}-..s3BucketName..--..s3Key..-handle-key-..s3Key..-${Messages[0]!.ReceiptHandle}`;
    const sqs = reader();
    await sqs.changeMessageVisibility({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 });
    const again = await plain.receiveMessage({ QueueUrl, WaitTimeSeconds: 1 });
    const fresh = `-..s3BucketName..-${bucket}-..s3BucketName..--..s3Key..-handle-key-..s3Key..-${again.Messages![0]!.ReceiptHandle}`;
    await sqs.deleteMessageBatch({ QueueUrl, Entries: [{ Id: "1", ReceiptHandle: fresh }] });
    assert.deepEqual((await plain.receiveMessage({ QueueUrl, WaitTimeSeconds: 0 })).Messages ?? [], []);
    assert.equal((await s3.listObjectsV2({ Bucket: bucket, Prefix: "handle-key" })).KeyCount, 0);
  });
});

describe("what asyncaws writes, read by the reference reader", () => {
  for (const legacyAttributeName of [false, true]) {
    it(`offloaded and small messages${legacyAttributeName ? ", legacy marker name" : ""}`, async () => {
      const QueueUrl = await newQueue();
      const sqs = reader({ thresholdBytes: 2000, legacyAttributeName, keyPrefix: "ref/" });
      const big = `${"ü".repeat(3000)}!`;
      await sqs.sendMessage({
        QueueUrl,
        MessageBody: big,
        MessageAttributes: { kind: { DataType: "String", StringValue: "big" } },
      });
      await sqs.sendMessageBatch({
        QueueUrl,
        Entries: [
          { Id: "s", MessageBody: "small" },
          {
            Id: "b",
            MessageBody: big,
            MessageAttributes: { kind: { DataType: "String", StringValue: "batch" } },
          },
        ],
      });
      const read = [];
      for (let i = 0; i < 5 && read.length < 3; i++)
        read.push(...(await referenceRead(emulator.endpoint, QueueUrl)));
      assert.equal(read.length, 3);
      const small = read.find((m) => m.body === "small");
      assert.ok(small && !small.pointer);
      const offloaded = read.filter((m) => m.pointer);
      assert.equal(offloaded.length, 2);
      for (const m of offloaded) {
        assert.equal(m.body, big);
        assert.equal(m.pointer!.bucket, bucket);
        assert.match(m.pointer!.key, /^ref\/[0-9a-f-]{36}$/);
        assert.equal(m.pointer!.marker, legacyAttributeName ? "SQSLargePayloadSize" : "ExtendedPayloadSize");
      }
      assert.deepEqual(offloaded.map((m) => m.attributes.kind).sort(), ["batch", "big"]);
    });
  }
});
