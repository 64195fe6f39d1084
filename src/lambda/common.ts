/**
 * What the SQS and SNS Lambda handlers share: option checks, the events and counters that make
 * partial failures visible to metrics, and the handler function that carries them.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "../core/errors.js";
import { Emitter, type Listener } from "../sqs/consumer/events.js";
import type { RecordOutcome, SkipReason } from "./run.js";

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

/** Gives a handler function its events and status; returns the emitter and the counters. */
export function equip<F extends (...args: never[]) => unknown, M, O extends InvocationOutcome>(
  fn: F,
): {
  handler: F & LambdaHandlerEmitter<M, O>;
  emitter: Emitter<LambdaHandlerEvents<M, O>>;
  status: LambdaHandlerStatus;
} {
  const status: LambdaHandlerStatus = { invocations: 0, records: 0, succeeded: 0, failed: 0, skipped: 0 };
  const emitter: Emitter<LambdaHandlerEvents<M, O>> = new Emitter<LambdaHandlerEvents<M, O>>(
    (error, event) => {
      if (event !== "error") emitter.emit("error", error, { source: "listener" });
    },
  );
  const handler = fn as F & LambdaHandlerEmitter<M, O>;
  Object.defineProperties(handler, {
    on: {
      value(event: keyof LambdaHandlerEvents<M, O>, listener: never) {
        emitter.on(event, listener);
        return handler;
      },
    },
    once: {
      value(event: keyof LambdaHandlerEvents<M, O>, listener: never) {
        emitter.once(event, listener);
        return handler;
      },
    },
    off: {
      value(event: keyof LambdaHandlerEvents<M, O>, listener: never) {
        emitter.off(event, listener);
        return handler;
      },
    },
    status: { get: () => ({ ...status }), enumerable: true },
  });
  return { handler, emitter, status };
}

/** Adds one invocation's counts to the running status. */
export function count(status: LambdaHandlerStatus, outcome: InvocationOutcome): void {
  status.invocations++;
  status.records += outcome.records;
  status.succeeded += outcome.succeeded;
  status.failed += outcome.failed;
  status.skipped += outcome.skipped;
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
 * The `settle` step of one invocation, shared by the SQS and SNS handlers: counts each record's
 * ending in `outcome` and emits its event; `failures.first` keeps the first failure's error (the
 * cause when the invocation itself fails).
 */
export function settler<M, O extends InvocationOutcome>(
  emitter: Emitter<LambdaHandlerEvents<M, O>>,
  messages: readonly M[],
  outcome: O,
): {
  settle: (index: number, result: RecordOutcome, detail: unknown) => void;
  failures: { first?: unknown };
} {
  const failures: { first?: unknown } = {};
  const settle = (index: number, result: RecordOutcome, detail: unknown): void => {
    const message = messages[index]!;
    if (result === "succeeded") {
      outcome.succeeded++;
      emitter.emit("processed", message);
    } else if (result === "failed") {
      outcome.failed++;
      if (failures.first === undefined) failures.first = detail;
      emitter.emit("failed", message, detail);
    } else {
      outcome.skipped++;
      emitter.emit("skipped", message, detail as SkipReason);
    }
  };
  return { settle, failures };
}
