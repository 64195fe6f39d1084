/**
 * What the queue and topic handles share: a value resolved once on first use (a queue URL, a
 * topic ARN), and the encoding of a message body given as a string or as a value for JSON.
 *
 * @module
 */

import type { CallOptions } from "./client.js";
import { AbortError, type ErrorContext, ValidationError } from "./errors.js";

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

  /**
   * The value for one call with `options`: the resolution, shared by every caller waiting, is
   * made without any caller's `signal` or `retriesUntil` (`resolve` gets the options without
   * them), and each caller waits on its own signal. So a caller that aborts fails alone: the
   * others get the value, which is cached. A caller aborted already starts nothing. (A `signal`
   * that is no AbortSignal goes to the call as it is, which refuses it.)
   */
  getFor(
    options: CallOptions | undefined,
    resolve: (shared: CallOptions | undefined) => Promise<T>,
    context: ErrorContext,
  ): T | Promise<T> {
    const signal = options?.signal;
    if (signal === undefined || typeof signal?.addEventListener !== "function") {
      return this.get(() => resolve(options));
    }
    const known = this.#value;
    if (known !== undefined && !(known instanceof Promise)) return known;
    if (signal.aborted) return Promise.reject(new AbortError(context, { cause: signal.reason }));
    const { signal: _signal, retriesUntil: _until, ...shared } = options!;
    const value = this.get(() => resolve(shared));
    if (!(value instanceof Promise)) return value;
    return new Promise<T>((done, fail) => {
      const onAbort = () => fail(new AbortError(context, { cause: signal.reason }));
      signal.addEventListener("abort", onAbort, { once: true });
      value.then(
        (result) => {
          signal.removeEventListener("abort", onAbort);
          done(result);
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          fail(error);
        },
      );
    });
  }

  /** Sets the value directly (known without a call). */
  set(value: T | undefined): void {
    this.#value = value;
  }
}

/**
 * A copy of an object without its undefined members: spread over defaults, an option given as
 * `undefined` then keeps the default (undefined means absent, as in every option of the library).
 */
export function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (value === undefined || value === null) return out;
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

/**
 * A message body: a string as it is, anything else encoded as JSON. Binary data (a Uint8Array, a
 * Buffer, any typed array, an ArrayBuffer, a Blob) is rejected: SQS and SNS bodies are text, and
 * JSON would turn the bytes into `{"0":104,...}`; base64-encode them, or send them as a Binary
 * message attribute.
 */
export function encodeBody(value: unknown, field: string, context: ErrorContext): string {
  if (typeof value === "string") return value;
  if (isBinary(value)) {
    throw new ValidationError(
      field,
      "text: bodies are strings (objects are sent as JSON); base64-encode binary data, or send it as a Binary message attribute",
      value,
      context,
    );
  }
  const encoded =
    value === undefined || typeof value === "function" || typeof value === "symbol"
      ? undefined
      : JSON.stringify(value);
  if (encoded === undefined) {
    throw new ValidationError(field, "a string, or a value to encode as JSON", value, context);
  }
  return encoded;
}

/** True for bytes: typed arrays (Buffer included), DataView, ArrayBuffer, SharedArrayBuffer, Blob. */
function isBinary(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) return true;
  return typeof Blob === "function" && value instanceof Blob;
}
