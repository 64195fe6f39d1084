/**
 * The rate limiter of the adaptive retry mode asked for by name (`retryMode: "adaptive"`,
 * `AWS_RETRY_MODE=adaptive`, a profile's `retry_mode = adaptive`). Bundlers for browsers and
 * Workers take `retry-by-name.browser.ts` instead (package.json's `browser` field), so that the
 * string form does not pull the limiter into every browser bundle; there, the mode comes as the
 * `adaptiveRetry` object.
 *
 * @module
 */

import { RateLimiter } from "./retry.js";

/**
 * A rate limiter for a client whose retry mode is `adaptive` by name.
 * @param _field - where the name came from (the browser build's error names it)
 */
export function rateLimiterByName(_field: string): RateLimiter {
  return new RateLimiter();
}
