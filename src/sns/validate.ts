/**
 * SNS input rules, checked before anything goes on the wire. Every failure is a ValidationError
 * naming the field, the rule and the value received.
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
  requireString,
} from "../core/validate.js";

type Ctx = ErrorContext;
type Input = Record<string, unknown>;

/** Largest message, its attributes included: 256 KiB. Also the most a PublishBatch may carry in total. */
export const MAX_PUBLISH_BYTES = 262_144;
/** Most entries in one PublishBatch request. */
export const MAX_PUBLISH_BATCH_ENTRIES = 10;

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const DATA_TYPES = new Set(["String", "String.Array", "Number", "Binary"]);
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SNS_ARN = /^arn:[a-z0-9-]+:sns:[a-z0-9-]*:[0-9]*:\S+$/;

/** True when a topic name or ARN names a FIFO topic. */
export function isFifoTopic(nameOrArn: unknown): boolean {
  return typeof nameOrArn === "string" && nameOrArn.endsWith(".fifo");
}

/** A topic name: 1 to 256 of `[A-Za-z0-9_-]`, a FIFO topic's ending in `.fifo` (within the 256). */
export function checkTopicName(value: unknown, field: string, ctx: Ctx): string {
  const name = requireString(value, field, ctx);
  if (!TOPIC_NAME.test(name) && !FIFO_TOPIC_NAME.test(name)) {
    fail(
      field,
      "1 to 256 characters of A-Z a-z 0-9 _ - (a FIFO topic name ends in .fifo, within the 256)",
      name,
      ctx,
    );
  }
  return name;
}

/** An SNS ARN (topic, subscription, platform application or endpoint): `arn:<partition>:sns:...`. */
export function checkArn(value: unknown, field: string, ctx: Ctx): string {
  const arn = requireString(value, field, ctx);
  if (!SNS_ARN.test(arn)) fail(field, "an SNS ARN (arn:<partition>:sns:<region>:<account>:...)", arn, ctx);
  return arn;
}

/** Text SNS can carry: a string with no lone surrogate (it must be valid UTF-8). */
function checkUtf8(text: string, field: string, ctx: Ctx): void {
  const bad = LONE_SURROGATE.exec(text);
  if (bad) fail(field, `valid UTF-8 text (a lone surrogate is at index ${bad.index})`, text, ctx);
}

/** A Subject: 1 to 99 characters, printable (no line breaks or control characters). */
function checkSubject(value: unknown, field: string, ctx: Ctx): void {
  if (value === undefined) return;
  const subject = requireString(value, field, ctx);
  checkUtf8(subject, field, ctx);
  if ([...subject].length >= 100) fail(field, "under 100 characters", subject, ctx);
  const control = CONTROL.exec(subject);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    fail(
      field,
      `printable text with no line breaks or control characters (found U+${code} at index ${control.index})`,
      subject,
      ctx,
    );
  }
  if (/^\s/.test(subject)) fail(field, "starting with a letter, a digit or punctuation", subject, ctx);
}

/** `MessageStructure: "json"`: the message is a JSON object with a string `default`. */
function checkStructure(structure: unknown, message: string, prefix: string, ctx: Ctx): void {
  if (structure === undefined) return;
  if (structure !== "json") fail(`${prefix}MessageStructure`, '"json" (or absent)', structure, ctx);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    fail(`${prefix}Message`, 'a JSON object when MessageStructure is "json"', message, ctx);
  }
  if (!isRecord(parsed)) {
    fail(`${prefix}Message`, 'a JSON object when MessageStructure is "json"', message, ctx);
  }
  if (typeof parsed.default !== "string") {
    fail(
      `${prefix}Message`,
      'a JSON object with a string "default" key when MessageStructure is "json"',
      message,
      ctx,
    );
  }
}

/**
 * Checks SNS message attributes and returns their size in bytes as SNS counts it: name, type and
 * value of each.
 */
export function checkMessageAttributes(value: unknown, field: string, ctx: Ctx): number {
  if (value === undefined) return 0;
  if (!isRecord(value))
    fail(field, "an object of attribute name to { DataType, StringValue | BinaryValue }", value, ctx);
  let bytes = 0;
  for (const name in value) {
    const path = `${field}.${name}`;
    checkAttributeName(name, field, ctx);
    const attribute = value[name];
    if (!isRecord(attribute)) fail(path, "an object { DataType, StringValue | BinaryValue }", attribute, ctx);
    const dataType = requireString(attribute.DataType, `${path}.DataType`, ctx);
    if (!DATA_TYPES.has(dataType)) {
      fail(`${path}.DataType`, "String, String.Array, Number or Binary", dataType, ctx);
    }
    bytes += utf8Length(name) + utf8Length(dataType);
    if (dataType === "Binary") {
      const binary = attribute.BinaryValue;
      if (!(binary instanceof Uint8Array) || binary.length === 0) {
        fail(`${path}.BinaryValue`, "a non-empty Uint8Array", binary, ctx);
      }
      if (attribute.StringValue !== undefined)
        fail(`${path}.StringValue`, "absent for a Binary attribute", attribute.StringValue, ctx);
      bytes += binary.length;
      continue;
    }
    const text = requireString(attribute.StringValue, `${path}.StringValue`, ctx);
    checkUtf8(text, `${path}.StringValue`, ctx);
    if (attribute.BinaryValue !== undefined)
      fail(`${path}.BinaryValue`, `absent for a ${dataType} attribute`, "a value", ctx);
    if (dataType === "Number") checkNumberText(text, `${path}.StringValue`, ctx);
    if (dataType === "String.Array") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed) || parsed.some((item) => item !== null && typeof item === "object")) {
        fail(
          `${path}.StringValue`,
          'a JSON array of strings, numbers, true, false or null (such as ["red", 3])',
          text,
          ctx,
        );
      }
    }
    bytes += utf8Length(text);
  }
  return bytes;
}

/**
 * Checks one message (Publish input or a PublishBatch entry) and returns its size in bytes: the
 * message and its attributes.
 * @param fifo - true, false, or undefined when the target's kind is unknown (a phone number, an endpoint)
 */
export function checkMessage(entry: Input, prefix: string, fifo: boolean | undefined, ctx: Ctx): number {
  const message = requireString(entry.Message, `${prefix}Message`, ctx);
  checkUtf8(message, `${prefix}Message`, ctx);
  checkSubject(entry.Subject, `${prefix}Subject`, ctx);
  checkStructure(entry.MessageStructure, message, prefix, ctx);
  checkFifoId(entry.MessageGroupId, `${prefix}MessageGroupId`, ctx);
  checkFifoId(entry.MessageDeduplicationId, `${prefix}MessageDeduplicationId`, ctx);
  if (fifo === true && entry.MessageGroupId === undefined) {
    fail(`${prefix}MessageGroupId`, "set for a FIFO topic", undefined, ctx);
  }
  if (fifo === false && entry.MessageDeduplicationId !== undefined) {
    fail(`${prefix}MessageDeduplicationId`, "absent for a standard topic", entry.MessageDeduplicationId, ctx);
  }
  const bytes =
    utf8Length(message) + checkMessageAttributes(entry.MessageAttributes, `${prefix}MessageAttributes`, ctx);
  if (bytes > MAX_PUBLISH_BYTES) {
    fail(
      `${prefix}Message`,
      `at most ${MAX_PUBLISH_BYTES} bytes (256 KiB) with its attributes`,
      `${bytes} bytes`,
      ctx,
    );
  }
  return bytes;
}
