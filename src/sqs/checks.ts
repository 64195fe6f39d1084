/**
 * The SQS checks record: one entry per action whose output is checked against its input (the MD5
 * digests of bodies and attributes), named as the action; a mismatch throws a ChecksumError.
 * `scripts/gen-models.mjs` puts each into the operation table (`operations.ts`). The client runs
 * them unless `checksums: false`.
 *
 * @module
 */

import type { ErrorContext } from "../core/errors.js";
import { checkReceived, checkSent, sentMatches } from "./checksums.js";
import type {
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageBatchRequestEntry,
  SendMessageBatchResult,
  SendMessageRequest,
  SendMessageResult,
} from "./types.js";

/** Checks the digests SendMessage returned against the message sent. */
export function SendMessage(
  input: SendMessageRequest,
  output: SendMessageResult,
  context: ErrorContext,
): void {
  checkSent(input, output, context);
}

/**
 * Checks the digests of each sent entry of a SendMessageBatch. The answer's entries are matched
 * to the sent ones by `Id`: by position when the ids line up (the usual answer, in the order
 * sent), else through a map. The context naming the entry is made only when a digest differs.
 */
export function SendMessageBatch(
  input: SendMessageBatchRequest,
  output: SendMessageBatchResult,
  context: ErrorContext,
): void {
  const successful = output.Successful;
  if (!successful) return;
  const entries = input.Entries;
  let byId: Map<string, SendMessageBatchRequestEntry> | undefined;
  for (let i = 0; i < successful.length; i++) {
    const result = successful[i]!;
    let sent = entries[i];
    if (sent === undefined || sent.Id !== result.Id) {
      byId ??= new Map(entries.map((entry) => [entry.Id, entry]));
      sent = byId.get(result.Id);
    }
    if (sent && !sentMatches(sent, result)) {
      checkSent(sent, result, {
        ...context,
        resource: `${context.resource ?? ""} entry ${result.Id}`.trim(),
      });
    }
  }
}

/** Checks the digests of each message received against its body and attributes. */
export function ReceiveMessage(_input: unknown, output: ReceiveMessageResult, context: ErrorContext): void {
  checkReceived(output.Messages, context);
}
