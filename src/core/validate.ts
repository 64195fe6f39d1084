/**
 * Small checks that throw a {@link ValidationError} naming the field, the rule and the value.
 * Services build their rules from these.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "./errors.js";

/** Throws the {@link ValidationError}: the field, the rule it breaks and the value received. */
export function fail(field: string, rule: string, value: unknown, context: ErrorContext): never {
  throw new ValidationError(field, rule, value, context);
}

const PRINTABLE_ASCII = /^[\x21-\x7e]{1,128}$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A FIFO message group or deduplication id (SQS and SNS): 1 to 128 printable ASCII characters. */
export function checkFifoId(value: unknown, field: string, context: ErrorContext): void {
  if (value === undefined) return;
  if (typeof value !== "string" || !PRINTABLE_ASCII.test(value)) {
    fail(field, "1 to 128 printable ASCII characters (letters, digits, punctuation)", value, context);
  }
}

/** A Number attribute's value (SQS and SNS): a decimal number with up to 38 digits of precision. */
export function checkNumberText(text: string, field: string, context: ErrorContext): void {
  if (!NUMBER.test(text) || text.replace(/[^0-9]/g, "").length > 38 + 3) {
    fail(field, "a number (up to 38 digits of precision)", text, context);
  }
}

/** A value that must be a non-empty string. */
export function requireString(value: unknown, field: string, context: ErrorContext): string {
  if (typeof value !== "string" || value === "") fail(field, "a non-empty string", value, context);
  return value;
}

/** An optional string: undefined passes, anything else must be a string. */
export function optionalString(value: unknown, field: string, context: ErrorContext): string | undefined {
  if (value !== undefined && typeof value !== "string") fail(field, "a string", value, context);
  return value;
}

/** An optional integer within [min, max]. */
export function optionalInteger(
  value: unknown,
  field: string,
  min: number,
  max: number,
  context: ErrorContext,
): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `an integer from ${min} to ${max}`, value, context);
  }
}

/** An optional boolean. */
export function optionalBoolean(value: unknown, field: string, context: ErrorContext): void {
  if (value !== undefined && typeof value !== "boolean") fail(field, "a boolean", value, context);
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** An optional plain object whose values are all strings. */
export function optionalStringMap(
  value: unknown,
  field: string,
  context: ErrorContext,
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail(field, "an object of strings", value, context);
  for (const key in value) {
    if (typeof value[key] !== "string") fail(`${field}.${key}`, "a string", value[key], context);
  }
  return value as Record<string, string>;
}

/** An optional array of non-empty strings, with a count range. */
export function optionalStringList(
  value: unknown,
  field: string,
  context: ErrorContext,
  min = 0,
  max = Number.POSITIVE_INFINITY,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(field, "an array of strings", value, context);
  if (value.length < min || value.length > max) {
    fail(
      field,
      max === Number.POSITIVE_INFINITY ? `at least ${min} items` : `${min} to ${max} items`,
      value,
      context,
    );
  }
  value.forEach((item, i) => {
    requireString(item, `${field}[${i}]`, context);
  });
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;

/**
 * A message attribute name, as SQS and SNS both define it: 1 to 256 of `A-Z a-z 0-9 _ - .`, no
 * leading, trailing or doubled `.`, not starting with `AWS.` or `Amazon.` in any case.
 */
export function checkAttributeName(name: string, field: string, context: ErrorContext): void {
  if (
    !ATTRIBUTE_NAME.test(name) ||
    name.startsWith(".") ||
    name.endsWith(".") ||
    name.includes("..") ||
    /^(aws\.|amazon\.)/i.test(name)
  ) {
    fail(
      `${field} name`,
      "1 to 256 of A-Z a-z 0-9 _ - . with no leading, trailing or doubled '.', not starting with AWS. or Amazon.",
      name,
      context,
    );
  }
}
