/**
 * Retries, as the AWS SDKs' standard and adaptive retry modes specify them.
 *
 * Retried: throttling (HTTP 429 and the throttling codes), transient faults (HTTP 500, 502, 503,
 * 504, the transient codes, connection failures and timeouts). Never retried: validation errors,
 * other 4xx answers, checksum errors, and anything after the caller's signal aborted.
 *
 * - Backoff: full jitter, `random() * min(20 s, base * 2^(attempt - 1))`, base 100 ms (500 ms for
 *   throttling); a `Retry-After` / `x-amz-retry-after` hint lengthens the wait (up to the cap).
 * - Retry quota, shared by a client's calls: 500 tokens; a retry costs 5 (10 after a timeout or a
 *   connection failure); a call that succeeds after retrying gives its last cost back, one that
 *   succeeds at once adds 1. With too few tokens the error is thrown instead: a failing service
 *   is not hit by a retry storm.
 * - Adaptive mode: the same, plus a client-side token bucket that limits the send rate after the
 *   first throttling answer (CUBIC, as the SDKs do), and lifts the limit as calls succeed.
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
  // SNS's own throttling codes (sent as sender faults).
  "Throttled",
  "KMSThrottling",
  "AWS.SimpleQueueService.RequestThrottled",
  // SQS's KMS throttling (an encrypted queue whose key is throttled): the model's name and its
  // Query code, both sent as sender faults (HTTP 400).
  "KmsThrottled",
  "KMS.ThrottlingException",
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

/** HTTP statuses that are transient faults. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** Error codes AWS answers when the request's clock is off (checked against the server's `Date`). */
export const CLOCK_SKEW_CODES: ReadonlySet<string> = new Set([
  "RequestTimeTooSkewed",
  "RequestExpired",
  "RequestInTheFuture",
  "SignatureDoesNotMatch",
  "InvalidSignatureException",
  "AuthFailure",
]);

/** How a failure should be treated. */
export type FailureKind = "throttling" | "transient" | "fatal";

/** Classifies an error for retrying. */
export function classify(error: unknown): FailureKind {
  if (isAbortError(error)) return "fatal";
  if (isServiceError(error)) {
    if (error.statusCode === 429 || THROTTLING_CODES.has(error.code)) return "throttling";
    if (TRANSIENT_STATUSES.has(error.statusCode) || TRANSIENT_CODES.has(error.code)) return "transient";
    return "fatal";
  }
  if (isResponseError(error)) {
    if (error.statusCode === 429) return "throttling";
    return TRANSIENT_STATUSES.has(error.statusCode) ? "transient" : "fatal";
  }
  if (isNetworkError(error) || isTimeoutError(error)) return "transient";
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

/** The backoff: whether and when to retry one failed attempt, without a quota. */
export class RetryPolicy {
  declare readonly maxAttempts: number;
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

// ---------------------------------------------------------------------------------------------
// Standard and adaptive modes

/** Options of {@link RetryStrategy}. */
export interface RetryStrategyOptions extends RetryOptions {
  /**
   * `standard`, or `adaptive` (adds a client-side rate limiter after the first throttling answer).
   * @default "standard"
   */
  mode?: "standard" | "adaptive";
  /**
   * Size of the retry quota.
   * @default 500
   */
  quota?: number;
  /** The clock, in milliseconds (tests). @default Date.now */
  now?: () => number;
}

/** What a strategy remembers about one call. */
export interface RetryState {
  /** Quota tokens taken by the last retry, 0 before any. */
  lastCost: number;
}

/**
 * The retries of one client: the backoff of {@link RetryPolicy}, the retry quota shared by its
 * calls and, given a rate limiter, the adaptive mode's client-side rate limiting. What the client
 * uses; it takes the limiter rather than making it, so that a bundle whose program never asks for
 * the adaptive mode carries no limiter code ({@link RetryStrategy} picks the limiter by mode name).
 */
export class ClientRetry extends RetryPolicy {
  readonly #max: number;
  #capacity: number;
  readonly #limiter: RateLimiter | undefined;

  constructor(options: Omit<RetryStrategyOptions, "mode" | "now"> = {}, limiter?: RateLimiter) {
    super(options);
    this.#capacity = this.#max = options.quota ?? 500;
    this.#limiter = limiter;
  }

  /** Tokens left in the retry quota. */
  get availableCapacity(): number {
    return this.#capacity;
  }

  /** The adaptive mode's rate limiter (undefined in standard mode). */
  get rateLimiter(): RateLimiter | undefined {
    return this.#limiter;
  }

  /** Starts a call. */
  begin(): RetryState {
    return { lastCost: 0 };
  }

  /** Before each attempt: in adaptive mode, waits for a send token (rejects when `signal` aborts). */
  beforeAttempt(signal?: AbortSignal): Promise<void> | undefined {
    return this.#limiter?.acquire(signal);
  }

  /** After each attempt that got an answer or failed: feeds the adaptive rate limiter. */
  afterAttempt(error?: unknown): void {
    if (!this.#limiter) return;
    if (error !== undefined && isAbortError(error)) return;
    this.#limiter.update(error !== undefined && classify(error) === "throttling");
  }

  /** The call succeeded: gives tokens back to the quota (its last retry's cost, else 1). */
  succeeded(state: RetryState): void {
    this.#capacity = Math.min(this.#max, this.#capacity + (state.lastCost || 1));
  }

  /**
   * The delay before retrying, taking tokens from the quota, or undefined to give up (not
   * retryable, attempts used up, quota exhausted). A retry costs 5 tokens, 10 after a timeout or
   * a connection failure.
   * @param attempt - the attempt that just failed, from 1
   */
  retryDelay(state: RetryState, error: unknown, attempt: number): number | undefined {
    const delay = this.delayAfter(error, attempt);
    const cost = isNetworkError(error) || isTimeoutError(error) ? 10 : 5;
    if (delay === undefined || this.#capacity < cost) return undefined;
    this.#capacity -= cost;
    state.lastCost = cost;
    return delay;
  }
}

/**
 * The retry strategy of a mode named `standard` or `adaptive`: {@link ClientRetry} with, in
 * adaptive mode, a rate limiter of its own.
 */
export class RetryStrategy extends ClientRetry {
  /** The retry mode. */
  readonly mode: "standard" | "adaptive";

  constructor(options: RetryStrategyOptions = {}) {
    super(options, options.mode === "adaptive" ? new RateLimiter(options.now) : undefined);
    this.mode = options.mode ?? "standard";
  }
}

/**
 * The adaptive retry mode as an object, for the `retryMode` option: the standard mode plus a
 * client-side rate limiter that slows calls down after the service throttles (see
 * {@link RateLimiter}). The string `"adaptive"` does the same on Node, Bun and Deno; browser and
 * Workers bundles (package.json's `browser` field) carry the limiter only when a program imports
 * this object, so there the string is refused with a `ValidationError` that says to pass it.
 *
 * @example
 * ```ts
 * import { SQSClient, adaptiveRetry } from "asyncaws/sqs";
 *
 * const sqs = new SQSClient({ region: "eu-west-1", retryMode: adaptiveRetry });
 * ```
 */
export const adaptiveRetry: AdaptiveRetry = { mode: "adaptive", rateLimiter: () => new RateLimiter() };

/** The type of {@link adaptiveRetry}. */
export interface AdaptiveRetry {
  /** Always `adaptive`. */
  readonly mode: "adaptive";
  /** Makes the rate limiter of one client. */
  readonly rateLimiter: () => RateLimiter;
}

// The adaptive mode's constants, as the SDKs have them: the least fill rate and capacity, the
// smoothing of the measured rate, CUBIC's beta (the cut on a throttle) and scale.
const MIN_FILL_RATE = 0.5;
const MIN_CAPACITY = 1;
const SMOOTH = 0.8;
const BETA = 0.7;
const SCALE = 0.4;

/**
 * The adaptive mode's client-side rate limiter: a token bucket whose fill rate follows CUBIC,
 * cut on each throttling answer and grown back as calls succeed. Off until the first throttle.
 */
export class RateLimiter {
  readonly #now: () => number;
  #fillRate = 0;
  #maxCapacity = 0;
  #capacity = 0;
  #lastTimestamp: number | undefined;
  #enabled = false;
  #measuredRate = 0;
  #lastRateBucket: number;
  #requestCount = 0;
  #lastMaxRate = 0;
  #lastThrottleTime: number;
  #timeWindow = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#lastRateBucket = Math.floor(this.#seconds());
    this.#lastThrottleTime = this.#seconds();
  }

  /** Whether the limiter is on (after a throttling answer). */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** The current send rate limit, in requests per second (0 while off). */
  get fillRate(): number {
    return this.#enabled ? this.#fillRate : 0;
  }

  #seconds(): number {
    return this.#now() / 1000;
  }

  /** Waits until a send token is available; resolves at once while the limiter is off. */
  acquire(signal?: AbortSignal): Promise<void> | undefined {
    if (!this.#enabled) return undefined;
    // Waiters are served in order: each one waits for the previous.
    const turn = this.#queue.then(() => this.#take(signal));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  async #take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      this.#refill();
      if (!this.#enabled || this.#capacity >= 1) {
        if (this.#enabled) this.#capacity -= 1;
        return;
      }
      const waitMs = ((1 - this.#capacity) / this.#fillRate) * 1000;
      await sleep(Math.max(1, waitMs), signal);
    }
  }

  #refill(): void {
    const timestamp = this.#seconds();
    if (this.#lastTimestamp === undefined) {
      this.#lastTimestamp = timestamp;
      return;
    }
    const fill = (timestamp - this.#lastTimestamp) * this.#fillRate;
    this.#capacity = Math.min(this.#maxCapacity, this.#capacity + fill);
    this.#lastTimestamp = timestamp;
  }

  /** Records the outcome of an attempt. */
  update(throttled: boolean): void {
    this.#updateMeasuredRate();
    let rate: number;
    if (throttled) {
      const rateToUse = this.#enabled ? Math.min(this.#measuredRate, this.#fillRate) : this.#measuredRate;
      this.#lastMaxRate = rateToUse;
      this.#computeTimeWindow();
      this.#lastThrottleTime = this.#seconds();
      rate = rateToUse * BETA;
      this.#enabled = true;
    } else {
      this.#computeTimeWindow();
      rate = SCALE * (this.#seconds() - this.#lastThrottleTime - this.#timeWindow) ** 3 + this.#lastMaxRate;
    }
    this.#setRate(Math.min(rate, 2 * this.#measuredRate));
  }

  #computeTimeWindow(): void {
    this.#timeWindow = Math.cbrt((this.#lastMaxRate * (1 - BETA)) / SCALE);
  }

  #setRate(rate: number): void {
    this.#refill();
    this.#fillRate = Math.max(rate, MIN_FILL_RATE);
    this.#maxCapacity = Math.max(rate, MIN_CAPACITY);
    this.#capacity = Math.min(this.#capacity, this.#maxCapacity);
  }

  #updateMeasuredRate(): void {
    const t = this.#seconds();
    const bucket = Math.floor(t * 2) / 2;
    this.#requestCount++;
    if (bucket > this.#lastRateBucket) {
      const current = this.#requestCount / (bucket - this.#lastRateBucket);
      this.#measuredRate = current * SMOOTH + this.#measuredRate * (1 - SMOOTH);
      this.#requestCount = 0;
      this.#lastRateBucket = bucket;
    }
  }
}

/**
 * Waits `ms` milliseconds, or rejects as soon as `signal` aborts; resolves early when `until`
 * aborts (a call's `retriesUntil`: the wait before a retry that will not be made).
 */
export function sleep(ms: number, signal?: AbortSignal, until?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (until?.aborted) return resolve();
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      until?.removeEventListener("abort", onUntil);
    };
    const onAbort = () => {
      end();
      reject(signal?.reason);
    };
    const onUntil = () => {
      end();
      resolve();
    };
    const timer = setTimeout(() => {
      end();
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    until?.addEventListener("abort", onUntil, { once: true });
  });
}
