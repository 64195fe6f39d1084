// The producer: batching by count and bytes, per-entry retries and rejections, FIFO order under
// retries, back-pressure, flush/onIdle/close; against fauxqs and scripted loopback servers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BatchProducer, type BatchTarget, type EntryOutcome } from "../../src/batch/engine.js";
import { AsyncAwsError, isAsyncAwsError, isServiceError, isValidationError } from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/index.js";
import { seededRandom } from "../helpers/fault-proxy.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type RecordedRequest, startLoopback } from "../helpers/loopback.js";
import { type Bench, requestsOf, sleep, startBench } from "../sqs/consumer/setup.js";

interface Entry {
  Id: string;
  MessageBody: string;
  MessageGroupId?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}
const entriesOf = (request: RecordedRequest) => (JSON.parse(request.body) as { Entries: Entry[] }).Entries;
const isSendBatch = (request: RecordedRequest) =>
  request.headers["x-amz-target"] === "AmazonSQS.SendMessageBatch";

/** A loopback SQS that accepts every SendMessageBatch entry. */
async function acceptAll(delayMs = 0) {
  let n = 0;
  return startLoopback(async (request) => {
    if (delayMs) await sleep(delayMs);
    return json({
      Successful: entriesOf(request).map((entry) => ({ Id: entry.Id, MessageId: `msg-${n++}` })),
      Failed: [],
    });
  });
}

describe("producer on fauxqs", () => {
  let bench: Bench;
  before(async () => {
    bench = await startBench();
  });
  after(async () => {
    await bench?.close();
  });

  it("10,000 sends make about 1,000 SendMessageBatch requests, each of at most 10", async () => {
    const queue = await bench.queue("produce");
    const url = await queue.url();
    const producer = queue.producer();
    const ids = await Promise.all(Array.from({ length: 10_000 }, (_, i) => producer.send(`m-${i}`)));
    assert.equal(new Set(ids).size, 10_000);
    const requests = requestsOf(bench, "SendMessageBatch", url);
    assert.ok(requests.length >= 1000 && requests.length <= 1010, `${requests.length} requests`);
    assert.ok(requests.every((r) => (r.body.Entries as unknown[]).length <= 10));
    const { Attributes } = await bench.direct.getQueueAttributes({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages"],
    });
    assert.equal(Attributes?.ApproximateNumberOfMessages, "10000");
    assert.equal(producer.stats.sent, 10_000);
    assert.equal(producer.stats.batches, requests.length);
    await producer.close();
  });

  it("sends a batch of exactly 1 MiB in one request", async () => {
    const queue = await bench.queue("mebibyte");
    const url = await queue.url();
    const producer = queue.producer({ lingerMs: 50 });
    const body = "x".repeat(104_857);
    await Promise.all(Array.from({ length: 10 }, () => producer.send(body)));
    assert.equal(requestsOf(bench, "SendMessageBatch", url).length, 1);
  });
});

describe("producer against a scripted server", () => {
  it("splits batches by bytes at the limits, attributes included", async () => {
    const server = await acceptAll();
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const producer = sqs.queue(`${server.endpoint}/000000000000/bytes`).producer({ lingerMs: 50 });
      const sizes = () =>
        server.requests.filter(isSendBatch).map((r) => entriesOf(r).map((e) => e.MessageBody.length));
      const sendAll = (bodies: string[], params?: object) =>
        Promise.all(bodies.map((b) => producer.send(b, params)));

      await sendAll(Array.from({ length: 10 }, () => "a".repeat(104_857))); // 1,048,570 bytes
      assert.deepEqual(
        sizes().map((s) => s.length),
        [10],
      );
      server.requests.length = 0;

      await sendAll(Array.from({ length: 10 }, () => "b".repeat(104_858))); // 1,048,580 bytes
      assert.deepEqual(
        sizes().map((s) => s.length),
        [9, 1],
      );
      server.requests.length = 0;

      await sendAll(["c".repeat(1_048_576), "d"]);
      // Two requests in flight at once: either may arrive first.
      assert.deepEqual(
        sizes().sort((x, y) => y[0]! - x[0]!),
        [[1_048_576], [1]],
      );
      server.requests.length = 0;

      // Body, attribute name, type and value all count: 524,280 + 1 + 6 + 1 = 524,288 each.
      const attribute = (value: string) => ({
        MessageAttributes: { k: { DataType: "String", StringValue: value } },
      });
      await sendAll(["e".repeat(524_280), "f".repeat(524_280)], attribute("v"));
      assert.deepEqual(
        sizes().map((s) => s.length),
        [2],
      );
      server.requests.length = 0;
      await sendAll(["g".repeat(524_280), "h".repeat(524_280)], attribute("vv"));
      assert.deepEqual(
        sizes().map((s) => s.length),
        [1, 1],
      );
      server.requests.length = 0;

      const tooBig = await producer.send("i".repeat(1_048_577)).catch((error: unknown) => error);
      assert.ok(isValidationError(tooBig));
      assert.equal(tooBig.field, "MessageBody");
      assert.equal(tooBig.value, "1048577 bytes");
      await producer.flush();
      assert.equal(server.requests.length, 0, "nothing sent for a message over the limit");
    } finally {
      await server.close();
    }
  });

  it("retries entries that failed for a retryable reason, rejects the others one by one with AWS's code", async () => {
    const attemptsOf = new Map<string, number>();
    let requests = 0;
    const server = await startLoopback((request) => {
      requests++;
      if (requests === 1) return json({ __type: "InternalError", message: "whole request failed" }, 500);
      const Successful: object[] = [];
      const Failed: object[] = [];
      for (const entry of entriesOf(request)) {
        const attempt = (attemptsOf.get(entry.MessageBody) ?? 0) + 1;
        attemptsOf.set(entry.MessageBody, attempt);
        const fail = (Code: string, SenderFault: boolean) =>
          Failed.push({ Id: entry.Id, Code, SenderFault, Message: `${Code} for ${entry.MessageBody}` });
        if (entry.MessageBody.startsWith("flaky") && attempt === 1) fail("InternalError", false);
        else if (entry.MessageBody.startsWith("throttled") && attempt < 3) fail("RequestThrottled", true);
        else if (entry.MessageBody.startsWith("bad")) fail("InvalidParameterValue", true);
        else if (entry.MessageBody.startsWith("always")) fail("ServiceUnavailable", false);
        else Successful.push({ Id: entry.Id, MessageId: `id-${entry.MessageBody}` });
      }
      return json({ Successful, Failed });
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
      const producer = sqs
        .queue(`${server.endpoint}/000000000000/partial`)
        .producer({ maxAttempts: 4, retryBaseDelayMs: 5, lingerMs: 20 });
      const bodies = ["ok-1", "flaky-1", "bad-1", "throttled-1", "always-1", "ok-2", "flaky-2"];
      const results = await Promise.allSettled(bodies.map((body) => producer.send(body)));
      const byBody = new Map(bodies.map((body, i) => [body, results[i]!]));
      for (const body of ["ok-1", "ok-2", "flaky-1", "flaky-2", "throttled-1"]) {
        assert.deepEqual(byBody.get(body), { status: "fulfilled", value: `id-${body}` }, body);
      }
      const bad = (byBody.get("bad-1") as PromiseRejectedResult).reason;
      assert.ok(isServiceError(bad));
      assert.equal(bad.code, "InvalidParameterValue");
      assert.equal(bad.fault, "client");
      assert.equal(bad.retryable, false);
      assert.equal(bad.operation, "SendMessageBatch");
      assert.equal(bad.resource, "partial");
      assert.match(bad.message, /InvalidParameterValue for bad-1/);
      assert.equal(attemptsOf.get("bad-1"), 1, "a sender fault is not retried");
      const always = (byBody.get("always-1") as PromiseRejectedResult).reason;
      assert.ok(isServiceError(always) && always.code === "ServiceUnavailable");
      // The first (whole-request) failure counts as an attempt: 4 in all, 3 seen entry by entry.
      assert.equal(attemptsOf.get("always-1"), 3);
      assert.equal(attemptsOf.get("throttled-1"), 3);
      assert.equal(producer.stats.sent, 5);
      assert.equal(producer.stats.failed, 2);
      await producer.close();
    } finally {
      await server.close();
    }
  });

  it("FIFO: keeps each group's order across retries, one request at a time per group", async () => {
    const random = seededRandom(Number(process.env.FAULT_SEED ?? 42));
    const accepted = new Map<string, number[]>();
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const server = await startLoopback(async (request) => {
      const entries = entriesOf(request);
      const groups = new Set(entries.map((entry) => entry.MessageGroupId!));
      for (const group of groups) {
        if (inFlight.has(group)) overlaps.push(group);
        inFlight.add(group);
      }
      await sleep(random() * 5);
      for (const group of groups) inFlight.delete(group);
      if (random() < 0.1) return json({ __type: "ServiceUnavailable", message: "busy" }, 503);
      const Successful: object[] = [];
      const Failed: object[] = [];
      const stopped = new Set<string>();
      for (const entry of entries) {
        const group = entry.MessageGroupId!;
        // Like SQS, a failed entry stops its group in this request.
        if (stopped.has(group) || random() < 0.2) {
          stopped.add(group);
          Failed.push({ Id: entry.Id, Code: "InternalError", SenderFault: false });
          continue;
        }
        accepted.set(group, [...(accepted.get(group) ?? []), Number(entry.MessageBody.split(":")[1])]);
        Successful.push({ Id: entry.Id, MessageId: entry.MessageBody, SequenceNumber: "1" });
      }
      return json({ Successful, Failed });
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
      const producer = sqs
        .queue(`${server.endpoint}/000000000000/ordered.fifo`)
        .producer({ maxAttempts: 50, retryBaseDelayMs: 2, retryMaxDelayMs: 20 });
      const sends: Promise<string>[] = [];
      for (let i = 0; i < 300; i++) {
        for (const group of ["a", "b", "c", "d"]) {
          sends.push(
            producer.send(`${group}:${i}`, {
              MessageGroupId: group,
              MessageDeduplicationId: `${group}-${i}`,
            }),
          );
        }
      }
      await Promise.all(sends);
      const expected = Array.from({ length: 300 }, (_, i) => i);
      for (const group of ["a", "b", "c", "d"])
        assert.deepEqual(accepted.get(group), expected, `group ${group}`);
      assert.deepEqual(overlaps, [], "never two requests in flight for one group");
      assert.ok(producer.stats.retried > 0);
    } finally {
      await server.close();
    }
  });

  it("bounds what it holds under back-pressure; sends past maxQueued wait", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let n = 0;
    const server = await startLoopback(async (request) => {
      await gate;
      return json({
        Successful: entriesOf(request).map((e) => ({ Id: e.Id, MessageId: `m${n++}` })),
        Failed: [],
      });
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const producer = sqs
        .queue(`${server.endpoint}/000000000000/pressure`)
        .producer({ maxQueued: 50, maxInFlightBatches: 2, lingerMs: 0 });
      const sends = Array.from({ length: 500 }, (_, i) => producer.send(`m-${i}`));
      await sleep(50);
      let ready = false;
      void producer.ready().then(() => {
        ready = true;
      });
      const held = producer.stats;
      assert.equal(held.inFlightBatches, 2);
      assert.equal(held.inFlightEntries, 20);
      assert.equal(held.queued, 50);
      assert.equal(held.waiting, 430);
      assert.equal(ready, false);
      open();
      await Promise.all(sends);
      assert.equal(ready, true);
      assert.equal(producer.stats.sent, 500);

      // A fast source paced by ready(): the producer never holds more than the bounds.
      const paced = sqs
        .queue(`${server.endpoint}/000000000000/paced`)
        .producer({ maxQueued: 100, maxInFlightBatches: 4 });
      let most = 0;
      const pending: Promise<string>[] = [];
      const body = "p".repeat(1024);
      for (let i = 0; i < 20_000; i++) {
        await paced.ready();
        pending.push(paced.send(body));
        const { queued, waiting, inFlightEntries } = paced.stats;
        most = Math.max(most, queued + waiting + inFlightEntries);
        if (pending.length >= 1000) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
      await paced.close();
      assert.ok(most <= 100 + 4 * 10, `held at most ${most} entries`);
    } finally {
      await server.close();
    }
  });

  it("flush() sends without lingering, onIdle() waits, close() rejects later sends; options are checked", async () => {
    const server = await acceptAll();
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/lifecycle`);
      const producer = queue.producer({ lingerMs: 60_000 });
      await producer.onIdle();
      const sends = ["a", "b", "c"].map((body) => producer.send(body));
      assert.equal(producer.stats.queued, 3);
      await producer.flush();
      assert.equal(server.requests.filter(isSendBatch).length, 1);
      assert.equal((await Promise.all(sends)).length, 3);
      await producer.onIdle();
      await producer.close();
      assert.ok(producer.closed);
      const late = await producer.send("late").catch((error: unknown) => error);
      assert.ok(isAsyncAwsError(late) && late instanceof AsyncAwsError);
      assert.match(late.message, /closed/);

      for (const [options, field, value] of [
        [{ lingerMs: -1 }, "lingerMs", -1],
        [{ maxInFlightBatches: 0 }, "maxInFlightBatches", 0],
        [{ maxQueued: 1.5 }, "maxQueued", 1.5],
        [{ maxAttempts: "3" }, "maxAttempts", "3"],
        [{ retryBaseDelayMs: Number.NaN }, "retryBaseDelayMs", Number.NaN],
      ] as const) {
        assert.throws(
          () => queue.producer(options as never),
          (error: unknown) =>
            isValidationError(error) && error.field === field && Object.is(error.value, value),
        );
      }
      const fifo = sqs.queue(`${server.endpoint}/000000000000/checks.fifo`).producer();
      const noGroup = await fifo.send("x").catch((error: unknown) => error);
      assert.ok(isValidationError(noGroup) && noGroup.field === "MessageGroupId");
      const badBody = await producer.send(undefined).catch((error: unknown) => error);
      assert.ok(isValidationError(badBody) && badBody.field === "body");
    } finally {
      await server.close();
    }
  });
});

describe("BatchProducer with another target", () => {
  it("batches by a 256 KiB limit and a custom size function, as PublishBatch needs", async () => {
    const batches: string[][] = [];
    const target: BatchTarget<string, number> = {
      maxEntries: 10,
      maxBytes: 262_144,
      sizeOf: (entry) => entry.length,
      async sendBatch(entries): Promise<EntryOutcome<number>[]> {
        batches.push([...entries]);
        return entries.map((entry) => ({ ok: true, value: entry.length }));
      },
    };
    const producer = new BatchProducer(target, { lingerMs: 20 });
    const values = await Promise.all([
      producer.send("a".repeat(131_072)),
      producer.send("b".repeat(131_072)),
      producer.send("c"),
      producer.send("d".repeat(262_144)),
    ]);
    assert.deepEqual(values, [131_072, 131_072, 1, 262_144]);
    assert.deepEqual(
      batches.map((batch) => batch.map((entry) => entry.length)),
      [[131_072, 131_072], [1], [262_144]],
    );
    const tooBig = await producer.send("e".repeat(262_145)).catch((error: unknown) => error);
    assert.ok(isValidationError(tooBig));
  });

  it("a target that breaks its contract fails its entries: nothing hangs, close() resolves", async () => {
    /** The outcome of a promise, or "hung" when it has not settled in 5 s. */
    const outcome = async (promise: Promise<unknown>) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve("hung"), 5000);
      });
      try {
        return await Promise.race([
          promise.then(
            (value) => `resolved ${String(value)}`,
            (error: unknown) => `rejected ${error instanceof Error ? error.message : String(error)}`,
          ),
          hung,
        ]);
      } finally {
        clearTimeout(timer);
      }
    };
    const base = { maxEntries: 10, maxBytes: 1000, sizeOf: (entry: string) => entry.length };
    const cases: [string, BatchTarget<string, number>, RegExp][] = [
      [
        "outcomes given without a promise",
        {
          ...base,
          sendBatch: ((entries: readonly string[]) => entries.map(() => ({ ok: true, value: 1 }))) as never,
        },
        /^resolved 1$/,
      ],
      [
        "no outcomes at all",
        { ...base, sendBatch: (() => undefined) as never },
        /^rejected .*no list of outcomes/,
      ],
      [
        "null for outcomes",
        { ...base, sendBatch: (async () => null) as never },
        /^rejected .*no list of outcomes/,
      ],
      [
        "an isRetryable that throws",
        {
          ...base,
          sendBatch: async () => {
            throw new AsyncAwsError("the request failed", { operation: "Test" });
          },
          isRetryable: () => {
            throw new Error("isRetryable failed");
          },
        },
        /^rejected .*the request failed/,
      ],
    ];
    for (const [name, target, expected] of cases) {
      const producer = new BatchProducer(target, { lingerMs: 0, retryBaseDelayMs: 1 });
      assert.match(await outcome(producer.send("a")), expected, name);
      assert.equal(await outcome(producer.close()), "resolved undefined", name);
    }
  });
});
