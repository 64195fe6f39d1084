/**
 * SQS's MD5 digests: of a message body, and of message attributes by AWS's algorithm (each
 * attribute, sorted by name: length-prefixed name, length-prefixed data type, a transport byte
 * of 1 for string values or 2 for binary, then the length-prefixed value).
 *
 * @module
 */

import { md5Hex } from "../core/crypto.js";
import { ChecksumError, type ErrorContext } from "../core/errors.js";
import { loadReceivedChecker } from "./md5-load.js";

/** A message attribute value as the digest reads it. */
export interface AttributeValue {
  DataType?: string | undefined;
  StringValue?: string | undefined;
  BinaryValue?: Uint8Array | undefined;
}

/** A received message as its digests' check reads it. */
export interface ReceivedMessage {
  MessageId?: string | undefined;
  Body?: string | undefined;
  MD5OfBody?: string | undefined;
  MessageAttributes?: Record<string, AttributeValue> | undefined;
  MD5OfMessageAttributes?: string | undefined;
}

const encoder = new TextEncoder();

/** The attribute names being digested, reused (sorted in place). */
const sortedNames: string[] = [];

/**
 * Writes `value`'s UTF-8 bytes after a 4-byte big-endian length at `at`; returns the position
 * after them. ASCII (the usual names, types and values) is copied unit by unit; from the first
 * other character on, `TextEncoder.encodeInto` writes the rest (a lone surrogate as U+FFFD, as
 * every UTF-8 encoder here does).
 */
function writeText(out: Uint8Array, at: number, value: string): number {
  const start = at + 4;
  const n = value.length;
  let i = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) break;
    out[start + i] = c;
  }
  if (i < n) i += encoder.encodeInto(value.slice(i), out.subarray(start + i)).written;
  return putLength(out, at, i) + i;
}

/**
 * Writes a 4-byte big-endian length at `at`; returns the position after it (a `Uint8Array` keeps
 * the low 8 bits of each number written).
 */
function putLength(out: Uint8Array, at: number, n: number): number {
  out[at] = n >>> 24;
  out[at + 1] = n >>> 16;
  out[at + 2] = n >>> 8;
  out[at + 3] = n;
  return at + 4;
}

/**
 * Sorts the attributes' names into {@link sortedNames} and returns an upper bound of their
 * digested bytes (at most 3 UTF-8 bytes per UTF-16 unit).
 */
function sortNames(attributes: Readonly<Record<string, AttributeValue>>): number {
  const names = sortedNames;
  names.length = 0;
  let bound = 0;
  for (const name in attributes) {
    const attribute = attributes[name]!;
    const value = attribute.BinaryValue;
    bound +=
      13 +
      3 * (name.length + (attribute.DataType?.length ?? 0)) +
      (value !== undefined ? value.length : 3 * (attribute.StringValue?.length ?? 0));
    // Insertion sort by UTF-16 code units (what Array.prototype.sort does with strings).
    let j = names.length;
    names.push(name);
    while (j > 0 && names[j - 1]! > name) {
      names[j] = names[j - 1]!;
      j--;
    }
    names[j] = name;
  }
  return bound;
}

/**
 * Writes the digested bytes of the attributes whose names {@link sortNames} sorted, from `at`;
 * returns the position after them. Empties the names.
 */
function writeAttributes(
  out: Uint8Array,
  at: number,
  attributes: Readonly<Record<string, AttributeValue>>,
): number {
  const names = sortedNames;
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    const attribute = attributes[name]!;
    at = writeText(out, at, name);
    at = writeText(out, at, attribute.DataType ?? "");
    const value = attribute.BinaryValue;
    if (value !== undefined) {
      out[at++] = 2;
      at = putLength(out, at, value.length);
      out.set(value, at);
      at += value.length;
    } else {
      out[at++] = 1;
      at = writeText(out, at, attribute.StringValue ?? "");
    }
  }
  names.length = 0;
  return at;
}

/** Whether an object has an own enumerable key (the attributes to digest); `undefined` has none. */
function hasKeys(value: object | undefined): value is object {
  for (const _ in value as object) return true;
  return false;
}

/**
 * The buffer every digest of attributes is written into when it fits (the usual case: a few short
 * attributes per message), so that a received message costs no allocation here but the view
 * hashed. Larger inputs get an array of their own, not kept.
 */
let scratch = new Uint8Array(2048);
const SCRATCH_MAX = 64 * 1024;

/**
 * The MD5 of message attributes as SQS computes `MD5OfMessageAttributes`: the bytes written into
 * one buffer (reused when they fit; sized by an upper bound, at most 3 UTF-8 bytes per UTF-16
 * unit), names sorted in a reused array, no string built and no intermediate arrays. It runs for
 * every received message that has attributes: 1.4 µs for three short string attributes when they
 * were joined into one string (length prefixes as characters) and hashed, about half now.
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, AttributeValue>>): string {
  const bound = sortNames(attributes);
  let out = scratch;
  if (bound > out.length) {
    out = new Uint8Array(bound);
    if (bound <= SCRATCH_MAX) scratch = out;
  }
  return md5Hex(out.subarray(0, writeAttributes(out, 0, attributes)));
}

function compare(field: string, expected: string, received: unknown, context: ErrorContext): void {
  if (received === undefined || received === expected) return;
  if (typeof received !== "string" || received.toLowerCase() !== expected) {
    throw new ChecksumError(field, expected, String(received), context);
  }
}

interface SentMessage {
  MessageBody?: string | undefined;
  MessageAttributes?: Record<string, AttributeValue> | undefined;
  MessageSystemAttributes?: Record<string, AttributeValue> | undefined;
}
interface SendResult {
  MD5OfMessageBody?: string | undefined;
  MD5OfMessageAttributes?: string | undefined;
  MD5OfMessageSystemAttributes?: string | undefined;
}

/**
 * Whether a SendMessage result, or one batch entry's, has the digests of what was sent (as
 * {@link checkSent} checks them, without an error): the common case, checked with no allocation
 * beyond the digests.
 */
export function sentMatches(sent: SentMessage, result: SendResult): boolean {
  const body = result.MD5OfMessageBody;
  if (body === undefined && !hasKeys(sent.MessageAttributes)) return true;
  if (body !== undefined && !sameDigest(md5Hex(sent.MessageBody ?? ""), body)) return false;
  if (hasKeys(sent.MessageAttributes)) {
    const attributes = result.MD5OfMessageAttributes;
    if (attributes !== undefined && !sameDigest(md5OfMessageAttributes(sent.MessageAttributes), attributes))
      return false;
  }
  if (hasKeys(sent.MessageSystemAttributes)) {
    const system = result.MD5OfMessageSystemAttributes;
    if (system !== undefined && !sameDigest(md5OfMessageAttributes(sent.MessageSystemAttributes), system))
      return false;
  }
  return true;
}

/** A digest received equals the one computed (lowercase hex), in any letter case. */
function sameDigest(expected: string, received: unknown): boolean {
  return received === expected || (typeof received === "string" && received.toLowerCase() === expected);
}

/** Checks a SendMessage result, or one batch entry's, against what was sent. */
export function checkSent(sent: SentMessage, result: SendResult, context: ErrorContext): void {
  if (result.MD5OfMessageBody === undefined && !hasKeys(sent.MessageAttributes)) return;
  compare("MD5OfMessageBody", md5Hex(sent.MessageBody ?? ""), result.MD5OfMessageBody, context);
  if (hasKeys(sent.MessageAttributes)) {
    compare(
      "MD5OfMessageAttributes",
      md5OfMessageAttributes(sent.MessageAttributes),
      result.MD5OfMessageAttributes,
      context,
    );
  }
  if (hasKeys(sent.MessageSystemAttributes)) {
    compare(
      "MD5OfMessageSystemAttributes",
      md5OfMessageAttributes(sent.MessageSystemAttributes),
      result.MD5OfMessageSystemAttributes,
      context,
    );
  }
}

/**
 * The check of many messages' digests in one call (`md5-many.ts`, WebAssembly), once loaded:
 * `undefined` before, `null` where it cannot run (and in browser bundles, `md5-load.browser.ts`).
 */
let many: ((messages: readonly ReceivedMessage[]) => boolean) | null | undefined;
let manyLoading: Promise<void> | undefined;

/**
 * Loads the digester of many inputs (once); resolves when {@link checkReceived} uses it, or
 * knows it cannot. Started by the first answer of several messages; tests await it.
 * @internal
 */
export function loadManyDigests(): Promise<void> {
  manyLoading ??= loadReceivedChecker().then(
    (receivedChecker) => {
      many = receivedChecker?.(sortNames, writeAttributes) ?? null;
    },
    () => {
      many = null;
    },
  );
  return manyLoading;
}

/** Checks each received message's body and attribute digests. */
export function checkReceived(messages: readonly ReceivedMessage[] | undefined, context: ErrorContext): void {
  if (!messages) return;
  if (messages.length > 1) {
    if (many) {
      if (many(messages)) return;
    } else if (many === undefined && manyLoading === undefined) void loadManyDigests();
  }
  // One message, the digester not loaded (or unavailable), or a digest that differs: one
  // digest at a time, throwing the ChecksumError of the first that differs.
  for (const message of messages) {
    if (message.Body !== undefined && message.MD5OfBody !== undefined) {
      const digest = md5Hex(message.Body);
      if (message.MD5OfBody !== digest)
        compare("MD5OfBody", digest, message.MD5OfBody, where(context, message));
    }
    if (message.MD5OfMessageAttributes !== undefined && hasKeys(message.MessageAttributes)) {
      const digest = md5OfMessageAttributes(message.MessageAttributes);
      if (message.MD5OfMessageAttributes !== digest)
        compare("MD5OfMessageAttributes", digest, message.MD5OfMessageAttributes, where(context, message));
    }
  }
}

/** The error context naming one received message (made only when a digest differs). */
function where(context: ErrorContext, message: ReceivedMessage): ErrorContext {
  return { ...context, resource: `${context.resource ?? ""} message ${message.MessageId ?? "?"}`.trim() };
}
