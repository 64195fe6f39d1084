// The four reproductions of issue 13, against fauxqs and a scripted loopback server: the iterator
// ends when its signal aborts; a fatal error ends the loop with a typed error and fails the
// consumer; stopping strands nothing; failures are never silent (a default reporter, rate-limited,
// `closed`, `status.lastError`).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isAsyncAwsError, isServiceError } from "../../../src/core/errors.js";
import type { ConsumerLogger } from "../../../src/sqs/consumer/options.js";
import { SQS } from "../../../src/sqs/index.js";
import { TEST_CREDENTIALS, uniqueName } from "../../helpers/fauxqs.js";
import { json, startLoopback } from "../../helpers/loopback.js";
import { type Bench, drain, sleep, startBench, waitFor } from "./setup.js";

/** Fails instead of hanging: `promise`, or a rejection after `ms`. */
function settlesWithin<T>(promise: Promise<T>, what: string, ms = 15_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung: ${what}`)), ms);
  });
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

/** A logger that records its calls. */
function recorder(): ConsumerLogger & { warns: string[]; errors: string[] } {
  const warns: string[] = [];
  const errors: string[] = [];
  return {
    warns,
    errors,
    warn: (message: string) => warns.push(message),
    error: (message: string) => errors.push(message),
  };
}

const isMissingQueue = (error: unknown) =>
  isServiceError(error) && /QueueDoesNotExist|NonExistentQueue/.test(error.code);

describe("issue 13: never hang, never silent, nothing stranded", () => {
  let bench: Bench;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(async () => {
    bench = await startBench();
    process.on("unhandledRejection", onUnhandled);
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    await bench?.close();
  });

  it("1. messages({ signal }): the loop ends when the signal aborts", async () => {
    const queue = await bench.queue("signal-ends");
    await queue.sendBatch(["a", "b", "c"]);
    // The AbortSignal.timeout(300), started once the messages are in: the signal aborts
    // while the loop waits in next() (a machine under load may take longer than 300 ms to start).
    const controller = new AbortController();
    const messages = queue.messages({ signal: controller.signal, waitTimeSeconds: 1 });
    const seen: string[] = [];
    await settlesWithin(
      (async () => {
        for await (const m of messages) {
          seen.push(m.Body!);
          m.ack();
          if (seen.length === 3) setTimeout(() => controller.abort(), 300);
        }
      })(),
      "for await over messages({ signal })",
    );
    assert.deepEqual(seen.sort(), ["a", "b", "c"]);
    assert.equal(messages.status.state, "stopped");
    assert.equal(messages.status.deleted, 3);
    assert.deepEqual(await messages.next(), { done: true, value: undefined });
  });

  it("2. messages() rejects with a typed error on a missing queue or a throwing credentials provider", async () => {
    const missingUrl = `${bench.emulator.endpoint}/000000000000/${uniqueName("missing")}`;
    const throwing = new SQS({
      endpoint: bench.emulator.endpoint,
      credentials: async () => {
        throw new Error("the vault is sealed");
      },
    });
    const cases = [
      {
        what: "a missing queue by name",
        queue: bench.sqs.queue(uniqueName("missing")),
        check: isMissingQueue,
      },
      { what: "a missing queue by URL", queue: bench.sqs.queue(missingUrl), check: isMissingQueue },
      {
        what: "a throwing credentials provider",
        queue: throwing.queue(`${bench.emulator.endpoint}/000000000000/any`),
        check: (error: unknown) => isAsyncAwsError(error) && /vault is sealed/.test(String(error)),
      },
    ];
    for (const { what, queue, check } of cases) {
      const logger = recorder();
      const messages = queue.messages({ waitTimeSeconds: 1, logger });
      const error = await settlesWithin(
        (async () => {
          try {
            for await (const _ of messages) assert.fail("no message expected");
          } catch (thrown) {
            return thrown;
          }
          assert.fail(`${what}: the loop ended without an error`);
        })(),
        what,
      );
      assert.ok(check(error), `${what}: ${String(error)}`);
      const status = messages.status;
      assert.equal(status.state, "failed", what);
      assert.equal(status.lastError, error, what);
      // Reported once: by the loop's throw, not also by the logger.
      assert.deepEqual(logger.errors, [], `${what}: the thrown error is not logged too`);
      // After the error, the iterator is done.
      assert.deepEqual(await messages.next(), { done: true, value: undefined });
    }
  });

  it("3a. stop() mid-flow at concurrency 32 leaves no message invisible", async () => {
    const queue = await bench.queue("stop-midflow", { VisibilityTimeout: "60" });
    const url = await queue.url();
    const total = 80;
    await queue.sendBatch(Array.from({ length: total }, (_, i) => `m-${i}`));
    const consumer = queue.consume(() => sleep(20), { concurrency: 32, waitTimeSeconds: 1 });
    await waitFor(() => consumer.status.deleted >= 20, "20 messages deleted");
    await consumer.stop();
    const status = consumer.status;
    const rest = await drain(bench.direct, url, total - status.deleted, 20_000);
    assert.equal(rest.length, total - status.deleted, "every message not deleted is visible again");
    assert.equal(status.received, status.deleted + status.released);
    assert.equal(status.stranded, 0);
  });

  it("3b. break after 10 acks at concurrency 5 releases every message not acknowledged", async () => {
    const queue = await bench.queue("break-early", { VisibilityTimeout: "60" });
    const url = await queue.url();
    const total = 30;
    await queue.sendBatch(Array.from({ length: total }, (_, i) => `m-${i}`));
    const messages = queue.messages({ concurrency: 5, waitTimeSeconds: 1 });
    let acked = 0;
    for await (const m of messages) {
      m.ack();
      if (++acked === 10) break;
    }
    const status = messages.status;
    const rest = await drain(bench.direct, url, total - 10, 20_000);
    assert.equal(rest.length, total - 10, "every message not acknowledged is visible again");
    assert.equal(status.deleted, 10);
    assert.equal(status.received, status.deleted + status.released);
    assert.ok(status.released > 0, "the messages held unacknowledged were released");
    assert.equal(status.stranded, 0);
  });

  it("4a. consume() on a missing queue with no listener: reported, state failed, closed rejects (handled)", async () => {
    const logger = recorder();
    const consumer = bench.sqs.queue(uniqueName("missing")).consume(async () => undefined, { logger });
    const error = await settlesWithin(
      consumer.closed.then(
        () => assert.fail("closed resolved"),
        (thrown: unknown) => thrown,
      ),
      "closed",
    );
    assert.ok(isMissingQueue(error), String(error));
    assert.equal(consumer.state, "failed");
    assert.equal(consumer.status.lastError, error);
    assert.equal(logger.errors.length, 1);
    assert.match(logger.errors[0]!, /missing-/);
    await consumer.stop(); // resolves: it has ended
    // Nobody awaited closed of this one: no unhandled rejection either.
    const ignored = bench.sqs.queue(uniqueName("missing")).consume(async () => undefined, { logger: false });
    await waitFor(() => ignored.state === "failed", "the second consumer failed");
    await sleep(20);
    assert.deepEqual(unhandled, []);
  });

  it("4b. the default reporter is the console; a fatal error with an error listener is flagged fatal", async () => {
    const original = { warn: console.warn, error: console.error };
    const printed: string[] = [];
    console.error = (message: string) => printed.push(message);
    try {
      const consumer = bench.sqs.queue(uniqueName("missing")).consume(async () => undefined);
      await consumer.closed.catch(() => undefined);
      assert.equal(printed.length, 1);
      assert.match(printed[0]!, /stopping the consumer/);
    } finally {
      console.warn = original.warn;
      console.error = original.error;
    }
    const infos: { fatal: boolean | undefined; source: string }[] = [];
    const consumer = bench.sqs.queue(uniqueName("missing")).consume(async () => undefined);
    consumer.on("error", (_error, info) => infos.push({ fatal: info.fatal, source: info.source }));
    await consumer.closed.catch(() => undefined);
    assert.deepEqual(infos, [{ fatal: true, source: "start" }]);
  });

  it("4c. handler errors with no failed listener: counted, kept in lastError, reported once per kind", async () => {
    const queue = await bench.queue("handler-errors");
    await queue.sendBatch(Array.from({ length: 20 }, (_, i) => `m-${i}`));
    const logger = recorder();
    const thrown: Error[] = [];
    const consumer = queue.consume(
      async () => {
        const error = new Error("downstream is down");
        thrown.push(error);
        throw error;
      },
      { concurrency: 20, retryDelay: 60, waitTimeSeconds: 1, logger },
    );
    await waitFor(() => consumer.status.failed === 20, "20 handler failures");
    await consumer.stop();
    await consumer.closed; // a clean stop: resolves
    assert.equal(consumer.status.lastError, thrown.at(-1));
    assert.ok(consumer.status.lastErrorAt instanceof Date);
    assert.equal(logger.warns.length, 1, logger.warns.join("\n"));
    assert.match(logger.warns[0]!, /handler failed .*downstream is down/);
    assert.equal(logger.errors.length, 0);
  });

  it("4d. transient receive errors are retried with backoff and reported at a bounded rate", async () => {
    let receives = 0;
    const server = await startLoopback(async (request) => {
      const action = String(request.headers["x-amz-target"]).split(".")[1];
      if (action === "GetQueueAttributes") return json({ Attributes: { VisibilityTimeout: "30" } });
      if (action === "ReceiveMessage") {
        receives++;
        if (receives <= 2) return json({ __type: "ServiceUnavailable", message: "busy" }, 503);
        await sleep(50);
        return json({});
      }
      return json({ __type: "InvalidAction" }, 400);
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
      const logger = recorder();
      const consumer = sqs.queue(`${server.endpoint}/000000000000/busy`).consume(async () => undefined, {
        logger,
        waitTimeSeconds: 1,
      });
      await waitFor(() => receives > 2, "a receive after two failures");
      assert.equal(consumer.state, "running", "transient errors never stop the consumer");
      assert.ok(isServiceError(consumer.status.lastError));
      await consumer.stop();
      await consumer.closed;
      assert.equal(logger.warns.length, 1, logger.warns.join("\n"));
      assert.match(logger.warns[0]!, /ReceiveMessage failed; retrying/);
    } finally {
      await server.close();
    }
  });

  it("stop() sends no ReceiveMessage after it is called: a long poll in flight that fails is not retried", async () => {
    let receives = 0;
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await startLoopback(async (request) => {
      const action = String(request.headers["x-amz-target"]).split(".")[1];
      if (action === "GetQueueAttributes") return json({ Attributes: { VisibilityTimeout: "30" } });
      if (action === "ReceiveMessage") {
        receives++;
        if (receives === 1) {
          // The first poll is held until the test has called stop(), then fails with a retryable error.
          await held;
          return json({ __type: "ServiceUnavailable", message: "busy" }, 503);
        }
        return json({});
      }
      return json({ __type: "InvalidAction" }, 400);
    });
    try {
      // maxAttempts 3 (the default): without the stop signal the client would retry the poll.
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const consumer = sqs.queue(`${server.endpoint}/000000000000/stopping`).consume(async () => undefined, {
        logger: recorder(),
        concurrency: 1,
        waitTimeSeconds: 20,
      });
      await waitFor(() => receives === 1, "the first long poll");
      const stopped = consumer.stop();
      release!();
      await settlesWithin(stopped, "stop() with a failing poll in flight");
      await consumer.closed;
      assert.equal(receives, 1, "no ReceiveMessage after stop(), not even the poll's retry");
      assert.ok(server.requests.every((r) => r.signatureValid));
    } finally {
      release?.();
      await server.close();
    }
  });
  it("stop() during the wait before a failed poll's retry: no ReceiveMessage after stop()", async () => {
    let receives = 0;
    const server = await startLoopback((request) => {
      const action = String(request.headers["x-amz-target"]).split(".")[1];
      if (action === "GetQueueAttributes") return json({ Attributes: { VisibilityTimeout: "30" } });
      if (action === "ReceiveMessage") {
        receives++;
        return receives === 1 ? json({ __type: "ServiceUnavailable", message: "busy" }, 503) : json({});
      }
      return json({ __type: "InvalidAction" }, 400);
    });
    try {
      let stopped: Promise<void> | undefined;
      let consumer: { stop(): Promise<void> } | undefined;
      // onRetry runs after the poll failed and before the client waits to retry it: stop() there.
      const sqs = new SQS({
        endpoint: server.endpoint,
        credentials: TEST_CREDENTIALS,
        hooks: {
          onRetry: (call) => {
            if (call.operation === "ReceiveMessage") stopped ??= consumer!.stop();
          },
        },
      });
      consumer = sqs.queue(`${server.endpoint}/000000000000/stopping`).consume(async () => undefined, {
        logger: recorder(),
        concurrency: 1,
        waitTimeSeconds: 1,
      });
      await waitFor(() => stopped !== undefined, "the poll's retry");
      await settlesWithin(stopped!, "stop() while the poll waits to retry");
      assert.equal(receives, 1, "no ReceiveMessage after stop(), not even after the retry's wait");
    } finally {
      await server.close();
    }
  });
  it("stop() while a poll waits for its credentials: that poll is not sent", async () => {
    let receives = 0;
    const server = await startLoopback((request) => {
      const action = String(request.headers["x-amz-target"]).split(".")[1];
      if (action === "GetQueueAttributes") return json({ Attributes: { VisibilityTimeout: "30" } });
      if (action === "ReceiveMessage") {
        receives++;
        return json({});
      }
      return json({ __type: "InvalidAction" }, 400);
    });
    try {
      let consumer: { stop(): Promise<void> } | undefined;
      let stopped: Promise<void> | undefined;
      let calls = 0;
      // The provider's second call is the first poll's (the first is GetQueueAttributes'): stop() there,
      // as a stop that comes while credentials are refreshed (or, in a browser, while Web Crypto signs).
      const credentials = async () => {
        if (++calls === 2) stopped = consumer!.stop();
        return TEST_CREDENTIALS;
      };
      const sqs = new SQS({ endpoint: server.endpoint, credentials });
      const logger = recorder();
      consumer = sqs.queue(`${server.endpoint}/000000000000/stopping`).consume(async () => undefined, {
        logger,
        concurrency: 1,
        waitTimeSeconds: 1,
      });
      await waitFor(() => stopped !== undefined, "the first poll");
      await settlesWithin(stopped!, "stop() while the poll waits for credentials");
      assert.equal(receives, 0, "no ReceiveMessage after stop()");
      assert.deepEqual([...logger.warns, ...logger.errors], [], "the poll not sent is no error");
    } finally {
      await server.close();
    }
  });
});
