/**
 * The SQS checks record: one entry per action whose output is checked against its input (the MD5
 * digests of bodies and attributes), named as the action; a mismatch throws a ChecksumError.
 * `scripts/gen-models.mjs` puts each into the operation table (`operations.ts`). The client runs
 * them unless `checksums: false`.
 *
 * @module
 */

import type { ErrorContext } from "../core/errors.js";
import { checkReceived, checkSent } from "./checksums.js";
import type {
  ReceiveMessageResult,
  SendMessageBatchRequest,
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

/** Checks the digests of each sent entry of a SendMessageBatch. */
export function SendMessageBatch(
  input: SendMessageBatchRequest,
  output: SendMessageBatchResult,
  context: ErrorContext,
): void {
  if (!output.Successful) return;
  const byId = new Map(input.Entries.map((entry) => [entry.Id, entry]));
  for (const result of output.Successful) {
    const sent = byId.get(result.Id);
    if (sent)
      checkSent(sent, result, {
        ...context,
        resource: `${context.resource ?? ""} entry ${result.Id}`.trim(),
      });
  }
}

/** Checks the digests of each message received against its body and attributes. */
export function ReceiveMessage(_input: unknown, output: ReceiveMessageResult, context: ErrorContext): void {
  checkReceived(output.Messages, context);
}
