import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSnsEnvelope, unwrapSnsMessage } from "../../src/sns/envelope.js";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:orders";
const envelope = {
  Type: "Notification",
  MessageId: "da41e39f-ea4d-435a-b922-c6aae3915ebe",
  TopicArn: TOPIC,
  Subject: "Order",
  Message: '{"id":42}',
  Timestamp: "2024-05-01T12:00:00.000Z",
  SignatureVersion: "1",
  Signature: "EXAMPLEpH+..",
  SigningCertURL: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
  UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:1`,
  MessageAttributes: {
    kind: { Type: "String", Value: "order" },
    blob: { Type: "Binary", Value: "AAH/" },
    tags: { Type: "String.Array", Value: '["a","b"]' },
  },
};

describe("parseSnsEnvelope", () => {
  it("reads the envelope SNS delivers to a queue", () => {
    assert.deepEqual(parseSnsEnvelope(JSON.stringify(envelope)), envelope);
    assert.deepEqual(parseSnsEnvelope(`\n  ${JSON.stringify(envelope, null, 2)}`), envelope);
    assert.deepEqual(parseSnsEnvelope(envelope), envelope);
  });

  it("reads FIFO and Lambda forms: SequenceNumber, SigningCertUrl, UnsubscribeUrl, Subject null", () => {
    const { SigningCertURL, UnsubscribeURL, Subject: _, ...rest } = envelope;
    const lambda = {
      ...rest,
      Subject: null,
      SigningCertUrl: SigningCertURL,
      UnsubscribeUrl: UnsubscribeURL,
      SequenceNumber: "1000",
    };
    const parsed = parseSnsEnvelope(lambda)!;
    assert.equal(parsed.SigningCertURL, SigningCertURL);
    assert.equal(parsed.UnsubscribeURL, UnsubscribeURL);
    assert.equal(parsed.SequenceNumber, "1000");
    assert.equal("Subject" in parsed, false);
    assert.equal("SigningCertUrl" in parsed, false);
  });

  it("reads an envelope without attributes, and drops members it does not know", () => {
    const { MessageAttributes: _, ...plain } = envelope;
    const parsed = parseSnsEnvelope({ ...plain, Extra: "x", MessageAttributes: null })!;
    assert.equal(parsed.MessageAttributes, undefined);
    assert.equal("Extra" in parsed, false);
  });

  it("answers undefined for anything that is not an envelope", () => {
    for (const body of [
      "plain text",
      "",
      '{"hello":"world"}',
      '"Notification"',
      "[1,2]",
      '{"Type":"Notification"',
      JSON.stringify({ ...envelope, Type: "SubscriptionConfirmation" }),
      JSON.stringify({ ...envelope, Message: 42 }),
      JSON.stringify({ ...envelope, TopicArn: undefined }),
      JSON.stringify({ ...envelope, Subject: 7 }),
      JSON.stringify({ ...envelope, MessageAttributes: { a: { Type: "String" } } }),
      JSON.stringify({ ...envelope, MessageAttributes: [] }),
    ]) {
      assert.equal(parseSnsEnvelope(body), undefined, body);
    }
    assert.equal(parseSnsEnvelope(null as never), undefined);
  });

  it("keeps attribute names such as __proto__ as plain data", () => {
    const body = `{"Type":"Notification","MessageId":"m","TopicArn":"t","Message":"x","Timestamp":"2024-01-01T00:00:00Z","MessageAttributes":{"__proto__":{"Type":"String","Value":"v"}}}`;
    const parsed = parseSnsEnvelope(body)!;
    assert.deepEqual(Object.keys(parsed.MessageAttributes!), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(parsed.MessageAttributes), Object.prototype);
    const attributes = unwrapSnsMessage(body).MessageAttributes;
    assert.deepEqual(Object.getOwnPropertyDescriptor(attributes, "__proto__")?.value, {
      DataType: "String",
      StringValue: "v",
    });
  });
});

describe("unwrapSnsMessage", () => {
  it("unwraps an enveloped message, its attributes in SQS's shape", () => {
    const delivery = unwrapSnsMessage({ Body: JSON.stringify(envelope) });
    assert.equal(delivery.Message, '{"id":42}');
    assert.equal(delivery.Envelope?.TopicArn, TOPIC);
    assert.deepEqual(delivery.MessageAttributes, {
      kind: { DataType: "String", StringValue: "order" },
      blob: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 255]) },
      tags: { DataType: "String.Array", StringValue: '["a","b"]' },
    });
  });

  it("passes a raw delivery through, with its SQS attributes", () => {
    const attributes = { kind: { DataType: "String", StringValue: "order" } };
    const delivery = unwrapSnsMessage({ Body: "raw body", MessageAttributes: attributes });
    assert.deepEqual(delivery, { Message: "raw body", MessageAttributes: attributes, Envelope: undefined });
    assert.deepEqual(unwrapSnsMessage("just text"), {
      Message: "just text",
      MessageAttributes: {},
      Envelope: undefined,
    });
    assert.deepEqual(unwrapSnsMessage({}), { Message: "", MessageAttributes: {}, Envelope: undefined });
  });

  it("keeps the deprecated lowerCamelCase names, not enumerable", () => {
    const delivery = unwrapSnsMessage({ Body: JSON.stringify(envelope) });
    assert.equal(delivery.message, delivery.Message);
    assert.equal(delivery.attributes, delivery.MessageAttributes);
    assert.equal(delivery.envelope, delivery.Envelope);
    assert.deepEqual(Object.keys(delivery), ["Message", "MessageAttributes", "Envelope"]);
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(delivery))), [
      "Message",
      "MessageAttributes",
      "Envelope",
    ]);
  });
});
