/**
 * SQS input rules, checked before anything goes on the wire. Every failure is a
 * ValidationError naming the field, the rule and the value received.
 *
 * @module
 */

import { utf8Length } from "../core/bytes.js";
import type { ErrorContext } from "../core/errors.js";
import {
  checkAttributeName,
  checkFifoId,
  checkNumberText,
  fail,
  isRecord,
  optionalInteger,
  requireString,
} from "../core/validate.js";

type Ctx = ErrorContext;
type Input = Record<string, unknown>;

/** Largest message, body and attributes together: 1 MiB. */
export const MAX_MESSAGE_BYTES = 1_048_576;
/** Most entries in one batch request. */
export const MAX_BATCH_ENTRIES = 10;

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]+)?$/;
// Characters SQS accepts in bodies and string values: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
const BAD_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** True when a queue URL or name names a FIFO queue. */
export function isFifoQueue(urlOrName: unknown): boolean {
  return typeof urlOrName === "string" && urlOrName.endsWith(".fifo");
}

/** A queue name: 1 to 80 of `[A-Za-z0-9_-]`, FIFO names ending in `.fifo`. */
export function checkQueueName(value: unknown, field: string, ctx: Ctx): string {
  const name = requireString(value, field, ctx);
  if (!QUEUE_NAME.test(name) && !FIFO_QUEUE_NAME.test(name)) {
    fail(
      field,
      "1 to 80 characters of A-Z a-z 0-9 _ - (a FIFO queue name ends in .fifo, within the 80)",
      name,
      ctx,
    );
  }
  return name;
}

/** A queue URL: an absolute http(s) URL. */
export function checkQueueUrl(value: unknown, field: string, ctx: Ctx): string {
  const url = requireString(value, field, ctx);
  if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) fail(field, "an absolute http(s) queue URL", url, ctx);
  return url;
}

function checkText(value: unknown, field: string, ctx: Ctx): string {
  const text = requireString(value, field, ctx);
  const bad = BAD_CHARACTER.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!;
    fail(
      field,
      `only the characters #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF (found U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${bad.index})`,
      text,
      ctx,
    );
  }
  return text;
}

/**
 * Checks message attributes (or system attributes when `system`) and returns their size in
 * bytes as SQS counts it: name, type and value of each.
 */
export function checkMessageAttributes(value: unknown, field: string, ctx: Ctx, system = false): number {
  if (value === undefined) return 0;
  if (!isRecord(value))
    fail(field, "an object of attribute name to { DataType, StringValue | BinaryValue }", value, ctx);
  let count = 0;
  let bytes = 0;
  for (const name in value) {
    count++;
    if (count > 10) fail(field, "at most 10 attributes", `${Object.keys(value).length} attributes`, ctx);
    const path = `${field}.${name}`;
    if (system) {
      if (name !== "AWSTraceHeader") fail(path, "the only system attribute, AWSTraceHeader", name, ctx);
    } else checkAttributeName(name, field, ctx);
    const attribute = value[name];
    if (!isRecord(attribute)) fail(path, "an object { DataType, StringValue | BinaryValue }", attribute, ctx);
    const dataType = requireString(attribute.DataType, `${path}.DataType`, ctx);
    if (dataType.length > 256 || !DATA_TYPE.test(dataType)) {
      fail(`${path}.DataType`, "String, Number or Binary, optionally followed by .label", dataType, ctx);
    }
    if (attribute.StringListValues !== undefined || attribute.BinaryListValues !== undefined) {
      fail(`${path}.StringListValues`, "absent (reserved by SQS, not implemented)", "a list", ctx);
    }
    if (system && !dataType.startsWith("String")) fail(`${path}.DataType`, "String", dataType, ctx);
    bytes += utf8Length(name) + utf8Length(dataType);
    if (dataType.startsWith("Binary")) {
      const binary = attribute.BinaryValue;
      if (!(binary instanceof Uint8Array) || binary.length === 0) {
        fail(`${path}.BinaryValue`, "a non-empty Uint8Array", binary, ctx);
      }
      if (attribute.StringValue !== undefined)
        fail(`${path}.StringValue`, "absent for a Binary attribute", attribute.StringValue, ctx);
      bytes += binary.length;
    } else {
      const text = checkText(attribute.StringValue, `${path}.StringValue`, ctx);
      if (attribute.BinaryValue !== undefined)
        fail(`${path}.BinaryValue`, "absent for a String or Number attribute", "a value", ctx);
      if (dataType.startsWith("Number")) checkNumberText(text, `${path}.StringValue`, ctx);
      bytes += utf8Length(text);
    }
  }
  return bytes;
}

/** Checks one message (SendMessage input or a batch entry) and returns its size in bytes. */
export function checkMessage(entry: Input, prefix: string, fifo: boolean, ctx: Ctx): number {
  const body = checkText(entry.MessageBody, `${prefix}MessageBody`, ctx);
  optionalInteger(entry.DelaySeconds, `${prefix}DelaySeconds`, 0, 900, ctx);
  if (fifo && entry.DelaySeconds !== undefined) {
    fail(
      `${prefix}DelaySeconds`,
      "absent for a FIFO queue (set the delay on the queue)",
      entry.DelaySeconds,
      ctx,
    );
  }
  checkFifoId(entry.MessageGroupId, `${prefix}MessageGroupId`, ctx);
  checkFifoId(entry.MessageDeduplicationId, `${prefix}MessageDeduplicationId`, ctx);
  if (fifo && entry.MessageGroupId === undefined) {
    fail(`${prefix}MessageGroupId`, "set for a FIFO queue", undefined, ctx);
  }
  if (!fifo && entry.MessageDeduplicationId !== undefined) {
    fail(`${prefix}MessageDeduplicationId`, "absent for a standard queue", entry.MessageDeduplicationId, ctx);
  }
  const bytes =
    utf8Length(body) +
    checkMessageAttributes(entry.MessageAttributes, `${prefix}MessageAttributes`, ctx) +
    checkMessageAttributes(entry.MessageSystemAttributes, `${prefix}MessageSystemAttributes`, ctx, true);
  if (bytes > MAX_MESSAGE_BYTES) {
    fail(
      `${prefix}MessageBody`,
      `at most ${MAX_MESSAGE_BYTES} bytes with its attributes`,
      `${bytes} bytes`,
      ctx,
    );
  }
  return bytes;
}
