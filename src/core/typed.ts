/**
 * Typed messages: values checked with any Standard Schema v1 schema, JSON-encoded on the way out,
 * decoded and checked on the way in. A value that a schema rejects is a {@link ValidationError}
 * carrying the schema's issues (each with its path).
 *
 * Checks run synchronously when the schema answers synchronously (most do), so that a typed send
 * costs no extra turn of the event loop; an asynchronous schema's answer (a promise, or any
 * thenable) is awaited.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "./errors.js";
import { encodeBody } from "./handle.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** The output type of a schema (what a typed handler receives as `message.value`). */
export type SchemaOutput<S extends StandardSchemaV1> = StandardSchemaV1.InferOutput<S>;
/** The input type of a schema (what a typed `send` or `publish` takes). */
export type SchemaInput<S extends StandardSchemaV1> = StandardSchemaV1.InferInput<S>;

/** A message with its decoded and validated body: `value`, of the schema's output type. */
export type TypedMessage<T, M> = M & {
  /** The body, decoded from JSON and validated by the schema: the schema's output. */
  readonly value: T;
};

/**
 * What happens to a received message whose body is not JSON or that the schema rejects:
 * - `"fail"`: a failed message, as if the handler threw the {@link ValidationError}: it comes
 *   back after the retry delay, and the queue's redrive policy moves it to the dead-letter queue
 *   after `maxReceiveCount` attempts;
 * - `"delete"`: deleted (counted as handled), never handed to the handler;
 * - a function: called with the message and the error instead of the handler; resolving deletes
 *   the message (the function took care of it), throwing fails it.
 */
export type InvalidMessagePolicy<M> = "fail" | "delete" | ((message: M, error: ValidationError) => unknown);

/** True for a value with a `then` method (a promise, or any thenable). */
export function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** True for a value that implements Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  const props = (value as { "~standard"?: unknown })["~standard"];
  return (
    props !== null &&
    typeof props === "object" &&
    (props as { version?: unknown }).version === 1 &&
    typeof (props as { validate?: unknown }).validate === "function"
  );
}

/** Checks the `schema` option: a Standard Schema v1 schema. */
export function checkSchema(schema: unknown, field: string, context: ErrorContext): StandardSchemaV1 {
  if (!isStandardSchema(schema)) {
    throw new ValidationError(
      field,
      'a Standard Schema v1 schema (an object with "~standard": { version: 1, validate })',
      schema,
      context,
    );
  }
  return schema;
}

/** Checks the `onInvalid` option. */
export function checkInvalidPolicy<M>(
  policy: unknown,
  field: string,
  context: ErrorContext,
): InvalidMessagePolicy<M> {
  if (policy === undefined) return "fail";
  if (policy === "fail" || policy === "delete" || typeof policy === "function") {
    return policy as InvalidMessagePolicy<M>;
  }
  throw new ValidationError(field, '"fail", "delete" or a function', policy, context);
}

/** Renders an issue's path as `items[2].sku` (empty for the root). */
export function issuePath(issue: StandardSchemaV1.Issue): string {
  let out = "";
  for (const step of issue.path ?? []) {
    const key = typeof step === "object" && step !== null ? (step as StandardSchemaV1.PathSegment).key : step;
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The error for a value the schema rejected: the field, the issues in words, the value. */
export function schemaError(
  field: string,
  issues: readonly StandardSchemaV1.Issue[],
  value: unknown,
  context: ErrorContext,
): ValidationError {
  const shown = issues
    .slice(0, 5)
    .map((issue) => {
      const path = issuePath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  return new ValidationError(field, `valid for the schema (${shown}${more})`, value, context, {
    issues: [...issues],
  });
}

/**
 * Validates a value: the schema's output, synchronously when the schema answered synchronously,
 * else a promise. Throws (or rejects with) a {@link ValidationError} carrying the issues.
 */
export function validate<T>(
  schema: StandardSchemaV1,
  value: unknown,
  field: string,
  context: ErrorContext,
): T | Promise<T> {
  const settle = (result: StandardSchemaV1.Result<unknown>): T => {
    if (result === null || typeof result !== "object") {
      throw new ValidationError(field, "checked by a schema that returns a result object", result, context);
    }
    if (result.issues !== undefined) throw schemaError(field, result.issues, value, context);
    return result.value as T;
  };
  const result = schema["~standard"].validate(value);
  if (isThenable<StandardSchemaV1.Result<unknown>>(result)) return Promise.resolve(result).then(settle);
  return settle(result);
}

/**
 * Checks a value before it is sent, then encodes it as JSON: the value as given (not the
 * schema's output), so that a schema with transforms reads it back on the receiving side.
 */
export function encodeTyped(
  schema: StandardSchemaV1,
  value: unknown,
  field: string,
  context: ErrorContext,
): string | Promise<string> {
  const checked = validate(schema, value, field, context);
  const encode = () =>
    typeof value === "string" ? JSON.stringify(value) : encodeBody(value, field, context);
  return isThenable(checked) ? Promise.resolve(checked).then(encode) : encode();
}

/**
 * Decodes a received body (JSON) and validates it: the schema's output, synchronously when the
 * schema answers synchronously. Throws (or rejects with) a {@link ValidationError}: `field` not
 * JSON, or rejected by the schema.
 */
export function decodeTyped<T>(
  schema: StandardSchemaV1,
  body: string | undefined,
  field: string,
  context: ErrorContext,
): T | Promise<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? "");
  } catch (cause) {
    throw new ValidationError(field, "JSON text", body, context, { cause });
  }
  return validate<T>(schema, parsed, field, context);
}
