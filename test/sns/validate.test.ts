// Validation before the wire: every bad input is a ValidationError naming the field, the rule and
// the value received, and nothing is sent (the loopback server sees no request).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isValidationError, type ValidationError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import type { PublishInput } from "../../src/sns/types.js";
import { MAX_PUBLISH_BYTES } from "../../src/sns/validate.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { type Loopback, startLoopback, xml } from "../helpers/loopback.js";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:orders";
const FIFO = "arn:aws:sns:us-east-1:123456789012:orders.fifo";

let server: Loopback;
let sns: SNS;

before(async () => {
  server = await startLoopback(() =>
    xml("<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>"),
  );
  sns = new SNS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(() => server.close());

/** Expects a ValidationError on `field` (and `rule`, when given), and nothing sent. */
async function invalid(promise: Promise<unknown>, field: string, rule?: RegExp): Promise<ValidationError> {
  const sent = server.requests.length;
  let caught: ValidationError | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isValidationError(error), `expected a ValidationError, got ${String(error)}`);
    assert.equal(error.field, field, error.message);
    if (rule) assert.match(error.rule, rule);
    caught = error;
    return true;
  });
  assert.equal(server.requests.length, sent, "nothing was sent");
  return caught!;
}

const publish = (input: Partial<PublishInput> & Record<string, unknown>) =>
  sns.publish({ TopicArn: TOPIC, Message: "m", ...input } as PublishInput);

describe("topic names", () => {
  it("accepts 1 to 256 of [A-Za-z0-9_-], and .fifo names for FIFO topics", async () => {
    server.requests.length = 0;
    await sns.createTopic({ Name: "a" });
    await sns.createTopic({ Name: "A-z_0".repeat(52).slice(0, 256) });
    await sns.createTopic({ Name: `${"f".repeat(251)}.fifo`, Attributes: { FifoTopic: "true" } });
    assert.equal(server.requests.length, 3);
  });

  it("rejects the others", async () => {
    const error = await invalid(sns.createTopic({ Name: "has space" }), "Name", /1 to 256/);
    assert.equal(error.value, "has space");
    assert.match(error.message, /^CreateTopic \(has space\): invalid Name: must be/);
    await invalid(sns.createTopic({ Name: "" }), "Name");
    await invalid(sns.createTopic({ Name: "x".repeat(257) }), "Name");
    await invalid(sns.createTopic({ Name: "dots.are.out" }), "Name");
    await invalid(
      sns.createTopic({ Name: `${"f".repeat(252)}.fifo`, Attributes: { FifoTopic: "true" } }),
      "Name",
    );
    await invalid(sns.createTopic({ Name: 42 as never }), "Name");
    await invalid(sns.createTopic({ Name: "orders.fifo" }), "Attributes.FifoTopic", /"true"/);
    await invalid(sns.createTopic({ Name: "orders", Attributes: { FifoTopic: "true" } }), "Name", /\.fifo/);
    await invalid(
      sns.createTopic({ Name: "orders", Attributes: { FifoTopic: "yes" } }),
      "Attributes.FifoTopic",
    );
    await invalid(
      sns.createTopic({ Name: "orders", Attributes: { Policy: "{" } }),
      "Attributes.Policy",
      /JSON/,
    );
    await invalid(sns.createTopic({ Name: "orders", Tags: [{ Key: "", Value: "v" }] }), "Tags[0].Key");
    await invalid(
      sns.createTopic({ Name: "orders", Tags: [{ Key: "k", Value: "v".repeat(257) }] }),
      "Tags[0].Value",
    );
    assert.throws(
      () => sns.topic("not a name"),
      (error: unknown) => isValidationError(error) && error.field === "topic",
    );
    assert.throws(() => sns.topic("arn:aws:sqs:us-east-1:123456789012:q"), isValidationError);
    assert.throws(() => sns.topic("orders", { accountId: "12" }), isValidationError);
  });
});

describe("Publish", () => {
  it("needs a non-empty message, of at most 256 KiB with its attributes", async () => {
    await invalid(publish({ Message: "" }), "Message", /non-empty/);
    await invalid(publish({ Message: undefined as never }), "Message");
    await invalid(publish({ Message: "x".repeat(MAX_PUBLISH_BYTES + 1) }), "Message", /262144 bytes/);
    const attributes = { a: { DataType: "String", StringValue: "x".repeat(100) } };
    // 262,144 bytes exactly with the attribute (name 1 + type 6 + value 100) passes...
    server.requests.length = 0;
    await publish({ Message: "x".repeat(MAX_PUBLISH_BYTES - 107), MessageAttributes: attributes });
    assert.equal(server.requests.length, 1);
    // ...one more byte does not.
    await invalid(
      publish({ Message: "x".repeat(MAX_PUBLISH_BYTES - 106), MessageAttributes: attributes }),
      "Message",
    );
    // Bytes, not characters.
    await invalid(publish({ Message: "é".repeat(MAX_PUBLISH_BYTES / 2 + 1) }), "Message");
    await invalid(publish({ Message: "lone \uD800 surrogate" }), "Message", /UTF-8/);
  });

  it("needs exactly one target, and SNS ARNs", async () => {
    await invalid(sns.publish({ Message: "m" }), "TopicArn", /exactly one/);
    await invalid(publish({ PhoneNumber: "+15555550100" }), "TopicArn", /exactly one/);
    await invalid(publish({ TopicArn: "orders" }), "TopicArn", /SNS ARN/);
    await invalid(publish({ TopicArn: "arn:aws:sqs:us-east-1:123456789012:q" }), "TopicArn", /SNS ARN/);
    await invalid(sns.publish({ TargetArn: "https://example.com", Message: "m" }), "TargetArn");
  });

  it("checks the Subject: under 100 characters, printable, no line breaks", async () => {
    server.requests.length = 0;
    await publish({ Subject: "s".repeat(99) });
    await publish({ Subject: "Ünïcödé ✓ and punctuation!" });
    assert.equal(server.requests.length, 2);
    await invalid(publish({ Subject: "s".repeat(100) }), "Subject", /under 100/);
    await invalid(publish({ Subject: "two\nlines" }), "Subject", /line breaks.*U\+000A/);
    await invalid(publish({ Subject: "carriage\rreturn" }), "Subject");
    await invalid(publish({ Subject: "tab\there" }), "Subject");
    await invalid(publish({ Subject: "bell\u0007" }), "Subject");
    await invalid(publish({ Subject: "" }), "Subject");
    await invalid(publish({ Subject: " leading space" }), "Subject", /starting/);
  });

  it('checks MessageStructure "json": a JSON object with a string default', async () => {
    server.requests.length = 0;
    await publish({ MessageStructure: "json", Message: '{"default":"hi","sqs":"{\\"a\\":1}"}' });
    assert.equal(server.requests.length, 1);
    await invalid(publish({ MessageStructure: "xml" }), "MessageStructure", /"json"/);
    await invalid(publish({ MessageStructure: "json", Message: "not json" }), "Message", /JSON object/);
    await invalid(publish({ MessageStructure: "json", Message: '["default"]' }), "Message", /JSON object/);
    await invalid(publish({ MessageStructure: "json", Message: '{"sqs":"x"}' }), "Message", /default/);
    await invalid(
      publish({ MessageStructure: "json", Message: '{"default":{"a":1}}' }),
      "Message",
      /string "default"/,
    );
  });

  it("checks attribute names and types: String, String.Array, Number, Binary", async () => {
    server.requests.length = 0;
    await publish({
      MessageAttributes: {
        "a.b_c-d": { DataType: "String", StringValue: "v" },
        arr: { DataType: "String.Array", StringValue: '["a", 1, true, null]' },
        n: { DataType: "Number", StringValue: "-1.5E10" },
        b: { DataType: "Binary", BinaryValue: new Uint8Array([1]) },
      },
    });
    assert.equal(server.requests.length, 1);
    const attr = (name: string, value: unknown) => publish({ MessageAttributes: { [name]: value } as never });
    await invalid(attr("AWS.reserved", { DataType: "String", StringValue: "v" }), "MessageAttributes name");
    await invalid(attr("amazon.x", { DataType: "String", StringValue: "v" }), "MessageAttributes name");
    await invalid(attr(".lead", { DataType: "String", StringValue: "v" }), "MessageAttributes name");
    await invalid(attr("trail.", { DataType: "String", StringValue: "v" }), "MessageAttributes name");
    await invalid(attr("dou..ble", { DataType: "String", StringValue: "v" }), "MessageAttributes name");
    await invalid(attr("sp ace", { DataType: "String", StringValue: "v" }), "MessageAttributes name");
    await invalid(attr("n".repeat(257), { DataType: "String", StringValue: "v" }), "MessageAttributes name");
    await invalid(
      attr("t", { DataType: "String.custom", StringValue: "v" }),
      "MessageAttributes.t.DataType",
      /String\.Array/,
    );
    await invalid(attr("t", { DataType: "Float", StringValue: "1" }), "MessageAttributes.t.DataType");
    await invalid(attr("t", { StringValue: "1" }), "MessageAttributes.t.DataType");
    await invalid(attr("t", { DataType: "String" }), "MessageAttributes.t.StringValue");
    await invalid(attr("t", { DataType: "String", StringValue: "" }), "MessageAttributes.t.StringValue");
    await invalid(
      attr("t", { DataType: "Number", StringValue: "12abc" }),
      "MessageAttributes.t.StringValue",
      /number/,
    );
    await invalid(
      attr("t", { DataType: "String.Array", StringValue: "a,b" }),
      "MessageAttributes.t.StringValue",
      /JSON array/,
    );
    await invalid(
      attr("t", { DataType: "String.Array", StringValue: '{"a":1}' }),
      "MessageAttributes.t.StringValue",
    );
    await invalid(
      attr("t", { DataType: "String.Array", StringValue: '[["nested"]]' }),
      "MessageAttributes.t.StringValue",
    );
    await invalid(attr("t", { DataType: "Binary", StringValue: "AQ==" }), "MessageAttributes.t.BinaryValue");
    await invalid(
      attr("t", { DataType: "Binary", BinaryValue: new Uint8Array(0) }),
      "MessageAttributes.t.BinaryValue",
    );
    await invalid(
      attr("t", { DataType: "String", StringValue: "v", BinaryValue: new Uint8Array([1]) }),
      "MessageAttributes.t.BinaryValue",
    );
    await invalid(attr("t", "v"), "MessageAttributes.t");
    await invalid(publish({ MessageAttributes: "x" as never }), "MessageAttributes");
  });

  it("checks the FIFO ids: up to 128 printable characters; a group for a FIFO topic; no deduplication id for a standard one", async () => {
    server.requests.length = 0;
    await publish({
      TopicArn: FIFO,
      MessageGroupId: "g".repeat(128),
      MessageDeduplicationId: "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    });
    await publish({ MessageGroupId: "fair-queue-group" });
    assert.equal(server.requests.length, 2);
    await invalid(publish({ TopicArn: FIFO }), "MessageGroupId", /FIFO/);
    await invalid(publish({ TopicArn: FIFO, MessageGroupId: "g".repeat(129) }), "MessageGroupId", /128/);
    await invalid(publish({ TopicArn: FIFO, MessageGroupId: "has space" }), "MessageGroupId");
    await invalid(
      publish({ TopicArn: FIFO, MessageGroupId: "g", MessageDeduplicationId: "" }),
      "MessageDeduplicationId",
    );
    await invalid(publish({ MessageDeduplicationId: "d" }), "MessageDeduplicationId", /standard topic/);
  });
});

describe("PublishBatch", () => {
  const entry = (id: string, extra: Record<string, unknown> = {}) => ({ Id: id, Message: "m", ...extra });
  const batch = (entries: unknown, topic = TOPIC) =>
    sns.publishBatch({ TopicArn: topic, PublishBatchRequestEntries: entries as never });

  it("needs 1 to 10 entries with unique valid Ids, each a valid message, 256 KiB in all", async () => {
    await invalid(batch([]), "PublishBatchRequestEntries", /1 to 10/);
    await invalid(
      batch(Array.from({ length: 11 }, (_, i) => entry(`e${i}`))),
      "PublishBatchRequestEntries",
      /1 to 10/,
    );
    await invalid(batch("x"), "PublishBatchRequestEntries");
    await invalid(batch([entry("a"), entry("a")]), "PublishBatchRequestEntries[1].Id", /unique/);
    await invalid(batch([entry("has space")]), "PublishBatchRequestEntries[0].Id", /80/);
    await invalid(batch([entry("i".repeat(81))]), "PublishBatchRequestEntries[0].Id");
    await invalid(batch([entry("a", { Message: "" })]), "PublishBatchRequestEntries[0].Message");
    await invalid(batch([entry("a", { Subject: "x\ny" })]), "PublishBatchRequestEntries[0].Subject");
    await invalid(batch([entry("a"), "x"]), "PublishBatchRequestEntries[1]");
    await invalid(batch([entry("a")], FIFO), "PublishBatchRequestEntries[0].MessageGroupId");
    await invalid(
      batch([entry("a", { MessageDeduplicationId: "d" })]),
      "PublishBatchRequestEntries[0].MessageDeduplicationId",
    );
    const big = "x".repeat(100_000);
    await invalid(
      batch([entry("a", { Message: big }), entry("b", { Message: big }), entry("c", { Message: big })]),
      "PublishBatchRequestEntries",
      /in total/,
    );
    await invalid(
      sns.publishBatch({ TopicArn: "orders", PublishBatchRequestEntries: [entry("a")] }),
      "TopicArn",
    );
  });
});

describe("subscriptions", () => {
  const queueArn = "arn:aws:sqs:us-east-1:123456789012:q";
  it("checks the protocol, the endpoint of an sqs subscription, and known attributes", async () => {
    await invalid(sns.subscribe({ TopicArn: TOPIC, Protocol: "smtp", Endpoint: "x" }), "Protocol", /one of/);
    await invalid(
      sns.subscribe({
        TopicArn: TOPIC,
        Protocol: "sqs",
        Endpoint: "https://sqs.us-east-1.amazonaws.com/123456789012/q",
      }),
      "Endpoint",
      /ARN/,
    );
    await invalid(
      sns.subscribe({
        TopicArn: TOPIC,
        Protocol: "sqs",
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: "yes" },
      }),
      "Attributes.RawMessageDelivery",
    );
    await invalid(
      sns.subscribe({
        TopicArn: TOPIC,
        Protocol: "sqs",
        Endpoint: queueArn,
        Attributes: { FilterPolicy: "[1]" },
      }),
      "Attributes.FilterPolicy",
      /JSON object/,
    );
    await invalid(
      sns.subscribe({
        TopicArn: TOPIC,
        Protocol: "sqs",
        Endpoint: queueArn,
        Attributes: { FilterPolicyScope: "Body" },
      }),
      "Attributes.FilterPolicyScope",
    );
    await invalid(
      sns.subscribe({
        TopicArn: TOPIC,
        Protocol: "sqs",
        Endpoint: queueArn,
        ReturnSubscriptionArn: "true" as never,
      }),
      "ReturnSubscriptionArn",
    );
    await invalid(
      sns.setSubscriptionAttributes({
        SubscriptionArn: `${TOPIC}:1`,
        AttributeName: "FilterPolicy",
        AttributeValue: "{",
      }),
      "AttributeValue",
    );
    await invalid(
      sns.setSubscriptionAttributes({ SubscriptionArn: `${TOPIC}:1`, AttributeName: "" }),
      "AttributeName",
    );
    await invalid(sns.unsubscribe({ SubscriptionArn: "pending confirmation" }), "SubscriptionArn");
    await invalid(sns.confirmSubscription({ TopicArn: TOPIC, Token: "" }), "Token");
    await invalid(
      sns.confirmSubscription({ TopicArn: TOPIC, Token: "t", AuthenticateOnUnsubscribe: "1" }),
      "AuthenticateOnUnsubscribe",
    );
  });
});

describe("the other actions' required members", () => {
  const APP = "arn:aws:sns:us-east-1:123456789012:app/GCM/app";
  const cases: [string, () => Promise<unknown>, string][] = [
    [
      "AddPermission",
      () =>
        sns.addPermission({
          TopicArn: TOPIC,
          Label: "bad label",
          AWSAccountId: ["1"],
          ActionName: ["Publish"],
        }),
      "Label",
    ],
    [
      "AddPermission",
      () => sns.addPermission({ TopicArn: TOPIC, Label: "l", AWSAccountId: [], ActionName: ["Publish"] }),
      "AWSAccountId",
    ],
    [
      "AddPermission",
      () => sns.addPermission({ TopicArn: TOPIC, Label: "l", AWSAccountId: ["1"] } as never),
      "ActionName",
    ],
    ["CheckIfPhoneNumberIsOptedOut", () => sns.checkIfPhoneNumberIsOptedOut({} as never), "phoneNumber"],
    [
      "CreatePlatformApplication",
      () => sns.createPlatformApplication({ Name: "a", Platform: "GCM" } as never),
      "Attributes",
    ],
    [
      "CreatePlatformApplication",
      () => sns.createPlatformApplication({ Name: "a b", Platform: "GCM", Attributes: {} }),
      "Name",
    ],
    [
      "CreatePlatformEndpoint",
      () => sns.createPlatformEndpoint({ PlatformApplicationArn: APP } as never),
      "Token",
    ],
    [
      "CreateSMSSandboxPhoneNumber",
      () => sns.createSMSSandboxPhoneNumber({ PhoneNumber: "555-0100" }),
      "PhoneNumber",
    ],
    [
      "DeleteSMSSandboxPhoneNumber",
      () => sns.deleteSMSSandboxPhoneNumber({ PhoneNumber: "+1555" }),
      "PhoneNumber",
    ],
    [
      "VerifySMSSandboxPhoneNumber",
      () => sns.verifySMSSandboxPhoneNumber({ PhoneNumber: "+15555550100", OneTimePassword: "12ab" }),
      "OneTimePassword",
    ],
    ["DeleteEndpoint", () => sns.deleteEndpoint({ EndpointArn: "endpoint" }), "EndpointArn"],
    ["DeletePlatformApplication", () => sns.deletePlatformApplication({} as never), "PlatformApplicationArn"],
    ["DeleteTopic", () => sns.deleteTopic({ TopicArn: "" }), "TopicArn"],
    [
      "GetDataProtectionPolicy",
      () => sns.getDataProtectionPolicy({ ResourceArn: `${TOPIC}${"x".repeat(1000)}` }),
      "ResourceArn",
    ],
    [
      "PutDataProtectionPolicy",
      () => sns.putDataProtectionPolicy({ ResourceArn: TOPIC, DataProtectionPolicy: "{" }),
      "DataProtectionPolicy",
    ],
    ["GetSMSAttributes", () => sns.getSMSAttributes({ attributes: "DefaultSMSType" as never }), "attributes"],
    ["ListOriginationNumbers", () => sns.listOriginationNumbers({ MaxResults: 31 }), "MaxResults"],
    ["ListSMSSandboxPhoneNumbers", () => sns.listSMSSandboxPhoneNumbers({ MaxResults: 0 }), "MaxResults"],
    ["ListPhoneNumbersOptedOut", () => sns.listPhoneNumbersOptedOut({ nextToken: 1 as never }), "nextToken"],
    ["ListTopics", () => sns.listTopics({ NextToken: 1 as never }), "NextToken"],
    ["ListSubscriptionsByTopic", () => sns.listSubscriptionsByTopic({} as never), "TopicArn"],
    [
      "SetEndpointAttributes",
      () => sns.setEndpointAttributes({ EndpointArn: `${APP}/e` } as never),
      "Attributes",
    ],
    [
      "SetPlatformApplicationAttributes",
      () =>
        sns.setPlatformApplicationAttributes({ PlatformApplicationArn: APP, Attributes: { a: 1 } as never }),
      "Attributes.a",
    ],
    ["SetSMSAttributes", () => sns.setSMSAttributes({} as never), "attributes"],
    [
      "SetTopicAttributes",
      () => sns.setTopicAttributes({ TopicArn: TOPIC, AttributeName: "Policy", AttributeValue: "nope" }),
      "AttributeValue",
    ],
    ["TagResource", () => sns.tagResource({ ResourceArn: TOPIC, Tags: [] }), "Tags"],
    [
      "TagResource",
      () =>
        sns.tagResource({
          ResourceArn: TOPIC,
          Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "" })),
        }),
      "Tags",
    ],
    [
      "UntagResource",
      () => sns.untagResource({ ResourceArn: TOPIC, TagKeys: ["k".repeat(129)] }),
      "TagKeys[0]",
    ],
    ["GetTopicAttributes", () => sns.getTopicAttributes(null as never), "input"],
  ];
  for (const [action, call, field] of cases) {
    it(`${action}: ${field}`, async () => {
      const error = await invalid(call(), field);
      assert.equal(error.operation, action);
    });
  }
});
