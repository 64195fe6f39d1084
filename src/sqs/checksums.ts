/**
 * SQS's MD5 digests: of a message body, and of message attributes by AWS's algorithm (each
 * attribute, sorted by name: length-prefixed name, length-prefixed data type, a transport byte
 * of 1 for string values or 2 for binary, then the length-prefixed value).
 *
 * @module
 */

import { md5Hex, utf8Encode } from "../core/crypto.js";
import { ChecksumError, type ErrorContext } from "../core/errors.js";

/** A message attribute value as the digest reads it. */
export interface AttributeValue {
  DataType?: string | undefined;
  StringValue?: string | undefined;
  BinaryValue?: Uint8Array | undefined;
}

/** The MD5 of message attributes as SQS computes `MD5OfMessageAttributes`. */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, AttributeValue>>): string {
  const names = Object.keys(attributes).sort();
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (bytes: Uint8Array, withLength: boolean) => {
    if (withLength) {
      const prefix = new Uint8Array(4);
      new DataView(prefix.buffer).setUint32(0, bytes.length);
      parts.push(prefix);
      size += 4;
    }
    parts.push(bytes);
    size += bytes.length;
  };
  for (const name of names) {
    const attribute = attributes[name]!;
    push(utf8Encode(name), true);
    push(utf8Encode(attribute.DataType ?? ""), true);
    if (attribute.BinaryValue !== undefined) {
      push(Uint8Array.of(2), false);
      push(attribute.BinaryValue, true);
    } else {
      push(Uint8Array.of(1), false);
      push(utf8Encode(attribute.StringValue ?? ""), true);
    }
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return md5Hex(all);
}

function hasKeys(value: object | undefined): value is object {
  if (!value) return false;
  for (const _ in value) return true;
  return false;
}

function compare(field: string, expected: string, received: unknown, context: ErrorContext): void {
  if (received === undefined) return;
  if (typeof received !== "string" || received.toLowerCase() !== expected) {
    throw new ChecksumError(field, expected, String(received), context);
  }
}

interface SentMessage {
  MessageBody?: string;
  MessageAttributes?: Record<string, AttributeValue>;
  MessageSystemAttributes?: Record<string, AttributeValue>;
}
interface SendResult {
  MD5OfMessageBody?: string | undefined;
  MD5OfMessageAttributes?: string | undefined;
  MD5OfMessageSystemAttributes?: string | undefined;
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
    const where = {
      ...context,
      resource: `${context.resource ?? ""} message ${message.MessageId ?? "?"}`.trim(),
    };
    if (message.Body !== undefined) compare("MD5OfBody", md5Hex(message.Body), message.MD5OfBody, where);
    if (hasKeys(message.MessageAttributes)) {
      compare(
        "MD5OfMessageAttributes",
        md5OfMessageAttributes(message.MessageAttributes),
        message.MD5OfMessageAttributes,
        where,
      );
    }
  }
}
