/**
 * The producer options ({@link BatchProducerOptions}), read and checked: shared by the batch
 * engine (`engine.ts`) and the `BatchProducer` class that checks them at once and loads the
 * engine at first use (`produce.ts`).
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "../core/errors.js";
import type { BatchProducerOptions, CloseOptions } from "./engine.js";

function checkOption(
  options: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  integer: boolean,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    Number.isNaN(value) ||
    value < min ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new ValidationError(
      name,
      integer ? `an integer of at least ${min}` : `a finite number of at least ${min}`,
      value,
    );
  }
  return value;
}

/** Producer options, read and checked. */
export interface ResolvedProducerOptions {
  lingerMs: number;
  maxInFlightBatches: number;
  maxQueued: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  deadlineMs: number | undefined;
  signal: AbortSignal | undefined;
}

/** Reads and checks producer options ({@link BatchProducerOptions}); errors name the option and the value received. */
export function resolveProducerOptions(options: unknown): ResolvedProducerOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError("options", "an object", options);
  }
  const o = options as Record<string, unknown>;
  const signal = o.signal;
  if (signal !== undefined && typeof (signal as AbortSignal | null)?.addEventListener !== "function") {
    throw new ValidationError("signal", "an AbortSignal", signal);
  }
  const deadlineMs = o.deadlineMs === undefined ? undefined : checkOption(o, "deadlineMs", 0, 1, false);
  return {
    lingerMs: checkOption(o, "lingerMs", 5, 0, false),
    maxInFlightBatches: checkOption(o, "maxInFlightBatches", 10, 1, true),
    maxQueued: checkOption(o, "maxQueued", 1000, 1, true),
    maxAttempts: checkOption(o, "maxAttempts", 5, 1, true),
    retryBaseDelayMs: checkOption(o, "retryBaseDelayMs", 100, 0, false),
    retryMaxDelayMs: checkOption(o, "retryMaxDelayMs", 10_000, 0, false),
    deadlineMs,
    signal: signal as AbortSignal | undefined,
  };
}

/**
 * Reads and checks the options of `close()` ({@link CloseOptions}), before the producer closes:
 * a bad option fails the call and leaves the producer as it was.
 */
export function checkCloseOptions(
  options: unknown,
  context: ErrorContext | undefined,
): { timeoutMs: number | undefined; signal: AbortSignal | undefined } {
  if (options === undefined) return { timeoutMs: undefined, signal: undefined };
  if (options === null || typeof options !== "object")
    throw new ValidationError("options", "an object", options, context);
  const { timeoutMs, signal } = options as CloseOptions;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== "number" || !(timeoutMs >= 0) || !Number.isFinite(timeoutMs))
  ) {
    throw new ValidationError("timeoutMs", "a finite number of at least 0", timeoutMs, context);
  }
  if (signal !== undefined && typeof signal?.addEventListener !== "function") {
    throw new ValidationError("signal", "an AbortSignal", signal, context);
  }
  return { timeoutMs, signal };
}
