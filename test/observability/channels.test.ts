// The asyncaws:request tracing channel and the hooks option: what a subscriber sees of each call
// (send, batch send, receive, publish, a throttled call retried, a failed call), against fauxqs
// and a loopback server that throttles. Also: nothing is published when nobody subscribes.
import assert from "node:assert/strict";
import { tracingChannel } from "node:diagnostics_channel";
import { after, before, describe, it } from "node:test";
import { isServiceError } from "../../src/core/errors.js";
import { PROCESS_CHANNEL, REQUEST_CHANNEL } from "../../src/observability/channels.js";
import type { ProcessContext } from "../../src/observability/process.js";
import type { RequestContext } from "../../src/observability/request.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/sqs.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { json, type Loopback, startLoopback } from "../helpers/loopback.js";
import { caught } from "../helpers/sqs.js";

interface Seen {
  event: "start" | "end" | "asyncStart" | "asyncEnd" | "error";
  context: RequestContext;
  /** A copy of the context's fields at the time of the event. */
  snapshot: Record<string, unknown>;
}

/** Subscribes to asyncaws:request, recording every event with a snapshot of the context. */
function record(): { seen: Seen[]; stop(): void } {
  const seen: Seen[] = [];
  const channel = tracingChannel(REQUEST_CHANNEL);
  const on = (event: Seen["event"]) => (message: unknown) => {
    const context = message as RequestContext;
    seen.push({ event, context, snapshot: { ...context, attributes: { ...context.attributes } } });
  };
  const handlers = {
    start: on("start"),
    end: on("end"),
    asyncStart: on("asyncStart"),
    asyncEnd: on("asyncEnd"),
    error: on("error"),
  };
  channel.subscribe(handlers);
  return { seen, stop: () => channel.unsubscribe(handlers) };
}

/** The start and asyncEnd snapshots of the one call of `operation`. */
function callOf(seen: Seen[], operation: string): { start: Record<string, unknown>; end: Seen } {
  const events = seen.filter((s) => s.context.operation === operation);
  const start = events.find((s) => s.event === "start");
  const end = events.find((s) => s.event === "asyncEnd");
  assert.ok(start && end, `start and asyncEnd of ${operation}: ${events.map((e) => e.event).join(", ")}`);
  assert.equal(start.context, end.context, "one context object per call");
  return { start: start.snapshot, end };
}

let emulator: Emulator;
let sqs: SQS;
let sns: SNS;
let queueUrl: string;
let queueName: string;

before(async () => {
  emulator = await startEmulator();
  const options = { endpoint: emulator.endpoint, region: "eu-west-1", credentials: TEST_CREDENTIALS };
  sqs = new SQS(options);
  sns = new SNS(options);
  queueName = uniqueName("obs");
  queueUrl = (await sqs.createQueue({ QueueName: queueName })).QueueUrl!;
});
after(async () => {
  await emulator.stop();
});

describe("asyncaws:request", () => {
  it("sees a send: producer span name, messaging attributes, status, request id, message id, timings", async () => {
    const r = record();
    try {
      const sent = await sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: "hello" });
      const { start, end } = callOf(r.seen, "SendMessage");
      assert.equal(start.spanName, `send ${queueName}`);
      assert.equal(start.spanKind, "producer");
      assert.equal(start.service, "sqs");
      assert.equal(start.region, "eu-west-1");
      assert.equal(start.resource, queueUrl);
      assert.deepEqual(start.attributes, {
        "rpc.system": "aws-api",
        "rpc.service": "SQS",
        "rpc.method": "SendMessage",
        "cloud.region": "eu-west-1",
        "server.address": "127.0.0.1",
        "messaging.system": "aws_sqs",
        "aws.sqs.queue.url": queueUrl,
        "messaging.destination.name": queueName,
        "messaging.operation.name": "send",
        "messaging.operation.type": "send",
      });
      const done = end.snapshot;
      assert.equal(done.attempt, 1);
      assert.equal(done.retries, 0);
      assert.equal(done.statusCode, 200);
      assert.equal(typeof done.requestId, "string");
      assert.equal(typeof done.durationMs, "number");
      assert.ok((done.durationMs as number) >= 0);
      assert.equal(typeof done.attemptDurationMs, "number");
      assert.equal(typeof done.startTime, "number");
      assert.equal(done.result, end.context.result);
      assert.deepEqual(done.result, sent);
      assert.equal(done.errorCode, undefined);
      const attributes = done.attributes as Record<string, unknown>;
      assert.equal(attributes["messaging.message.id"], sent.MessageId);
      assert.equal(attributes["aws.request_id"], done.requestId);
      assert.equal(attributes["http.response.status_code"], 200);
      assert.equal(attributes["error.type"], undefined);
      assert.deepEqual(
        r.seen.filter((s) => s.context.operation === "SendMessage").map((s) => s.event),
        ["start", "end", "asyncStart", "asyncEnd"],
      );
    } finally {
      r.stop();
    }
  });

  it("sees a batch send with its message count", async () => {
    const r = record();
    try {
      const out = await sqs.sendMessageBatch({
        QueueUrl: queueUrl,
        Entries: ["a", "b", "c"].map((body, i) => ({ Id: `m${i}`, MessageBody: body })),
      });
      assert.equal(out.Successful?.length, 3);
      const { start, end } = callOf(r.seen, "SendMessageBatch");
      assert.equal(start.spanName, `send ${queueName}`);
      assert.equal(start.spanKind, "producer");
      const attributes = start.attributes as Record<string, unknown>;
      assert.equal(attributes["messaging.batch.message_count"], 3);
      assert.equal(attributes["messaging.operation.type"], "send");
      assert.equal(end.snapshot.statusCode, 200);
      assert.deepEqual((end.snapshot.result as typeof out).Successful, out.Successful);
    } finally {
      r.stop();
    }
  });

  it("sees a receive: client span, the number of messages received", async () => {
    const r = record();
    try {
      const out = await sqs.receiveMessage({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      });
      const count = out.Messages?.length ?? 0;
      assert.ok(count > 0);
      const { start, end } = callOf(r.seen, "ReceiveMessage");
      assert.equal(start.spanName, `receive ${queueName}`);
      assert.equal(start.spanKind, "client");
      const attributes = end.snapshot.attributes as Record<string, unknown>;
      assert.equal(attributes["messaging.operation.name"], "receive");
      assert.equal(attributes["messaging.operation.type"], "receive");
      assert.equal(attributes["messaging.batch.message_count"], count);
      assert.equal(attributes["messaging.destination.name"], queueName);
    } finally {
      r.stop();
    }
  });

  it("sees a publish: aws.sns attributes, the topic's name and ARN, the message id", async () => {
    const topicName = uniqueName("obs-topic");
    const { TopicArn } = await sns.createTopic({ Name: topicName });
    const r = record();
    try {
      const out = await sns.publish({ TopicArn: TopicArn!, Message: "hi" });
      const { start, end } = callOf(r.seen, "Publish");
      assert.equal(start.spanName, `publish ${topicName}`);
      assert.equal(start.spanKind, "producer");
      assert.equal(start.service, "sns");
      const attributes = end.snapshot.attributes as Record<string, unknown>;
      assert.equal(attributes["messaging.system"], "aws.sns");
      assert.equal(attributes["aws.sns.topic.arn"], TopicArn);
      assert.equal(attributes["messaging.destination.name"], topicName);
      assert.equal(attributes["messaging.operation.name"], "publish");
      assert.equal(attributes["messaging.message.id"], out.MessageId);
      assert.equal(attributes["rpc.service"], "SNS");
    } finally {
      r.stop();
    }
  });

  it("sees a failed call: error event, AWS's code as error.type, status, request id", async () => {
    const r = record();
    const calls: RequestContext[] = [];
    const hooked = new SQS({
      endpoint: emulator.endpoint,
      region: "eu-west-1",
      credentials: TEST_CREDENTIALS,
      hooks: { onError: (call) => calls.push(call) },
    });
    try {
      const missing = `${emulator.endpoint}/000000000000/${uniqueName("missing")}`;
      const error = await caught(() => hooked.getQueueAttributes({ QueueUrl: missing }));
      assert.ok(isServiceError(error));
      const events = r.seen.filter((s) => s.context.operation === "GetQueueAttributes").map((s) => s.event);
      assert.deepEqual(events, ["start", "end", "error", "asyncStart", "asyncEnd"]);
      const { start, end } = callOf(r.seen, "GetQueueAttributes");
      assert.equal(start.spanName, "SQS.GetQueueAttributes");
      assert.equal(start.spanKind, "client");
      const done = end.snapshot;
      assert.equal(done.error, error);
      assert.equal(done.errorCode, error.code);
      assert.equal(done.statusCode, error.statusCode);
      assert.equal(done.requestId, error.requestId);
      assert.equal((done.attributes as Record<string, unknown>)["error.type"], error.code);
      assert.equal(calls.length, 1);
      assert.equal(calls[0], end.context, "the hooks get the channel's context");
      assert.equal(typeof calls[0]!.durationMs, "number");
    } finally {
      r.stop();
    }
  });

  it("publishes nothing while nobody subscribes", async () => {
    const r = record();
    r.stop();
    await sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: "unseen" });
    assert.equal(r.seen.length, 0);
  });
});

describe("a throttled call, retried", () => {
  let server: Loopback;
  let answers: number;
  before(async () => {
    answers = 0;
    server = await startLoopback(() => {
      answers++;
      if (answers === 1) {
        return json({ __type: "com.amazonaws.sqs#RequestThrottled", message: "slow down" }, 400, {
          "x-amzn-requestid": "req-throttled",
        });
      }
      return json({ MessageId: "m-1", MD5OfMessageBody: "5d41402abc4b2a76b9719d911017c592" }, 200, {
        "x-amzn-requestid": "req-ok",
      });
    });
  });
  after(() => server.close());

  it("shows each attempt to the hooks and the retry count to the channel", async () => {
    const r = record();
    const log: [string, number, Record<string, unknown>][] = [];
    const hooks = {
      onRequest: (c: RequestContext) => log.push(["request", c.attempt, { ...c }]),
      onRetry: (c: RequestContext) => log.push(["retry", c.attempt, { ...c }]),
      onResponse: (c: RequestContext) => log.push(["response", c.attempt, { ...c }]),
      onError: (c: RequestContext) => log.push(["error", c.attempt, { ...c }]),
    };
    const client = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      hooks,
    });
    try {
      const url = `${server.endpoint}/000000000000/jobs`;
      const out = await client.sendMessage({ QueueUrl: url, MessageBody: "hello" });
      assert.equal(out.MessageId, "m-1");
      assert.deepEqual(
        log.map(([what, attempt]) => [what, attempt]),
        [
          ["request", 1],
          ["retry", 1],
          ["request", 2],
          ["response", 2],
        ],
      );
      const retry = log[1]![2];
      assert.equal(retry.errorCode, "RequestThrottled");
      assert.equal(retry.statusCode, 400);
      assert.equal(retry.requestId, "req-throttled");
      assert.equal(typeof retry.delayMs, "number");
      assert.equal(typeof retry.attemptDurationMs, "number");
      assert.ok(isServiceError(retry.error));
      const response = log[3]![2];
      assert.equal(response.retries, 1);
      assert.equal(response.requestId, "req-ok");
      assert.equal(response.errorCode, undefined);
      const { end } = callOf(r.seen, "SendMessage");
      assert.equal(end.snapshot.attempt, 2);
      assert.equal(end.snapshot.retries, 1);
      const attributes = end.snapshot.attributes as Record<string, unknown>;
      assert.equal(attributes["aws.request_id"], "req-ok");
      assert.equal(attributes["messaging.message.id"], "m-1");
      assert.equal(attributes["messaging.destination.name"], "jobs");
      assert.equal(attributes["error.type"], undefined);
    } finally {
      r.stop();
    }
  });

  it("a hook that throws does not fail the call", async () => {
    answers = 1;
    const client = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      hooks: {
        onRequest: () => {
          throw new Error("hook");
        },
        onResponse: () => {
          throw new Error("hook");
        },
      },
    });
    const out = await client.sendMessage({
      QueueUrl: `${server.endpoint}/000000000000/jobs`,
      MessageBody: "hello",
    });
    assert.equal(out.MessageId, "m-1");
  });

  it("rejects hooks that are not functions, naming the hook", () => {
    assert.throws(
      () => new SQS({ region: "us-east-1", hooks: { onRetry: 5 as never } }),
      (error: Error & { field?: string }) => error.field === "hooks.onRetry",
    );
    assert.throws(
      () => new SQS({ region: "us-east-1", hooks: "log" as never }),
      (error: Error & { field?: string }) => error.field === "hooks",
    );
  });
});

describe("asyncaws:process", () => {
  it("sees a consumer's handler runs: message id, queue, attempt, outcome, error, timings", async () => {
    const name = uniqueName("obs-process");
    const url = (await sqs.createQueue({ QueueName: name })).QueueUrl!;
    await sqs.sendMessage({ QueueUrl: url, MessageBody: "bad" });
    const seen: { event: string; context: ProcessContext; snapshot: Record<string, unknown> }[] = [];
    const channel = tracingChannel(PROCESS_CHANNEL);
    const on = (event: string) => (message: unknown) => {
      const context = message as ProcessContext;
      seen.push({ event, context, snapshot: { ...context, attributes: { ...context.attributes } } });
    };
    const handlers = {
      start: on("start"),
      end: () => {},
      asyncStart: () => {},
      asyncEnd: on("asyncEnd"),
      error: on("error"),
    };
    channel.subscribe(handlers);
    const failure = new Error("handler says no");
    let calls = 0;
    const consumer = sqs.queue(url).consume(
      async () => {
        calls++;
        if (calls === 1) throw failure;
      },
      { waitTimeSeconds: 1, retryDelay: 0 },
    );
    try {
      const deadline = Date.now() + 20_000;
      while (seen.filter((s) => s.event === "asyncEnd").length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await consumer.stop();
      channel.unsubscribe(handlers);
    }
    const ends = seen.filter((s) => s.event === "asyncEnd");
    assert.equal(ends.length, 2, "two runs: a failure, then a success");
    assert.deepEqual(
      seen.map((s) => s.event),
      ["start", "error", "asyncEnd", "start", "asyncEnd"],
    );
    const [failed, succeeded] = ends.map((s) => s.snapshot);
    const messageId = failed!.messageId as string;
    assert.equal(typeof messageId, "string");
    assert.equal(failed!.queueUrl, url);
    assert.equal(failed!.spanName, `process ${name}`);
    assert.equal(failed!.spanKind, "consumer");
    assert.equal(failed!.batch, false);
    assert.equal(failed!.attempt, 1);
    assert.equal(failed!.outcome, "failure");
    assert.equal(failed!.error, failure);
    assert.equal(typeof failed!.durationMs, "number");
    assert.equal(typeof failed!.startTime, "number");
    assert.deepEqual(failed!.attributes, {
      "messaging.system": "aws_sqs",
      "messaging.operation.name": "process",
      "messaging.operation.type": "process",
      "messaging.destination.name": name,
      "aws.sqs.queue.url": url,
      "messaging.message.id": messageId,
      "error.type": "Error",
    });
    assert.equal((failed!.messages as { Body?: string }[])[0]?.Body, "bad");
    assert.equal(succeeded!.messageId, messageId);
    assert.equal(succeeded!.attempt, 2);
    assert.equal(succeeded!.outcome, "success");
    assert.equal((succeeded!.attributes as Record<string, unknown>)["error.type"], undefined);
  });

  it("sees the iterator's messages from their delivery to ack() or retry(), each settled once", async () => {
    const name = uniqueName("obs-process-iter");
    const url = (await sqs.createQueue({ QueueName: name })).QueueUrl!;
    await sqs.sendMessage({ QueueUrl: url, MessageBody: "again" });
    const ends: ProcessContext[] = [];
    const channel = tracingChannel(PROCESS_CHANNEL);
    const handlers = {
      start: () => {},
      end: () => {},
      asyncStart: () => {},
      asyncEnd: (message: unknown) => {
        ends.push(message as ProcessContext);
      },
      error: () => {},
    };
    channel.subscribe(handlers);
    const iterator = sqs.queue(url).messages({ waitTimeSeconds: 1, retryDelay: 0 });
    try {
      let seen = 0;
      for await (const message of iterator) {
        seen++;
        if (seen === 1) {
          message.retry(0);
          message.ack(); // after retry: no effect, also while the traced run ends
        } else {
          message.ack();
          message.retry(0); // after ack: no effect
          break;
        }
      }
    } finally {
      channel.unsubscribe(handlers);
    }
    const status = iterator.status!;
    assert.deepEqual(
      ends.map((c) => c.outcome),
      ["failure", "success"],
    );
    assert.equal(ends[1]!.attempt, 2);
    assert.equal(status.failed, 1);
    assert.equal(status.succeeded, 1);
    assert.equal(status.deleted, 1);
    const left = await sqs.getQueueAttributes({ QueueUrl: url, AttributeNames: ["All"] });
    assert.equal(left.Attributes?.ApproximateNumberOfMessages, "0");
    assert.equal(left.Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
  });
});
