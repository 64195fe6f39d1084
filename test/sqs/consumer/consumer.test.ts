// The consumer against fauxqs, through a recording proxy: concurrency past 10, the visibility
// heartbeat, handler time limits, retries into a dead-letter queue, stopping (drain, abort,
// timeout, signal), the batch form and SNS unwrapping.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isAsyncAwsError } from "../../../src/core/errors.js";
import type { Message } from "../../../src/sqs/types.js";
import { type Bench, drain, requestsOf, sleep, startBench, waitFor } from "./setup.js";

describe("consumer", () => {
  let bench: Bench;
  before(async () => {
    bench = await startBench();
  });
  after(async () => {
    await bench?.close();
  });

  it("runs any number of handlers at once; a slow one blocks no other; never holds more than concurrency", async () => {
    const queue = await bench.queue("wide");
    const total = 60;
    await queue.sendBatch(Array.from({ length: total }, (_, i) => (i === 0 ? "slow" : `m-${i}`)));
    const concurrency = 25;
    let running = 0;
    let maxRunning = 0;
    let maxHeld = 0;
    let othersDone = 0;
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const consumer = queue.consume(
      async (message) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        try {
          if (message.Body === "slow") await slowGate;
          else {
            await sleep(30);
            if (++othersDone === total - 1) releaseSlow();
          }
        } finally {
          running--;
        }
      },
      { concurrency, waitTimeSeconds: 1 },
    );
    consumer.on("message", () => {
      maxHeld = Math.max(maxHeld, consumer.status.inFlight);
    });
    await waitFor(() => consumer.status.deleted === total, "every message deleted");
    await consumer.stop();
    assert.ok(maxRunning > 10, `at most ${maxRunning} handlers ran at once`);
    assert.ok(maxRunning <= concurrency);
    assert.ok(maxHeld <= concurrency, `held ${maxHeld} messages at once`);
    for (const receive of requestsOf(bench, "ReceiveMessage", await queue.url())) {
      const asked = receive.body.MaxNumberOfMessages as number;
      assert.ok(asked >= 1 && asked <= 10, `a receive asked for ${asked}`);
    }
    assert.deepEqual(
      { ...consumer.status, lastReceiveAt: undefined },
      {
        state: "stopped",
        received: total,
        inFlight: 0,
        succeeded: total,
        failed: 0,
        deleted: total,
        released: 0,
        stranded: 0,
        receiving: 0,
        lastError: undefined,
        lastErrorAt: undefined,
        lastReceiveAt: undefined,
      },
    );
    // Deletes went in batches.
    const deletes = requestsOf(bench, "DeleteMessageBatch", await queue.url());
    assert.ok(deletes.length < total, `${deletes.length} DeleteMessageBatch requests for ${total} messages`);
    assert.equal(requestsOf(bench, "DeleteMessage", await queue.url()).length, 0);
  });

  it("extends the visibility of a handler that runs three visibility timeouts: handled once, no duplicate", async () => {
    const queue = await bench.queue("heartbeat", { VisibilityTimeout: "2" });
    const url = await queue.url();
    await queue.send("long job");
    let calls = 0;
    const consumer = queue.consume(
      async () => {
        calls++;
        await sleep(6500);
      },
      { concurrency: 3, waitTimeSeconds: 1 },
    );
    await waitFor(() => consumer.status.deleted === 1, "the message deleted", 30_000);
    // One more visibility timeout and a bit: a lapsed message would be delivered again by now.
    await sleep(2600);
    await consumer.stop();
    assert.equal(calls, 1);
    assert.equal(consumer.status.received, 1);
    const extensions = requestsOf(bench, "ChangeMessageVisibilityBatch", url);
    assert.ok(extensions.length >= 3, `${extensions.length} extensions`);
    const deletes = requestsOf(bench, "DeleteMessageBatch", url);
    assert.equal(deletes.length, 1);
    for (const request of extensions) {
      for (const entry of request.body.Entries as { VisibilityTimeout: number }[]) {
        assert.equal(entry.VisibilityTimeout, 2);
      }
      assert.ok(request.index < deletes[0]!.index, "no extension after the handler settled");
    }
    const attributes = await bench.direct.getQueueAttributes({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    });
    assert.equal(attributes.Attributes?.ApproximateNumberOfMessages, "0");
    assert.equal(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
  });

  it("hands a context whose signal is a getter made on first read (documented: a spread leaves it out)", async () => {
    const queue = await bench.queue("context");
    await queue.send("one");
    const seen: { keys: string[]; spread: unknown; named: unknown; signal: unknown; attempt: number }[] = [];
    const consumer = queue.consume(
      async (_message, context) => {
        const copy: Record<string, unknown> = { ...context };
        seen.push({
          keys: Object.keys(context),
          spread: copy.signal,
          named: { ...context, signal: context.signal }.signal,
          signal: context.signal,
          attempt: context.attempt,
        });
      },
      { waitTimeSeconds: 1, logger: false },
    );
    await waitFor(() => consumer.status.deleted === 1, "the message handled");
    await consumer.stop();
    assert.equal(seen.length, 1);
    const [context] = seen;
    assert.deepEqual(context!.keys, ["attempt"]);
    assert.equal(context!.spread, undefined);
    assert.ok(context!.signal instanceof AbortSignal);
    assert.equal(context!.named, context!.signal, "named, it is handed on");
    assert.equal(context!.attempt, 1);
  });

  it("aborts a handler past maxHandlerSeconds, counts it failed, and retries the message", async () => {
    const queue = await bench.queue("limit");
    await queue.send("stuck once");
    const attempts: number[] = [];
    const aborted: boolean[] = [];
    const failures: unknown[] = [];
    const consumer = queue.consume(
      async (_message, { signal, attempt }) => {
        attempts.push(attempt);
        if (attempt === 1) {
          await new Promise((_resolve, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason)),
          );
        }
        aborted.push(signal.aborted);
      },
      { maxHandlerSeconds: 0.3, retryDelay: 0, waitTimeSeconds: 1, logger: false },
    );
    consumer.on("failed", (_message, error) => failures.push(error));
    await waitFor(() => consumer.status.deleted === 1, "the retry deleted");
    await consumer.stop();
    assert.deepEqual(attempts, [1, 2]);
    assert.deepEqual(aborted, [false]);
    assert.equal(failures.length, 1);
    assert.ok(isAsyncAwsError(failures[0]));
    assert.match(String((failures[0] as Error).message), /maxHandlerSeconds/);
    assert.equal(consumer.status.failed, 1);
    assert.equal(consumer.status.succeeded, 1);
  });

  it("moves a poison message to the dead-letter queue after maxReceiveCount, with growing delays", async () => {
    const dlq = await bench.queue("dlq");
    const dlqUrl = await dlq.url();
    const { Attributes } = await bench.direct.getQueueAttributes({
      QueueUrl: dlqUrl,
      AttributeNames: ["QueueArn"],
    });
    const queue = await bench.queue("poison", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 3 }),
    });
    await queue.send("poison");
    await queue.send("fine");
    const attempts: number[] = [];
    const changes: number[] = [];
    const consumer = queue.consume(
      async (message, { attempt }) => {
        if (message.Body === "poison") {
          attempts.push(attempt);
          throw new Error("cannot handle this one");
        }
      },
      { waitTimeSeconds: 1, logger: false },
    );
    const dead = await drain(bench.direct, dlqUrl, 1, 20_000);
    await consumer.stop();
    assert.deepEqual(dead, ["poison"]);
    assert.deepEqual(attempts, [1, 2, 3]);
    for (const request of requestsOf(bench, "ChangeMessageVisibilityBatch", await queue.url())) {
      for (const entry of request.body.Entries as { VisibilityTimeout: number }[])
        changes.push(entry.VisibilityTimeout);
    }
    // The default retry delay: 1, 2, 4 seconds as the receive count grows.
    assert.deepEqual(changes, [1, 2, 4]);
    assert.equal(consumer.status.failed, 3);
    assert.equal(consumer.status.succeeded, 1);
  });

  it("stop() waits for handlers, deletes their messages, and sends no receive after it is called", async () => {
    const queue = await bench.queue("drain");
    const url = await queue.url();
    await queue.sendBatch(Array.from({ length: 8 }, (_, i) => `m-${i}`));
    let started = 0;
    let finished = 0;
    const consumer = queue.consume(
      async () => {
        started++;
        await sleep(300);
        finished++;
      },
      { concurrency: 4, waitTimeSeconds: 1 },
    );
    await waitFor(() => started === 4, "four handlers running");
    // All slots are taken: no receive is in flight.
    assert.equal(consumer.status.receiving, 0);
    const receivesBefore = requestsOf(bench, "ReceiveMessage", url).length;
    let stoppedEvent = false;
    consumer.on("stopped", () => {
      stoppedEvent = true;
    });
    const stopping = consumer.stop();
    assert.equal(consumer.state, "stopping");
    await stopping;
    assert.equal(finished, 4);
    assert.ok(stoppedEvent);
    assert.equal(consumer.status.deleted, 4);
    await sleep(200);
    assert.equal(requestsOf(bench, "ReceiveMessage", url).length, receivesBefore, "no receive after stop()");
    const rest = await drain(bench.direct, url, 4);
    assert.equal(rest.length, 4);
    // stop() again: the same, resolved.
    await consumer.stop();
  });

  it("stop({ abort: true }) aborts the handlers and releases their messages at once", async () => {
    const queue = await bench.queue("abort");
    const url = await queue.url();
    await queue.sendBatch(["a", "b", "c", "d"]);
    const signals: AbortSignal[] = [];
    const consumer = queue.consume(
      (_message, { signal }) => {
        signals.push(signal);
        return new Promise(() => undefined);
      },
      { concurrency: 4, waitTimeSeconds: 1 },
    );
    await waitFor(() => signals.length === 4, "four handlers running");
    await consumer.stop({ abort: true });
    assert.ok(signals.every((signal) => signal.aborted));
    assert.equal(consumer.status.released, 4);
    assert.equal(consumer.status.inFlight, 0);
    const releases = requestsOf(bench, "ChangeMessageVisibilityBatch", url).flatMap(
      (request) => request.body.Entries as { VisibilityTimeout: number }[],
    );
    assert.deepEqual(
      releases.map((entry) => entry.VisibilityTimeout),
      [0, 0, 0, 0],
    );
    // Visible again at once, received a second time.
    const { Messages = [] } = await bench.direct.receiveMessage({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    });
    assert.deepEqual(Messages.map((m) => m.Body).sort(), ["a", "b", "c", "d"]);
    assert.ok(Messages.every((m) => m.Attributes?.ApproximateReceiveCount === "2"));
  });

  it("a drain timeout and an aborted signal release unfinished messages too", async () => {
    for (const how of ["timeout", "signal"] as const) {
      const queue = await bench.queue(`release-${how}`);
      const url = await queue.url();
      await queue.sendBatch(["x", "y"]);
      const controller = new AbortController();
      let running = 0;
      const consumer = queue.consume(
        async (_message, { signal }) => {
          running++;
          await new Promise((resolve) => signal.addEventListener("abort", resolve));
        },
        how === "timeout"
          ? { concurrency: 2, drainTimeoutMs: 100, waitTimeSeconds: 1 }
          : { concurrency: 2, signal: controller.signal, waitTimeSeconds: 1 },
      );
      await waitFor(() => running === 2, "two handlers running");
      let stopped: Promise<void>;
      if (how === "timeout") stopped = consumer.stop();
      else {
        stopped = new Promise((resolve) => consumer.once("stopped", resolve));
        controller.abort();
      }
      await stopped;
      assert.equal(consumer.state, "stopped", how);
      assert.equal(consumer.status.released, 2, how);
      const { Messages = [] } = await bench.direct.receiveMessage({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      });
      assert.equal(Messages.length, 2, how);
    }
  });

  it("hands a batch handler the messages of one receive and takes back which failed", async () => {
    const queue = await bench.queue("batch");
    const url = await queue.url();
    await queue.sendBatch(Array.from({ length: 10 }, (_, i) => `m-${i}`));
    const batches: string[][] = [];
    const failedOnce = new Set<string>();
    const consumer = queue.consume(
      async (messages: Message[]) => {
        batches.push(messages.map((m) => m.Body!));
        const failed: (Message | string)[] = [];
        for (const message of messages) {
          if ((message.Body === "m-2" || message.Body === "m-5") && !failedOnce.has(message.Body)) {
            failedOnce.add(message.Body);
            // One by object, one by MessageId.
            failed.push(message.Body === "m-2" ? message : message.MessageId!);
          }
        }
        return failed;
      },
      { batch: true, concurrency: 10, retryDelay: 0, waitTimeSeconds: 1, logger: false },
    );
    await waitFor(() => consumer.status.deleted === 10, "every message deleted");
    await consumer.stop();
    assert.ok(batches.every((batch) => batch.length >= 1 && batch.length <= 10));
    const handled = batches.flat();
    assert.equal(handled.length, 12);
    assert.equal(consumer.status.failed, 2);
    assert.equal(consumer.status.succeeded, 10);
    assert.deepEqual(await drain(bench.direct, url, 1, 1500), []);
  });

  it("unwrapSns hands the handler the message as published, enveloped or raw", async () => {
    const queue = await bench.queue("sns");
    const envelope = {
      Type: "Notification",
      MessageId: "5b6b6c3d-0000-4000-8000-000000000001",
      TopicArn: "arn:aws:sns:us-east-1:000000000000:events",
      Subject: "greeting",
      Message: '{"hello":"world"}',
      Timestamp: "2026-01-01T00:00:00.000Z",
      MessageAttributes: { kind: { Type: "String", Value: "greeting" } },
    };
    await queue.send(JSON.stringify(envelope));
    await queue.send("raw delivery", {
      MessageAttributes: { kind: { DataType: "String", StringValue: "raw" } },
    });
    const seen: {
      message: string;
      kind: string | undefined;
      topic: string | undefined;
      sqsId: string | undefined;
    }[] = [];
    const consumer = queue.consume(
      async (delivery) => {
        seen.push({
          message: delivery.message,
          kind: delivery.attributes.kind?.StringValue,
          topic: delivery.envelope?.TopicArn,
          sqsId: delivery.sqs.MessageId,
        });
      },
      { unwrapSns: true, waitTimeSeconds: 1 },
    );
    await waitFor(() => consumer.status.deleted === 2, "both deleted");
    await consumer.stop();
    seen.sort((a, b) => a.message.localeCompare(b.message));
    assert.equal(seen[0]!.message, '{"hello":"world"}');
    assert.equal(seen[0]!.kind, "greeting");
    assert.equal(seen[0]!.topic, envelope.TopicArn);
    assert.equal(seen[1]!.message, "raw delivery");
    assert.equal(seen[1]!.kind, "raw");
    assert.equal(seen[1]!.topic, undefined);
    assert.ok(seen.every((s) => typeof s.sqsId === "string"));
  });
});
