/**
 * The error that kept a received message's payload from being fetched, kept beside the message
 * (not in it: the message keeps AWS's shape). A module of its own so that the consumer can ask
 * without loading the payload store.
 *
 * @module
 */

const PAYLOAD_ERRORS = new WeakMap<object, unknown>();

/** @internal Records why a message's payload could not be fetched. */
export function setPayloadError(message: object, error: unknown): void {
  PAYLOAD_ERRORS.set(message, error);
}

/**
 * The error that kept a received message's S3 payload from being fetched, if any: a
 * `PayloadNotFoundError` (the object is missing), a `ChecksumError` (its size is not the one the
 * marker gives), an S3 or network error. Such a message is given as SQS carried it (the pointer
 * as its body, the marker attribute kept); the consumer counts it as failed.
 *
 * @example
 * ```ts
 * for (const message of await queue.receive()) {
 *   const error = payloadErrorOf(message);
 *   if (error) { console.error(error); continue; }
 * }
 * ```
 */
export function payloadErrorOf(message: object): unknown {
  return PAYLOAD_ERRORS.get(message);
}
