/**
 * Reading a batch action's answer (SendMessageBatch, PublishBatch, DeleteMessageBatch,
 * ChangeMessageVisibilityBatch) into one outcome per entry. The entries are sent with their index
 * as `Id` ("0" to "9"), so the answer maps back by index.
 *
 * @module
 */

import { type ErrorContext, ServiceError } from "../core/errors.js";
import { THROTTLING_CODES, TRANSIENT_CODES } from "../core/retry.js";
import type { EntryOutcome } from "./producer.js";

/** A failed entry as SQS and SNS both report it. */
export interface BatchErrorEntry {
  Id: string;
  Code: string;
  Message?: string | undefined;
  SenderFault: boolean;
}

/** Whether an entry that failed inside a batch may succeed if sent again. */
export function isRetryableEntry(failed: Pick<BatchErrorEntry, "Code" | "SenderFault">): boolean {
  return !failed.SenderFault || THROTTLING_CODES.has(failed.Code) || TRANSIENT_CODES.has(failed.Code);
}

/**
 * The error for one failed entry: a ServiceError with AWS's code. Its `statusCode` is the HTTP
 * status of the batch response that carried it (200: the request succeeded, the entry did not).
 */
export function entryError(failed: BatchErrorEntry, index: number, context: ErrorContext): ServiceError {
  return new ServiceError(`entry ${index} failed: ${failed.Message ?? "(no message)"}`, {
    ...context,
    code: failed.Code,
    statusCode: 200,
    fault: failed.SenderFault ? "client" : "server",
    retryable: isRetryableEntry(failed),
  });
}

/**
 * One outcome per entry, in order, from a batch answer whose entries were sent with `Id` equal to
 * their index. An entry the answer does not mention comes back as a retryable failure.
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
  const outcomes: (EntryOutcome<R> | undefined)[] = new Array(count).fill(undefined);
  for (const entry of successful ?? []) {
    const index = Number(entry.Id);
    if (Number.isInteger(index) && index >= 0 && index < count)
      outcomes[index] = { ok: true, value: resultOf(entry) };
  }
  for (const entry of failed ?? []) {
    const index = Number(entry.Id);
    if (Number.isInteger(index) && index >= 0 && index < count) {
      outcomes[index] = {
        ok: false,
        error: entryError(entry, index, context),
        retryable: isRetryableEntry(entry),
      };
    }
  }
  return outcomes.map(
    (outcome, index) =>
      outcome ?? {
        ok: false,
        error: new ServiceError(`entry ${index} is missing from the answer`, {
          ...context,
          code: "MissingBatchEntry",
          statusCode: 200,
          retryable: true,
        }),
        retryable: true,
      },
  );
}
