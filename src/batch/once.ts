/**
 * One call's worth of batches (`queue.sendBatch`, `topic.publishBatch`): every entry given at
 * once, sent through the batch engine with no lingering and one attempt per entry (the client
 * still retries each whole request), and each entry's outcome returned in input order.
 *
 * @module
 */

import { type ErrorContext, isServiceError, ValidationError } from "../core/errors.js";
import type { BatchTarget } from "./engine.js";
import { isNotSentError, NOT_SENT_CODE, verdictOf } from "./outcomes.js";
import { BatchProducer } from "./produce.js";

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
  // Each entry settles through callbacks (no promise per entry); close() resolves once all did.
  const outcomes: SentOutcome<R>[] = new Array(entries.length);
  // One pair of callbacks for every entry: the engine gives each entry's index back.
  const accepted = (value: R, index: number): void => {
    outcomes[index] = { ok: true, value };
  };
  const failed = (error: unknown, index: number): void => {
    outcomes[index] = { ok: false, error };
  };
  for (let index = 0; index < entries.length; index++) {
    producer.submit(entries[index]!, labels[index] ?? "the message", accepted, failed, index);
  }
  await producer.close();
  return outcomes;
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
 * Takes the time spent since `startedAt` (the lookup of the queue URL or topic ARN) from the
 * call's `deadlineMs`, so that it bounds the whole call, lookup included. A deadline already
 * past leaves 1 ms: the lookup itself ends at the deadline, so this is only its last instant.
 * @internal
 */
export function deadlineLeft(options: SendEntriesOptions, startedAt: number): void {
  const deadlineMs = options.deadlineMs;
  if (typeof deadlineMs !== "number" || !(deadlineMs > 0)) return; // the engine refuses it, named
  options.deadlineMs = Math.max(1, deadlineMs - (Date.now() - startedAt));
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

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The ids of a one-call batch (`sendBatch`, `publishBatch`), every entry checked before anything
 * is sent: each message a string or an entry object, each given `Id` of the allowed characters
 * and unique; entries without one get ids that clash with none ({@link entryIds}).
 *
 * @param messages - the caller's messages, in order
 * @param context - the operation and queue or topic, for errors
 * @returns the id of each entry, in order
 */
export function batchEntryIds(messages: readonly unknown[], context: ErrorContext): string[] {
  const seen = new Set<string>();
  const given = messages.map((message, index) => {
    if (typeof message === "string") return undefined;
    if (message === null || typeof message !== "object") {
      throw new ValidationError(`messages[${index}]`, "a string or a batch entry", message, context);
    }
    const id = (message as { Id?: unknown }).Id;
    if (id === undefined) return undefined;
    if (typeof id !== "string" || !BATCH_ID.test(id)) {
      throw new ValidationError(`messages[${index}].Id`, "1 to 80 of A-Z a-z 0-9 _ -", id, context);
    }
    if (seen.has(id)) throw new ValidationError(`messages[${index}].Id`, "unique", id, context);
    seen.add(id);
    return id;
  });
  return entryIds(given);
}

/** A failed entry of a one-call batch: AWS's code and message, with its index in the input. */
export interface SettledFailure {
  Id: string;
  Code: string;
  SenderFault: boolean;
  Message: string;
  index: number;
  /** The error that failed the whole request this entry was in, when that was the cause. */
  error?: unknown;
}

/**
 * Puts each entry's outcome in exactly one of two lists, with the caller's `Id` and index.
 *
 * @param outcomes - each entry's outcome, in input order (from {@link sendEntries})
 * @param ids - each entry's id, in input order
 * @param result - the lists to fill
 * @returns `result`
 */
export function settleEntries<R extends object, L extends { Successful: unknown[]; Failed: unknown[] }>(
  outcomes: readonly SentOutcome<R>[],
  ids: readonly string[],
  result: L,
): L {
  outcomes.forEach((outcome, index) => {
    const Id = ids[index]!;
    if (outcome.ok) {
      result.Successful.push({ ...outcome.value, Id, index });
    } else {
      const entry: SettledFailure = { Id, ...failureOf(outcome.error), index };
      // AWS's own verdict on the entry needs no error; anything else carries it.
      if (!isEntryVerdict(outcome.error)) entry.error = outcome.error;
      result.Failed.push(entry);
    }
  });
  return result;
}

/**
 * A one-call batch send from start to answer (`queue.sendBatch()`, `topic.publishBatch()`): sends
 * every entry ({@link sendEntries}, each labelled `messages[i]` in errors) and puts each outcome in
 * `result` ({@link settleEntries}).
 */
export async function sendAndSettle<
  E,
  R extends object,
  L extends { Successful: unknown[]; Failed: unknown[] },
>(
  target: BatchTarget<E, R>,
  entries: readonly E[],
  ids: readonly string[],
  result: L,
  options: SendEntriesOptions,
): Promise<L> {
  const labels = entries.map((_, index) => `messages[${index}]`);
  return settleEntries(await sendEntries(target, entries, labels, options), ids, result);
}
