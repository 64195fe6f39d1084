/**
 * What the SQS and SNS Lambda handlers share: option checks, the events and counters that make
 * partial failures visible to metrics, and the handler function that carries them.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "../core/errors.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import { checkInvalidPolicy, checkSchema, type InvalidMessagePolicy } from "../core/typed.js";
import type { Emitter, Listener } from "../sqs/consumer/events.js";
import type { SkipReason } from "./run.js";

/** What one invocation did: how many records, and how each kind of ending counted. */
export interface InvocationOutcome {
  /** Records in the event. */
  records: number;
  /** Records whose handler succeeded (and, with `onInvalid: "delete"`, invalid ones dropped). */
  succeeded: number;
  /** Records whose handler failed (threw, was cut off by the time guard, or the message was invalid). */
  failed: number;
  /** Records not handled: the time guard stopped them, or an earlier FIFO record failed. */
  skipped: number;
}

/** Counters over every invocation of one handler (a warm Lambda environment runs many). */
export interface LambdaHandlerStatus extends InvocationOutcome {
  /** Invocations so far. */
  invocations: number;
}

/** Details of an `error` event. */
export interface LambdaErrorInfo {
  /** `listener`: an event listener threw (the invocation goes on). */
  source: "listener";
}

/** The events of a Lambda handler, with their listeners' arguments. */
export type LambdaHandlerEvents<M, O extends InvocationOutcome> = {
  /** A record is about to be handled. */
  message: [message: M];
  /** A record's handler succeeded. */
  processed: [message: M];
  /** A record failed: its handler threw, the time guard cut it off, or it was invalid. */
  failed: [message: M, error: unknown];
  /** A record was not handled (time guard, or behind a failure on a FIFO queue); it is retried. */
  skipped: [message: M, reason: SkipReason];
  /** The invocation is over: its counts (also in the handler's `status`, summed). */
  invocation: [outcome: O];
  /** A listener threw. */
  error: [error: unknown, info: LambdaErrorInfo];
};

/** The `on`/`once`/`off` methods and the `status` of a Lambda handler. */
export interface LambdaHandlerEmitter<M, O extends InvocationOutcome> {
  /** Adds a listener. A listener that throws is reported as an `error` event. */
  on<K extends keyof LambdaHandlerEvents<M, O>>(
    event: K,
    listener: Listener<LambdaHandlerEvents<M, O>, K>,
  ): this;
  /** Adds a listener called at most once. */
  once<K extends keyof LambdaHandlerEvents<M, O>>(
    event: K,
    listener: Listener<LambdaHandlerEvents<M, O>, K>,
  ): this;
  /** Removes a listener. */
  off<K extends keyof LambdaHandlerEvents<M, O>>(
    event: K,
    listener: Listener<LambdaHandlerEvents<M, O>, K>,
  ): this;
  /** Counters over every invocation of this handler so far. */
  readonly status: LambdaHandlerStatus;
}

/** A listener change made before the events' emitter was there (kept in order, replayed on it). */
export type PendingListener = readonly ["on" | "once" | "off", PropertyKey, unknown];

/**
 * What a Lambda handler's function carries between its invocations: the counters, and the
 * emitter of its events, made at the first invocation (`settle.ts`, loaded with the invocation
 * code); listeners added or removed before that are kept in `pending`, in order.
 */
export interface LambdaState<M, O extends InvocationOutcome> {
  readonly status: LambdaHandlerStatus;
  pending: PendingListener[];
  emitter: Emitter<LambdaHandlerEvents<M, O>> | undefined;
}

/**
 * Gives a handler function its events (`on`, `once`, `off`) and `status`; returns the function
 * and its state. Until the first invocation makes the emitter, listener changes are kept (a
 * listener that is no function throws the emitter's TypeError at once).
 */
export function equip<F extends (...args: never[]) => unknown, M, O extends InvocationOutcome>(
  fn: F,
): { handler: F & LambdaHandlerEmitter<M, O>; state: LambdaState<M, O> } {
  const state: LambdaState<M, O> = {
    status: { invocations: 0, records: 0, succeeded: 0, failed: 0, skipped: 0 },
    pending: [],
    emitter: undefined,
  };
  const handler = fn as F & LambdaHandlerEmitter<M, O>;
  const listen = (method: "on" | "once" | "off") => ({
    value(event: keyof LambdaHandlerEvents<M, O>, listener: never) {
      if (state.emitter) state.emitter[method](event, listener);
      else if (method !== "off" && typeof listener !== "function") {
        throw new TypeError(`listener of "${String(event)}" must be a function`);
      } else state.pending.push([method, event, listener]);
      return handler;
    },
  });
  Object.defineProperties(handler, {
    on: listen("on"),
    once: listen("once"),
    off: listen("off"),
    status: { get: () => ({ ...state.status }), enumerable: true },
  });
  return { handler, state };
}

/** Checks an options object against the known keys; returns it as a record. */
export function optionsRecord(
  options: unknown,
  known: readonly string[],
  context: ErrorContext,
): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError("options", "an object", options, context);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key) && record[key] !== undefined) {
      throw new ValidationError(
        `options.${key}`,
        `a known option (${known.join(", ")})`,
        record[key],
        context,
      );
    }
  }
  return record;
}

/** A positive integer option, or undefined. */
export function positiveInteger(value: unknown, field: string, context: ErrorContext): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(field, "an integer of at least 1", value, context);
  }
  return value;
}

/** The `timeMarginMs` option. */
export function marginOption(value: unknown, context: ErrorContext): number {
  if (value === undefined) return DEFAULT_TIME_MARGIN_MS;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValidationError("timeMarginMs", "a finite number of milliseconds, at least 0", value, context);
  }
  return value;
}

/** A boolean option. */
export function booleanOption(
  value: unknown,
  field: string,
  fallback: boolean,
  context: ErrorContext,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new ValidationError(field, "a boolean", value, context);
  return value;
}

/** The default `timeMarginMs`: enough to abort the running handlers and answer Lambda. */
export const DEFAULT_TIME_MARGIN_MS = 1000;

/**
 * The `schema` and `onInvalid` options of both handlers: the schema checked, the policy checked
 * (and refused without a schema).
 */
export function schemaOptions<M>(
  o: Record<string, unknown>,
  context: ErrorContext,
): { schema: StandardSchemaV1 | undefined; policy: InvalidMessagePolicy<M> } {
  const schema = o.schema === undefined ? undefined : checkSchema(o.schema, "schema", context);
  const policy = checkInvalidPolicy<M>(o.onInvalid, "onInvalid", context);
  if (schema === undefined && o.onInvalid !== undefined) {
    throw new ValidationError("onInvalid", "given with a schema", o.onInvalid, context);
  }
  return { schema, policy };
}
