// asyncaws/opentelemetry: spans (PRODUCER, CLIENT), metrics, and the trace written into what is
// sent (AWSTraceHeader, traceparent/tracestate) and read from what is received, against fauxqs
// (SQS directly, SNS to SQS raw and wrapped) and a small SQS of the test's own that keeps
// AWSTraceHeader (fauxqs drops system attributes).
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { context, createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { extractTrace, parseXRay } from "../../src/observability/propagation.js";
import { enableOpenTelemetry } from "../../src/opentelemetry/index.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/sqs.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { type MiniSqs, startMiniSqs } from "../helpers/mini-sqs.js";
import { caught } from "../helpers/sqs.js";
import { type Otel, setUpOtel } from "./otel.js";

let otel: Otel;
let disable: () => void;
let emulator: Emulator;
let mini: MiniSqs;
let sqs: SQS;
let sns: SNS;

before(async () => {
  otel = setUpOtel();
  disable = enableOpenTelemetry({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
  emulator = await startEmulator();
  mini = await startMiniSqs();
  const options = { endpoint: emulator.endpoint, region: "eu-west-1", credentials: TEST_CREDENTIALS };
  sqs = new SQS(options);
  sns = new SNS(options);
});
after(async () => {
  disable();
  await Promise.all([emulator.stop(), mini.close()]);
});
afterEach(() => otel.reset());

/** Runs `fn` inside an active span "job" and returns that span's context. */
async function inJob<T>(fn: () => Promise<T>): Promise<{ traceId: string; spanId: string; out: T }> {
  const tracer = otel.tracerProvider.getTracer("test");
  return tracer.startActiveSpan("job", async (span) => {
    try {
      const out = await fn();
      return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, out };
    } finally {
      span.end();
    }
  });
}

function spanNamed(name: string) {
  const span = otel.spans().find((s) => s.name === name);
  assert.ok(
    span,
    `a span named ${name}; got ${otel
      .spans()
      .map((s) => s.name)
      .join(", ")}`,
  );
  return span;
}

describe("spans and propagation through SQS", () => {
  it("send: a PRODUCER span, child of the active span; the message carries its trace", async () => {
    const name = uniqueName("otel");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    otel.reset();
    const job = await inJob(() => sqs.sendMessage({ QueueUrl: QueueUrl!, MessageBody: "traced" }));
    const send = spanNamed(`send ${name}`);
    assert.equal(send.kind, SpanKind.PRODUCER);
    assert.equal(send.spanContext().traceId, job.traceId);
    assert.equal(send.parentSpanContext?.spanId, job.spanId);
    assert.equal(send.attributes["messaging.system"], "aws_sqs");
    assert.equal(send.attributes["messaging.destination.name"], name);
    assert.equal(send.attributes["aws.sqs.queue.url"], QueueUrl);
    assert.equal(send.attributes["messaging.message.id"], job.out.MessageId);
    assert.equal(typeof send.attributes["aws.request_id"], "string");
    // What was received carries the producer span as its traceparent.
    const { Messages = [] } = await sqs.receiveMessage({ QueueUrl: QueueUrl!, WaitTimeSeconds: 0 });
    assert.equal(Messages.length, 1);
    const attribute = Messages[0]!.MessageAttributes?.traceparent?.StringValue;
    assert.equal(attribute, `00-${job.traceId}-${send.spanContext().spanId}-01`);
    const receive = spanNamed(`receive ${name}`);
    assert.equal(receive.kind, SpanKind.CLIENT);
    assert.equal(receive.attributes["messaging.batch.message_count"], 1);
    assert.deepEqual(
      receive.links.map((l) => l.context.spanId),
      [send.spanContext().spanId],
      "the receive span links to the producer",
    );
  });

  it("batch send: each entry carries the trace; metrics count the messages", async () => {
    const name = uniqueName("otel-batch");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    otel.reset();
    await inJob(() =>
      sqs.sendMessageBatch({
        QueueUrl: QueueUrl!,
        Entries: ["a", "b", "c"].map((body, i) => ({ Id: `e${i}`, MessageBody: body })),
      }),
    );
    const send = spanNamed(`send ${name}`);
    assert.equal(send.attributes["messaging.batch.message_count"], 3);
    const { Messages = [] } = await sqs.receiveMessage({
      QueueUrl: QueueUrl!,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    });
    assert.equal(Messages.length, 3);
    for (const message of Messages) assert.equal(extractTrace(message)?.spanId, send.spanContext().spanId);
    const receive = spanNamed(`receive ${name}`);
    assert.equal(receive.links.length, 3, "one link per message");
    const metrics = await otel.metrics();
    const sent = metrics.get("messaging.client.sent.messages");
    const point = sent?.dataPoints.find((p) => p.attributes["messaging.destination.name"] === name);
    assert.equal(point?.value, 3);
    const consumed = metrics.get("messaging.client.consumed.messages");
    assert.equal(
      consumed?.dataPoints.find((p) => p.attributes["messaging.destination.name"] === name)?.value,
      3,
    );
    const duration = metrics.get("messaging.client.operation.duration");
    assert.ok(
      duration?.dataPoints.some(
        (p) =>
          p.attributes["messaging.destination.name"] === name &&
          p.attributes["messaging.operation.name"] === "send",
      ),
    );
  });

  it("the caller's input is left as it was", async () => {
    const name = uniqueName("otel-input");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    const input = { QueueUrl: QueueUrl!, MessageBody: "mine", MessageAttributes: {} };
    await inJob(() => sqs.sendMessage(input));
    assert.deepEqual(input, { QueueUrl, MessageBody: "mine", MessageAttributes: {} });
  });

  it("a failed call: an ERROR span with error.type", async () => {
    const missing = `${emulator.endpoint}/000000000000/${uniqueName("missing")}`;
    await caught(() => sqs.sendMessage({ QueueUrl: missing, MessageBody: "x" }));
    const span = otel.spans().find((s) => s.name.startsWith("send "));
    assert.ok(span);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(typeof span.attributes["error.type"], "string");
    assert.equal(
      span.events.some((e) => e.name === "exception"),
      true,
    );
  });

  it("a message with 10 attributes: no traceparent, still traced through AWSTraceHeader", async () => {
    const attributes: Record<string, { DataType: string; StringValue: string }> = {};
    for (let i = 0; i < 10; i++) attributes[`a${i}`] = { DataType: "String", StringValue: `v${i}` };
    const url = `${mini.endpoint}/000000000000/mini`;
    const client = new SQS({ endpoint: mini.endpoint, region: "eu-west-1", credentials: TEST_CREDENTIALS });
    await inJob(() =>
      client.sendMessage({ QueueUrl: url, MessageBody: "full", MessageAttributes: attributes }),
    );
    const send = spanNamed("send mini");
    const sentBody = JSON.parse(mini.requests.at(-1)!.body) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(sentBody.MessageAttributes!).sort(), Object.keys(attributes).sort());
    const header = (sentBody.MessageSystemAttributes!.AWSTraceHeader as { StringValue: string }).StringValue;
    const ids = parseXRay(header);
    assert.equal(ids?.traceId, send.spanContext().traceId);
    assert.equal(ids?.spanId, send.spanContext().spanId);
    assert.match(header, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
    const { Messages = [] } = await client.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 0 });
    assert.equal(Messages[0]?.Attributes?.AWSTraceHeader, header, "the receive asked for it");
    assert.equal(extractTrace(Messages[0])?.spanId, send.spanContext().spanId);
    await client.deleteMessage({ QueueUrl: url, ReceiptHandle: Messages[0]!.ReceiptHandle! });
  });

  it("tracestate travels with traceparent", async () => {
    const name = uniqueName("otel-state");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
      isRemote: true,
      traceState: createTraceState("vendor=value"),
    });
    await context.with(parent, () => sqs.sendMessage({ QueueUrl: QueueUrl!, MessageBody: "s" }));
    const { Messages = [] } = await sqs.receiveMessage({ QueueUrl: QueueUrl!, WaitTimeSeconds: 0 });
    assert.equal(Messages[0]?.MessageAttributes?.tracestate?.StringValue, "vendor=value");
    assert.equal(extractTrace(Messages[0])?.traceId, "0af7651916cd43dd8448eb211c80319c");
  });
});

describe("propagation through SNS", () => {
  it("raw and wrapped deliveries both carry the publisher's trace", async () => {
    const topicName = uniqueName("otel-topic");
    const { TopicArn } = await sns.createTopic({ Name: topicName });
    const raw = uniqueName("otel-raw");
    const wrapped = uniqueName("otel-wrapped");
    const rawUrl = (await sqs.createQueue({ QueueName: raw })).QueueUrl!;
    const wrappedUrl = (await sqs.createQueue({ QueueName: wrapped })).QueueUrl!;
    const rawArn = (await sqs.getQueueAttributes({ QueueUrl: rawUrl, AttributeNames: ["QueueArn"] }))
      .Attributes!.QueueArn!;
    const wrappedArn = (await sqs.getQueueAttributes({ QueueUrl: wrappedUrl, AttributeNames: ["QueueArn"] }))
      .Attributes!.QueueArn!;
    await sns.subscribe({
      TopicArn: TopicArn!,
      Protocol: "sqs",
      Endpoint: rawArn,
      Attributes: { RawMessageDelivery: "true" },
    });
    await sns.subscribe({ TopicArn: TopicArn!, Protocol: "sqs", Endpoint: wrappedArn });
    otel.reset();
    await inJob(() => sns.publish({ TopicArn: TopicArn!, Message: "fan out" }));
    const publish = spanNamed(`publish ${topicName}`);
    assert.equal(publish.kind, SpanKind.PRODUCER);
    for (const url of [rawUrl, wrappedUrl]) {
      const { Messages = [] } = await sqs.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 1 });
      assert.equal(Messages.length, 1, url);
      const ids = extractTrace(Messages[0]);
      assert.equal(ids?.traceId, publish.spanContext().traceId, url);
      assert.equal(ids?.spanId, publish.spanContext().spanId, url);
    }
  });

  it("sends X-Amzn-Trace-Id with Publish (SNS turns it into AWSTraceHeader)", async () => {
    const client = new SNS({ endpoint: mini.endpoint, region: "eu-west-1", credentials: TEST_CREDENTIALS });
    await inJob(() =>
      client.publish({ TopicArn: "arn:aws:sns:eu-west-1:000000000000:mini-topic", Message: "m" }),
    );
    const publish = spanNamed("publish mini-topic");
    const request = mini.requests.at(-1)!;
    assert.equal(
      request.signatureValid,
      true,
      "the header is signed or left out of the signature, never breaking it",
    );
    assert.equal(parseXRay(request.headers["x-amzn-trace-id"])?.spanId, publish.spanContext().spanId);
    mini.messages.length = 0;
  });
});

describe("enable and disable", () => {
  it("after disable(), no span and no trace attribute", async () => {
    const name = uniqueName("otel-off");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    disable();
    otel.reset();
    try {
      await sqs.sendMessage({ QueueUrl: QueueUrl!, MessageBody: "dark" });
      const { Messages = [] } = await sqs.receiveMessage({
        QueueUrl: QueueUrl!,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
      });
      assert.equal(otel.spans().length, 0);
      assert.equal(Messages[0]?.MessageAttributes, undefined);
    } finally {
      disable = enableOpenTelemetry({
        tracerProvider: otel.tracerProvider,
        meterProvider: otel.meterProvider,
      });
    }
  });
});

/** Consumes `url` with `client` until `count` handler runs ended, then stops. */
async function consumeRuns(
  client: SQS,
  url: string,
  count: number,
  options: { batch?: boolean; unwrapSns?: boolean } = {},
): Promise<void> {
  let runs = 0;
  const tracer = otel.tracerProvider.getTracer("test");
  const handler = async () => {
    // A span of the handler's own: a child of the process span.
    tracer.startSpan("handler work").end();
    runs++;
  };
  const consumer = options.batch
    ? client.queue(url).consume(handler, { batch: true, waitTimeSeconds: 1 })
    : options.unwrapSns
      ? client.queue(url).consume(handler, { waitTimeSeconds: 1, unwrapSns: true })
      : client.queue(url).consume(handler, { waitTimeSeconds: 1 });
  const deadline = Date.now() + 20_000;
  while (runs < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await consumer.stop();
  assert.equal(runs, count, "handler runs");
}

/** Asserts that the producer span, the process span and the handler's span make one trace. */
function assertOneTrace(producerName: string, queueName: string, job: { traceId: string; spanId: string }) {
  const producer = spanNamed(producerName);
  const process = spanNamed(`process ${queueName}`);
  const work = spanNamed("handler work");
  assert.equal(process.kind, SpanKind.CONSUMER);
  assert.equal(producer.spanContext().traceId, job.traceId);
  assert.equal(process.spanContext().traceId, job.traceId, "process continues the producer's trace");
  assert.equal(process.parentSpanContext?.spanId, producer.spanContext().spanId);
  assert.deepEqual(
    process.links.map((l) => l.context.spanId),
    [producer.spanContext().spanId],
    "and links to the producer span",
  );
  assert.equal(work.parentSpanContext?.spanId, process.spanContext().spanId, "the handler runs inside it");
  assert.equal(process.attributes["messaging.destination.name"], queueName);
  assert.equal(process.attributes["messaging.operation.type"], "process");
  assert.equal(typeof process.attributes["messaging.message.id"], "string");
}

describe("one trace from send to process", () => {
  it("through SQS", async () => {
    const name = uniqueName("otel-process");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    otel.reset();
    const job = await inJob(() => sqs.queue(QueueUrl!).send({ hello: "world" }));
    await consumeRuns(sqs, QueueUrl!, 1);
    assertOneTrace(`send ${name}`, name, job);
    const metrics = await otel.metrics();
    assert.ok(
      metrics
        .get("messaging.process.duration")
        ?.dataPoints.some((p) => p.attributes["messaging.destination.name"] === name),
      "messaging.process.duration",
    );
  });

  it("through SNS to SQS, raw and wrapped", async () => {
    const topicName = uniqueName("otel-fan");
    const topic = sns.topic(topicName, { create: true });
    const raw = uniqueName("otel-fan-raw");
    const wrapped = uniqueName("otel-fan-wrapped");
    const rawUrl = (await sqs.createQueue({ QueueName: raw })).QueueUrl!;
    const wrappedUrl = (await sqs.createQueue({ QueueName: wrapped })).QueueUrl!;
    await topic.subscribeQueue(sqs.queue(rawUrl), { raw: true });
    await topic.subscribeQueue(sqs.queue(wrappedUrl));
    otel.reset();
    const job = await inJob(() => topic.publish({ kind: "order" }));
    await consumeRuns(sqs, rawUrl, 1);
    assertOneTrace(`publish ${topicName}`, raw, job);
    otel.exporter.reset();
    await consumeRuns(sqs, wrappedUrl, 1, { unwrapSns: true });
    const process = spanNamed(`process ${wrapped}`);
    assert.equal(process.spanContext().traceId, job.traceId, "wrapped: the envelope's attributes carry it");
    assert.equal(spanNamed("handler work").parentSpanContext?.spanId, process.spanContext().spanId);
  });

  it("a message with 10 attributes, through AWSTraceHeader alone", async () => {
    const client = new SQS({ endpoint: mini.endpoint, region: "eu-west-1", credentials: TEST_CREDENTIALS });
    const url = `${mini.endpoint}/000000000000/mini-full`;
    const attributes: Record<string, { DataType: string; StringValue: string }> = {};
    for (let i = 0; i < 10; i++) attributes[`a${i}`] = { DataType: "String", StringValue: `v${i}` };
    otel.reset();
    const job = await inJob(() =>
      client.sendMessage({ QueueUrl: url, MessageBody: "full", MessageAttributes: attributes }),
    );
    assert.equal(mini.messages.at(-1)?.attributes?.traceparent, undefined, "no room for traceparent");
    await consumeRuns(client, url, 1);
    assertOneTrace("send mini-full", "mini-full", job);
  });

  it("a batch handler: one process span with one link per message", async () => {
    const name = uniqueName("otel-batch-process");
    const { QueueUrl } = await sqs.createQueue({ QueueName: name });
    const jobs = [];
    for (const body of ["x", "y", "z"])
      jobs.push(await inJob(() => sqs.sendMessage({ QueueUrl: QueueUrl!, MessageBody: body })));
    otel.reset();
    await consumeRuns(sqs, QueueUrl!, 1, { batch: true });
    const process = spanNamed(`process ${name}`);
    assert.equal(process.attributes["messaging.batch.message_count"], 3);
    assert.deepEqual(process.links.map((l) => l.context.traceId).sort(), jobs.map((j) => j.traceId).sort());
  });
});
