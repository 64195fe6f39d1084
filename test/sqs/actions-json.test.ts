// The 17 SQS actions fauxqs serves, over AWS JSON 1.0, as real round trips against the emulator.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isServiceError } from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/sqs.js";
import type { MessageAttributeValue } from "../../src/sqs/types.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { caught, md5, referenceMd5OfAttributes } from "../helpers/sqs.js";

let emulator: Emulator;
let sqs: SQS;

before(async () => {
  emulator = await startEmulator();
  sqs = new SQS({ endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(() => emulator.stop());

async function newQueue(prefix: string, attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.createQueue(
    attributes
      ? { QueueName: uniqueName(prefix), Attributes: attributes }
      : { QueueName: uniqueName(prefix) },
  );
  assert.equal(typeof QueueUrl, "string");
  return QueueUrl!;
}

describe("queues: CreateQueue, GetQueueUrl, ListQueues, GetQueueAttributes, SetQueueAttributes, DeleteQueue", () => {
  it("creates a queue and finds it by name and by prefix", async () => {
    const name = uniqueName("life");
    const created = await sqs.createQueue({ QueueName: name, Attributes: { VisibilityTimeout: "45" } });
    assert.ok(created.QueueUrl?.endsWith(`/${name}`), created.QueueUrl);

    const byName = await sqs.getQueueUrl({ QueueName: name });
    assert.equal(byName.QueueUrl, created.QueueUrl);

    const listed = await sqs.listQueues({ QueueNamePrefix: name });
    assert.deepEqual(listed.QueueUrls, [created.QueueUrl]);
    const all = await sqs.listQueues();
    assert.ok(all.QueueUrls?.includes(created.QueueUrl!));
    const none = await sqs.listQueues({ QueueNamePrefix: `${name}-nothing` });
    assert.deepEqual(none.QueueUrls ?? [], []);
  });

  it("reads and changes attributes, all or by name", async () => {
    const url = await newQueue("attrs", { DelaySeconds: "2", MessageRetentionPeriod: "3600" });
    const { Attributes } = await sqs.getQueueAttributes({ QueueUrl: url, AttributeNames: ["All"] });
    assert.equal(Attributes?.DelaySeconds, "2");
    assert.equal(Attributes?.MessageRetentionPeriod, "3600");
    assert.equal(Attributes?.VisibilityTimeout, "30");
    assert.match(Attributes?.QueueArn ?? "", /^arn:aws:sqs:us-east-1:\d+:attrs-/);
    assert.equal(Attributes?.ApproximateNumberOfMessages, "0");

    await sqs.setQueueAttributes({
      QueueUrl: url,
      Attributes: { VisibilityTimeout: "120", ReceiveMessageWaitTimeSeconds: "1" },
    });
    const some = await sqs.getQueueAttributes({
      QueueUrl: url,
      AttributeNames: ["VisibilityTimeout", "ReceiveMessageWaitTimeSeconds"],
    });
    assert.deepEqual(some.Attributes, { VisibilityTimeout: "120", ReceiveMessageWaitTimeSeconds: "1" });
  });

  it("deletes a queue; it is then gone, with QueueDoesNotExist", async () => {
    const name = uniqueName("gone");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    assert.deepEqual(await sqs.deleteQueue({ QueueUrl: QueueUrl! }), {});
    const error = await caught(() => sqs.getQueueUrl({ QueueName: name }));
    assert.ok(isServiceError(error), String(error));
    assert.equal(error.code, "QueueDoesNotExist");
    assert.equal(error.statusCode, 400);
    assert.equal(error.operation, "GetQueueUrl");
    assert.equal(error.resource, name);
    assert.equal(error.fault, "client");
    assert.equal(error.retryable, false);
  });
});

describe("messages: SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility", () => {
  it("round-trips String, Number and Binary attributes (Binary as Uint8Array) with matching MD5s", async () => {
    const url = await newQueue("attr-rt");
    const binary = new Uint8Array([0, 1, 2, 250, 255, 128, 64]);
    const attributes: Record<string, MessageAttributeValue & { DataType: string }> = {
      color: { DataType: "String", StringValue: "blue ünïcödé" },
      count: { DataType: "Number", StringValue: "-12.5e3" },
      payload: { DataType: "Binary", BinaryValue: binary },
      labelled: { DataType: "String.custom", StringValue: "x" },
    };
    const body = "Hello, World! ünïcödé";
    const sent = await sqs.sendMessage({ QueueUrl: url, MessageBody: body, MessageAttributes: attributes });
    assert.equal(sent.MD5OfMessageBody, md5(body));
    assert.equal(sent.MD5OfMessageAttributes, referenceMd5OfAttributes(attributes));
    assert.match(sent.MessageId ?? "", /^[0-9a-f-]{36}$/);

    const { Messages } = await sqs.receiveMessage({
      QueueUrl: url,
      MessageAttributeNames: ["All"],
      MessageSystemAttributeNames: ["All"],
      WaitTimeSeconds: 1,
    });
    assert.equal(Messages?.length, 1);
    const message = Messages![0]!;
    assert.equal(message.MessageId, sent.MessageId);
    assert.equal(message.Body, body);
    assert.equal(message.MD5OfBody, md5(body));
    assert.equal(message.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(typeof message.ReceiptHandle, "string");
    const got = message.MessageAttributes!;
    assert.deepEqual(got.color, { DataType: "String", StringValue: "blue ünïcödé" });
    assert.deepEqual(got.count, { DataType: "Number", StringValue: "-12.5e3" });
    assert.deepEqual(got.labelled, { DataType: "String.custom", StringValue: "x" });
    assert.equal(got.payload?.DataType, "Binary");
    assert.ok(got.payload?.BinaryValue instanceof Uint8Array, "Binary comes back as a Uint8Array");
    assert.deepEqual([...got.payload.BinaryValue], [...binary]);
    assert.equal(message.Attributes?.ApproximateReceiveCount, "1");
    assert.match(message.Attributes?.SentTimestamp ?? "", /^\d{13}$/);

    assert.deepEqual(await sqs.deleteMessage({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle! }), {});
    const again = await sqs.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 0 });
    assert.deepEqual(again.Messages ?? [], []);
  });

  it("hides a received message for its visibility timeout and shows it again when changed to 0", async () => {
    const url = await newQueue("vis");
    await sqs.sendMessage({ QueueUrl: url, MessageBody: "peekaboo" });
    const first = await sqs.receiveMessage({ QueueUrl: url, VisibilityTimeout: 600, WaitTimeSeconds: 1 });
    const handle = first.Messages?.[0]?.ReceiptHandle;
    assert.ok(handle);
    const hidden = await sqs.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 0 });
    assert.deepEqual(hidden.Messages ?? [], []);

    assert.deepEqual(
      await sqs.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 0 }),
      {},
    );
    const back = await sqs.receiveMessage({
      QueueUrl: url,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    });
    assert.equal(back.Messages?.[0]?.Body, "peekaboo");
    assert.equal(back.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "2");
  });

  it("sends to and receives from a FIFO queue in order, with MessageGroupId and SequenceNumber", async () => {
    const name = `${uniqueName("fifo")}.fifo`;
    const { QueueUrl } = await sqs.createQueue({
      QueueName: name,
      Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
    });
    const fifoUrl = QueueUrl!;
    assert.ok(fifoUrl.endsWith(".fifo"));
    const sequence: string[] = [];
    for (const body of ["one", "two", "three"]) {
      const sent = await sqs.sendMessage({ QueueUrl: fifoUrl, MessageBody: body, MessageGroupId: "g1" });
      assert.equal(sent.MD5OfMessageBody, md5(body));
      assert.match(sent.SequenceNumber ?? "", /^\d+$/);
      sequence.push(sent.SequenceNumber!);
    }
    assert.ok(BigInt(sequence[0]!) < BigInt(sequence[1]!) && BigInt(sequence[1]!) < BigInt(sequence[2]!));

    const explicit = await sqs.sendMessage({
      QueueUrl: fifoUrl,
      MessageBody: "four",
      MessageGroupId: "g1",
      MessageDeduplicationId: "dedup-4",
    });
    const duplicate = await sqs.sendMessage({
      QueueUrl: fifoUrl,
      MessageBody: "four again",
      MessageGroupId: "g1",
      MessageDeduplicationId: "dedup-4",
    });
    assert.equal(duplicate.MessageId, explicit.MessageId, "deduplicated within the interval");

    // fauxqs hands out one message of a group at a time (the group stays locked until deletion).
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { Messages } = await sqs.receiveMessage({
        QueueUrl: fifoUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["All"],
        WaitTimeSeconds: 1,
      });
      for (const message of Messages ?? []) {
        bodies.push(message.Body!);
        assert.equal(message.Attributes?.MessageGroupId, "g1");
        if (message.Body === "one") assert.equal(message.Attributes?.SequenceNumber, sequence[0]);
        await sqs.deleteMessage({ QueueUrl: fifoUrl, ReceiptHandle: message.ReceiptHandle! });
      }
      if (bodies.length === 4) break;
    }
    assert.deepEqual(bodies, ["one", "two", "three", "four"]);
  });
});

describe("batches: SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch", () => {
  it("reports per-entry results of SendMessageBatch, partial failures included", async () => {
    const url = await newQueue("batch");
    const out = await sqs.sendMessageBatch({
      QueueUrl: url,
      Entries: [
        { Id: "a", MessageBody: "alpha", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
        // fauxqs rejects characters above U+FFFF (AWS accepts them): a per-entry failure.
        { Id: "b", MessageBody: "emoji \u{1F600}" },
        { Id: "c", MessageBody: "gamma", DelaySeconds: 0 },
      ],
    });
    assert.deepEqual(out.Successful?.map((e) => e.Id).sort(), ["a", "c"]);
    const a = out.Successful?.find((e) => e.Id === "a");
    assert.equal(a?.MD5OfMessageBody, md5("alpha"));
    assert.equal(
      a?.MD5OfMessageAttributes,
      referenceMd5OfAttributes({ k: { DataType: "String", StringValue: "v" } }),
    );
    assert.equal(out.Failed?.length, 1);
    assert.equal(out.Failed?.[0]?.Id, "b");
    assert.equal(out.Failed?.[0]?.SenderFault, true);
    assert.equal(typeof out.Failed?.[0]?.Code, "string");
  });

  it("changes visibility in a batch (a bad receipt handle fails its entry only) and deletes in a batch", async () => {
    const url = await newQueue("batch-del");
    await sqs.sendMessageBatch({
      QueueUrl: url,
      Entries: [
        { Id: "1", MessageBody: "one" },
        { Id: "2", MessageBody: "two" },
      ],
    });
    const { Messages } = await sqs.receiveMessage({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 600,
      WaitTimeSeconds: 1,
    });
    assert.equal(Messages?.length, 2);
    const [m1, m2] = Messages!;

    const changed = await sqs.changeMessageVisibilityBatch({
      QueueUrl: url,
      Entries: [
        { Id: "x1", ReceiptHandle: m1!.ReceiptHandle!, VisibilityTimeout: 900 },
        { Id: "x2", ReceiptHandle: m2!.ReceiptHandle!, VisibilityTimeout: 900 },
        { Id: "bogus", ReceiptHandle: "not-a-receipt-handle", VisibilityTimeout: 900 },
      ],
    });
    assert.deepEqual(changed.Successful?.map((e) => e.Id).sort(), ["x1", "x2"]);
    assert.equal(changed.Failed?.length, 1);
    assert.equal(changed.Failed?.[0]?.Id, "bogus");
    assert.equal(changed.Failed?.[0]?.Code, "ReceiptHandleIsInvalid");
    assert.equal(changed.Failed?.[0]?.SenderFault, true);

    const deleted = await sqs.deleteMessageBatch({
      QueueUrl: url,
      Entries: [
        { Id: "d1", ReceiptHandle: m1!.ReceiptHandle! },
        { Id: "d2", ReceiptHandle: m2!.ReceiptHandle! },
      ],
    });
    assert.deepEqual(deleted.Successful?.map((e) => e.Id).sort(), ["d1", "d2"]);
    assert.deepEqual(deleted.Failed ?? [], []);

    const { Attributes } = await sqs.getQueueAttributes({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    });
    assert.equal(Attributes?.ApproximateNumberOfMessages, "0");
    assert.equal(Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
  });
});

describe("PurgeQueue", () => {
  it("deletes every message", async () => {
    const url = await newQueue("purge");
    await sqs.sendMessageBatch({
      QueueUrl: url,
      Entries: [1, 2, 3].map((n) => ({ Id: `m${n}`, MessageBody: `body ${n}` })),
    });
    assert.deepEqual(await sqs.purgeQueue({ QueueUrl: url }), {});
    const { Messages } = await sqs.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 0 });
    assert.deepEqual(Messages ?? [], []);
  });
});

describe("tags: TagQueue, ListQueueTags, UntagQueue, CreateQueue tags", () => {
  it("adds, lists and removes tags", async () => {
    const name = uniqueName("tags");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name, tags: { team: "core", env: "test" } });
    const url = QueueUrl!;
    assert.deepEqual((await sqs.listQueueTags({ QueueUrl: url })).Tags, { team: "core", env: "test" });

    assert.deepEqual(await sqs.tagQueue({ QueueUrl: url, Tags: { env: "prod", cost: "42" } }), {});
    assert.deepEqual((await sqs.listQueueTags({ QueueUrl: url })).Tags, {
      team: "core",
      env: "prod",
      cost: "42",
    });

    assert.deepEqual(await sqs.untagQueue({ QueueUrl: url, TagKeys: ["team", "cost"] }), {});
    assert.deepEqual((await sqs.listQueueTags({ QueueUrl: url })).Tags, { env: "prod" });

    await sqs.untagQueue({ QueueUrl: url, TagKeys: ["env"] });
    const empty = await sqs.listQueueTags({ QueueUrl: url });
    assert.deepEqual(empty.Tags ?? {}, {});
  });
});
