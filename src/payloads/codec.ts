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
 * Pure functions, no I/O: the store (`store.ts`) does the S3 side.
 *
 * @module
 */

import { utf8Length } from "../core/bytes.js";
import { isRecord } from "../core/validate.js";

/** The pointer's class name that current AWS libraries write. */
export const POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";
/** The pointer's class name that older Java SQS extended clients wrote; still read. */
export const LEGACY_POINTER_CLASS = "com.amazon.sqs.javamessaging.MessageS3Pointer";
/** The marker attribute that Python and the SNS Java client send, and asyncaws by default. */
export const MARKER_ATTRIBUTE = "ExtendedPayloadSize";
/** The legacy marker attribute that the Java SQS client sends by default. */
export const LEGACY_MARKER_ATTRIBUTE = "SQSLargePayloadSize";
/** Both marker names: readers accept either, and asked for both. */
export const MARKER_ATTRIBUTES: readonly string[] = [MARKER_ATTRIBUTE, LEGACY_MARKER_ATTRIBUTE];
/** Receipt-handle markers around the bucket and the key. */
export const BUCKET_MARKER = "-..s3BucketName..-";
export const KEY_MARKER = "-..s3Key..-";
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

/**
 * Reads a pointer body: parsed as JSON (never compared as a string), either class name.
 * @returns the pointer, or undefined when the body is not one
 */
export function parsePointer(body: string): PayloadPointer | undefined {
  if (!body.trimStart().startsWith("[")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [name, fields] = value as [unknown, unknown];
  if (name !== POINTER_CLASS && name !== LEGACY_POINTER_CLASS) return undefined;
  if (!isRecord(fields)) return undefined;
  const bucket = fields.s3BucketName;
  const key = fields.s3Key;
  if (typeof bucket !== "string" || bucket === "" || typeof key !== "string" || key === "") return undefined;
  return { bucket, key };
}

/** A receipt handle that carries the pointer, as the extended clients make it. */
export function embedHandle(handle: string, pointer: PayloadPointer): string {
  return `${BUCKET_MARKER}${pointer.bucket}${BUCKET_MARKER}${KEY_MARKER}${pointer.key}${KEY_MARKER}${handle}`;
}

/** A receipt handle split into SQS's own and the pointer it carried, if any. */
export interface ParsedHandle {
  /** The handle SQS gave. */
  readonly handle: string;
  /** The payload's place, when the handle carried one. */
  readonly pointer: PayloadPointer | undefined;
}

/** Splits a receipt handle made by {@link embedHandle} (by asyncaws or another library). */
export function parseHandle(handle: string): ParsedHandle {
  if (!handle.startsWith(BUCKET_MARKER)) return { handle, pointer: undefined };
  const bucketEnd = handle.indexOf(BUCKET_MARKER, BUCKET_MARKER.length);
  if (bucketEnd < 0) return { handle, pointer: undefined };
  const keyStart = bucketEnd + BUCKET_MARKER.length;
  if (!handle.startsWith(KEY_MARKER, keyStart)) return { handle, pointer: undefined };
  const keyEnd = handle.indexOf(KEY_MARKER, keyStart + KEY_MARKER.length);
  if (keyEnd < 0) return { handle, pointer: undefined };
  return {
    handle: handle.slice(keyEnd + KEY_MARKER.length),
    pointer: {
      bucket: handle.slice(BUCKET_MARKER.length, bucketEnd),
      key: handle.slice(keyStart + KEY_MARKER.length, keyEnd),
    },
  };
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

/** The marker attribute of a received message: its name and the size it gives, if present. */
export function markerOf(
  attributes: Readonly<Record<string, AttributeValue | { Type?: string; Value?: string }>> | undefined,
): { name: string; size: number | undefined } | undefined {
  if (!attributes) return undefined;
  for (const name of MARKER_ATTRIBUTES) {
    const value = attributes[name] as { StringValue?: unknown; Value?: unknown } | undefined;
    if (!value) continue;
    const text = value.StringValue ?? value.Value;
    const size = typeof text === "string" && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
    return { name, size };
  }
  return undefined;
}

/** A new random S3 key: the prefix, then a UUID. */
export function newKey(prefix: string): string {
  const crypto = globalThis.crypto as Crypto | undefined;
  if (typeof crypto?.randomUUID === "function") return prefix + crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto!.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
