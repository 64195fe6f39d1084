// A batch target for the BatchProducer tests: it records each batch and accepts every entry. It
// imports nothing of the batch engine at run time (types only), so a test file that uses it still
// sees the producer before its engine is loaded.
import type { BatchTarget, EntryOutcome } from "../../src/batch/engine.js";

/** A target that records each batch and accepts every entry, answering `id-<entry>`. */
export function recordingTarget(): { target: BatchTarget<string, string>; batches: string[][] } {
  const batches: string[][] = [];
  const target: BatchTarget<string, string> = {
    maxEntries: 3,
    maxBytes: 100,
    sizeOf: (entry) => entry.length,
    async sendBatch(entries): Promise<EntryOutcome<string>[]> {
      batches.push([...entries]);
      return entries.map((entry) => ({ ok: true, value: `id-${entry}` }));
    },
  };
  return { target, batches };
}
