// What a new user meets on the first day (issue 14, part A), at run time: options given as
// undefined act as absent; binary bodies are rejected with advice; the handles' names agree, and
// the deprecated ones still work. Loopback servers for what must be seen on the wire; fauxqs for
// the everyday work.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isServiceError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { TopicHandle } from "../../src/sns/topic.js";
import { Queue, QueueHandle } from "../../src/sqs/queue.js";
import { SQS } from "../../src/sqs/sqs.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { json, type Loopback, startLoopback } from "../helpers/loopback.js";
import { expectValidation, targetOf } from "../helpers/sqs.js";

const URL = "https://sqs.us-east-1.amazonaws.com/177715257436/jobs";

describe("options given as undefined are absent", () => {
  let server: Loopback;
  before(async () => {
    server = await startLoopback((request) => {
      switch (targetOf(request)) {
        case "ReceiveMessage":
          return json({ Messages: [] });
        case "SendMessage":
          return json({ MessageId: "m-1", MD5OfMessageBody: "5d41402abc4b2a76b9719d911017c592" });
        default:
          return json({});
      }
    });
  });
  after(() => server.close());

  it("keeps every client default, and the handle's receive defaults", async () => {
    const sqs = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      profile: undefined,
      maxAttempts: undefined,
      retryMode: undefined,
      requestTimeoutMs: undefined,
      fetch: undefined,
      useFipsEndpoint: undefined,
      useDualstackEndpoint: undefined,
      protocol: undefined,
      checksums: undefined,
    });
    const queue = sqs.queue(URL, { ownerAccountId: undefined });
    await queue.receive(
      { WaitTimeSeconds: undefined, MaxNumberOfMessages: undefined, VisibilityTimeout: 5 },
      { signal: undefined, timeoutMs: undefined },
    );
    const sent = JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>;
    assert.equal(sent.WaitTimeSeconds, 20, "the handle's default wait, not undefined");
    assert.equal(sent.MaxNumberOfMessages, 10);
    assert.equal(sent.VisibilityTimeout, 5);
    await queue.send("hello", { DelaySeconds: undefined, MessageGroupId: undefined });
    const message = JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(message).sort(), ["MessageBody", "QueueUrl"]);
  });

  it("keeps the consumer's and the producer's defaults", async () => {
    const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
    const queue = sqs.queue(URL);
    const iterator = queue.messages({ concurrency: undefined, unwrapSns: undefined, signal: undefined });
    assert.equal(iterator.status.state, "starting", "nothing starts before the first next()");
    assert.equal(iterator.status.received, 0);
    await iterator.return();
    const consumer = queue.consume(async () => {}, {
      concurrency: undefined,
      waitTimeSeconds: 0,
      visibilityTimeout: 5,
      extendVisibility: undefined,
      maxHandlerSeconds: undefined,
      retryDelay: undefined,
      drainTimeoutMs: undefined,
      signal: undefined,
      unwrapSns: undefined,
      messageAttributeNames: undefined,
      messageSystemAttributeNames: undefined,
      batch: undefined,
      batchSize: undefined,
    });
    await consumer.stop({ abort: undefined, timeoutMs: undefined });
    const producer = queue.producer({
      lingerMs: undefined,
      maxInFlightBatches: undefined,
      maxQueued: undefined,
      maxAttempts: undefined,
      retryBaseDelayMs: undefined,
      retryMaxDelayMs: undefined,
    });
    await producer.close();
  });
});

describe("binary bodies", () => {
  let server: Loopback;
  let sqs: SQS;
  let sns: SNS;
  before(async () => {
    server = await startLoopback(() => json({}));
    const options = { endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
    sqs = new SQS(options);
    sns = new SNS(options);
  });
  after(() => server.close());

  const bodies: [string, unknown][] = [
    ["a Uint8Array", new Uint8Array([104, 105])],
    ["a Buffer", Buffer.from("hi")],
    ["an ArrayBuffer", new ArrayBuffer(2)],
    ["a DataView", new DataView(new ArrayBuffer(2))],
    ["a Blob", new Blob(["hi"])],
  ];
  for (const [what, body] of bodies) {
    it(`rejects ${what} before sending, saying what to do instead`, async () => {
      const queue = sqs.queue(URL);
      const error = await expectValidation(() => queue.send(body), { field: "body", value: body }, server);
      assert.match(error.message, /base64/);
      assert.match(error.message, /Binary message attribute/);
      assert.equal(error.operation, "SendMessage");
      const producer = queue.producer();
      await expectValidation(() => producer.send(body), { field: "body" }, server);
      await producer.close();
      const topic = sns.topic("arn:aws:sns:us-east-1:177715257436:events");
      await expectValidation(() => topic.publish(body), { field: "message", rule: /base64/ }, server);
      await expectValidation(
        () => topic.publishBatch([{ Message: body }]),
        { field: "messages[0].Message", rule: /base64/ },
        server,
      );
    });
  }

  it("still sends strings as they are and objects as JSON", async () => {
    const queue = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
    }).queue(URL, { ownerAccountId: undefined });
    await queue.send("plain").catch(() => undefined);
    await queue.send({ bytes: [1, 2] }).catch(() => undefined);
    const bodies = server.requests
      .slice(-2)
      .map((r) => (JSON.parse(r.body) as { MessageBody: string }).MessageBody);
    assert.deepEqual(bodies, ["plain", '{"bytes":[1,2]}']);
  });
});

describe("names that agree", () => {
  let emulator: Emulator;
  let sqs: SQS;
  let sns: SNS;
  before(async () => {
    emulator = await startEmulator();
    const options = { endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
    sqs = new SQS(options);
    sns = new SNS(options);
  });
  after(() => emulator.stop());

  it("sns.topic(name) creates nothing: a missing topic fails with NotFound; an existing one works", async () => {
    const missing = uniqueName("typo");
    const error = await sns
      .topic(missing)
      .publish("hello")
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(isServiceError(error) && error.code === "NotFound", `got ${String(error)}`);
    const { Topics = [] } = await sns.listTopics();
    assert.ok(!Topics.some((t) => t.TopicArn.endsWith(`:${missing}`)), "no topic was created");

    const name = uniqueName("named");
    const { TopicArn } = await sns.createTopic({ Name: name });
    const topic = sns.topic(name);
    assert.equal(await topic.arn(), TopicArn, "the ARN built from the caller's account");
    assert.equal(typeof (await topic.publish("hello")).MessageId, "string");

    const created = uniqueName("created");
    const opted = sns.topic(created, { create: true });
    await opted.publish("hello");
    const after = await sns.listTopics();
    assert.ok(
      (after.Topics ?? []).some(
        (t) => t.TopicArn === `${TopicArn.slice(0, TopicArn.lastIndexOf(":"))}:${created}`,
      ),
    );
  });

  it("QueueHandle and TopicHandle; Queue is the same class, deprecated", () => {
    const queue = sqs.queue(URL);
    assert.ok(queue instanceof QueueHandle);
    assert.ok(queue instanceof Queue);
    assert.equal(Queue, QueueHandle);
    assert.ok(sns.topic("arn:aws:sns:us-east-1:177715257436:events") instanceof TopicHandle);
  });

  it("topic attributes typed, set and read; deleteTopic (delete still works)", async () => {
    const { TopicArn } = await sns.createTopic({ Name: uniqueName("names") });
    const topic = sns.topic(TopicArn);
    await topic.setAttributes({ DisplayName: "Names", TracingConfig: undefined });
    const attributes = await topic.attributes();
    assert.equal(attributes.DisplayName, "Names");
    assert.equal(attributes.TopicArn, TopicArn);
    await topic.deleteTopic();
    const { Topics = [] } = await sns.listTopics();
    assert.ok(!Topics.some((t) => t.TopicArn === TopicArn), "deleted");

    const second = await sns.createTopic({ Name: uniqueName("names") });
    await sns.topic(second.TopicArn).delete();
    const after = await sns.listTopics();
    assert.ok(
      !(after.Topics ?? []).some((t) => t.TopicArn === second.TopicArn),
      "deleted by the deprecated name",
    );
  });

  it("an unwrapped SNS message has PascalCase members, and the old names, in the consumer and the iterator", async () => {
    const { QueueUrl } = await sqs.createQueue({
      QueueName: uniqueName("names"),
      Attributes: { VisibilityTimeout: "5" },
    });
    const queue = sqs.queue(QueueUrl);
    const envelope = {
      Type: "Notification",
      MessageId: "1e5c0b5e-0000-4000-8000-000000000000",
      TopicArn: "arn:aws:sns:us-east-1:000000000000:events",
      Message: "hello",
      Timestamp: "2026-01-01T00:00:00.000Z",
      MessageAttributes: { kind: { Type: "String", Value: "greeting" } },
    };
    await queue.send(JSON.stringify(envelope));
    for await (const message of queue.messages({ unwrapSns: true, waitTimeSeconds: 1 })) {
      assert.equal(message.Message, "hello");
      assert.equal(message.MessageAttributes.kind?.StringValue, "greeting");
      assert.equal(message.Envelope?.TopicArn, envelope.TopicArn);
      assert.equal(typeof message.SqsMessage.ReceiptHandle, "string");
      assert.equal(message.message, "hello", "deprecated name");
      assert.equal(message.attributes, message.MessageAttributes, "deprecated name");
      assert.equal(message.envelope, message.Envelope, "deprecated name");
      assert.equal(message.sqs, message.SqsMessage, "deprecated name");
      message.ack();
      break;
    }
  });
});
