/**
 * SQS's MD5 digests: of a message body, and of message attributes by AWS's algorithm (each
 * attribute, sorted by name: length-prefixed name, length-prefixed data type, a transport byte
 * of 1 for string values or 2 for binary, then the length-prefixed value).
 *
 * @module
 */

import { utf8Length } from "../core/bytes.js";
import { md5Hex } from "../core/crypto.js";
import { ChecksumError, type ErrorContext } from "../core/errors.js";

/** A message attribute value as the digest reads it. */
export interface AttributeValue {
  DataType?: string | undefined;
  StringValue?: string | undefined;
  BinaryValue?: Uint8Array | undefined;
}

const encoder = new TextEncoder();

/** A 4-byte big-endian length as 4 UTF-16 units, each below 0x80 (see {@link digestText}). */
function lengthUnits(n: number): string {
  return n < 0x80
    ? `\0\0\0${String.fromCharCode(n)}`
    : String.fromCharCode(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/**
 * The digested bytes of string-valued attributes as a string whose UTF-8 encoding is exactly those
 * bytes, or `undefined` when that cannot be (a binary value, or a length with a byte of 0x80 or
 * more, as 128-255 bytes). Each text's own UTF-8 bytes are what hashing the string encodes them
 * to, and a length prefix whose 4 bytes are each below 0x80 is 4 single-byte characters. Hashing
 * one string costs no buffer, no copy and one call, where this runs for every received message:
 * about half the CPU of the byte-buffer path (1.3 against 2.5 µs for three attributes).
 */
function digestText(
  names: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>>,
): string | undefined {
  let text = "";
  for (const name of names) {
    const attribute = attributes[name]!;
    if (attribute.BinaryValue !== undefined) return undefined;
    const type = attribute.DataType ?? "";
    const value = attribute.StringValue ?? "";
    const a = utf8Length(name);
    const b = utf8Length(type);
    const c = utf8Length(value);
    if (((a | b | c) & 0x80808080) !== 0) return undefined;
    text += `${lengthUnits(a)}${name}${lengthUnits(b)}${type}\x01${lengthUnits(c)}${value}`;
  }
  return text;
}

/**
 * The MD5 of message attributes as SQS computes `MD5OfMessageAttributes`. String values of the
 * usual lengths are hashed as one string ({@link digestText}); otherwise the bytes are written into
 * one buffer sized by an upper bound (at most 3 UTF-8 bytes per UTF-16 unit), with no
 * intermediate arrays: it runs for every received message that has attributes.
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, AttributeValue>>): string {
  const names = Object.keys(attributes);
  if (names.length > 1) names.sort();
  const digested = digestText(names, attributes);
  if (digested !== undefined) return md5Hex(digested);
  let bound = 0;
  for (const name of names) {
    const attribute = attributes[name]!;
    const value = attribute.BinaryValue;
    bound +=
      13 +
      3 * (name.length + (attribute.DataType?.length ?? 0)) +
      (value !== undefined ? value.length : 3 * (attribute.StringValue?.length ?? 0));
  }
  const out = new Uint8Array(bound);
  let at = 0;
  const length = (n: number) => {
    out[at] = n >>> 24;
    out[at + 1] = (n >>> 16) & 255;
    out[at + 2] = (n >>> 8) & 255;
    out[at + 3] = n & 255;
    at += 4;
  };
  const text = (value: string) => {
    const { written } = encoder.encodeInto(value, out.subarray(at + 4));
    length(written);
    at += written;
  };
  for (const name of names) {
    const attribute = attributes[name]!;
    text(name);
    text(attribute.DataType ?? "");
    const value = attribute.BinaryValue;
    if (value !== undefined) {
      out[at++] = 2;
      length(value.length);
      out.set(value, at);
      at += value.length;
    } else {
      out[at++] = 1;
      text(attribute.StringValue ?? "");
    }
  }
  return md5Hex(out.subarray(0, at));
}

function hasKeys(value: object | undefined): value is object {
  if (!value) return false;
  for (const _ in value) return true;
  return false;
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

interface ReceivedMessage {
  MessageId?: string | undefined;
  Body?: string | undefined;
  MD5OfBody?: string | undefined;
  MessageAttributes?: Record<string, AttributeValue> | undefined;
  MD5OfMessageAttributes?: string | undefined;
}

/** Checks each received message's body and attribute digests. */
export function checkReceived(messages: readonly ReceivedMessage[] | undefined, context: ErrorContext): void {
  if (!messages) return;
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
