// The batch engine's line (src/batch/engine.ts), with a target of the test's own: a long line is
// sent in order as its head moves (no entry lost or sent twice past the point where the line is
// compacted), flush() waits for an entry whose batch came back and that is being retried, giving
// up rejects every entry (waiting for room, in the line, in flight) once each and in send order,
// and a FIFO line whose head is blocked by a busy group sends the others from the middle.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchProducer, type BatchTarget, type EntryOutcome } from "../../src/batch/engine.js";
import { isTimeoutError } from "../../src/core/errors.js";

interface Entry {
  n: number;
  group?: string;
}

/** Resolves after the current macrotask. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A target that records each batch; `answer` decides each entry's outcome (accepted by default). */
function target(
  options: {
    answer?: (entry: Entry, attempt: number) => EntryOutcome<number>;
    hold?: () => Promise<void>;
    fifo?: boolean;
  } = {},
): { target: BatchTarget<Entry, number>; batches: number[][] } {
  const batches: number[][] = [];
  const attempts = new Map<number, number>();
  return {
    batches,
    target: {
      maxEntries: 10,
      maxBytes: 1000,
      sizeOf: () => 1,
      ...(options.fifo ? { groupOf: (entry: Entry) => entry.group } : {}),
      async sendBatch(entries): Promise<EntryOutcome<number>[]> {
        batches.push(entries.map((entry) => entry.n));
        await (options.hold?.() ?? tick());
        return entries.map((entry) => {
          const attempt = (attempts.get(entry.n) ?? 0) + 1;
          attempts.set(entry.n, attempt);
          return options.answer?.(entry, attempt) ?? { ok: true, value: entry.n };
        });
      },
    },
  };
}

describe("the batch engine's line", () => {
  it("sends a long line in order as its head moves, each entry once", async () => {
    const { target: t, batches } = target();
    const producer = new BatchProducer(t, { maxQueued: 5000, maxInFlightBatches: 3, lingerMs: 0 });
    const settled: number[] = [];
    for (let n = 0; n < 4321; n++) {
      producer.submit(
        { n },
        "the message",
        (value) => settled.push(value),
        (error) => assert.fail(String(error)),
      );
    }
    await producer.flush();
    assert.equal(settled.length, 4321);
    assert.deepEqual(
      batches.flat(),
      Array.from({ length: 4321 }, (_, n) => n),
    );
    assert.ok(batches.every((batch) => batch.length <= 10));
    assert.equal(producer.stats.queued, 0);
    assert.equal(producer.stats.sent, 4321);
    await producer.close();
  });

  it("flush() waits for an entry whose batch came back and that is retried", async () => {
    const { target: t, batches } = target({
      answer: (entry, attempt) =>
        entry.n === 1 && attempt === 1
          ? { ok: false, error: new Error("throttled"), retryable: true }
          : { ok: true, value: entry.n },
    });
    const producer = new BatchProducer(t, { lingerMs: 0, retryBaseDelayMs: 20, retryMaxDelayMs: 20 });
    const settled: number[] = [];
    for (let n = 0; n < 3; n++) {
      producer.submit(
        { n },
        "the message",
        (value) => settled.push(value),
        (error) => assert.fail(String(error)),
      );
    }
    await producer.flush();
    assert.deepEqual(
      settled.sort((a, b) => a - b),
      [0, 1, 2],
    );
    assert.deepEqual(batches, [[0, 1, 2], [1]]);
    assert.equal(producer.stats.retried, 1);
    await producer.close();
  });

  it("giving up rejects every entry once, in send order: in flight, in the line, waiting for room", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { target: t } = target({ hold: () => held });
    const producer = new BatchProducer(t, { lingerMs: 0, maxQueued: 15, maxInFlightBatches: 1 });
    const outcomes: string[] = [];
    for (let n = 0; n < 40; n++) {
      producer.submit(
        { n },
        "the message",
        () => outcomes.push(`ok ${n}`),
        (error: unknown, tag) => outcomes.push(`${isTimeoutError(error) ? "timeout" : String(error)} ${tag}`),
        n,
      );
    }
    await tick();
    // 10 in flight, 15 in the line, 15 waiting for room.
    assert.deepEqual(
      { ...producer.stats, retried: 0 },
      {
        queued: 15,
        waiting: 15,
        inFlightBatches: 1,
        inFlightEntries: 10,
        sent: 0,
        failed: 0,
        retried: 0,
        batches: 1,
      },
    );
    await producer.close({ timeoutMs: 0 });
    release();
    await tick();
    await producer.onIdle();
    assert.deepEqual(
      outcomes,
      Array.from({ length: 40 }, (_, n) => `timeout ${n}`),
    );
    assert.equal(producer.stats.failed, 40);
  });

  it("FIFO: a group busy at the head of the line lets the others go from the middle", async () => {
    let release = () => {};
    let held: Promise<void> | undefined = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { target: t, batches } = target({
      fifo: true,
      hold: () => {
        const wait = held ?? tick();
        held = undefined;
        return wait;
      },
    });
    const producer = new BatchProducer(t, { lingerMs: 0, maxInFlightBatches: 4 });
    const settled: number[] = [];
    const submit = (n: number, group: string) =>
      producer.submit(
        { n, group },
        "the message",
        (value) => settled.push(value),
        (error) => assert.fail(String(error)),
      );
    for (let n = 0; n < 12; n++) submit(n, "a");
    await tick();
    // Group a has a request in flight (0-9); its 10 and 11 wait at the head, b goes past them.
    for (let n = 12; n < 15; n++) submit(n, "b");
    await tick();
    release();
    await producer.flush();
    assert.deepEqual(batches, [
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [12, 13, 14],
      [10, 11],
    ]);
    assert.equal(settled.length, 15);
    await producer.close();
  });
});
