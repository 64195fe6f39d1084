/**
 * The browser build's stand-in for `retry-by-name.ts` (package.json's `browser` field maps one to
 * the other): a bundle has only the code its program imports, and the string `"adaptive"` imports
 * nothing, so a client asked for the adaptive mode by name is refused when it is made, with a
 * ValidationError that says what to import instead.
 *
 * @module
 */

import { ValidationError } from "./errors.js";
import type { RateLimiter } from "./retry.js";

/**
 * Throws: in a browser or Workers bundle, the adaptive mode comes as `adaptiveRetry`.
 * @param field - where the name came from (`retryMode`, `AWS_RETRY_MODE`)
 */
export function rateLimiterByName(field: string): RateLimiter {
  throw new ValidationError(
    field,
    '"standard", or adaptiveRetry imported from "asyncaws" (browser bundles have no code for "adaptive")',
    "adaptive",
  );
}
