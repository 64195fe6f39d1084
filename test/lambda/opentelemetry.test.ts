// The trace from a producer to a Lambda handler: a message sent (or published) inside a span,
// with `enableOpenTelemetry` on, comes to sqsHandler / snsHandler as Lambda hands it over (the
// record built from what SQS gave back, in Lambda's spelling); the handler's run is a CONSUMER
// `process` span, a child of the producer's span and linked to it, with the handler inside it.
// Through fauxqs (traceparent message attributes, SNS envelopes) and a small SQS of the test's
// own that keeps AWSTraceHeader, as SQS does and fauxqs does not.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { type SnsRecord, type SqsRecord, snsHandler, sqsHandler } from "../../src/lambda/index.js";
import { enableOpenTelemetry } from "../../src/opentelemetry/index.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/sqs.js";
import type { Message } from "../../src/sqs/types.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { type MiniSqs, startMiniSqs } from "../helpers/mini-sqs.js";
import { type Otel, setUpOtel } from "../observability/otel.js";
import { fakeContext } from "./fixtures.js";

let otel: Otel;
let disable: () => void;
let emulator: Emulator;
let mini: MiniSqs;
let sqs: SQS;
let sns: SNS;

before(async () => {
  otel = setUpOtel();
  disable = enableOpenTelemetry({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
  [emulator, mini] = await Promise.all([startEmulator(), startMiniSqs()]);
  const options = { endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
  sqs = new SQS(options);
  sns = new SNS(options);
});
after(async () => {
  disable();
  await Promise.all([emulator.stop(), mini.close()]);
});
afterEach(() => otel.reset());

/** Runs `fn` inside an active span "request" (a web request that sends a message, say). */
function inRequest<T>(fn: () => Promise<T>): Promise<T> {
  return otel.tracerProvider.getTracer("test").startActiveSpan("request", async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

function spanNamed(name: string): ReadableSpan {
  const span = otel.spans().find((s) => s.name === name);
  assert.ok(span, `a span named ${name}; got ${otel.spans().map((s) => s.name)}`);
  return span;
}

/** The record Lambda's SQS trigger would hand over for a received message. */
function recordOf(message: Message, queueArn: string): SqsRecord {
  const messageAttributes: SqsRecord["messageAttributes"] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? "String",
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    };
  }
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(Date.now()), ...message.Attributes },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: "us-east-1",
  };
}

/** Checks that `process` is a CONSUMER span continuing `producer`'s trace, and the handler ran inside it. */
function assertContinues(process: ReadableSpan, producer: ReadableSpan, active: string | undefined) {
  assert.equal(process.kind, SpanKind.CONSUMER);
  assert.equal(process.spanContext().traceId, producer.spanContext().traceId, "one trace");
  assert.equal(process.parentSpanContext?.spanId, producer.spanContext().spanId, "a child of the producer");
  assert.deepEqual(
    process.links.map((l) => l.context.spanId),
    [producer.spanContext().spanId],
    "and linked to it",
  );
  assert.equal(active, process.spanContext().spanId, "the handler ran inside the process span");
}

describe("OpenTelemetry through Lambda handlers", () => {
  it("sqsHandler: send (traceparent) → Lambda record → a CONSUMER process span, child of the send span", async () => {
    const name = uniqueName("otel-lambda");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    const queue = sqs.queue(QueueUrl!);
    const { QueueArn } = await queue.attributes(["QueueArn"]);
    otel.reset();
    await inRequest(() => queue.send("order 2"));
    const send = spanNamed(`send ${name}`);
    const [second] = await queue.receive({ WaitTimeSeconds: 0, MessageAttributeNames: ["All"] });
    assert.match(second?.MessageAttributes?.traceparent?.StringValue ?? "", /^00-[0-9a-f]{32}-/);
    let active: string | undefined;
    const handler = sqsHandler(async () => {
      active = trace.getActiveSpan()?.spanContext().spanId;
    });
    const response = await handler({ Records: [recordOf(second!, QueueArn!)] }, fakeContext());
    assert.deepEqual(response.batchItemFailures, []);
    const process = spanNamed(`process ${name}`);
    assertContinues(process, send, active);
    assert.equal(process.attributes["messaging.system"], "aws_sqs");
    assert.equal(process.attributes["messaging.message.id"], second!.MessageId);
    assert.equal(process.attributes["messaging.destination.name"], name);
    assert.equal(process.status.code, SpanStatusCode.UNSET);
  });

  it("sqsHandler: a message with 10 attributes still links through AWSTraceHeader; a throwing handler marks the span", async () => {
    const attributes: Record<string, { DataType: string; StringValue: string }> = {};
    for (let i = 0; i < 10; i++) attributes[`a${i}`] = { DataType: "String", StringValue: `v${i}` };
    const client = new SQS({ endpoint: mini.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
    const url = `${mini.endpoint}/123456789012/mini`;
    await inRequest(() =>
      client.sendMessage({ QueueUrl: url, MessageBody: "full", MessageAttributes: attributes }),
    );
    const send = spanNamed("send mini");
    const { Messages = [] } = await client.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 0 });
    const received = Messages[0]!;
    assert.equal(received.MessageAttributes?.traceparent, undefined, "no room for traceparent");
    assert.match(received.Attributes?.AWSTraceHeader ?? "", /^Root=1-/);
    let active: string | undefined;
    const handler = sqsHandler(async () => {
      active = trace.getActiveSpan()?.spanContext().spanId;
      throw new RangeError("out of stock");
    });
    const record = recordOf(received, "arn:aws:sqs:us-east-1:123456789012:mini");
    const response = await handler({ Records: [record] }, fakeContext());
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: received.MessageId }]);
    const process = spanNamed("process mini");
    assertContinues(process, send, active);
    assert.equal(process.status.code, SpanStatusCode.ERROR);
    assert.equal(process.attributes["error.type"], "RangeError");
  });

  it("snsHandler: publish → the notification Lambda gets → a CONSUMER process span of the topic, child of the publish span", async () => {
    const topicName = uniqueName("otel-topic");
    const { TopicArn } = await sns.createTopic({ Name: topicName });
    // A queue subscribed without raw delivery receives the notification as SNS delivers it to
    // Lambda too: the record is built from that envelope.
    const { QueueUrl } = await sqs.createQueue({ QueueName: uniqueName("otel-envelope") });
    const queue = sqs.queue(QueueUrl!);
    await sns.topic(TopicArn!).subscribeQueue(queue);
    otel.reset();
    await inRequest(() =>
      sns.topic(TopicArn!).publish("order 3", {
        MessageAttributes: { kind: { DataType: "String", StringValue: "order" } },
      }),
    );
    const publish = spanNamed(`publish ${topicName}`);
    const [delivered] = await queue.receive({ WaitTimeSeconds: 2 });
    const envelope = JSON.parse(delivered!.Body!) as Record<string, unknown>;
    assert.ok(
      (envelope.MessageAttributes as Record<string, unknown>).traceparent,
      "the trace rides in the envelope",
    );
    const record: SnsRecord = {
      EventVersion: "1.0",
      EventSubscriptionArn: `${TopicArn}:0d7b6ea0-0000-4a5c-8e2c-3d7e3e6a2d6c`,
      EventSource: "aws:sns",
      Sns: {
        Type: "Notification",
        MessageId: envelope.MessageId as string,
        TopicArn: envelope.TopicArn as string,
        Message: envelope.Message as string,
        Timestamp: envelope.Timestamp as string,
        SignatureVersion: "1",
        Signature: "EXAMPLE",
        SigningCertUrl: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0.pem",
        UnsubscribeUrl: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
        MessageAttributes: envelope.MessageAttributes as NonNullable<SnsRecord["Sns"]["MessageAttributes"]>,
      },
    };
    let active: string | undefined;
    let kind: string | undefined;
    const handler = snsHandler(async (message) => {
      active = trace.getActiveSpan()?.spanContext().spanId;
      kind = message.MessageAttributes.kind?.StringValue;
    });
    await handler({ Records: [record] }, fakeContext());
    assert.equal(kind, "order");
    const process = spanNamed(`process ${topicName}`);
    assertContinues(process, publish, active);
    assert.equal(process.attributes["messaging.system"], "aws.sns");
    assert.equal(process.attributes["aws.sns.topic.arn"], TopicArn);
    assert.equal(process.attributes["messaging.message.id"], envelope.MessageId);
  });
});
