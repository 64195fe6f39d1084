/**
 * One call's worth of batches (`queue.sendBatch`, `topic.publishBatch`): every entry given at
 * once, sent through the batch engine with no lingering and one attempt per entry (the client
 * still retries each whole request), and each entry's outcome returned in input order.
 *
 * @module
 */

import { type ErrorContext, isServiceError, ValidationError } from "../core/errors.js";
import { BatchProducer, type BatchTarget } from "./engine.js";
import { isNotSentError, NOT_SENT_CODE, verdictOf } from "./outcomes.js";

/** True when the error is AWS's own verdict on the entry (a failed entry of its answer). */
export function isEntryVerdict(error: unknown): boolean {
  return verdictOf(error) !== undefined;
}

/** Options of a one-call batch send. */
export interface SendEntriesOptions {
  /**
   * Most batch requests in flight at once (a FIFO group has at most one).
   * @default 10
   */
  maxInFlightBatches?: number | undefined;
  /** Aborts the call: entries not yet accepted fail with an `AbortError`. */
  signal?: AbortSignal | undefined;
  /** Deadline of the whole call in ms: entries not accepted by then fail (a `TimeoutError`, or their request's last error). */
  deadlineMs?: number | undefined;
}

/** One entry's outcome: accepted with its result, or failed with its error. */
export type SentOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Sends every entry; resolves with one outcome per entry, in order (never rejects for an entry's
 * failure). In a FIFO group, an entry given up on takes the group's later entries with it (they
 * fail as `NotSent`, never sent).
 */
export async function sendEntries<E, R>(
  target: BatchTarget<E, R>,
  entries: readonly E[],
  labels: readonly string[],
  options: SendEntriesOptions,
): Promise<SentOutcome<R>[]> {
  if (entries.length === 0) return [];
  const producer = new BatchProducer<E, R>(target, {
    lingerMs: 0,
    maxAttempts: 1,
    maxQueued: entries.length,
    maxInFlightBatches: options.maxInFlightBatches,
    deadlineMs: options.deadlineMs,
    signal: options.signal,
  });
  const outcomes = entries.map((entry, index) =>
    producer.send(entry, labels[index]).then(
      (value): SentOutcome<R> => ({ ok: true, value }),
      (error: unknown): SentOutcome<R> => ({ ok: false, error }),
    ),
  );
  await producer.close();
  return Promise.all(outcomes);
}

/**
 * What a failed entry reports in a batch result: AWS's own failed entry (code, sender fault,
 * message as AWS wrote them), or the code of the error that failed it (a whole request's
 * ServiceError code, `MissingBatchEntry`, `NotSent`, `TimeoutError`, `AbortError`...).
 */
export function failureOf(error: unknown): { Code: string; SenderFault: boolean; Message: string } {
  const verdict = verdictOf(error);
  if (verdict)
    return { Code: verdict.Code, SenderFault: verdict.SenderFault, Message: verdict.Message ?? "" };
  const Message = error instanceof Error ? error.message : String(error);
  if (isServiceError(error)) return { Code: error.code, SenderFault: error.fault === "client", Message };
  if (isNotSentError(error)) return { Code: NOT_SENT_CODE, SenderFault: false, Message };
  return { Code: error instanceof Error ? error.name : "Error", SenderFault: false, Message };
}

/**
 * Reads the options of `sendBatch`/`publishBatch` beyond the call options.
 * @internal
 */
export function checkBatchOptions(options: unknown, context: ErrorContext): SendEntriesOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object")
    throw new ValidationError("options", "an object", options, context);
  const o = options as SendEntriesOptions;
  const most = o.maxInFlightBatches;
  if (most !== undefined && (typeof most !== "number" || !Number.isInteger(most) || most < 1)) {
    throw new ValidationError("maxInFlightBatches", "an integer of at least 1", most, context);
  }
  return { maxInFlightBatches: most, signal: o.signal, deadlineMs: o.deadlineMs };
}

/**
 * Ids for a batch's entries that never clash: a given `Id` is kept (and must be unique among the
 * given ones); an entry without one gets its index as a string, or, when another entry was given
 * that id, the index with a suffix that no entry was given.
 *
 * @param given - each entry's own `Id`, or undefined
 * @returns the id of each entry, in order
 */
export function entryIds(given: readonly (string | undefined)[]): string[] {
  const taken = new Set<string>();
  for (const id of given) if (id !== undefined) taken.add(id);
  return given.map((id, index) => {
    if (id !== undefined) return id;
    let candidate = String(index);
    for (let n = 1; taken.has(candidate); n++) candidate = `${index}_${n}`;
    taken.add(candidate);
    return candidate;
  });
}
