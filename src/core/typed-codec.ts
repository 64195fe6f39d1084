/**
 * Typed values on the wire: checked with a Standard Schema v1 schema and JSON-encoded on the way
 * out, decoded and checked on the way in (`typed.ts` has the types and the option checks). Loaded
 * at the first typed send or message (`sqs/typed.ts` re-exports it for `sqs/lazy.ts`'s loader),
 * so that a cold start compiles none of it.
 *
 * Checks run synchronously when the schema answers synchronously (most do), so that a typed send
 * costs no extra turn of the event loop once this module is there; an asynchronous schema's answer
 * (a promise, or any thenable) is awaited.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "./errors.js";
import { encodeBody } from "./handle.js";
import type { StandardSchemaV1 } from "./standard-schema.js";
import { isThenable } from "./typed.js";

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
