/**
 * The browser build's stand-in for `default.ts` (package.json's `browser` field maps one to the
 * other): a browser has no environment variables, no shared files and no metadata endpoints, so
 * the default is the browser chain (`chain.browser.ts`), which rejects each call with a
 * {@link CredentialsError} asking for the `credentials` option. Cloudflare Workers take
 * `default.worker.ts` instead (dist/worker/), which first looks at the environment's keys.
 *
 * @module
 */

import { type DefaultCredentialsOptions, defaultCredentials } from "./chain.browser.js";
import type { CredentialsProvider } from "./types.js";

/** The default chain of the browser build: it asks for the `credentials` option. */
export function defaultProvider(options: DefaultCredentialsOptions): CredentialsProvider {
  return defaultCredentials(options);
}
