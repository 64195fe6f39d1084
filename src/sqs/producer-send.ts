/**
 * How the SendMessageBatch target of the producer and `queue.sendBatch` sends a batch (the
 * request, its answer read entry by entry, the uploads of payloads that go through S3): loaded
 * with `import()` when the first batch goes out, so that a cold start that makes a producer, or
 * none, does not compile it.
 *
 * @module
 */

import type { BatchTarget } from "../batch/engine.js";
import { batchIds } from "../batch/input.js";
import { answerOutcomes } from "../batch/outcomes.js";
import { CALL, type CallOptions } from "../core/client.js";
import type { ErrorContext } from "../core/errors.js";
import { offloadingSendBatch } from "../payloads/offload-batch.js";
import { LARGE_PAYLOADS } from "../payloads/options.js";
import type { Sized } from "./producer.js";
import { SEND_CHECKED_BATCH, sendBatchInput } from "./producer-batch.js";
import type { SQS } from "./sqs.js";
import type { SendMessageBatchResult, SendMessageBatchResultEntry } from "./types.js";

/** The target's `sendBatch`, for one queue. */
export function batchSender<R>(
  sqs: SQS,
  queueUrl: (options: CallOptions) => Promise<string>,
  context: ErrorContext,
  resultOf: (ok: SendMessageBatchResultEntry) => R,
  timeoutMs: number | undefined,
): BatchTarget<Sized, R>["sendBatch"] {
  return offloadingSendBatch<Sized, R>(
    () => sqs[LARGE_PAYLOADS],
    "MessageBody",
    queueUrl,
    async (QueueUrl, items, labels, { signal, deadlineMs }) => {
      const ids = batchIds(items);
      const output = (await sqs[CALL](SEND_CHECKED_BATCH, sendBatchInput(QueueUrl, items, ids), {
        signal,
        deadlineMs,
        timeoutMs,
      })) as SendMessageBatchResult;
      return answerOutcomes(ids, labels, output.Successful, output.Failed, resultOf, context);
    },
  );
}
