/**
 * An SQS record of a Lambda event in the shape ReceiveMessage gives: {@link messageFromRecord},
 * used by `sqsHandler` (and exported with it).
 *
 * @module
 */

import { fromBase64 } from "../core/crypto.js";
import { ValidationError } from "../core/errors.js";
import type { Message, MessageAttributeValue } from "../sqs/types.js";
import type { SqsRecord } from "./events.js";

/** Converts Lambda's camelCase attribute into SQS's shape (Binary values decoded from base64). */
function toAttribute(name: string, attribute: unknown): MessageAttributeValue {
  if (attribute === null || typeof attribute !== "object") {
    throw new ValidationError(`messageAttributes.${name}`, "an attribute object", attribute);
  }
  const a = attribute as Record<string, unknown>;
  if (typeof a.dataType !== "string") {
    throw new ValidationError(`messageAttributes.${name}.dataType`, "a string", a.dataType);
  }
  const out: MessageAttributeValue = { DataType: a.dataType };
  if (typeof a.stringValue === "string") out.StringValue = a.stringValue;
  const bytes = (text: unknown, field: string): Uint8Array => {
    try {
      return fromBase64(String(text));
    } catch (cause) {
      throw new ValidationError(`messageAttributes.${name}.${field}`, "base64", text, undefined, { cause });
    }
  };
  if (typeof a.binaryValue === "string") out.BinaryValue = bytes(a.binaryValue, "binaryValue");
  if (Array.isArray(a.stringListValues) && a.stringListValues.length > 0) {
    out.StringListValues = a.stringListValues.map(String);
  }
  if (Array.isArray(a.binaryListValues) && a.binaryListValues.length > 0) {
    out.BinaryListValues = a.binaryListValues.map((value) => bytes(value, "binaryListValues"));
  }
  return out;
}

/**
 * An SQS record of a Lambda event in the shape ReceiveMessage gives (and the consumer hands its
 * handler): `MessageId`, `ReceiptHandle`, `Body`, `Attributes`, `MessageAttributes` with binary
 * values as `Uint8Array`.
 *
 * @throws ValidationError when an attribute cannot be read (a Binary value that is not base64)
 */
export function messageFromRecord(record: SqsRecord): Message {
  const message: Message = {
    MessageId: record.messageId,
    ReceiptHandle: String(record.receiptHandle ?? ""),
    MD5OfBody: String(record.md5OfBody ?? ""),
    Body: String(record.body ?? ""),
  };
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.attributes ?? {})) {
    if (typeof value === "string") attributes[name] = value;
  }
  message.Attributes = attributes;
  const source = record.messageAttributes;
  if (source && typeof source === "object" && Object.keys(source).length > 0) {
    const out: Record<string, MessageAttributeValue> = {};
    for (const name of Object.keys(source)) {
      Object.defineProperty(out, name, {
        value: toAttribute(name, source[name]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    message.MessageAttributes = out;
  }
  if (typeof record.md5OfMessageAttributes === "string") {
    message.MD5OfMessageAttributes = record.md5OfMessageAttributes;
  }
  return message;
}
