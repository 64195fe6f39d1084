/**
 * {@link QueueHandle.sendBatch}'s work, loaded with `import()` at its first call: checking the
 * entries, splitting them into SendMessageBatch requests and settling every entry (with the
 * one-shot batch sender of batch/once.ts). A program that never sends a batch by hand does not
 * compile it at its cold start.
 *
 * @module
 */

import { batchEntryIds, checkBatchOptions, deadlineLeft, sendAndSettle } from "../batch/once.js";
import { ValidationError } from "../core/errors.js";
import { checkBatchMessage, type Sized, sendMessageBatchTarget } from "./producer.js";
import type { BatchMessage, QueueHandle, SendBatchOptions, SendBatchResult } from "./queue.js";
import type { SQS } from "./sqs.js";
import type { SendMessageBatchRequestEntry, SendMessageBatchResultEntry } from "./types.js";

/** {@link QueueHandle.sendBatch}. */
export async function sendBatch(
  queue: QueueHandle,
  sqs: SQS,
  messages: readonly BatchMessage[],
  options: SendBatchOptions | undefined,
): Promise<SendBatchResult> {
  const context = { operation: "SendMessageBatch", resource: queue.name };
  if (!Array.isArray(messages)) throw new ValidationError("messages", "an array", messages, context);
  const batchOptions = checkBatchOptions(options, context);
  const fifo = queue.fifo;
  const ids = batchEntryIds(messages, context);
  const items: Sized[] = messages.map((message, index) => {
    const { Id: _, ...entry } =
      typeof message === "string"
        ? { Id: undefined, MessageBody: message }
        : (message as SendMessageBatchRequestEntry);
    const checked = checkBatchMessage(sqs, entry, `messages[${index}].`, fifo, context);
    return { entry, ...checked, id: ids[index]! };
  });
  const result: SendBatchResult = { Successful: [], Failed: [] };
  if (items.length === 0) return result;
  // The lookup (once per handle) counts toward the call's deadline: the batches get what is left.
  const startedAt = Date.now();
  const QueueUrl = await queue.url(options);
  deadlineLeft(batchOptions, startedAt);
  const target = sendMessageBatchTarget(
    sqs,
    async () => QueueUrl,
    fifo,
    context,
    (ok: SendMessageBatchResultEntry) => ok,
    options?.timeoutMs,
  );
  return sendAndSettle(target, items, ids, result, batchOptions);
}
