// The public BatchProducer (src/batch/produce.ts): it checks its target and options at once and
// loads the batch engine with import() (issue 20's cold start). The calls made before the engine
// is there are kept in order and handed to it. This file's first producer is made before anything
// in its process loaded the engine, so the early path is what these tests see first.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BatchTarget } from "../../src/batch/engine.js";
import { BatchProducer } from "../../src/batch/produce.js";
import { isAsyncAwsError, isValidationError } from "../../src/core/errors.js";
import { recordingTarget } from "../helpers/recording-target.js";

describe("BatchProducer, before and after its engine is loaded", () => {
  it("keeps what is sent, flushed and closed before the engine is there, in order", async () => {
    const { target, batches } = recordingTarget();
    const producer = new BatchProducer(target, { lingerMs: 1000, maxQueued: 2 });
    // Nothing loaded yet: the producer counts what waits and says when the line is full.
    assert.equal(producer.stats.queued, 0);
    assert.equal(producer.hasRoom, true);
    const first = producer.send("a");
    const settled: string[] = [];
    producer.submit(
      "b",
      "the message",
      (id) => settled.push(id),
      (error) => settled.push(String(error)),
    );
    assert.equal(producer.stats.queued, 2);
    assert.equal(producer.hasRoom, false);
    const flushed = producer.flush();
    const third = producer.send("c");
    assert.equal(producer.closed, false);
    const closed = producer.close();
    assert.equal(producer.closed, true);
    // A send after close() is refused at once, as the engine refuses it.
    await assert.rejects(
      producer.send("late"),
      (error) => isAsyncAwsError(error) && /closed/.test(error.message),
    );
    await flushed;
    assert.deepEqual(settled, ["id-b"]);
    assert.equal(await first, "id-a");
    assert.equal(await third, "id-c");
    await closed;
    assert.deepEqual(batches.flat(), ["a", "b", "c"]);
    assert.equal(producer.stats.sent, 3);
    assert.equal(producer.hasRoom, true);
  });

  it("checks its target and options at once, whether the engine is loaded or not", async () => {
    const { target } = recordingTarget();
    assert.throws(
      () => new BatchProducer({} as BatchTarget<string, string>),
      (error) => isValidationError(error) && /target/.test(error.message),
    );
    assert.throws(
      () => new BatchProducer(target, { maxQueued: 0 }),
      (error) => isValidationError(error) && /maxQueued/.test(error.message),
    );
    // Loaded by now (the test before): the same errors.
    const producer = new BatchProducer(target);
    await producer.close();
    assert.throws(
      () => new BatchProducer(target, { lingerMs: -1 }),
      (error) => isValidationError(error) && /lingerMs/.test(error.message),
    );
  });

  it("a producer made after the engine is loaded sends at once", async () => {
    const { target, batches } = recordingTarget();
    const producer = new BatchProducer(target, { lingerMs: 0 });
    assert.equal(await producer.send("x"), "id-x");
    await producer.onIdle();
    await producer.ready();
    await producer.close({ timeoutMs: 1000 });
    assert.deepEqual(batches, [["x"]]);
  });
});
