import assert from "node:assert/strict";
import { tracingChannel } from "node:diagnostics_channel";
import { describe, it } from "node:test";
import { isAsyncAwsError, isValidationError } from "../../src/core/errors.js";
import { type SqsLambdaHandler, sqsHandler } from "../../src/lambda/index.js";
import type { HandlerContext, MessageHandler } from "../../src/sqs/consumer/consumer.js";
import type { SnsQueueMessage } from "../../src/sqs/consumer/sns.js";
import type { QueueHandle } from "../../src/sqs/queue.js";
import type { Message } from "../../src/sqs/types.js";
import { listenerLeakWarnings } from "../helpers/warnings.js";
import {
  deferred,
  FIFO_ARN,
  fakeContext,
  fifoRecord,
  frozenContext,
  manyRecords,
  snsEnvelope,
  sqsEvent,
  sqsRecord,
  TOPIC_ARN,
} from "./fixtures.js";

const ids = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((item) => item.itemIdentifier);

describe("sqsHandler: the message", () => {
  it("hands the handler the consumer's message shape, converted from Lambda's camelCase record", async () => {
    const record = sqsRecord(1, {
      body: '{"hello":"world"}',
      attributes: { ...sqsRecord(1).attributes, ApproximateReceiveCount: "3" },
      messageAttributes: {
        color: { stringValue: "blue", stringListValues: [], binaryListValues: [], dataType: "String" },
        price: { stringValue: "12.50", stringListValues: [], binaryListValues: [], dataType: "Number" },
        blob: { binaryValue: "AAEC/w==", stringListValues: [], binaryListValues: [], dataType: "Binary" },
      },
      md5OfMessageAttributes: "a29d0e56d6db2c3d0a1ea0a6fb2a1f49",
    });
    const seen: { message: Message; context: HandlerContext }[] = [];
    const handler = sqsHandler(async (message, context) => {
      seen.push({ message, context });
    });
    const response = await handler(sqsEvent([record]), fakeContext());
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.equal(seen.length, 1);
    const { message, context } = seen[0]!;
    assert.equal(message.MessageId, record.messageId);
    assert.equal(message.ReceiptHandle, record.receiptHandle);
    assert.equal(message.Body, '{"hello":"world"}');
    assert.equal(message.MD5OfBody, record.md5OfBody);
    assert.equal(message.MD5OfMessageAttributes, "a29d0e56d6db2c3d0a1ea0a6fb2a1f49");
    assert.equal(message.Attributes?.ApproximateReceiveCount, "3");
    assert.equal(message.Attributes?.SenderId, "AIDAIENQZJOLO23YVJ4VO");
    assert.deepEqual(message.MessageAttributes?.color, { DataType: "String", StringValue: "blue" });
    assert.deepEqual(message.MessageAttributes?.price, { DataType: "Number", StringValue: "12.50" });
    const blob = message.MessageAttributes?.blob;
    assert.equal(blob?.DataType, "Binary");
    assert.ok(blob?.BinaryValue instanceof Uint8Array);
    assert.deepEqual([...blob.BinaryValue], [0, 1, 2, 255]);
    assert.equal(context.attempt, 3);
    assert.ok(context.signal instanceof AbortSignal);
    assert.equal(context.signal.aborted, false);
  });

  it("takes the same handler function as queue.consume (one handler type)", () => {
    const shared: MessageHandler<Message> = async (message, { signal, attempt }) => {
      void message.Body;
      void signal;
      void attempt;
    };
    const lambda: SqsLambdaHandler = sqsHandler(shared);
    assert.equal(typeof lambda, "function");
    // Type-level: the same function also types as the consumer's handler.
    const consume = (queue: QueueHandle) => queue.consume(shared, { concurrency: 4 });
    assert.equal(typeof consume, "function");
  });

  it("a Binary attribute that is not base64 fails only its own message", async () => {
    const bad = sqsRecord(2, {
      messageAttributes: { b: { dataType: "Binary", binaryValue: "not base64!" } },
    });
    const handled: string[] = [];
    const handler = sqsHandler((message) => {
      handled.push(message.MessageId!);
    });
    const failed: unknown[] = [];
    handler.on("failed", (_message, error) => failed.push(error));
    const response = await handler(sqsEvent([sqsRecord(1), bad, sqsRecord(3)]), fakeContext());
    assert.deepEqual(ids(response), [bad.messageId]);
    assert.deepEqual(handled, [sqsRecord(1).messageId, sqsRecord(3).messageId]);
    assert.ok(isValidationError(failed[0]));
  });
});

describe("sqsHandler: the batchItemFailures contract", () => {
  it("an empty list when every message succeeded", async () => {
    const handler = sqsHandler(async () => undefined);
    assert.deepEqual(await handler(manyRecords(10), fakeContext()), { batchItemFailures: [] });
  });

  it("an empty event (no records) answers an empty list", async () => {
    const handler = sqsHandler(async () => undefined);
    assert.deepEqual(await handler(sqsEvent([]), fakeContext()), { batchItemFailures: [] });
  });

  it("reports each failed message once, in record order, and never throws for message failures", async () => {
    const records = [sqsRecord(1), sqsRecord(2), sqsRecord(3), sqsRecord(4), sqsRecord(2)];
    const handler = sqsHandler(async (message) => {
      if (message.MessageId === sqsRecord(4).messageId) throw new Error("boom");
      if (message.MessageId === sqsRecord(2).messageId) throw new Error("bad");
    });
    const response = await handler(sqsEvent(records), fakeContext());
    assert.deepEqual(ids(response), [sqsRecord(2).messageId, sqsRecord(4).messageId]);
    for (const id of ids(response)) assert.ok(id.length > 0);
  });

  it("a handler that throws synchronously fails its message only", async () => {
    const handler = sqsHandler((message) => {
      if (message.Body === "message 2") throw new Error("sync");
    });
    const response = await handler(manyRecords(4), fakeContext());
    assert.deepEqual(ids(response), [sqsRecord(2).messageId]);
  });

  it("when every message fails, returns them all (default)", async () => {
    const handler = sqsHandler(async () => {
      throw new Error("down");
    });
    const response = await handler(manyRecords(3), fakeContext());
    assert.deepEqual(
      ids(response),
      [0, 1, 2].map((n) => sqsRecord(n).messageId),
    );
  });

  it("throwOnFullBatchFailure throws when every message failed, and only then", async () => {
    const cause = new Error("down");
    const handler = sqsHandler(
      async (message) => {
        if (message.Body !== "ok") throw cause;
      },
      { throwOnFullBatchFailure: true },
    );
    await assert.rejects(handler(manyRecords(3), fakeContext()), (error: unknown) => {
      assert.ok(isAsyncAwsError(error));
      assert.match(error.message, /every record of the batch failed \(3/);
      assert.match(error.message, /my-queue/);
      assert.equal((error as Error).cause, cause);
      return true;
    });
    const response = await handler(sqsEvent([sqsRecord(1), sqsRecord(2, { body: "ok" })]), fakeContext());
    assert.deepEqual(ids(response), [sqsRecord(1).messageId]);
  });

  it("an event that is not an SQS event throws a ValidationError before any handler runs", async () => {
    let calls = 0;
    const handler = sqsHandler(() => {
      calls++;
    });
    for (const [event, field] of [
      [undefined, "event"],
      [{}, "event"],
      [{ Records: "x" }, "event"],
      [{ Records: [sqsRecord(1), null] }, "event.Records[1]"],
      [{ Records: [sqsRecord(1), { ...sqsRecord(2), messageId: "" }] }, "event.Records[1].messageId"],
    ] as const) {
      await assert.rejects(handler(event as never, fakeContext()), (error: unknown) => {
        assert.ok(isValidationError(error));
        assert.equal(error.field, field);
        return true;
      });
    }
    assert.equal(calls, 0);
  });

  it("checks its options when made, naming the value received", () => {
    const noop = async () => undefined;
    const cases: [unknown, string][] = [
      [{ concurrency: 0 }, "concurrency"],
      [{ concurrency: 1.5 }, "concurrency"],
      [{ fifo: "queue" }, "fifo"],
      [{ timeMarginMs: -1 }, "timeMarginMs"],
      [{ unwrapSns: "yes" }, "unwrapSns"],
      [{ throwOnFullBatchFailure: 1 }, "throwOnFullBatchFailure"],
      [{ schema: { parse() {} } }, "schema"],
      [{ onInvalid: "delete" }, "onInvalid"],
      [{ batchSize: 10 }, "options.batchSize"],
      ["fast", "options"],
    ];
    for (const [options, field] of cases) {
      assert.throws(
        () => sqsHandler(noop, options as never),
        (error: unknown) => isValidationError(error) && error.field === field,
        `${JSON.stringify(options)} -> ${field}`,
      );
    }
    assert.throws(
      () => sqsHandler("handler" as never),
      (error: unknown) => isValidationError(error),
    );
  });
});

describe("sqsHandler: concurrency", () => {
  it("runs every record of a standard queue's batch at once by default", async () => {
    const all = deferred();
    let running = 0;
    const handler = sqsHandler(async () => {
      running++;
      if (running === 10) all.resolve();
      await all.promise; // each waits until all ten run together
    });
    assert.deepEqual(await handler(manyRecords(10), fakeContext()), { batchItemFailures: [] });
  });

  it("never runs more than `concurrency` handlers at once", async () => {
    let running = 0;
    let most = 0;
    const handler = sqsHandler(
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
      },
      { concurrency: 3 },
    );
    assert.deepEqual(await handler(manyRecords(20), fakeContext()), { batchItemFailures: [] });
    assert.equal(most, 3);
  });
});

describe("sqsHandler: FIFO queues", () => {
  const groups = ["a", "a", "b", "a", "b", "c"];
  const event = () => sqsEvent(groups.map((group, n) => fifoRecord(n, group)));

  it('fifo "stop" (default): one at a time in order; the first failure fails every later record unhandled', async () => {
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const handler = sqsHandler(async (message) => {
      running++;
      most = Math.max(most, running);
      order.push(message.Body!);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      if (message.Body === "message 2") throw new Error("fails");
    });
    const skipped: string[] = [];
    handler.on("skipped", (message, reason) => skipped.push(`${message.Body}:${reason}`));
    const response = await handler(event(), fakeContext());
    assert.deepEqual(order, ["message 0", "message 1", "message 2"]);
    assert.equal(most, 1);
    assert.deepEqual(
      ids(response),
      [2, 3, 4, 5].map((n) => fifoRecord(n, "x").messageId),
    );
    assert.deepEqual(skipped, ["message 3:fifo", "message 4:fifo", "message 5:fifo"]);
  });

  it('fifo "group": a failure fails only its group\'s later records; groups run in parallel', async () => {
    const order: string[] = [];
    const groupBStarted = deferred();
    const handler = sqsHandler(
      async (message) => {
        order.push(message.Body!);
        const group = message.Attributes?.MessageGroupId;
        if (group === "b") groupBStarted.resolve();
        // Group a's first record waits until group b has started: the groups run side by side.
        if (message.Body === "message 0") await groupBStarted.promise;
        if (message.Body === "message 1") throw new Error("fails");
      },
      { fifo: "group" },
    );
    const response = await handler(event(), fakeContext());
    // a: 0 ok, 1 failed, 3 skipped; b: 2 and 4 ok; c: 5 ok.
    assert.deepEqual(
      ids(response),
      [1, 3].map((n) => fifoRecord(n, "x").messageId),
    );
    assert.ok(!order.includes("message 3"));
    for (const body of ["message 2", "message 4", "message 5"]) assert.ok(order.includes(body));
    // Within a group, in order.
    assert.ok(order.indexOf("message 2") < order.indexOf("message 4"));
    assert.ok(order.indexOf("message 0") < order.indexOf("message 1"));
    assert.equal(handler.status.skipped, 1);
  });

  it('fifo "group" with concurrency 1 runs one group at a time', async () => {
    let running = 0;
    let most = 0;
    const handler = sqsHandler(
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
      },
      { fifo: "group", concurrency: 1 },
    );
    assert.deepEqual(await handler(event(), fakeContext()), { batchItemFailures: [] });
    assert.equal(most, 1);
  });

  it("is detected from the event source ARN", async () => {
    // The same records on a standard queue: all at once, a failure fails only itself.
    const handler = sqsHandler(async (message) => {
      if (message.Body === "message 1") throw new Error("fails");
    });
    const standard = sqsEvent(groups.map((group, n) => fifoRecord(n, group, { eventSourceARN: "arn:x:q" })));
    assert.deepEqual(ids(await handler(standard, fakeContext())), [fifoRecord(1, "a").messageId]);
    assert.equal(FIFO_ARN.endsWith(".fifo"), true);
    assert.equal(ids(await handler(event(), fakeContext())).length, 5);
  });
});

describe("sqsHandler: the time guard", () => {
  it("aborts the running handler's signal at the margin, fails it, and skips records not started", async () => {
    const reasons: unknown[] = [];
    const started: string[] = [];
    const handler = sqsHandler(
      async (message, { signal }) => {
        started.push(message.Body!);
        await new Promise<void>((resolve) => {
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        reasons.push(signal.reason);
        // A handler that ignores its signal past this point is not waited for.
        await new Promise(() => undefined);
      },
      { concurrency: 1, timeMarginMs: 1000 },
    );
    const outcomes: unknown[] = [];
    handler.on("invocation", (outcome) => outcomes.push(outcome));
    const skipped: string[] = [];
    handler.on("skipped", (_message, reason) => skipped.push(reason));
    // 1,050 ms left: the guard trips 50 ms after the start.
    const response = await handler(manyRecords(4), frozenContext(1050));
    assert.deepEqual(started, ["message 0"]);
    assert.deepEqual(
      ids(response),
      [0, 1, 2, 3].map((n) => sqsRecord(n).messageId),
    );
    assert.equal(reasons.length, 1);
    assert.match(String((reasons[0] as Error).message), /time is nearly up/);
    assert.deepEqual(skipped, ["time", "time", "time"]);
    assert.deepEqual(outcomes, [
      { records: 4, succeeded: 0, failed: 1, skipped: 3, batchItemFailures: response.batchItemFailures },
    ]);
  });

  it("aborts every running handler at once, and 20 handlers listening give no listener-leak warning", async () => {
    const leaks = listenerLeakWarnings();
    try {
      let aborted = 0;
      const handler = sqsHandler(
        async (_message, { signal }) => {
          await new Promise<void>((resolve) => {
            signal.addEventListener("abort", () => resolve(), { once: true });
          });
          aborted++;
          throw signal.reason;
        },
        { timeMarginMs: 1000 },
      );
      const response = await handler(manyRecords(20), frozenContext(1050));
      assert.equal(ids(response).length, 20);
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(aborted, 20);
      assert.deepEqual(leaks.messages(), []);
    } finally {
      leaks.stop();
    }
  });

  it("shares the signal: a handler done before the guard trips sees it abort, none after the answer", async () => {
    let early: AbortSignal | undefined;
    let earlyAborts = 0;
    const handler = sqsHandler(
      async (message, { signal }) => {
        if (message.Body === "message 0") {
          early = signal;
          signal.addEventListener("abort", () => earlyAborts++);
          return; // done at once
        }
        await new Promise<void>((resolve) => {
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        throw signal.reason;
      },
      { timeMarginMs: 1000 },
    );
    const response = await handler(manyRecords(2), frozenContext(1050));
    assert.deepEqual(ids(response), [sqsRecord(1).messageId], "the finished record stays succeeded");
    assert.equal(early?.aborted, true, "as documented on timeMarginMs");
    assert.equal(earlyAborts, 1);

    // Every record done before the guard's time: the signal never aborts after the answer.
    let kept: AbortSignal | undefined;
    const quick = sqsHandler(
      async (_message, { signal }) => {
        kept = signal;
      },
      { timeMarginMs: 1000 },
    );
    assert.deepEqual(await quick(manyRecords(2), frozenContext(1050)), { batchItemFailures: [] });
    await new Promise((resolve) => setTimeout(resolve, 150)); // past when the guard would have tripped
    assert.equal(kept?.aborted, false);
  });

  it("starts nothing when less than the margin is left", async () => {
    let calls = 0;
    const handler = sqsHandler(() => {
      calls++;
    });
    const response = await handler(manyRecords(3), frozenContext(500));
    assert.equal(calls, 0);
    assert.equal(response.batchItemFailures.length, 3);
  });

  it("timeMarginMs: 0 turns it off; no context means no guard", async () => {
    const handler = sqsHandler(async () => undefined, { timeMarginMs: 0 });
    assert.deepEqual(await handler(manyRecords(3), frozenContext(500)), { batchItemFailures: [] });
    const plain = sqsHandler(async () => undefined);
    assert.deepEqual(await plain(manyRecords(3)), { batchItemFailures: [] });
  });
});

describe("sqsHandler: unwrapSns", () => {
  it("hands the handler the message as published to SNS, with the SQS message alongside", async () => {
    const wrapped = sqsRecord(1, {
      body: JSON.stringify(
        snsEnvelope('{"id":42}', {
          kind: { Type: "String", Value: "order" },
          weight: { Type: "Number", Value: "1.5" },
          raw: { Type: "Binary", Value: "AAEC" },
        }),
      ),
    });
    const raw = sqsRecord(2, {
      body: "published raw",
      messageAttributes: { kind: { dataType: "String", stringValue: "raw" } },
    });
    const seen: SnsQueueMessage[] = [];
    const handler = sqsHandler(
      async (message) => {
        seen.push(message);
      },
      { unwrapSns: true },
    );
    assert.deepEqual(await handler(sqsEvent([wrapped, raw]), fakeContext()), { batchItemFailures: [] });
    const [first, second] = seen;
    assert.equal(first?.Message, '{"id":42}');
    assert.equal(first?.Envelope?.TopicArn, TOPIC_ARN);
    assert.equal(first?.MessageAttributes.kind?.StringValue, "order");
    assert.equal(first?.MessageAttributes.weight?.StringValue, "1.5");
    assert.deepEqual([...(first?.MessageAttributes.raw?.BinaryValue ?? [])], [0, 1, 2]);
    assert.equal(first?.SqsMessage.MessageId, wrapped.messageId);
    assert.equal(second?.Message, "published raw");
    assert.equal(second?.Envelope, undefined);
    assert.equal(second?.MessageAttributes.kind?.StringValue, "raw");
  });
});

describe("sqsHandler: outcome events and status", () => {
  it("counts succeeded, failed and skipped per invocation and over all invocations", async () => {
    const handler = sqsHandler(async (message) => {
      if (message.Body?.endsWith("3")) throw new Error("three");
    });
    const events: string[] = [];
    handler
      .on("message", () => events.push("message"))
      .on("processed", () => events.push("processed"))
      .on("failed", (_m, error) => events.push(`failed:${(error as Error).message}`));
    const outcomes: unknown[] = [];
    handler.on("invocation", (outcome) => outcomes.push({ ...outcome, batchItemFailures: undefined }));
    await handler(manyRecords(5), fakeContext());
    await handler(manyRecords(2), fakeContext());
    assert.deepEqual(outcomes, [
      { records: 5, succeeded: 4, failed: 1, skipped: 0, batchItemFailures: undefined },
      { records: 2, succeeded: 2, failed: 0, skipped: 0, batchItemFailures: undefined },
    ]);
    assert.deepEqual(handler.status, { invocations: 2, records: 7, succeeded: 6, failed: 1, skipped: 0 });
    assert.equal(events.filter((e) => e === "message").length, 7);
    assert.equal(events.filter((e) => e === "processed").length, 6);
    assert.deepEqual(
      events.filter((e) => e.startsWith("failed")),
      ["failed:three"],
    );
  });

  it("a listener that throws is reported as an error event; the invocation goes on", async () => {
    const handler = sqsHandler(async () => undefined);
    const errors: unknown[] = [];
    handler.on("processed", () => {
      throw new Error("listener broke");
    });
    handler.on("error", (error, info) => errors.push([(error as Error).message, info.source]));
    assert.deepEqual(await handler(manyRecords(2), fakeContext()), { batchItemFailures: [] });
    assert.deepEqual(errors, [
      ["listener broke", "listener"],
      ["listener broke", "listener"],
    ]);
  });
});

describe("sqsHandler: large batches", () => {
  it("10,000 records: every failure reported exactly once, the rest succeed", async () => {
    const handler = sqsHandler(async (message) => {
      const n = Number(message.Body!.slice("message ".length));
      if (n % 7 === 0) throw new Error(`fails ${n}`);
    });
    const response = await handler(manyRecords(10_000), fakeContext());
    const expected: string[] = [];
    for (let n = 0; n < 10_000; n += 7) expected.push(sqsRecord(n).messageId);
    assert.deepEqual(ids(response), expected);
    assert.deepEqual(handler.status, {
      invocations: 1,
      records: 10_000,
      succeeded: 10_000 - expected.length,
      failed: expected.length,
      skipped: 0,
    });
  });

  it("10,000 FIFO records in 100 groups, fifo: group", async () => {
    const records = Array.from({ length: 10_000 }, (_, n) => fifoRecord(n, `g${n % 100}`));
    const last = new Map<string, number>();
    const handler = sqsHandler(
      async (message) => {
        const group = message.Attributes!.MessageGroupId!;
        const n = Number(message.Body!.slice("message ".length));
        assert.ok((last.get(group) ?? -1) < n, "in order within the group");
        last.set(group, n);
        if (n === 150) throw new Error("fails"); // group g50: 150, 250, ... fail
      },
      { fifo: "group", concurrency: 16 },
    );
    const response = await handler(sqsEvent(records), fakeContext());
    assert.equal(response.batchItemFailures.length, 99);
    assert.equal(response.batchItemFailures[0]?.itemIdentifier, fifoRecord(150, "x").messageId);
  });
});

describe("sqsHandler on the asyncaws:process channel", () => {
  it("publishes each record's handler run with its message id, queue and outcome", async () => {
    const seen: { event: string; messageId: unknown; queueUrl: unknown; attempt: unknown }[] = [];
    const on = (event: string) => (message: unknown) => {
      const context = message as { messageId?: unknown; queueUrl?: unknown; attempt?: unknown };
      seen.push({
        event,
        messageId: context.messageId,
        queueUrl: context.queueUrl,
        attempt: context.attempt,
      });
    };
    const handlers = {
      start: on("start"),
      end: () => {},
      asyncStart: () => {},
      asyncEnd: on("asyncEnd"),
      error: on("error"),
    };
    const channel = tracingChannel("asyncaws:process");
    channel.subscribe(handlers);
    try {
      const handler = sqsHandler(async (message) => {
        if (message.Body === "message 2") throw new Error("no");
      });
      const response = await handler(sqsEvent([sqsRecord(1), sqsRecord(2)]), fakeContext());
      assert.equal(response.batchItemFailures.length, 1);
    } finally {
      channel.unsubscribe(handlers);
    }
    const ends = seen.filter((s) => s.event === "asyncEnd");
    assert.equal(ends.length, 2);
    assert.equal(seen.filter((s) => s.event === "error").length, 1);
    for (const end of ends) {
      assert.match(String(end.queueUrl), /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d+\/[^/]+$/);
      assert.equal(end.attempt, 1);
    }
    assert.deepEqual(
      ends.map((e) => e.messageId).sort(),
      [sqsRecord(1).messageId, sqsRecord(2).messageId].sort(),
    );
  });
});
