// The consumer against a scripted loopback server, for what the emulator cannot show: receive
// errors and recovery, listeners that throw, several messages of one FIFO group in one receive,
// stale receipt handles in the heartbeat, and option checks.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  AsyncAwsError,
  CredentialsError,
  isServiceError,
  isValidationError,
  NetworkError,
  ServiceError,
  TimeoutError,
  ValidationError,
} from "../../../src/core/errors.js";
import { fatalKind } from "../../../src/sqs/consumer/consumer.js";
import { visibilityCeiling } from "../../../src/sqs/consumer/visibility.js";
import { SQS } from "../../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../../helpers/fauxqs.js";
import { json, type RecordedRequest, startLoopback } from "../../helpers/loopback.js";
import { listenerLeakWarnings } from "../../helpers/warnings.js";
import { sleep, waitFor } from "./setup.js";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

function message(body: string, group?: string, count = 1) {
  return {
    MessageId: `id-${body}`,
    ReceiptHandle: `rh-${body}-${count}`,
    Body: body,
    MD5OfBody: md5(body),
    Attributes: {
      ApproximateReceiveCount: String(count),
      ...(group ? { MessageGroupId: group, SequenceNumber: String(Date.now()) } : {}),
    },
  };
}

const actionOf = (request: RecordedRequest) => String(request.headers["x-amz-target"]).split(".")[1] ?? "";
const bodyOf = (request: RecordedRequest) => JSON.parse(request.body) as Record<string, unknown>;

function batchOk(request: RecordedRequest) {
  return json({
    Successful: (bodyOf(request).Entries as { Id: string }[]).map(({ Id }) => ({ Id })),
    Failed: [],
  });
}

describe("consumer against a scripted server", () => {
  it("reports receive errors and backs off, survives a throwing listener, emits empty", async () => {
    let receives = 0;
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage":
          receives++;
          if (receives <= 2) return json({ __type: "InternalError", message: "try again" }, 500);
          if (receives === 3) return json({ Messages: [message("one")] });
          if (receives === 5) return json({ Messages: [message("two")] });
          await sleep(100);
          return json({});
        case "DeleteMessageBatch":
          return batchOk(request);
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
      const queue = sqs.queue(`${server.endpoint}/000000000000/errors`);
      const handled: string[] = [];
      const errors: { source: string; error: unknown }[] = [];
      let empty = 0;
      const consumer = queue.consume(async (m) => {
        handled.push(m.Body!);
      });
      consumer.on("message", () => {
        throw new Error("a listener bug");
      });
      consumer.on("error", (error, { source }) => errors.push({ source, error }));
      consumer.on("empty", () => empty++);
      await waitFor(
        () => consumer.status.deleted === 2 && empty > 0,
        "two messages deleted and an empty receive",
      );
      assert.equal(consumer.status.state, "running");
      await consumer.stop();
      assert.deepEqual(handled, ["one", "two"]);
      const receiveErrors = errors.filter((e) => e.source === "receive");
      assert.equal(receiveErrors.length, 2);
      assert.ok(receiveErrors.every((e) => isServiceError(e.error) && e.error.code === "InternalError"));
      assert.equal(errors.filter((e) => e.source === "listener").length, 2);
      assert.ok(consumer.status.lastError instanceof Error);
      assert.ok(consumer.status.lastErrorAt instanceof Date);
    } finally {
      await server.close();
    }
  });

  it("stop({ abort: true }) cuts every long poll through one signal; 30 polls waiting between retries raise no listener warning", async () => {
    let receives = 0;
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage":
          // Each poll's first attempt fails (the client waits before its retry, listening to the
          // poll's signal); its retry is a long poll that never ends by itself.
          receives++;
          if (receives <= 30) return json({ __type: "InternalError", message: "try again" }, 500);
          await sleep(60_000);
          return json({});
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    const leaks = listenerLeakWarnings();
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 2 });
      const consumer = sqs
        .queue(`${server.endpoint}/000000000000/cut`)
        .consume(async () => undefined, { concurrency: 300, waitTimeSeconds: 20 });
      await waitFor(() => receives >= 40, "the polls retried");
      // (A poll whose retry came among the first 30 failed twice: it is in its backoff, not in flight.)
      const inFlight = consumer.status.receiving;
      assert.ok(inFlight > 10, `${inFlight} polls in flight`);
      await consumer.stop({ abort: true });
      assert.equal(consumer.status.receiving, 0);
      assert.equal(consumer.status.stranded, inFlight * 10, "each cut poll counts what it asked for");
      assert.equal(consumer.status.state, "stopped");
      await sleep(10);
      assert.deepEqual(leaks.messages(), []);
    } finally {
      leaks.stop();
      await server.close();
    }
  });

  it("FIFO: releases, unhandled and last first, the messages of a group behind one that failed", async () => {
    let receives = 0;
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage":
          receives++;
          if (receives === 1) {
            return json({
              Messages: [
                message("g1-a", "g1"),
                message("g2-a", "g2"),
                message("g1-b", "g1"),
                message("g1-c", "g1"),
              ],
            });
          }
          await sleep(100);
          return json({});
        case "DeleteMessageBatch":
        case "ChangeMessageVisibilityBatch":
          return batchOk(request);
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/ordered.fifo`);
      const started: string[] = [];
      let gate!: () => void;
      const bothStarted = new Promise<void>((resolve) => {
        gate = resolve;
      });
      const consumer = queue.consume(
        async (m) => {
          started.push(m.Body!);
          if (started.length === 2) gate();
          await bothStarted;
          if (m.Body === "g1-a") throw new Error("fails");
        },
        { concurrency: 16, retryDelay: 5, logger: false },
      );
      await waitFor(
        () => consumer.status.released === 2 && consumer.status.deleted === 1,
        "release and delete",
      );
      await consumer.stop();
      // g1 and g2 ran in parallel; g1-b and g1-c were never handed to the handler.
      assert.deepEqual(started.sort(), ["g1-a", "g2-a"]);
      const changes = server.requests
        .filter((r) => actionOf(r) === "ChangeMessageVisibilityBatch")
        .flatMap((r) => bodyOf(r).Entries as { ReceiptHandle: string; VisibilityTimeout: number }[]);
      assert.deepEqual(
        changes.map((c) => [c.ReceiptHandle, c.VisibilityTimeout]),
        [
          ["rh-g1-c-1", 0],
          ["rh-g1-b-1", 0],
          ["rh-g1-a-1", 5],
        ],
      );
      assert.equal(consumer.status.failed, 1);
      assert.equal(consumer.status.succeeded, 1);
    } finally {
      await server.close();
    }
  });

  it("reports a stale receipt handle in the heartbeat and stops extending that message", async () => {
    let served = false;
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "ReceiveMessage":
          if (!served) {
            served = true;
            return json({ Messages: [message("slow")] });
          }
          await sleep(100);
          return json({});
        case "ChangeMessageVisibilityBatch":
          return json({
            Successful: [],
            Failed: [{ Id: "0", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: "stale" }],
          });
        case "DeleteMessageBatch":
          return batchOk(request);
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/stale`);
      const errors: { source: string; error: unknown }[] = [];
      const consumer = queue.consume(() => sleep(1500), { visibilityTimeout: 1 });
      consumer.on("error", (error, { source }) => errors.push({ source, error }));
      await waitFor(() => consumer.status.deleted === 1, "the message deleted");
      await consumer.stop();
      const extensions = server.requests.filter((r) => actionOf(r) === "ChangeMessageVisibilityBatch");
      assert.equal(extensions.length, 1, "no second extension of a stale receipt handle");
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.source, "visibility");
      assert.ok(isServiceError(errors[0]!.error) && errors[0]!.error.code === "ReceiptHandleIsInvalid");
      // The receive asked for the visibility timeout the heartbeat works with.
      const receive = server.requests.find((r) => actionOf(r) === "ReceiveMessage")!;
      assert.equal(bodyOf(receive).VisibilityTimeout, 1);
    } finally {
      await server.close();
    }
  });

  it("retries a delete that fails, then reports one that keeps failing; retryDelay can leave visibility alone", async () => {
    let receives = 0;
    const deleteAttempts = new Map<string, number>();
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage":
          receives++;
          if (receives === 1)
            return json({ Messages: [message("once"), message("never"), message("fails")] });
          await sleep(100);
          return json({});
        case "DeleteMessageBatch": {
          const Successful: object[] = [];
          const Failed: object[] = [];
          for (const entry of bodyOf(request).Entries as { Id: string; ReceiptHandle: string }[]) {
            const attempt = (deleteAttempts.get(entry.ReceiptHandle) ?? 0) + 1;
            deleteAttempts.set(entry.ReceiptHandle, attempt);
            if (entry.ReceiptHandle === "rh-once-1" && attempt === 1) {
              Failed.push({ Id: entry.Id, Code: "InternalError", SenderFault: false });
            } else if (entry.ReceiptHandle === "rh-never-1") {
              Failed.push({ Id: entry.Id, Code: "ReceiptHandleIsInvalid", SenderFault: true });
            } else Successful.push({ Id: entry.Id });
          }
          return json({ Successful, Failed });
        }
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/deletes`);
      const errors: { source: string; error: unknown; body: string | undefined }[] = [];
      const consumer = queue.consume(
        async (m) => {
          if (m.Body === "fails") throw new Error("handler failed");
        },
        { retryDelay: "visibilityTimeout", logger: false },
      );
      consumer.on("error", (error, info) =>
        errors.push({ source: info.source, error, body: info.message?.Body }),
      );
      await waitFor(
        () => consumer.status.deleted === 1 && errors.length === 1,
        "one delete retried, one reported",
      );
      await consumer.stop();
      assert.equal(deleteAttempts.get("rh-once-1"), 2);
      assert.equal(deleteAttempts.get("rh-never-1"), 1);
      assert.equal(errors[0]!.source, "delete");
      assert.equal(errors[0]!.body, "never");
      assert.ok(isServiceError(errors[0]!.error) && errors[0]!.error.code === "ReceiptHandleIsInvalid");
      assert.equal(consumer.status.failed, 1);
      assert.equal(
        server.requests.filter((r) => actionOf(r) === "ChangeMessageVisibilityBatch").length,
        0,
        "the failed message is left to its visibility timeout",
      );
    } finally {
      await server.close();
    }
  });

  it("never extends visibility past 12 hours after receipt", () => {
    assert.equal(visibilityCeiling(30, 0), 30);
    assert.equal(visibilityCeiling(30, 1000 * (43_200 - 100)), 30);
    // 12 hours less the 5-second margin, less what has passed.
    assert.equal(visibilityCeiling(30, 1000 * (43_200 - 20)), 15);
    assert.equal(visibilityCeiling(30, 1000 * 43_200), 0);
    assert.equal(visibilityCeiling(43_200, 0), 43_195);
  });

  it("checks its options at once: a ValidationError naming the option and the value, nothing sent", async () => {
    const server = await startLoopback(() => json({}));
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/options`);
      const handler = async () => undefined;
      const halfLogger = { warn: () => undefined };
      const cases: [unknown, string, unknown][] = [
        [{ concurrency: 0 }, "concurrency", 0],
        [{ concurrency: 2.5 }, "concurrency", 2.5],
        [{ waitTimeSeconds: 21 }, "waitTimeSeconds", 21],
        [{ visibilityTimeout: -1 }, "visibilityTimeout", -1],
        [{ visibilityTimeout: 43_201 }, "visibilityTimeout", 43_201],
        [{ extendVisibility: "yes" }, "extendVisibility", "yes"],
        [{ maxHandlerSeconds: 0 }, "maxHandlerSeconds", 0],
        [{ retryDelay: "soon" }, "retryDelay", "soon"],
        [{ retryDelay: 50_000 }, "retryDelay", 50_000],
        [{ drainTimeoutMs: -5 }, "drainTimeoutMs", -5],
        [{ signal: "stop" }, "signal", "stop"],
        [{ unwrapSns: 1 }, "unwrapSns", 1],
        [{ messageAttributeNames: "All" }, "messageAttributeNames", "All"],
        [{ batchSize: 11 }, "batchSize", 11],
        [{ logger: "loud" }, "logger", "loud"],
        [{ logger: halfLogger }, "logger", halfLogger],
        [{ concurency: 5 }, "options.concurency", 5],
        ["fast", "options", "fast"],
      ];
      for (const [options, field, value] of cases) {
        assert.throws(
          () => queue.consume(handler, options as never),
          (error: unknown) => {
            assert.ok(isValidationError(error), `${field}: ${String(error)}`);
            assert.equal(error.field, field);
            assert.deepEqual(error.value, value);
            assert.ok(error.message.includes(field) && error.message.includes("received"), error.message);
            return true;
          },
        );
      }
      assert.throws(
        () => queue.consume("not a function" as never),
        (error: unknown) => isValidationError(error) && error.field === "handler",
      );
      await sleep(50);
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });
  it("a fatal receive error lets running handlers finish, deletes their messages, then fails", async () => {
    let receives = 0;
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage":
          receives++;
          if (receives === 1) return json({ Messages: [message("slow")] });
          return json({ __type: "AccessDenied", message: "not allowed any more" }, 403);
        case "DeleteMessageBatch":
          return batchOk(request);
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/revoked`);
      const errors: { fatal: boolean | undefined; error: unknown }[] = [];
      let finish!: () => void;
      const consumer = queue.consume(
        () =>
          new Promise<void>((resolve) => {
            finish = resolve;
          }),
        { concurrency: 2 },
      );
      consumer.on("error", (error, info) => errors.push({ fatal: info.fatal, error }));
      await waitFor(() => consumer.state === "stopping", "the fatal error");
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.fatal, true);
      finish();
      const error = await consumer.closed.then(
        () => assert.fail("closed resolved"),
        (thrown: unknown) => thrown,
      );
      assert.ok(isServiceError(error) && error.code === "AccessDenied", String(error));
      assert.equal(consumer.state, "failed");
      assert.equal(consumer.status.deleted, 1, "the running handler's message was deleted");
      assert.equal(receives, 2, "no receive after the fatal error");
    } finally {
      await server.close();
    }
  });

  it("messages(): a fatal error while the loop holds messages rejects the next next(), after releasing them", async () => {
    let receives = 0;
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage":
          receives++;
          if (receives === 1) return json({ Messages: [message("one"), message("two")] });
          return json({ __type: "QueueDoesNotExist", message: "deleted meanwhile" }, 400);
        case "ChangeMessageVisibilityBatch":
        case "DeleteMessageBatch":
          return batchOk(request);
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const messages = sqs
        .queue(`${server.endpoint}/000000000000/vanishing`)
        .messages({ concurrency: 3, logger: false });
      const seen: string[] = [];
      const error = await (async () => {
        try {
          for await (const m of messages) {
            seen.push(m.Body!);
            // Held, not acknowledged, while the receive after it fails for good.
            await waitFor(() => messages.status.state !== "running", "the fatal error");
          }
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      assert.ok(isServiceError(error) && error.code === "QueueDoesNotExist", String(error));
      assert.deepEqual(seen, ["one"], "the buffered message is not handed out after the failure");
      const status = messages.status;
      assert.equal(status.state, "failed");
      assert.equal(status.released, 2);
      const released = server.requests
        .filter((r) => actionOf(r) === "ChangeMessageVisibilityBatch")
        .flatMap((r) => bodyOf(r).Entries as { ReceiptHandle: string; VisibilityTimeout: number }[]);
      assert.deepEqual(released.map((e) => [e.ReceiptHandle, e.VisibilityTimeout]).sort(), [
        ["rh-one-1", 0],
        ["rh-two-1", 0],
      ]);
    } finally {
      await server.close();
    }
  });

  it("tells fatal errors (retrying cannot help) from transient ones", () => {
    const service = (code: string, statusCode: number) => new ServiceError("x", { code, statusCode });
    const cases: [unknown, string | undefined][] = [
      [service("QueueDoesNotExist", 400), "queue"],
      [service("AWS.SimpleQueueService.NonExistentQueue", 400), "queue"],
      [service("AccessDenied", 403), "access"],
      [service("InvalidClientTokenId", 403), "access"],
      [service("ExpiredToken", 400), "access"],
      [service("SomethingNew", 401), "access"],
      [service("InvalidParameterValue", 400), "input"],
      [new CredentialsError("no credentials found"), "credentials"],
      [new ValidationError("QueueUrl", "a URL", ""), "input"],
      [new Error("a provider's own error"), "input"],
      [service("InternalError", 500), undefined],
      [service("ServiceUnavailable", 503), undefined],
      [service("RequestThrottled", 400), undefined],
      [service("Throttling", 429), undefined],
      [service("KmsThrottled", 400), undefined],
      [service("KmsAccessDenied", 400), "access"],
      [new NetworkError("reset"), undefined],
      [new TimeoutError(1000), undefined],
      [new AsyncAwsError("something of ours"), undefined],
    ];
    for (const [error, kind] of cases) assert.equal(fatalKind(error), kind, String(error));
  });
});
