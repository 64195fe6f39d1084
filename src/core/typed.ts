/**
 * Typed messages: values checked with any Standard Schema v1 schema, JSON-encoded on the way out,
 * decoded and checked on the way in. A value that a schema rejects is a {@link ValidationError}
 * carrying the schema's issues (each with its path).
 *
 This module holds the types and the checks made when a typed handle, producer or handler is
 * made; the encoding, decoding and validating of values (`typed-codec.ts`) load at their first
 * use.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "./errors.js";
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
