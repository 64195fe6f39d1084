/**
 * What the queue and topic handles share: a value resolved once on first use (a queue URL, a
 * topic ARN), and the encoding of a message body given as a string or as a value for JSON.
 *
 * @module
 */

import type { CallOptions } from "./client.js";
import { AbortError, type ErrorContext, TimeoutError, ValidationError } from "./errors.js";

/** A resolution on its way, shared by the callers waiting on it. */
interface Lookup<T> {
  readonly promise: Promise<T>;
  /** Aborts the resolution: every caller waiting on it left (aborted, or past its deadline). */
  readonly controller: AbortController;
  /** Callers waiting that may leave (each with a signal or a deadline of its own). */
  waiting: number;
  /** A caller with neither signal nor deadline waits on it: it is never aborted. */
  pinned: boolean;
  settled: boolean;
}

/** Whether a `deadlineMs` is one the call takes (a positive finite number). */
function isDeadline(value: unknown): value is number {
  return typeof value === "number" && value > 0 && Number.isFinite(value);
}

/**
 * A value resolved once, on first use, and cached; concurrent callers share one resolution, and
 * a failed one is tried again at the next use.
 *
 * Each caller waits on its own `signal` and `deadlineMs`: one that aborts or runs out of time
 * fails alone (an `AbortError`, a `TimeoutError`), the others get the value. The shared
 * resolution runs under a signal of its own, aborted once every caller waiting on it has left
 * (none waits without a signal or a deadline), so that a lookup nobody waits for any more does
 * not run on; the next caller starts a new one.
 */
export class Resolved<T> {
  #value: T | undefined;
  #lookup: Lookup<T> | undefined;

  constructor(value?: T) {
    this.#value = value;
  }

  /**
   * The value for one call with `options`: the resolution, shared by every caller waiting, is
   * made without any caller's `signal`, `deadlineMs` or `retriesUntil` (`resolve` gets the
   * options without them, and a `signal` of the resolution's own, see the class), and each caller
   * waits on its own signal and deadline. A caller aborted already starts nothing. (A `signal`
   * or `deadlineMs` that the call refuses goes to a call of this caller's own, which refuses it.)
   */
  getFor(
    options: CallOptions | undefined,
    resolve: (shared: CallOptions) => Promise<T>,
    context: ErrorContext,
  ): T | Promise<T> {
    const known = this.#value;
    if (known !== undefined) return known;
    const signal = options?.signal;
    const deadlineMs = options?.deadlineMs;
    if (
      (signal !== undefined && typeof signal?.addEventListener !== "function") ||
      (deadlineMs !== undefined && !isDeadline(deadlineMs))
    ) {
      return resolve(options!);
    }
    if (signal?.aborted) return Promise.reject(new AbortError(context, { cause: signal.reason }));
    const lookup = this.#lookup ?? this.#start(options, resolve);
    if (signal === undefined && deadlineMs === undefined) {
      lookup.pinned = true;
      return lookup.promise;
    }
    lookup.waiting++;
    return new Promise<T>((done, fail) => {
      let left = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (): boolean => {
        if (left) return false;
        left = true;
        lookup.waiting--;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        return true;
      };
      const leave = (error: unknown): void => {
        if (!finish()) return;
        fail(error);
        // The last caller that could leave has left, and none waits for good: nobody needs the
        // value any more, and the resolution stops (the next caller starts a new one).
        if (lookup.waiting === 0 && !lookup.pinned && !lookup.settled) {
          if (this.#lookup === lookup) this.#lookup = undefined;
          lookup.controller.abort(error);
        }
      };
      const onAbort = (): void => leave(new AbortError(context, { cause: signal?.reason }));
      signal?.addEventListener("abort", onAbort, { once: true });
      if (deadlineMs !== undefined) {
        timer = setTimeout(() => leave(new TimeoutError(deadlineMs, context)), deadlineMs);
      }
      lookup.promise.then(
        (value) => {
          if (finish()) done(value);
        },
        (error: unknown) => {
          if (finish()) fail(error);
        },
      );
    });
  }

  /** Starts the shared resolution. */
  #start(options: CallOptions | undefined, resolve: (shared: CallOptions) => Promise<T>): Lookup<T> {
    const controller = new AbortController();
    const {
      signal: _signal,
      deadlineMs: _deadline,
      retriesUntil: _until,
      ...rest
    } = options ?? ({} as CallOptions);
    let promise: Promise<T>;
    try {
      promise = resolve({ ...rest, signal: controller.signal });
    } catch (error) {
      promise = Promise.reject(error);
    }
    const lookup: Lookup<T> = { promise, controller, waiting: 0, pinned: false, settled: false };
    this.#lookup = lookup;
    promise.then(
      (value) => {
        lookup.settled = true;
        if (this.#lookup !== lookup) return; // given up on, or the value set meanwhile
        this.#lookup = undefined;
        this.#value = value;
      },
      () => {
        lookup.settled = true;
        if (this.#lookup === lookup) this.#lookup = undefined;
      },
    );
    return lookup;
  }

  /** Sets the value directly (known without a call); `undefined` forgets it. */
  set(value: T | undefined): void {
    this.#value = value;
    this.#lookup = undefined;
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
