import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AbortError,
  ChecksumError,
  NetworkError,
  ResponseError,
  ServiceError,
  TimeoutError,
  ValidationError,
} from "../../src/core/errors.js";
import { classify, RateLimiter, RetryPolicy, RetryStrategy, THROTTLING_CODES } from "../../src/core/retry.js";

const service = (code: string, statusCode = 400, retryAfterMs?: number) =>
  new ServiceError("m", { code, statusCode, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

describe("classify", () => {
  it("retries throttling codes and HTTP 429", () => {
    const codes = [
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
      "Throttled",
      "KMSThrottling",
      "KmsThrottled",
      "KMS.ThrottlingException",
    ];
    for (const code of codes) {
      assert.ok(THROTTLING_CODES.has(code), code);
      assert.equal(classify(service(code)), "throttling", code);
    }
    assert.equal(classify(service("Whatever", 429)), "throttling");
    assert.equal(classify(new ResponseError("html", 429)), "throttling");
  });

  it("retries transient faults", () => {
    for (const status of [500, 502, 503, 504]) {
      assert.equal(classify(service("X", status)), "transient");
      assert.equal(classify(new ResponseError("html", status)), "transient");
    }
    for (const code of ["RequestTimeout", "RequestTimeoutException", "TimeoutError"]) {
      assert.equal(classify(service(code)), "transient", code);
    }
    assert.equal(classify(new NetworkError("reset", undefined, { code: "ECONNRESET" })), "transient");
    assert.equal(classify(new NetworkError("refused", undefined, { code: "ECONNREFUSED" })), "transient");
    assert.equal(classify(new NetworkError("dns", undefined, { code: "ENOTFOUND" })), "transient");
    assert.equal(classify(new TimeoutError(1000)), "transient");
  });

  it("does not retry the rest", () => {
    for (const error of [
      service("AccessDenied", 403),
      service("QueueDoesNotExist", 400),
      service("NotImplemented", 501),
      new ResponseError("bad json", 200),
      new ValidationError("f", "r", 1),
      new ChecksumError("MD5OfMessageBody", "a", "b"),
      new AbortError(),
      new Error("plain"),
    ]) {
      assert.equal(classify(error), "fatal", String(error));
    }
  });
});

describe("backoff", () => {
  it("uses full jitter with a 100 ms base, 500 ms for throttling, capped at 20 s", () => {
    const policy = new RetryPolicy({ maxAttempts: 30 });
    for (let attempt = 1; attempt < 30; attempt++) {
      for (let i = 0; i < 20; i++) {
        const transient = policy.delayAfter(service("X", 503), attempt)!;
        const throttled = policy.delayAfter(service("Throttling"), attempt)!;
        assert.ok(transient >= 0 && transient <= Math.min(20_000, 100 * 2 ** (attempt - 1)));
        assert.ok(throttled >= 0 && throttled <= Math.min(20_000, 500 * 2 ** (attempt - 1)));
      }
    }
  });

  it("honours a Retry-After hint, up to the cap", () => {
    const policy = new RetryPolicy({ maxAttempts: 5 });
    assert.ok(policy.delayAfter(service("Throttling", 400, 3000), 1)! >= 3000);
    assert.equal(policy.delayAfter(service("Throttling", 400, 60_000), 1), 20_000);
  });

  it("stops at maxAttempts and on fatal errors", () => {
    const policy = new RetryPolicy({ maxAttempts: 3 });
    assert.notEqual(policy.delayAfter(service("X", 500), 2), undefined);
    assert.equal(policy.delayAfter(service("X", 500), 3), undefined);
    assert.equal(policy.delayAfter(service("AccessDenied", 403), 1), undefined);
  });
});

describe("retry quota", () => {
  it("takes 5 per retry, 10 after a timeout or connection error, and gives back on success", () => {
    const strategy = new RetryStrategy({ maxAttempts: 3 });
    assert.equal(strategy.availableCapacity, 500);
    const a = strategy.begin();
    assert.notEqual(strategy.retryDelay(a, service("X", 503), 1), undefined);
    assert.equal(strategy.availableCapacity, 495);
    const b = strategy.begin();
    assert.notEqual(strategy.retryDelay(b, new TimeoutError(10), 1), undefined);
    assert.equal(strategy.availableCapacity, 485);
    const c = strategy.begin();
    assert.notEqual(strategy.retryDelay(c, new NetworkError("reset"), 1), undefined);
    assert.equal(strategy.availableCapacity, 475);
    strategy.succeeded(a);
    assert.equal(strategy.availableCapacity, 480);
    strategy.succeeded(b);
    assert.equal(strategy.availableCapacity, 490);
    // A success without retries adds 1, up to the size of the quota.
    for (let i = 0; i < 20; i++) strategy.succeeded(strategy.begin());
    assert.equal(strategy.availableCapacity, 500);
  });

  it("refuses retries once empty, and refills with successes", () => {
    const strategy = new RetryStrategy({ maxAttempts: 3 });
    let retries = 0;
    for (let i = 0; i < 200; i++) {
      if (strategy.retryDelay(strategy.begin(), service("X", 500), 1) !== undefined) retries++;
    }
    assert.equal(retries, 100);
    assert.equal(strategy.retryDelay(strategy.begin(), service("X", 500), 1), undefined);
    for (let i = 0; i < 5; i++) strategy.succeeded(strategy.begin());
    assert.notEqual(strategy.retryDelay(strategy.begin(), service("X", 500), 1), undefined);
  });

  it("does not take tokens for errors it will not retry", () => {
    const strategy = new RetryStrategy({ maxAttempts: 3 });
    assert.equal(strategy.retryDelay(strategy.begin(), service("AccessDenied", 403), 1), undefined);
    assert.equal(strategy.retryDelay(strategy.begin(), service("X", 500), 3), undefined);
    assert.equal(strategy.availableCapacity, 500);
  });
});

describe("adaptive rate limiter", () => {
  it("stays off until the first throttle, then limits and recovers as calls succeed", () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 50; i++) {
      now += 20; // 50 requests per second
      limiter.update(false);
      assert.equal(limiter.acquire(), undefined);
    }
    assert.equal(limiter.enabled, false);
    now += 20;
    limiter.update(true);
    assert.equal(limiter.enabled, true);
    const cut = limiter.fillRate;
    assert.ok(cut > 0 && cut < 50, `rate after a throttle: ${cut}`);
    // Successes over the next seconds raise the rate again (CUBIC).
    let rate = cut;
    for (let i = 0; i < 200; i++) {
      now += 20;
      limiter.update(false);
      rate = limiter.fillRate;
    }
    assert.ok(rate > cut, `rate after 4 s of successes: ${rate} (was ${cut})`);
  });

  it("cuts the rate again on each throttle, never below 0.5 per second", () => {
    let now = 5_000_000;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 20; i++) {
      now += 100;
      limiter.update(true);
      assert.ok(limiter.fillRate >= 0.5);
    }
    assert.equal(limiter.fillRate, 0.5);
  });

  it("lets a waiting acquire be aborted", async () => {
    let now = 9_000_000;
    const limiter = new RateLimiter(() => now);
    limiter.update(true); // on, at the minimum rate, with an empty bucket
    now += 1;
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    assert.ok(waiting);
    controller.abort(new Error("stop"));
    await assert.rejects(waiting, /stop/);
  });

  it("is used only in adaptive mode", () => {
    assert.equal(new RetryStrategy({ mode: "standard" }).rateLimiter, undefined);
    const adaptive = new RetryStrategy({ mode: "adaptive" });
    assert.ok(adaptive.rateLimiter);
    adaptive.afterAttempt(service("ThrottlingException"));
    assert.equal(adaptive.rateLimiter.enabled, true);
  });
});
