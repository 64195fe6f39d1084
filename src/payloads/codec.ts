/**
 * The wire format of AWS's extended clients (Java: amazon-sqs-java-extended-client-lib and
 * amazon-sns-java-extended-client-lib over payload-offloading-java-common-lib; Python:
 * amazon-sqs-python-extended-client-lib), so that asyncaws shares queues and topics with them:
 *
 * - the body of an offloaded message is the JSON array
 *   `["software.amazon.payloadoffloading.PayloadS3Pointer", {"s3BucketName": …, "s3Key": …}]`
 *   (older Java: `com.amazon.sqs.javamessaging.MessageS3Pointer`), with or without spaces;
 * - a `Number` message attribute, `ExtendedPayloadSize` (or the legacy `SQSLargePayloadSize`),
 *   holds the original body's UTF-8 byte length, and is how a reader knows the body is a pointer;
 * - a received offloaded message's receipt handle carries the bucket and key between markers.
 *
 * Pure functions, no I/O: the store (`store.ts`) does the S3 side. What writing and sizing a
 * message need (checked when it is sent) is here; what reading one needs is in `codec-read.ts`,
 * which only the code loaded at first use imports.
 *
 * @module
 */

import { utf8Length } from "../core/bytes.js";

/** The pointer's class name that current AWS libraries write. */
export const POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";
/** The marker attribute that Python and the SNS Java client send, and asyncaws by default. */
export const MARKER_ATTRIBUTE = "ExtendedPayloadSize";
/** The legacy marker attribute that the Java SQS client sends by default. */
export const LEGACY_MARKER_ATTRIBUTE = "SQSLargePayloadSize";
/** Both marker names: readers accept either, and asked for both. */
export const MARKER_ATTRIBUTES: readonly string[] = [MARKER_ATTRIBUTE, LEGACY_MARKER_ATTRIBUTE];
/** At most this many attributes of the user's own: one of SQS's and SNS's 10 is the marker's. */
export const MAX_USER_ATTRIBUTES = 9;
/** The longest key prefix (S3 keys are at most 1024 bytes; the UUID takes 36). */
export const MAX_KEY_PREFIX = 988;

/** Where an offloaded payload is. */
export interface PayloadPointer {
  readonly bucket: string;
  readonly key: string;
}

/** The pointer body, as the Java libraries write it (no spaces). */
export function pointerBody(pointer: PayloadPointer): string {
  return JSON.stringify([POINTER_CLASS, { s3BucketName: pointer.bucket, s3Key: pointer.key }]);
}

/** A message attribute as SQS and SNS take it. */
export interface AttributeValue {
  DataType?: string | undefined;
  StringValue?: string | undefined;
  BinaryValue?: Uint8Array | undefined;
}

/** The bytes of the attributes, as the extended clients count them: name, DataType and value. */
export function attributesBytes(attributes: Readonly<Record<string, AttributeValue>> | undefined): number {
  let bytes = 0;
  if (!attributes) return bytes;
  for (const name of Object.keys(attributes)) {
    const value = attributes[name];
    if (!value) continue;
    bytes += utf8Length(name);
    if (typeof value.DataType === "string") bytes += utf8Length(value.DataType);
    if (typeof value.StringValue === "string") bytes += utf8Length(value.StringValue);
    if (value.BinaryValue instanceof Uint8Array) bytes += value.BinaryValue.length;
  }
  return bytes;
}
