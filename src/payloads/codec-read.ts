/**
 * Reading the extended clients' format (`codec.ts` says what it is): pointer bodies, receipt
 * handles that carry a pointer, the marker attribute of a received message; and new keys. Only
 * the large-payload code loaded at first use (`sqs.ts`, `sns.ts`, `lambda.ts`, `store.ts` of this
 * folder) imports it, so that a cold start compiles none of it.
 *
 * @module
 */

import { isRecord } from "../core/validate.js";
import { type AttributeValue, MARKER_ATTRIBUTES, type PayloadPointer, POINTER_CLASS } from "./codec.js";

/** The pointer's class name that older Java SQS extended clients wrote; still read. */
export const LEGACY_POINTER_CLASS = "com.amazon.sqs.javamessaging.MessageS3Pointer";
/** Receipt-handle markers around the bucket and the key. */
export const BUCKET_MARKER = "-..s3BucketName..-";
export const KEY_MARKER = "-..s3Key..-";

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
