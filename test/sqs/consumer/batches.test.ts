// The consumer's deletes and visibility changes go through the one batch engine, with its one
// behaviour: an entry missing from an answer is reported (`MissingBatchEntry`, retried first),
// and at most `maxInFlightBatches` requests are in flight (one per 10 messages the consumer may
// hold, at least 10). A scripted loopback server shows what fauxqs cannot (answers that leave
// entries out, slow deletes).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { isServiceError } from "../../../src/core/errors.js";
import { SQS } from "../../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../../helpers/fauxqs.js";
import { json, type RecordedRequest, startLoopback } from "../../helpers/loopback.js";
import { sleep, waitFor } from "./setup.js";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const actionOf = (request: RecordedRequest) => String(request.headers["x-amz-target"]).split(".")[1] ?? "";
const bodyOf = (request: RecordedRequest) => JSON.parse(request.body) as Record<string, unknown>;
const entriesOf = (request: RecordedRequest) =>
  bodyOf(request).Entries as { Id: string; ReceiptHandle: string }[];

function message(body: string) {
  return {
    MessageId: `id-${body}`,
    ReceiptHandle: `rh-${body}`,
    Body: body,
    MD5OfBody: md5(body),
    Attributes: { ApproximateReceiveCount: "1" },
  };
}

describe("the consumer's batches (one engine)", () => {
  it("a delete missing from the answer is retried, then reported as MissingBatchEntry; the others are deleted", async () => {
    let receives = 0;
    const attempts = new Map<string, number>();
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage":
          if (++receives === 1)
            return json({ Messages: [message("kept"), message("lost"), message("late")] });
          await sleep(50);
          return json({});
        case "DeleteMessageBatch": {
          const Successful: object[] = [];
          for (const entry of entriesOf(request)) {
            const attempt = (attempts.get(entry.ReceiptHandle) ?? 0) + 1;
            attempts.set(entry.ReceiptHandle, attempt);
            // "lost" is never mentioned; "late" is left out of the first answer only.
            if (entry.ReceiptHandle === "rh-lost") continue;
            if (entry.ReceiptHandle === "rh-late" && attempt === 1) continue;
            Successful.push({ Id: entry.Id });
          }
          return json({ Successful, Failed: [] });
        }
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/missing-deletes`);
      const errors: { source: string; error: unknown; body: string | undefined }[] = [];
      const consumer = queue.consume(async () => {}, { logger: false });
      consumer.on("error", (error, info) =>
        errors.push({ source: info.source, error, body: info.message?.Body }),
      );
      await waitFor(() => consumer.status.deleted === 2 && errors.length === 1, "two deleted, one reported");
      await consumer.stop();
      assert.equal(attempts.get("rh-kept"), 1);
      assert.equal(attempts.get("rh-late"), 2, "an entry missing once is sent again");
      assert.equal(attempts.get("rh-lost"), 4, "an entry never in an answer gets every attempt");
      assert.equal(errors[0]!.source, "delete");
      assert.equal(errors[0]!.body, "lost");
      const error = errors[0]!.error;
      assert.ok(isServiceError(error) && error.code === "MissingBatchEntry");
      assert.equal(error.operation, "DeleteMessageBatch");
      assert.match(error.message, /message id-lost is missing from the answer/);
      assert.equal(consumer.status.stranded, 1);
    } finally {
      await server.close();
    }
  });

  it("a release missing from the answer is retried, then reported as MissingBatchEntry and counted stranded", async () => {
    let receives = 0;
    const attempts = new Map<string, number>();
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage":
          if (++receives === 1) return json({ Messages: [message("back"), message("gone")] });
          await sleep(50);
          return json({});
        case "ChangeMessageVisibilityBatch": {
          const Successful: object[] = [];
          for (const entry of entriesOf(request)) {
            attempts.set(entry.ReceiptHandle, (attempts.get(entry.ReceiptHandle) ?? 0) + 1);
            if (entry.ReceiptHandle !== "rh-gone") Successful.push({ Id: entry.Id });
          }
          return json({ Successful, Failed: [] });
        }
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/missing-changes`);
      const errors: { source: string; error: unknown; body: string | undefined }[] = [];
      const consumer = queue.consume(
        async () => {
          throw new Error("retry at once");
        },
        { retryDelay: 0, logger: false },
      );
      consumer.on("error", (error, info) =>
        errors.push({ source: info.source, error, body: info.message?.Body }),
      );
      await waitFor(
        () => consumer.status.released === 1 && errors.length === 1,
        "one released, one reported",
      );
      await consumer.stop();
      assert.equal(attempts.get("rh-back"), 1);
      assert.equal(attempts.get("rh-gone"), 3, "a change missing from each answer gets every attempt");
      assert.equal(errors[0]!.source, "visibility");
      assert.equal(errors[0]!.body, "gone");
      const error = errors[0]!.error;
      assert.ok(isServiceError(error) && error.code === "MissingBatchEntry");
      assert.equal(error.operation, "ChangeMessageVisibilityBatch");
      assert.equal(consumer.status.stranded, 1);
    } finally {
      await server.close();
    }
  });

  it("slow deletes: at most maxInFlightBatches (10 at concurrency 20) DeleteMessageBatch requests in flight, every message deleted", async () => {
    const total = 300;
    let handedOut = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const deleted = new Set<string>();
    const server = await startLoopback(async (request) => {
      switch (actionOf(request)) {
        case "GetQueueAttributes":
          return json({ Attributes: { VisibilityTimeout: "30" } });
        case "ReceiveMessage": {
          const max = Number(bodyOf(request).MaxNumberOfMessages ?? 1);
          const messages = [];
          while (messages.length < max && handedOut < total) messages.push(message(`m${handedOut++}`));
          if (messages.length === 0) await sleep(50);
          return json(messages.length > 0 ? { Messages: messages } : {});
        }
        case "DeleteMessageBatch": {
          inFlight++;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await sleep(60);
          inFlight--;
          const entries = entriesOf(request);
          for (const entry of entries) deleted.add(entry.ReceiptHandle);
          return json({ Successful: entries.map(({ Id }) => ({ Id })), Failed: [] });
        }
        default:
          return json({ __type: "InvalidAction", message: actionOf(request) }, 400);
      }
    });
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const queue = sqs.queue(`${server.endpoint}/000000000000/slow-deletes`);
      const consumer = queue.consume(async () => {}, { concurrency: 20, logger: false });
      await waitFor(() => consumer.status.deleted === total, "every message deleted");
      await consumer.stop();
      assert.equal(deleted.size, total);
      assert.ok(mostInFlight <= 10, `at most 10 deletes in flight, saw ${mostInFlight}`);
      assert.ok(mostInFlight > 1, "deletes do go in parallel");
    } finally {
      await server.close();
    }
  });
});
