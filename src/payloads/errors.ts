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

/**
 * Splits received messages into a batch handler's calls of at most `size`, in order, each
 * message whose payload could not be fetched in a call of its own (it then fails without the
 * handler, as in per-message mode): a batch handler only ever gets whole payloads.
 * @internal
 */
export function batchesWithoutPayloadErrors<T>(
  items: readonly T[],
  size: number,
  messageOf: (item: T) => object,
): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    if (PAYLOAD_ERRORS.has(messageOf(item))) {
      if (current.length > 0) out.push(current);
      out.push([item]);
      current = [];
      continue;
    }
    current.push(item);
    if (current.length === size) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}
