/**
 * {@link PayloadNotFoundError}, in a module of its own so that bundles without the large payload
 * store leave it out (`errors.ts` re-exports it).
 *
 * @module
 */

import { AsyncAwsError, brand, type ErrorContext, hasBrand } from "./base.js";

/**
 * A message points to a payload in S3 (the extended-client format) whose object is missing: it
 * was deleted, expired by a lifecycle rule, or never written. The consumer counts the message
 * as failed, so the queue's redrive policy moves it to the dead-letter queue.
 */
export class PayloadNotFoundError extends AsyncAwsError {
  /** The bucket the pointer names. */
  readonly bucket: string;
  /** The object key the pointer names. */
  readonly key: string;
  constructor(bucket: string, key: string, context?: ErrorContext, options?: { cause?: unknown }) {
    super(`the message's payload s3://${bucket}/${key} does not exist`, context, options);
    this.bucket = bucket;
    this.key = key;
  }
}

brand(PayloadNotFoundError, "PayloadNotFoundError");

/** True for a message whose S3 payload is missing. */
export const isPayloadNotFoundError = (value: unknown): value is PayloadNotFoundError =>
  hasBrand(value, "PayloadNotFoundError");
