/**
 * Batches sized after offloading. Whether a message goes through S3, and how many bytes it then
 * weighs, is known before anything is uploaded: the pointer names the bucket and a key of a
 * known length (the prefix and a UUID), and the marker gives the body's byte length. So the
 * producers and `sendBatch`/`publishBatch` check and size each message as it will be sent (a
 * 5 MiB body weighs about 150 bytes), and upload the payloads only when their batch goes out,
 * once per message however often the batch is retried. Pure and synchronous; loaded with the
 * clients (the uploads, `sendOffloaded` in offload-batch.ts, when a batch goes out).
 *
 * @module
 */

import { utf8Length } from "../core/bytes.js";
import { type ErrorContext, ValidationError } from "../core/errors.js";
import { isRecord } from "../core/validate.js";
import {
  type AttributeValue,
  attributesBytes,
  MARKER_ATTRIBUTES,
  MAX_USER_ATTRIBUTES,
  pointerBody,
} from "./codec.js";
import type { ClientPayloads, ResolvedLargePayloads } from "./options.js";

/** A key as long as the ones the store makes (a UUID after the prefix). */
const KEY_SHAPE = "00000000-0000-0000-0000-000000000000";

/**
 * Checks a message's attributes against the extended clients' rules: no reserved name, at most
 * 9 (the marker takes the 10th slot), not more bytes than the threshold by themselves.
 */
export function checkPayloadAttributes(
  options: Pick<ResolvedLargePayloads, "thresholdBytes">,
  attributes: Record<string, AttributeValue> | undefined,
  field: string,
  context: ErrorContext,
): void {
  if (!attributes) return;
  const names = Object.keys(attributes);
  for (const name of MARKER_ATTRIBUTES) {
    if (name in attributes) {
      throw new ValidationError(
        `${field}.${name}`,
        "not a name reserved for large payloads (ExtendedPayloadSize, SQSLargePayloadSize)",
        name,
        context,
      );
    }
  }
  if (names.length > MAX_USER_ATTRIBUTES) {
    throw new ValidationError(
      field,
      `at most ${MAX_USER_ATTRIBUTES} attributes (one of the 10 is reserved for large payloads)`,
      `${names.length} attributes`,
      context,
    );
  }
  const bytes = attributesBytes(attributes);
  if (bytes > options.thresholdBytes) {
    throw new ValidationError(
      field,
      `attributes of at most ${options.thresholdBytes} bytes (the large-payload threshold)`,
      `${bytes} bytes`,
      context,
    );
  }
}

/** Whether a message goes through S3: always, or when body and attributes pass the threshold. */
export function shouldOffload(
  options: Pick<ResolvedLargePayloads, "alwaysThroughS3" | "thresholdBytes">,
  body: string,
  attributes: Record<string, AttributeValue> | undefined,
): boolean {
  if (options.alwaysThroughS3) return true;
  return utf8Length(body) + attributesBytes(attributes) > options.thresholdBytes;
}

/** A message's body member and attributes (SQS: `MessageBody`; SNS: `Message`). */
/** The member that holds a message's body: SQS's and SNS's. */
export type BodyMember = "MessageBody" | "Message";

/**
 * Checks a message that may go through S3 and gives its size as it will be sent: `check` (the
 * service's own validation, which returns the size) runs on the message as it will be sent, the
 * pointer in place of a body that goes through S3 and the marker among its attributes. Without
 * `payloads`, just `check(entry)`.
 *
 * @param prefix - before the field names in errors (`messages[3].`)
 * @returns the size, and whether the message goes through S3
 * @throws ValidationError for the extended clients' rules (reserved names, 9 attributes at most,
 *   attributes over the threshold, SNS's `MessageStructure: "json"` through S3), and the service's
 */
export function checkOffloaded(
  payloads: ClientPayloads | undefined,
  entry: object,
  member: BodyMember,
  prefix: string,
  context: ErrorContext,
  check: (entry: object) => number,
): { size: number; offload: boolean } {
  if (payloads === undefined) return { size: check(entry), offload: false };
  const options = payloads.options;
  const { [member]: body, MessageAttributes, MessageStructure } = entry as Record<string, unknown>;
  if (MessageAttributes !== undefined && !isRecord(MessageAttributes)) {
    return { size: check(entry), offload: false }; // the service's check names the problem
  }
  const attributes = MessageAttributes as Record<string, AttributeValue> | undefined;
  checkPayloadAttributes(options, attributes, `${prefix}MessageAttributes`, context);
  if (typeof body !== "string" || !shouldOffload(options, body, attributes)) {
    return { size: check(entry), offload: false };
  }
  if (member === "Message" && MessageStructure === "json") {
    throw new ValidationError(
      `${prefix}MessageStructure`,
      'not "json" for a message that goes through S3',
      MessageStructure,
      context,
    );
  }
  const planned = {
    ...entry,
    [member]: pointerBody({ bucket: options.bucket, key: options.keyPrefix + KEY_SHAPE }),
    MessageAttributes: {
      ...attributes,
      [options.markerName]: { DataType: "Number", StringValue: String(utf8Length(body)) },
    },
  };
  return { size: check(planned), offload: true };
}
