/**
 * The consumer's options: their types, defaults and checks. A bad option is a ValidationError
 * naming the option, the rule and the value received, thrown by `queue.consume()` before anything
 * is sent.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "../../core/errors.js";

/**
 * Where the consumer reports what goes wrong when nobody listens: an object with `warn` and
 * `error` methods, each called as `(message, error)`, the message naming the queue, what failed and
 * why. `console`, pino and winston loggers fit.
 */
export interface ConsumerLogger {
  /** Errors the consumer recovers from (a receive retried, a handler that failed). */
  warn(message: string, ...details: unknown[]): void;
  /** The error that stopped the consumer. */
  error(message: string, ...details: unknown[]): void;
}

/** Options of {@link Queue.consume} and {@link Queue.messages}. All are optional. */
export interface ConsumerOptions<M = unknown> {
  /**
   * Most messages held at once: received and not yet settled (handled, or handed out by the
   * iterator and not yet acknowledged). Any number: enough long polls run at once to fill the free
   * slots, each asking for at most as many messages as there are free slots (and at most 10).
   * @default 10
   */
  concurrency?: number | undefined;
  /**
   * Long-poll wait of each ReceiveMessage, 0 to 20 seconds. With 0 (short polling), the consumer
   * pauses one second after a receive that found nothing. A graceful `stop()`, and leaving a
   * `messages()` loop, wait for the polls in flight: at most this long.
   * @default 20
   */
  waitTimeSeconds?: number | undefined;
  /**
   * Visibility timeout asked for on each ReceiveMessage, 0 to 43200 seconds; also the step by
   * which the heartbeat extends a message whose handler still runs.
   * @default the queue's `VisibilityTimeout` attribute, read once at start (30 when it cannot be read)
   */
  visibilityTimeout?: number | undefined;
  /**
   * Extend a message's visibility while its handler runs: when less than half the visibility
   * timeout is left, by one visibility timeout (ChangeMessageVisibilityBatch, batched across
   * messages), never past 12 hours after receipt. Extension stops the moment the handler settles.
   * @default true
   */
  extendVisibility?: boolean | undefined;
  /**
   * Longest a handler may run, in seconds. Past it the handler's signal aborts, the message counts
   * as failed, and its slot is free (a handler that ignores its signal keeps running, unwatched).
   * @default no limit
   */
  maxHandlerSeconds?: number | undefined;
  /**
   * When a failed message becomes visible again, in seconds (0 to 43200): a number, a function of
   * the attempt (`ApproximateReceiveCount`, from 1) and the message, or `"visibilityTimeout"` to
   * leave it invisible until its current visibility timeout runs out. A queue with a redrive policy
   * moves the message to its dead-letter queue after `maxReceiveCount` attempts.
   * @default `min(2 ** (attempt - 1), 900)`: 1, 2, 4, 8... seconds, at most 15 minutes
   */
  retryDelay?: number | ((attempt: number, message: M) => number) | "visibilityTimeout" | undefined;
  /**
   * How long `stop()`, or the stop after a fatal error, waits for running handlers, in
   * milliseconds, before it aborts their signals and releases their messages (visibility 0).
   * `stop({ timeoutMs })` overrides it. Long polls in flight are let finish either way.
   * @default no limit
   */
  drainTimeoutMs?: number | undefined;
  /**
   * Aborting this signal stops the consumer as `stop({ timeoutMs: 0 })` does: handlers' signals
   * abort and their messages are released at once, long polls in flight are let finish and what
   * they bring is released, so that no message is left invisible.
   */
  signal?: AbortSignal | undefined;
  /**
   * Where errors go when no listener takes them: receive, delete and visibility errors when there
   * is no `error` listener, handler failures when there is no `failed` listener, and the fatal
   * error that stops the consumer. Errors of one kind (where they came from and their code) are
   * reported at most once a minute, with a count of those left out. `false` reports nothing (the
   * errors are still in `status.lastError` and `closed`).
   * @default the global `console`
   * @example
   * ```ts
   * queue.consume(handler, { logger: console }); // or pino(), or any { warn, error }
   * ```
   */
  logger?: ConsumerLogger | false | undefined;
  /**
   * Hand the handler the message as published to SNS: the envelope parsed (raw deliveries pass
   * through), with the SQS message alongside.
   * @default false
   */
  unwrapSns?: boolean | undefined;
  /**
   * Message attributes to receive (`ReceiveMessage`'s `MessageAttributeNames`).
   * @default ["All"]
   */
  messageAttributeNames?: readonly string[] | undefined;
  /**
   * System attributes to receive (`MessageSystemAttributeNames`). `ApproximateReceiveCount`,
   * `MessageGroupId` and `SequenceNumber` are always asked for: the consumer needs them.
   * @default ["All"]
   */
  messageSystemAttributeNames?: readonly string[] | undefined;
  /**
   * Hand the handler an array of messages (those of one receive) instead of one message.
   * @default false
   */
  batch?: boolean | undefined;
  /**
   * With `batch`, the most messages in one handler call, 1 to 10.
   * @default 10
   */
  batchSize?: number | undefined;
}

/** The options with their defaults applied. */
export interface ResolvedOptions<M> {
  concurrency: number;
  waitTimeSeconds: number;
  visibilityTimeout: number | undefined;
  extendVisibility: boolean;
  maxHandlerSeconds: number | undefined;
  retryDelay: number | ((attempt: number, message: M) => number) | "visibilityTimeout" | undefined;
  drainTimeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  unwrapSns: boolean;
  messageAttributeNames: string[];
  messageSystemAttributeNames: string[];
  batch: boolean;
  batchSize: number;
  /** Undefined: report nothing. */
  logger: ConsumerLogger | undefined;
}

const KNOWN = new Set([
  "concurrency",
  "waitTimeSeconds",
  "visibilityTimeout",
  "extendVisibility",
  "maxHandlerSeconds",
  "retryDelay",
  "drainTimeoutMs",
  "signal",
  "unwrapSns",
  "messageAttributeNames",
  "messageSystemAttributeNames",
  "batch",
  "batchSize",
  "logger",
]);

const NEEDED_SYSTEM_ATTRIBUTES = ["ApproximateReceiveCount", "MessageGroupId", "SequenceNumber"];

function integer(
  value: unknown,
  field: string,
  min: number,
  max: number,
  fallback: number,
  context: ErrorContext,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(
      field,
      max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`,
      value,
      context,
    );
  }
  return value;
}

function boolean(value: unknown, field: string, fallback: boolean, context: ErrorContext): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new ValidationError(field, "a boolean", value, context);
  return value;
}

function names(value: unknown, field: string, context: ErrorContext): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((name) => typeof name !== "string" || name === "")) {
    throw new ValidationError(field, "an array of attribute names", value, context);
  }
  return [...value] as string[];
}

/** Checks the options and applies the defaults. */
export function resolveConsumerOptions<M>(options: unknown, context: ErrorContext): ResolvedOptions<M> {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError("options", "an object", options, context);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      throw new ValidationError(
        `options.${key}`,
        `a known option (${[...KNOWN].join(", ")})`,
        o[key],
        context,
      );
    }
  }
  const positive = (value: unknown, field: string): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new ValidationError(field, "a positive finite number", value, context);
    }
    return value;
  };
  let retryDelay: ResolvedOptions<M>["retryDelay"];
  const delay = o.retryDelay;
  if (delay === undefined || typeof delay === "function" || delay === "visibilityTimeout") {
    retryDelay = delay as ResolvedOptions<M>["retryDelay"];
  } else if (typeof delay === "number" && Number.isInteger(delay) && delay >= 0 && delay <= 43_200) {
    retryDelay = delay;
  } else {
    throw new ValidationError(
      "retryDelay",
      'an integer from 0 to 43200 (seconds), a function, or "visibilityTimeout"',
      delay,
      context,
    );
  }
  let drainTimeoutMs: number | undefined;
  if (o.drainTimeoutMs !== undefined) {
    if (
      typeof o.drainTimeoutMs !== "number" ||
      !(o.drainTimeoutMs >= 0) ||
      !Number.isFinite(o.drainTimeoutMs)
    ) {
      throw new ValidationError("drainTimeoutMs", "a finite number of at least 0", o.drainTimeoutMs, context);
    }
    drainTimeoutMs = o.drainTimeoutMs;
  }
  const signal = o.signal;
  if (
    signal !== undefined &&
    (signal === null ||
      typeof signal !== "object" ||
      typeof (signal as AbortSignal).addEventListener !== "function" ||
      typeof (signal as AbortSignal).aborted !== "boolean")
  ) {
    throw new ValidationError("signal", "an AbortSignal", signal, context);
  }
  const system = names(o.messageSystemAttributeNames, "messageSystemAttributeNames", context) ?? ["All"];
  if (!system.includes("All")) {
    for (const name of NEEDED_SYSTEM_ATTRIBUTES) if (!system.includes(name)) system.push(name);
  }
  const batch = boolean(o.batch, "batch", false, context);
  let logger: ConsumerLogger | undefined;
  if (o.logger === undefined) {
    const console = (globalThis as { console?: Partial<ConsumerLogger> }).console;
    logger =
      typeof console?.warn === "function" && typeof console.error === "function"
        ? (console as ConsumerLogger)
        : undefined;
  } else if (o.logger !== false) {
    const given = o.logger as Partial<ConsumerLogger> | null;
    if (
      given === null ||
      typeof given !== "object" ||
      typeof given.warn !== "function" ||
      typeof given.error !== "function"
    ) {
      throw new ValidationError(
        "logger",
        "false, or an object with warn and error methods",
        o.logger,
        context,
      );
    }
    logger = given as ConsumerLogger;
  }
  return {
    concurrency: integer(o.concurrency, "concurrency", 1, Number.MAX_SAFE_INTEGER, 10, context),
    waitTimeSeconds: integer(o.waitTimeSeconds, "waitTimeSeconds", 0, 20, 20, context),
    visibilityTimeout:
      o.visibilityTimeout === undefined
        ? undefined
        : integer(o.visibilityTimeout, "visibilityTimeout", 0, 43_200, 0, context),
    extendVisibility: boolean(o.extendVisibility, "extendVisibility", true, context),
    maxHandlerSeconds: positive(o.maxHandlerSeconds, "maxHandlerSeconds"),
    retryDelay,
    drainTimeoutMs,
    signal: signal as AbortSignal | undefined,
    unwrapSns: boolean(o.unwrapSns, "unwrapSns", false, context),
    messageAttributeNames: names(o.messageAttributeNames, "messageAttributeNames", context) ?? ["All"],
    messageSystemAttributeNames: system,
    batch,
    batchSize: integer(o.batchSize, "batchSize", 1, 10, 10, context),
    logger,
  };
}

/**
 * Checks `stop()`'s options (what the consumer and its facade share): the abort flag and the
 * drain timeout to use, or the ValidationError to reject with.
 */
export function checkStopOptions(
  options: unknown,
  drainTimeoutMs: number | undefined,
  context: ErrorContext,
): { abort: boolean; timeoutMs: number | undefined } | ValidationError {
  if (options === null || typeof options !== "object") {
    return new ValidationError("options", "an object", options, context);
  }
  const { abort = false, timeoutMs = drainTimeoutMs } = options as { abort?: unknown; timeoutMs?: unknown };
  if (typeof abort !== "boolean") return new ValidationError("abort", "a boolean", abort, context);
  if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !(timeoutMs >= 0))) {
    return new ValidationError("timeoutMs", "a number of at least 0", timeoutMs, context);
  }
  return { abort, timeoutMs };
}

/** Checks the options of `queue.messages()`: the consumer's, without `batch` or `batchSize`. */
export function checkMessagesOptions(options: unknown, context: ErrorContext): void {
  if (options !== null && typeof options === "object") {
    for (const key of ["batch", "batchSize"] as const) {
      const value = (options as Record<string, unknown>)[key];
      if (value !== undefined) {
        throw new ValidationError(key, "absent (messages() yields one message at a time)", value, context);
      }
    }
  }
  resolveConsumerOptions(options, context);
}
