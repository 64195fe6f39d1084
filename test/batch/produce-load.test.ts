// The public BatchProducer (src/batch/produce.ts) when the batch engine fails to load: the calls
// made meanwhile fail with the load's error, and a later call loads the engine again; and when
// the producer's signal aborts before the engine is there. In a file of its own, so that nothing
// in its process loaded the engine before.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchProducer } from "../../src/batch/produce.js";
import { isAbortError, isAsyncAwsError } from "../../src/core/errors.js";
import { failNextImport, isSimulatedLoadFailure } from "../helpers/failing-import.js";
import { recordingTarget } from "../helpers/recording-target.js";

describe("BatchProducer before its engine is there: a failed load, an abort", () => {
  it("fails the calls made meanwhile, then loads the engine again at the next call", async () => {
    const { target, batches } = recordingTarget();
    await failNextImport("/batch/engine.js");
    const producer = new BatchProducer(target, { lingerMs: 0, maxQueued: 1 });
    const early = producer.send("a");
    assert.equal(producer.hasRoom, false);
    await assert.rejects(early, (error: unknown) => isSimulatedLoadFailure(error));
    assert.equal(producer.closed, false, "a failed load does not close the producer");
    assert.equal(producer.stats.queued, 0, "the entries that failed wait no more");
    assert.equal(producer.hasRoom, true);
    assert.equal(await producer.send("b"), "id-b");
    await producer.close();
    assert.deepEqual(batches.flat(), ["b"]);
  });

  it("a producer closed before its load failed stays closed", async () => {
    const { target } = recordingTarget();
    // The engine module is loaded by now: a failed load is only seen by a producer made before,
    // so this test loads it in a fresh module instance of produce.ts.
    const url = new URL("../../src/batch/produce.js?closed-before", import.meta.url).href;
    const fresh = (await import(url)) as typeof import("../../src/batch/produce.js");
    await failNextImport("/batch/engine.js");
    const producer = new fresh.BatchProducer(target);
    const sent = producer.send("a");
    const closed = producer.close();
    await assert.rejects(sent, (error: unknown) => isSimulatedLoadFailure(error));
    await assert.rejects(closed, (error: unknown) => isSimulatedLoadFailure(error));
    assert.equal(producer.closed, true);
    await assert.rejects(
      producer.send("late"),
      (error: unknown) => isAsyncAwsError(error) && /closed/.test(error.message),
    );
  });

  it("a send made before the engine is there, whose producer's signal aborts meanwhile, rejects with an AbortError", async () => {
    const { target, batches } = recordingTarget();
    // A fresh instance of produce.ts: its engine is not loaded yet, so the sends wait for it.
    const url = new URL("../../src/batch/produce.js?abort-early", import.meta.url).href;
    const fresh = (await import(url)) as typeof import("../../src/batch/produce.js");
    const controller = new AbortController();
    const producer = new fresh.BatchProducer(target, { signal: controller.signal, lingerMs: 1000 });
    const sent = producer.send("a");
    const flushed = producer.flush();
    controller.abort(new Error("shutting down"));
    await assert.rejects(sent, (error: unknown) => isAbortError(error));
    await flushed;
    assert.equal(producer.closed, true);
    // Given after the abort: refused as closed, as the engine refuses it.
    await assert.rejects(
      producer.send("late"),
      (error: unknown) => isAsyncAwsError(error) && /closed/.test(error.message),
    );
    assert.deepEqual(batches, []);
  });
});
