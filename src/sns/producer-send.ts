/**
 * How the PublishBatch target of the topic producer and `topic.publishBatch` sends a batch (the
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
import { PUBLISH_CHECKED_BATCH, publishBatchInput } from "./producer-batch.js";
import type { SNS } from "./sns.js";
import type { PublishBatchResponse, PublishBatchResultEntry } from "./types.js";

/** The target's `sendBatch`, for one topic. */
export function batchSender<R>(
  sns: SNS,
  topicArn: (options: CallOptions) => Promise<string>,
  context: ErrorContext,
  resultOf: (ok: PublishBatchResultEntry & { Id: string }) => R,
  timeoutMs: number | undefined,
): BatchTarget<Sized, R>["sendBatch"] {
  return offloadingSendBatch<Sized, R>(
    () => sns[LARGE_PAYLOADS],
    "Message",
    topicArn,
    async (TopicArn, items, labels, { signal, deadlineMs }) => {
      const ids = batchIds(items);
      const output = (await sns[CALL](PUBLISH_CHECKED_BATCH, publishBatchInput(TopicArn, items, ids), {
        signal,
        deadlineMs,
        timeoutMs,
      })) as PublishBatchResponse;
      // SNS's result entries have an optional Id: one without is as good as missing.
      return answerOutcomes(
        ids,
        labels,
        output.Successful as (PublishBatchResultEntry & { Id: string })[] | undefined,
        output.Failed,
        resultOf,
        context,
      );
    },
  );
}
