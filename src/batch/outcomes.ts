/**
 * Reading a batch action's answer (SendMessageBatch, PublishBatch, DeleteMessageBatch,
 * ChangeMessageVisibilityBatch) into one outcome per entry, by the entries' `Id`s. Every entry
 * gets exactly one outcome: accepted, failed with AWS's code, or missing from the answer (a
 * retryable failure with the code `MissingBatchEntry`); ids the request did not send are ignored.
 *
 * @module
 */

import { AsyncAwsError, type ErrorContext, ServiceError } from "../core/errors.js";
import { THROTTLING_CODES, TRANSIENT_CODES } from "../core/retry.js";
import type { EntryOutcome } from "./engine.js";

/** A failed entry as SQS and SNS both report it. */
export interface BatchErrorEntry {
  Id: string;
  Code: string;
  Message?: string | undefined;
  SenderFault: boolean;
}

/** The code of an entry the answer did not mention. */
export const MISSING_ENTRY_CODE = "MissingBatchEntry";
/** The code of an entry never sent (an earlier entry of its FIFO group failed, or the call ended first). */
export const NOT_SENT_CODE = "NotSent";

/** Whether an entry that failed inside a batch may succeed if sent again. */
export function isRetryableEntry(failed: Pick<BatchErrorEntry, "Code" | "SenderFault">): boolean {
  return !failed.SenderFault || THROTTLING_CODES.has(failed.Code) || TRANSIENT_CODES.has(failed.Code);
}

/**
 * The error for one failed entry: a ServiceError with AWS's code. Its `statusCode` is the HTTP
 * status of the batch response that carried it (200: the request succeeded, the entry did not).
 *
 * @param label - how the caller knows the entry (`messages[20]`), or its position in the batch
 */
export function entryError(
  failed: BatchErrorEntry,
  label: number | string,
  context: ErrorContext,
): ServiceError {
  const name = typeof label === "number" ? `entry ${label}` : label;
  const error = new ServiceError(`${name} failed: ${failed.Message ?? "(no message)"}`, {
    ...context,
    code: failed.Code,
    statusCode: 200,
    fault: failed.SenderFault ? "client" : "server",
    retryable: isRetryableEntry(failed),
  });
  verdicts.set(error, failed);
  return error;
}

/** The failed entries of answers, by the error made of each. */
const verdicts = new WeakMap<object, BatchErrorEntry>();

/** The answer's own failed entry behind an error made by {@link entryError}, if it is one. */
export function verdictOf(error: unknown): BatchErrorEntry | undefined {
  return typeof error === "object" && error !== null ? verdicts.get(error) : undefined;
}

/** The error of an entry the answer did not mention (retryable: it may not have been read). */
export function missingEntryError(label: string, context: ErrorContext): ServiceError {
  return new ServiceError(`${label} is missing from the answer (the response did not mention this entry)`, {
    ...context,
    code: MISSING_ENTRY_CODE,
    statusCode: 200,
    retryable: true,
  });
}

/** Errors of entries never sent, recognized by {@link codeOf}. */
const notSent = new WeakSet<object>();

/** The error of an entry never sent: its code (see {@link codeOf}) is `NotSent`. */
export function notSentError(
  message: string,
  context: ErrorContext | undefined,
  cause?: unknown,
): AsyncAwsError {
  const error = new AsyncAwsError(
    `not sent: ${message}`,
    context,
    cause === undefined ? undefined : { cause },
  );
  notSent.add(error);
  return error;
}

/** True for an error made by {@link notSentError}. */
export function isNotSentError(error: unknown): boolean {
  return typeof error === "object" && error !== null && notSent.has(error);
}

/**
 * One outcome per entry, in order, from a batch answer: the entries were sent with the `Id`s
 * given, and the answer maps back by them. An entry the answer does not mention comes back as a
 * retryable failure (`MissingBatchEntry`); an entry mentioned twice keeps its first mention.
 *
 * @param ids - the `Id` each entry was sent with, in order
 * @param labels - how the caller knows each entry, for error messages (`messages[20]`)
 */
export function answerOutcomes<S extends { Id?: string | undefined }, R>(
  ids: readonly string[],
  labels: readonly string[],
  successful: readonly S[] | undefined,
  failed: readonly BatchErrorEntry[] | undefined,
  resultOf: (entry: S) => R,
  context: ErrorContext,
): EntryOutcome<R>[] {
  if (successful !== undefined && successful.length === ids.length && !failed?.length) {
    // The usual answer: every entry accepted, listed in the order sent.
    const outcomes: EntryOutcome<R>[] = [];
    for (let index = 0; index < ids.length; index++) {
      const entry = successful[index]!;
      if (entry.Id !== ids[index]) break;
      outcomes.push({ ok: true, value: resultOf(entry) });
    }
    if (outcomes.length === ids.length) return outcomes;
  }
  const positions = new Map<string, number>();
  ids.forEach((id, index) => {
    positions.set(id, index);
  });
  const outcomes: (EntryOutcome<R> | undefined)[] = new Array(ids.length).fill(undefined);
  for (const entry of successful ?? []) {
    const index = typeof entry.Id === "string" ? positions.get(entry.Id) : undefined;
    if (index !== undefined && outcomes[index] === undefined)
      outcomes[index] = { ok: true, value: resultOf(entry) };
  }
  for (const entry of failed ?? []) {
    const index = positions.get(entry.Id);
    if (index !== undefined && outcomes[index] === undefined) {
      outcomes[index] = {
        ok: false,
        error: entryError(entry, labels[index] ?? `entry ${index}`, context),
        retryable: isRetryableEntry(entry),
      };
    }
  }
  return outcomes.map(
    (outcome, index) =>
      outcome ?? {
        ok: false,
        error: missingEntryError(labels[index] ?? `entry ${index}`, context),
        retryable: true,
      },
  );
}

/**
 * One outcome per entry, in order, from a batch answer whose entries were sent with `Id` equal to
 * their index ("0" to "9"). An entry the answer does not mention comes back as a retryable
 * failure.
 *
 * @param count - how many entries were sent
 * @param successful - the answer's `Successful` list
 * @param failed - the answer's `Failed` list
 * @param resultOf - what a successful entry resolves with (its `MessageId`)
 * @param context - the operation and resource, for error messages
 */
export function batchOutcomes<S extends { Id: string }, R>(
  count: number,
  successful: readonly S[] | undefined,
  failed: readonly BatchErrorEntry[] | undefined,
  resultOf: (entry: S) => R,
  context: ErrorContext,
): EntryOutcome<R>[] {
  const ids = Array.from({ length: count }, (_, index) => String(index));
  return answerOutcomes(
    ids,
    ids.map((id) => `entry ${id}`),
    successful,
    failed,
    resultOf,
    context,
  );
}
