// The 17 SNS actions fauxqs serves, over the AWS Query protocol, as real round trips against the
// emulator: CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes, SetTopicAttributes,
// Subscribe, Unsubscribe, ConfirmSubscription, ListSubscriptions, ListSubscriptionsByTopic,
// GetSubscriptionAttributes, SetSubscriptionAttributes, Publish, PublishBatch, TagResource,
// UntagResource, ListTagsForResource.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isServiceError, isValidationError } from "../../src/core/errors.js";
import { SQS } from "../../src/index.js";
import { parseSnsEnvelope } from "../../src/sns/envelope.js";
import { SNS } from "../../src/sns/sns.js";
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

async function newTopic(prefix: string): Promise<string> {
  const { TopicArn } = await sns.createTopic({ Name: uniqueName(prefix) });
  assert.match(TopicArn ?? "", /^arn:aws:sns:us-east-1:\d{12}:/);
  return TopicArn!;
}

async function newQueueArn(prefix: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.createQueue({ QueueName: uniqueName(prefix) });
  const { Attributes } = await sqs.getQueueAttributes({ QueueUrl: QueueUrl!, AttributeNames: ["QueueArn"] });
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function receiveBodies(url: string, count: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let round = 0; round < 10 && bodies.length < count; round++) {
    const { Messages } = await sqs.receiveMessage({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
    });
    for (const message of Messages ?? []) {
      bodies.push(message.Body!);
      await sqs.deleteMessage({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle! });
    }
  }
  return bodies;
}

describe("topics: CreateTopic, ListTopics, GetTopicAttributes, SetTopicAttributes, DeleteTopic", () => {
  it("creates a topic (idempotently), lists it, reads and changes its attributes, deletes it", async () => {
    const name = uniqueName("life");
    const created = await sns.createTopic({
      Name: name,
      Attributes: { DisplayName: "Life" },
      Tags: [{ Key: "team", Value: "core" }],
    });
    assert.equal(created.TopicArn, `arn:aws:sns:us-east-1:000000000000:${name}`);
    const again = await sns.createTopic({ Name: name });
    assert.equal(again.TopicArn, created.TopicArn);

    const listed = await sns.listTopics({});
    assert.ok(listed.Topics?.some((topic) => topic.TopicArn === created.TopicArn));
    let pages = 0;
    for await (const page of sns.paginateListTopics({})) {
      pages++;
      assert.ok(Array.isArray(page.Topics));
    }
    assert.equal(pages, 1, "fauxqs never pages");

    const { Attributes } = await sns.getTopicAttributes({ TopicArn: created.TopicArn! });
    assert.equal(Attributes?.DisplayName, "Life");
    assert.equal(Attributes?.TopicArn, created.TopicArn);

    await sns.setTopicAttributes({
      TopicArn: created.TopicArn!,
      AttributeName: "DisplayName",
      AttributeValue: "Renamed",
    });
    const changed = await sns.getTopicAttributes({ TopicArn: created.TopicArn! });
    assert.equal(changed.Attributes?.DisplayName, "Renamed");

    const deleted = await sns.deleteTopic({ TopicArn: created.TopicArn! });
    assert.deepEqual(deleted, {});
    await assert.rejects(sns.getTopicAttributes({ TopicArn: created.TopicArn! }), (error: unknown) => {
      assert.ok(isServiceError(error));
      assert.equal(error.code, "NotFound");
      assert.equal(error.statusCode, 404);
      assert.equal(error.operation, "GetTopicAttributes");
      assert.equal(error.resource, created.TopicArn);
      assert.match(error.message, /^GetTopicAttributes \(arn:aws:sns:[^)]+\): NotFound: /);
      assert.ok(error.requestId, "the request id is read from the XML");
      return true;
    });
  });

  it("creates a FIFO topic", async () => {
    const name = `${uniqueName("order")}.fifo`;
    const { TopicArn } = await sns.createTopic({
      Name: name,
      Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" },
    });
    const { Attributes } = await sns.getTopicAttributes({ TopicArn: TopicArn! });
    assert.equal(Attributes?.FifoTopic, "true");
    assert.equal(Attributes?.ContentBasedDeduplication, "true");
  });

  it("answers SNS's own errors as ServiceErrors", async () => {
    const topicArn = await newTopic("conflict");
    const name = topicArn.slice(topicArn.lastIndexOf(":") + 1);
    await sns.setTopicAttributes({ TopicArn: topicArn, AttributeName: "DisplayName", AttributeValue: "A" });
    await assert.rejects(
      sns.createTopic({ Name: name, Attributes: { DisplayName: "B" } }),
      (error: unknown) =>
        isServiceError(error) && error.code === "InvalidParameter" && error.fault === "client",
    );
  });
});

describe("tags: TagResource, ListTagsForResource, UntagResource", () => {
  it("tags, lists and untags a topic; an untagged topic lists none", async () => {
    const topicArn = await newTopic("tags");
    assert.deepEqual(await sns.listTagsForResource({ ResourceArn: topicArn }), { Tags: [] });
    assert.deepEqual(
      await sns.tagResource({
        ResourceArn: topicArn,
        Tags: [
          { Key: "team", Value: "core" },
          { Key: "cost center", Value: "a&b <c>" },
          { Key: "empty", Value: "" },
        ],
      }),
      {},
    );
    const { Tags } = await sns.listTagsForResource({ ResourceArn: topicArn });
    assert.deepEqual(
      [...(Tags ?? [])].sort((a, b) => a.Key.localeCompare(b.Key)),
      [
        { Key: "cost center", Value: "a&b <c>" },
        { Key: "empty", Value: "" },
        { Key: "team", Value: "core" },
      ],
    );
    await sns.untagResource({ ResourceArn: topicArn, TagKeys: ["team", "empty"] });
    assert.deepEqual(await sns.listTagsForResource({ ResourceArn: topicArn }), {
      Tags: [{ Key: "cost center", Value: "a&b <c>" }],
    });
  });
});

describe("subscriptions: Subscribe, ListSubscriptions(ByTopic), Get/SetSubscriptionAttributes, ConfirmSubscription, Unsubscribe", () => {
  it("subscribes a queue, lists it, reads and changes its attributes, unsubscribes it", async () => {
    const topicArn = await newTopic("subs");
    const queue = await newQueueArn("subs");
    assert.deepEqual(await sns.listSubscriptionsByTopic({ TopicArn: topicArn }), { Subscriptions: [] });

    const { SubscriptionArn } = await sns.subscribe({
      TopicArn: topicArn,
      Protocol: "sqs",
      Endpoint: queue.arn,
      Attributes: { RawMessageDelivery: "true" },
      ReturnSubscriptionArn: true,
    });
    assert.ok(SubscriptionArn?.startsWith(`${topicArn}:`), SubscriptionArn);

    const byTopic = await sns.listSubscriptionsByTopic({ TopicArn: topicArn });
    assert.deepEqual(byTopic.Subscriptions, [
      { SubscriptionArn, TopicArn: topicArn, Protocol: "sqs", Endpoint: queue.arn, Owner: "000000000000" },
    ]);
    const all = await sns.listSubscriptions({});
    assert.ok(all.Subscriptions?.some((s) => s.SubscriptionArn === SubscriptionArn));
    const pages = [];
    for await (const page of sns.paginateListSubscriptionsByTopic({ TopicArn: topicArn })) pages.push(page);
    assert.equal(pages.length, 1);

    const read = await sns.getSubscriptionAttributes({ SubscriptionArn: SubscriptionArn! });
    assert.equal(read.Attributes?.RawMessageDelivery, "true");
    assert.equal(read.Attributes?.TopicArn, topicArn);
    assert.equal(read.Attributes?.Endpoint, queue.arn);

    const policy = JSON.stringify({ kind: ["order"] });
    await sns.setSubscriptionAttributes({
      SubscriptionArn: SubscriptionArn!,
      AttributeName: "FilterPolicy",
      AttributeValue: policy,
    });
    const changed = await sns.getSubscriptionAttributes({ SubscriptionArn: SubscriptionArn! });
    assert.equal(changed.Attributes?.FilterPolicy, policy);

    assert.deepEqual(await sns.unsubscribe({ SubscriptionArn: SubscriptionArn! }), {});
    assert.deepEqual((await sns.listSubscriptionsByTopic({ TopicArn: topicArn })).Subscriptions, []);
  });

  it("confirms a pending HTTP subscription with its token", async () => {
    const topicArn = await newTopic("confirm");
    const { SubscriptionArn } = await sns.subscribe({
      TopicArn: topicArn,
      Protocol: "https",
      Endpoint: "https://example.com/sns",
      ReturnSubscriptionArn: true,
    });
    const before = await sns.getSubscriptionAttributes({ SubscriptionArn: SubscriptionArn! });
    assert.equal(before.Attributes?.PendingConfirmation, "true");
    // fauxqs's confirmation token is the subscription ARN.
    const confirmed = await sns.confirmSubscription({
      TopicArn: topicArn,
      Token: SubscriptionArn!,
      AuthenticateOnUnsubscribe: "true",
    });
    assert.equal(confirmed.SubscriptionArn, SubscriptionArn);
    const after = await sns.getSubscriptionAttributes({ SubscriptionArn: SubscriptionArn! });
    assert.equal(after.Attributes?.PendingConfirmation, "false");
    await assert.rejects(
      sns.confirmSubscription({ TopicArn: topicArn, Token: "not-a-token" }),
      (error: unknown) => isServiceError(error) && error.code === "InvalidParameter",
    );
  });
});

describe("publishing: Publish, PublishBatch", () => {
  it("publishes one message and a batch into a subscribed queue, with attributes", async () => {
    const topicArn = await newTopic("pub");
    const queue = await newQueueArn("pub");
    await sns.subscribe({
      TopicArn: topicArn,
      Protocol: "sqs",
      Endpoint: queue.arn,
      Attributes: { RawMessageDelivery: "true" },
    });

    const published = await sns.publish({
      TopicArn: topicArn,
      Message: "Hello, World! ✓ <&>",
      Subject: "Greeting",
      MessageAttributes: {
        kind: { DataType: "String", StringValue: "greeting" },
        count: { DataType: "Number", StringValue: "3" },
        colors: { DataType: "String.Array", StringValue: '["red","green"]' },
      },
    });
    assert.match(published.MessageId ?? "", /^[0-9a-f-]{36}$/);

    const batch = await sns.publishBatch({
      TopicArn: topicArn,
      PublishBatchRequestEntries: [
        { Id: "a", Message: "first" },
        { Id: "b", Message: "second", MessageAttributes: { kind: { DataType: "String", StringValue: "b" } } },
      ],
    });
    assert.deepEqual(
      batch.Successful?.map((entry) => entry.Id),
      ["a", "b"],
    );
    assert.deepEqual(batch.Failed, []);

    const bodies = await receiveBodies(queue.url, 3);
    assert.deepEqual(bodies.sort(), ["Hello, World! ✓ <&>", "first", "second"]);
  });

  it("wraps the message in the SNS envelope without raw delivery", async () => {
    const topicArn = await newTopic("env");
    const queue = await newQueueArn("env");
    await sns.subscribe({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queue.arn });
    const { MessageId } = await sns.publish({ TopicArn: topicArn, Message: '{"id":1}', Subject: "Created" });
    const [body] = await receiveBodies(queue.url, 1);
    const envelope = parseSnsEnvelope(body!);
    assert.ok(envelope);
    assert.equal(envelope.MessageId, MessageId);
    assert.equal(envelope.TopicArn, topicArn);
    assert.equal(envelope.Message, '{"id":1}');
    assert.equal(envelope.Subject, "Created");
  });

  it("publishes to a FIFO topic with group and deduplication ids", async () => {
    const { TopicArn } = await sns.createTopic({
      Name: `${uniqueName("fifo")}.fifo`,
      Attributes: { FifoTopic: "true" },
    });
    const published = await sns.publish({
      TopicArn: TopicArn!,
      Message: "in order",
      MessageGroupId: "g1",
      MessageDeduplicationId: "d1",
    });
    assert.ok(published.MessageId);
    const batch = await sns.publishBatch({
      TopicArn: TopicArn!,
      PublishBatchRequestEntries: [
        { Id: "one", Message: "1", MessageGroupId: "g1", MessageDeduplicationId: "d2" },
        { Id: "two", Message: "2", MessageGroupId: "g1" },
      ],
    });
    assert.deepEqual(
      batch.Successful?.map((entry) => entry.Id),
      ["one"],
    );
    assert.equal(batch.Failed?.[0]?.Id, "two");
    assert.equal(batch.Failed?.[0]?.Code, "InvalidParameter");
    assert.equal(batch.Failed?.[0]?.SenderFault, true);
  });

  it("rejects bad input before anything is sent", async () => {
    const topicArn = await newTopic("bad");
    await assert.rejects(sns.publish({ TopicArn: topicArn, Message: "" }), isValidationError);
    await assert.rejects(sns.publish({ TopicArn: "orders", Message: "x" }), (error: unknown) => {
      assert.ok(isValidationError(error));
      assert.equal(error.field, "TopicArn");
      return true;
    });
  });
});
