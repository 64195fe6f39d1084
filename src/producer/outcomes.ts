/**
 * Moved to `src/batch/outcomes.ts` (the one batch engine). This re-export stays only until the
 * consumer's deleter and visibility batches import from there.
 *
 * @module
 */

export { type BatchErrorEntry, batchOutcomes, entryError, isRetryableEntry } from "../batch/outcomes.js";
