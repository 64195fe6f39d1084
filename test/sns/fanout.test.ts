// Fan-out end to end on fauxqs, through the topic handle: a topic to a raw queue, an enveloped
// queue and filtered queues; the queue policy merge; publishBatch splitting; unsubscribe.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isValidationError } from "../../src/core/errors.js";
import { SQS } from "../../src/index.js";
import { parseSnsEnvelope, unwrapSnsMessage } from "../../src/sns/envelope.js";
import { SNS } from "../../src/sns/sns.js";
import type { Queue } from "../../src/sqs/queue.js";
import type { Message } from "../../src/sqs/types.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";

let emulator: Emulator;
let sns: SNS;
let sqs: SQS;

before(async () => {
  emulator = await startEmulator();
  const options = { endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
  sns = new SNS(options);
  sqs = new SQS(options);
});
after(() => emulator.stop());

async function newQueue(prefix: string, attributes?: Record<string, string>): Promise<Queue> {
  const { QueueUrl } = await sqs.createQueue(
    attributes
      ? { QueueName: uniqueName(prefix), Attributes: attributes }
      : { QueueName: uniqueName(prefix) },
  );
  return sqs.queue(QueueUrl!);
}

/** Receives until `count` messages came (or a few empty polls), deleting each. */
async function drain(queue: Queue, count: number): Promise<Message[]> {
  const out: Message[] = [];
  for (let empty = 0; out.length < count && empty < 3; ) {
    const messages = await queue.receive({ WaitTimeSeconds: 1 });
    if (messages.length === 0) empty++;
    for (const message of messages) {
      out.push(message);
      await queue.delete(message);
    }
  }
  return out;
}

/** Receives whatever is there now (one short poll after another until empty). */
async function leftover(queue: Queue): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const messages = await queue.receive({ WaitTimeSeconds: 0 });
    if (messages.length === 0) return out;
    for (const message of messages) {
      out.push(message);
      await queue.delete(message);
    }
  }
}

const statementsOf = async (queue: Queue) =>
  JSON.parse((await queue.attributes(["Policy"])).Policy ?? '{"Statement":[]}').Statement as Record<
    string,
    unknown
  >[];

describe("fan-out from a topic to a raw, an enveloped and filtered queues", () => {
  it("delivers bodies, attributes and the envelope right, and the filters hold back what they should", async () => {
    const topic = sns.topic(uniqueName("orders"), { create: true });
    const raw = await newQueue("raw");
    const enveloped = await newQueue("env");
    const filtered = await newQueue("filtered");
    const byBody = await newQueue("bybody");

    const rawSub = await topic.subscribeQueue(raw, { raw: true });
    const envSub = await topic.subscribeQueue(enveloped);
    await topic.subscribeQueue(filtered, {
      raw: true,
      filterPolicy: { kind: ["order"], amount: [{ numeric: [">", 100] }] },
    });
    await topic.subscribeQueue(byBody, {
      filterPolicy: { status: ["paid"] },
      filterPolicyScope: "MessageBody",
    });
    const topicArn = await topic.arn();
    assert.equal(rawSub.TopicArn, topicArn);
    assert.ok(rawSub.SubscriptionArn.startsWith(`${topicArn}:`));
    assert.equal(rawSub.QueueArn, (await raw.attributes(["QueueArn"])).QueueArn);
    assert.equal(rawSub.policyChanged, true);

    const binary = new Uint8Array([0, 1, 2, 250, 255]);
    await topic.publish("plain text ✓", {
      Subject: "Hello",
      MessageAttributes: {
        kind: { DataType: "String", StringValue: "order" },
        amount: { DataType: "Number", StringValue: "250" },
        tags: { DataType: "String.Array", StringValue: '["a","b"]' },
        blob: { DataType: "Binary", BinaryValue: binary },
      },
    });
    await topic.publish(
      { status: "paid", id: 7 },
      {
        MessageAttributes: {
          kind: { DataType: "String", StringValue: "order" },
          amount: { DataType: "Number", StringValue: "5" },
        },
      },
    );
    await topic.publish(
      { status: "open", id: 8 },
      { MessageAttributes: { kind: { DataType: "String", StringValue: "invoice" } } },
    );

    // Raw: the message itself, with its attributes as SQS message attributes.
    const rawMessages = await drain(raw, 3);
    assert.deepEqual(rawMessages.map((m) => m.Body).sort(), [
      "plain text ✓",
      '{"status":"open","id":8}',
      '{"status":"paid","id":7}',
    ]);
    const first = rawMessages.find((m) => m.Body === "plain text ✓")!;
    assert.equal(first.MessageAttributes?.kind?.StringValue, "order");
    assert.equal(first.MessageAttributes?.amount?.DataType, "Number");
    assert.equal(first.MessageAttributes?.amount?.StringValue, "250");
    assert.equal(first.MessageAttributes?.tags?.StringValue, '["a","b"]');
    assert.deepEqual(first.MessageAttributes?.blob?.BinaryValue, binary);
    assert.equal(parseSnsEnvelope(first.Body!), undefined, "a raw delivery is no envelope");
    const unwrappedRaw = unwrapSnsMessage(first);
    assert.equal(unwrappedRaw.Envelope, undefined);
    assert.equal(unwrappedRaw.Message, "plain text ✓");
    assert.equal(unwrappedRaw.MessageAttributes.kind?.StringValue, "order");

    // Enveloped: the JSON envelope, with its fields and attributes.
    const envMessages = await drain(enveloped, 3);
    assert.equal(envMessages.length, 3);
    const envelopes = envMessages.map((m) => parseSnsEnvelope(m.Body!)!);
    assert.ok(envelopes.every((e) => e?.Type === "Notification" && e.TopicArn === topicArn));
    const hello = envelopes.find((e) => e.Message === "plain text ✓")!;
    assert.equal(hello.Subject, "Hello");
    assert.match(hello.MessageId, /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(hello.Timestamp)));
    assert.ok(hello.UnsubscribeURL?.includes(envSub.SubscriptionArn));
    assert.deepEqual(hello.MessageAttributes?.kind, { Type: "String", Value: "order" });
    assert.deepEqual(hello.MessageAttributes?.amount, { Type: "Number", Value: "250" });
    assert.deepEqual(hello.MessageAttributes?.tags, { Type: "String.Array", Value: '["a","b"]' });
    assert.deepEqual(hello.MessageAttributes?.blob, {
      Type: "Binary",
      Value: Buffer.from(binary).toString("base64"),
    });
    const withoutSubject = envelopes.find((e) => e.Message === '{"status":"paid","id":7}')!;
    assert.equal("Subject" in withoutSubject, false, "Subject: null is read as absent");
    const unwrapped = unwrapSnsMessage(envMessages.find((m) => m.Body!.includes("plain text"))!);
    assert.equal(unwrapped.Message, "plain text ✓");
    assert.deepEqual(unwrapped.MessageAttributes.blob, { DataType: "Binary", BinaryValue: binary });
    assert.deepEqual(unwrapped.MessageAttributes.amount, { DataType: "Number", StringValue: "250" });
    assert.equal(unwrapped.Envelope?.Subject, "Hello");

    // Filtered on attributes: only the order over 100.
    const filteredMessages = await drain(filtered, 1);
    assert.deepEqual(
      filteredMessages.map((m) => m.Body),
      ["plain text ✓"],
    );
    assert.deepEqual(await leftover(filtered), []);

    // Filtered on the body: only the paid one.
    const bodyMessages = await drain(byBody, 1);
    assert.deepEqual(
      bodyMessages.map((m) => parseSnsEnvelope(m.Body!)?.Message),
      ['{"status":"paid","id":7}'],
    );
    assert.deepEqual(await leftover(byBody), []);
  });

  it("stops delivering once unsubscribed", async () => {
    const topic = sns.topic(uniqueName("unsub"), { create: true });
    const queue = await newQueue("unsub");
    const subscription = await topic.subscribeQueue(queue, { raw: true });
    await topic.publish("before");
    assert.deepEqual(
      (await drain(queue, 1)).map((m) => m.Body),
      ["before"],
    );
    const listed = [];
    for await (const s of topic.subscriptions()) listed.push(s.SubscriptionArn);
    assert.deepEqual(listed, [subscription.SubscriptionArn]);
    await topic.unsubscribe(subscription);
    await topic.publish("after");
    assert.deepEqual(await leftover(queue), []);
    await assert.rejects(
      topic.unsubscribe("arn:aws:sns:us-east-1:000000000000:another-topic:0b3f"),
      (error: unknown) => isValidationError(error) && error.field === "SubscriptionArn",
    );
  });
});

describe("the queue policy", () => {
  it("adds a statement scoped to the topic, keeps the others, and adds nothing the second time", async () => {
    const queue = await newQueue("policy");
    const queueArn = (await queue.attributes(["QueueArn"])).QueueArn!;
    const existing = {
      Version: "2012-10-17",
      Id: "keep-me",
      Statement: [
        {
          Sid: "ExistingAccess",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111122223333:root" },
          Action: "sqs:ReceiveMessage",
          Resource: queueArn,
        },
      ],
    };
    await queue.setAttributes({ Policy: JSON.stringify(existing) });
    const first = sns.topic(uniqueName("one"), { create: true });
    const second = sns.topic(uniqueName("two"), { create: true });

    const a = await first.subscribeQueue(queue, { raw: true });
    assert.equal(a.policyChanged, true);
    const afterFirst = await statementsOf(queue);
    assert.equal(afterFirst.length, 2);
    assert.deepEqual(afterFirst[0], existing.Statement[0]);
    assert.deepEqual(afterFirst[1], {
      Sid: afterFirst[1]!.Sid,
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: queueArn,
      Condition: { ArnEquals: { "aws:SourceArn": await first.arn() } },
    });
    const document = JSON.parse((await queue.attributes(["Policy"])).Policy!);
    assert.equal(document.Id, "keep-me");

    const again = await first.subscribeQueue(queue, { raw: true });
    assert.equal(again.policyChanged, false);
    assert.equal(again.SubscriptionArn, a.SubscriptionArn, "Subscribe is idempotent");
    assert.equal((await statementsOf(queue)).length, 2);

    // Two topics at once on the same queue: both statements land.
    const [b, c] = await Promise.all([
      second.subscribeQueue(queue),
      sns.topic(uniqueName("three"), { create: true }).subscribeQueue(queue),
    ]);
    assert.ok(b.policyChanged && c.policyChanged);
    const statements = await statementsOf(queue);
    assert.equal(statements.length, 4);
    assert.equal(new Set(statements.map((s) => s.Sid)).size, 4);
    const subscriptions = [];
    for await (const s of first.subscriptions()) subscriptions.push(s);
    assert.equal(subscriptions.length, 1);
  });

  it("recognizes an equivalent statement that is already there", async () => {
    const queue = await newQueue("equivalent");
    const queueArn = (await queue.attributes(["QueueArn"])).QueueArn!;
    const topic = sns.topic(uniqueName("eq"), { create: true });
    const topicArn = await topic.arn();
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: "*",
        Action: ["sqs:SendMessage"],
        Resource: queueArn,
        Condition: { ArnLike: { "aws:SourceArn": [topicArn] } },
      },
    });
    await queue.setAttributes({ Policy: policy });
    const result = await topic.subscribeQueue(queue);
    assert.equal(result.policyChanged, false);
    assert.equal((await queue.attributes(["Policy"])).Policy, policy, "the policy is left byte for byte");
  });

  it("checks the options before changing anything", async () => {
    const queue = await newQueue("opts");
    const topic = sns.topic(uniqueName("opts"), { create: true });
    await assert.rejects(topic.subscribeQueue(queue, { filterPolicy: "{not json" }), (error: unknown) => {
      assert.ok(isValidationError(error));
      assert.equal(error.field, "Attributes.FilterPolicy");
      return true;
    });
    await assert.rejects(topic.subscribeQueue(queue, { raw: "yes" as never }), isValidationError);
    await assert.rejects(
      topic.subscribeQueue(queue, { filterPolicyScope: "MessageBody" }),
      isValidationError,
    );
    await assert.rejects(topic.subscribeQueue("queue-url" as never), isValidationError);
    assert.equal((await queue.attributes(["Policy"])).Policy, undefined);
  });
});

describe("publishBatch through the handle", () => {
  it("splits any number of messages by 10 and by bytes, and reports each entry", async () => {
    const topic = sns.topic(uniqueName("batch"), { create: true });
    const queue = await newQueue("batch");
    await topic.subscribeQueue(queue, { raw: true });
    const big = "x".repeat(100_000);
    const messages = [
      ...Array.from({ length: 23 }, (_, i) => `message ${i}`),
      big,
      big,
      big,
      {
        Message: { id: 99 },
        Id: "custom",
        MessageAttributes: { kind: { DataType: "String", StringValue: "json" } },
      },
    ];
    const result = await topic.publishBatch(messages);
    assert.equal(result.Failed.length, 0);
    assert.equal(result.Successful.length, 27);
    assert.deepEqual(
      result.Successful.map((entry) => entry.index),
      Array.from({ length: 27 }, (_, i) => i),
    );
    assert.equal(result.Successful[26]!.Id, "custom");
    assert.equal(result.Successful[0]!.Id, "0");
    const received = await drain(queue, 27);
    assert.equal(received.length, 27);
    assert.ok(
      received.some((m) => m.Body === '{"id":99}' && m.MessageAttributes?.kind?.StringValue === "json"),
    );
    assert.equal(received.filter((m) => m.Body === big).length, 3);
    assert.deepEqual(await topic.publishBatch([]), { Successful: [], Failed: [] });
  });

  it("keeps a FIFO topic's order into a FIFO queue", async () => {
    const topic = sns.topic(`${uniqueName("fifo")}.fifo`, { create: true });
    const { QueueUrl } = await sqs.createQueue({
      QueueName: `${uniqueName("fifo")}.fifo`,
      Attributes: { FifoQueue: "true" },
    });
    const queue = sqs.queue(QueueUrl!);
    await topic.subscribeQueue(queue, { raw: true });
    assert.equal((await topic.attributes()).FifoTopic, "true");
    const result = await topic.publishBatch(
      Array.from({ length: 15 }, (_, i) => ({
        Message: `step ${i}`,
        MessageGroupId: "g",
        MessageDeduplicationId: `d${i}`,
      })),
    );
    assert.equal(result.Successful.length, 15);
    const bodies: string[] = [];
    while (bodies.length < 15) {
      const messages = await queue.receive({ WaitTimeSeconds: 1 });
      assert.ok(messages.length > 0, "FIFO messages keep coming");
      for (const message of messages) {
        bodies.push(message.Body!);
        await queue.delete(message);
      }
    }
    assert.deepEqual(
      bodies,
      Array.from({ length: 15 }, (_, i) => `step ${i}`),
    );
    await assert.rejects(
      topic.publish("no group"),
      (error: unknown) => isValidationError(error) && error.field === "MessageGroupId",
    );
  });

  it("checks every entry before sending anything", async () => {
    const topic = sns.topic(uniqueName("check"), { create: true });
    await assert.rejects(topic.publishBatch(["ok", ""]), (error: unknown) => {
      assert.ok(isValidationError(error));
      assert.equal(error.field, "messages[1].Message");
      return true;
    });
    await assert.rejects(
      topic.publishBatch([
        { Id: "a", Message: "1" },
        { Id: "a", Message: "2" },
      ]),
      isValidationError,
    );
    await assert.rejects(topic.publishBatch(["x".repeat(262_145)]), isValidationError);
    await assert.rejects(topic.publishBatch("nope" as never), isValidationError);
    // The topic was never created: nothing was sent.
    const { Topics } = await sns.listTopics({});
    assert.ok(!Topics?.some((t) => t.TopicArn?.endsWith(`:${topic.name}`)));
  });
});
