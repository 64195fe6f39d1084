/**
 * Retry decisions: which failures are safe to retry, and how long to wait.
 *
 * Retried: connection failures before any response, HTTP 5xx, throttling error codes and HTTP
 * 429, and timeouts; with capped full-jitter exponential backoff. Never retried: validation
 * errors, other 4xx answers, checksum errors, and anything after the caller's signal aborted.
 *
 * @module
 */

import { isAbortError, isNetworkError, isResponseError, isServiceError, isTimeoutError } from "./errors.js";

/** The error codes AWS uses for throttling. */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "TransactionInProgressException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "SlowDown",
  "PriorRequestNotComplete",
  "EC2ThrottledException",
  "AWS.SimpleQueueService.RequestThrottled",
]);

/** Transient service error codes. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
]);

/** How a failure should be treated. */
export type FailureKind = "throttling" | "transient" | "fatal";

/** Classifies an error for retrying. */
export function classify(error: unknown): FailureKind {
  if (isAbortError(error)) return "fatal";
  if (isServiceError(error)) {
    if (error.statusCode === 429 || THROTTLING_CODES.has(error.code)) return "throttling";
    if (error.statusCode >= 500 || TRANSIENT_CODES.has(error.code)) return "transient";
    return "fatal";
  }
  if (isResponseError(error))
    return error.statusCode >= 500 || error.statusCode === 429 ? "transient" : "fatal";
  if (isNetworkError(error)) return "transient";
  if (isTimeoutError(error)) return "transient";
  return "fatal";
}

/** Options of {@link RetryPolicy}. */
export interface RetryOptions {
  /**
   * Attempts per call, the first included.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Base delay of the backoff in milliseconds (throttling waits 5 times longer).
   * @default 100
   */
  baseDelayMs?: number;
  /**
   * Longest wait between attempts, in milliseconds.
   * @default 20000
   */
  maxDelayMs?: number;
}

/** Decides whether and when to retry a failed attempt. */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly #base: number;
  readonly #cap: number;

  constructor(options: RetryOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.#base = options.baseDelayMs ?? 100;
    this.#cap = options.maxDelayMs ?? 20_000;
  }

  /**
   * The delay before the next attempt in milliseconds, or undefined to give up.
   * @param attempt - the attempt that just failed, from 1
   */
  delayAfter(error: unknown, attempt: number): number | undefined {
    if (attempt >= this.maxAttempts) return undefined;
    const kind = classify(error);
    if (kind === "fatal") return undefined;
    const base = kind === "throttling" ? this.#base * 5 : this.#base;
    const hint = isServiceError(error) ? error.retryAfterMs : undefined;
    const backoff = Math.random() * Math.min(this.#cap, base * 2 ** (attempt - 1));
    return hint !== undefined ? Math.min(this.#cap, Math.max(hint, backoff)) : backoff;
  }
}

/** Waits `ms` milliseconds, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
