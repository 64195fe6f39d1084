/**
 * Large payloads in `sqsHandler`: each record whose body is a pointer (by its marker attribute)
 * is resolved through S3 before its handler runs, as the SQS client resolves received messages.
 * Lambda deletes the SQS messages itself, after the function answered; so the S3 objects are kept
 * by default (an S3 lifecycle rule expires them), and with `deleteFromS3: true` the objects of the
 * records whose handler succeeded are deleted just before the function answers (best effort).
 * Loaded by `sqsHandler` on the first record that needs it.
 *
 * @module
 */

import { type ErrorContext, isPayloadNotFoundError, type PayloadNotFoundError } from "../core/errors.js";
import type { Message } from "../sqs/types.js";
import type { PayloadPointer } from "./codec.js";
import { parseHandle } from "./codec-read.js";
import { payloadErrorOf } from "./errors.js";
import type { ResolvedLargePayloads } from "./options.js";
import { resolveMessage } from "./sqs.js";
import { PayloadStore } from "./store.js";

/** One record resolved: the message to hand over, or the missing object it was skipped for. */
export type ResolvedRecord =
  | { readonly message: Message; readonly pointer: PayloadPointer | undefined; readonly skipped?: undefined }
  | { readonly skipped: PayloadNotFoundError };

/** The payload side of one `sqsHandler`. */
export interface LambdaPayloads {
  /**
   * Resolves one record's message.
   * @throws the payload's error (PayloadNotFoundError, ChecksumError, an S3 error), so that the
   *   record fails; with `missingObject: "delete"`, a missing object gives `skipped` instead
   */
  resolve(message: Message, context: ErrorContext, signal: AbortSignal): Promise<ResolvedRecord>;
  /** Deletes objects (best effort; failures go to `onError`), when `deleteFromS3` is set. */
  deleteObjects(pointers: readonly PayloadPointer[]): Promise<void>;
}

/** @internal The payload side of `sqsHandler`, with its options checked. */
export function lambdaPayloads(options: ResolvedLargePayloads): LambdaPayloads {
  const store = new PayloadStore(options);
  return {
    async resolve(message, context, signal) {
      const out = await resolveMessage(store, message, context, { signal });
      const error = payloadErrorOf(message);
      if (error !== undefined) {
        if (options.missingObject === "delete" && isPayloadNotFoundError(error)) {
          store.report(error, { bucket: error.bucket, key: error.key });
          return { skipped: error };
        }
        throw error;
      }
      const pointer =
        out !== message && typeof out.ReceiptHandle === "string"
          ? parseHandle(out.ReceiptHandle).pointer
          : undefined;
      return { message: out, pointer };
    },
    async deleteObjects(pointers) {
      if (options.deleteFromS3) await store.deleteQuietly(pointers);
    },
  };
}
