/**
 * What the queue and topic handles share: a value resolved once on first use (a queue URL, a
 * topic ARN), and the encoding of a message body given as a string or as a value for JSON.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "./errors.js";

/**
 * A value resolved once, on first use, and cached; concurrent callers share one resolution, and
 * a failed one is tried again at the next use.
 */
export class Resolved<T> {
  #value: T | Promise<T> | undefined;

  constructor(value?: T) {
    this.#value = value;
  }

  /** The value, resolving it with `resolve` unless it is known or on its way. */
  get(resolve: () => Promise<T>): T | Promise<T> {
    this.#value ??= resolve().then(
      (value) => {
        this.#value = value;
        return value;
      },
      (error: unknown) => {
        this.#value = undefined;
        throw error;
      },
    );
    return this.#value;
  }

  /** Sets the value directly (known without a call). */
  set(value: T | undefined): void {
    this.#value = value;
  }
}

/** A message body: a string as it is, anything else encoded as JSON. */
export function encodeBody(value: unknown, field: string, context: ErrorContext): string {
  if (typeof value === "string") return value;
  const encoded =
    value === undefined || typeof value === "function" || typeof value === "symbol"
      ? undefined
      : JSON.stringify(value);
  if (encoded === undefined) {
    throw new ValidationError(field, "a string, or a value to encode as JSON", value, context);
  }
  return encoded;
}
