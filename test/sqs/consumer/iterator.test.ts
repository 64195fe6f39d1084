// `for await (const message of queue.messages())`: ack deletes, retry brings the message back,
// leaving the loop releases what was not acknowledged.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isValidationError } from "../../../src/core/errors.js";
import { type Bench, drain, requestsOf, startBench } from "./setup.js";

describe("queue.messages()", () => {
  let bench: Bench;
  before(async () => {
    bench = await startBench();
  });
  after(async () => {
    await bench?.close();
  });

  it("acknowledges, retries, and releases what was not acknowledged when the loop is left", async () => {
    const queue = await bench.queue("iterate");
    const url = await queue.url();
    const bodies = Array.from({ length: 10 }, (_, i) => `m-${i}`);
    await queue.sendBatch(bodies);
    const acked: string[] = [];
    const unacked: string[] = [];
    const seen: string[] = [];
    let retried = false;
    // Leaving the loop lets the long polls in flight finish and releases what they bring.
    const messages = queue.messages({
      concurrency: 4,
      visibilityTimeout: 2,
      retryDelay: 0,
      waitTimeSeconds: 1,
    });
    assert.equal(messages.status.state, "starting", "nothing starts before the first next()");
    assert.equal(messages.status.receiving, 0, "nothing starts before the first next()");
    for await (const message of messages) {
      seen.push(message.Body!);
      if (message.Body === "m-3" && !retried) {
        retried = true;
        message.retry(0);
        continue;
      }
      if (acked.length < 5) {
        message.ack();
        message.ack(); // twice: no effect
        acked.push(message.Body!);
        continue;
      }
      unacked.push(message.Body!);
      if (unacked.length === 2) break;
    }
    const status = messages.status;
    assert.equal(status.state, "stopped");
    assert.equal(status.deleted, 5);
    assert.equal(status.inFlight, 0);
    assert.ok(retried);
    // Leaving again is harmless; next() after leaving is done.
    assert.deepEqual(await messages.next(), { done: true, value: undefined });
    const rest = await drain(bench.direct, url, 5, 15_000);
    assert.deepEqual(
      rest.sort(),
      bodies.filter((body) => !acked.includes(body)).sort(),
      "every message not acknowledged is back on the queue, the acknowledged ones are gone",
    );
    // The unacknowledged ones were released (visibility 0), not left to their timeout.
    const released = requestsOf(bench, "ChangeMessageVisibilityBatch", url)
      .flatMap((request) => request.body.Entries as { VisibilityTimeout: number }[])
      .filter((entry) => entry.VisibilityTimeout === 0);
    assert.ok(released.length >= 2 + 1, `${released.length} released`);
  });

  it("checks its options at once, and retry's delay", async () => {
    const queue = await bench.queue("iterate-options");
    assert.throws(
      () => queue.messages({ concurrency: 0 }),
      (error: unknown) => isValidationError(error) && error.field === "concurrency",
    );
    assert.throws(
      () => queue.messages({ batch: true } as never),
      (error: unknown) => isValidationError(error) && error.field === "batch",
    );
    await queue.send("one");
    const iterator = queue.messages({ waitTimeSeconds: 1 });
    const { value } = await iterator.next();
    assert.throws(
      () => value!.retry(-1),
      (error: unknown) => isValidationError(error) && error.field === "delaySeconds",
    );
    value!.ack();
    await iterator.return();
    assert.equal(iterator.status.deleted, 1);
  });
});
