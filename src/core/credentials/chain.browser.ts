/**
 * The browser build's default credential chain (package.json's `browser` field maps `chain` to
 * this module). A browser has no environment variables, no shared files, no container or instance
 * metadata endpoint and no web identity token file, so there is nothing to look for: the client's
 * `credentials` option is needed, and without it calls fail with a {@link CredentialsError} that
 * says so.
 *
 * Each provider of the full chain (`fromEnv`, `fromWebIdentity`, `fromContainer`, ...) can still
 * be imported and passed as `credentials` (`fromEnv()` for a runtime that has `process.env`, such
 * as Workers with `nodejs_compat`); only the default changes.
 *
 * @module
 */

import { CredentialsError } from "../errors.js";
import type { CredentialsProvider } from "./types.js";

export type { DefaultCredentialsOptions } from "./chain.js";

/**
 * The default credential provider of the browser build: it has no source to read, so it rejects
 * with a CredentialsError asking for the `credentials` option.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: async () => (await fetch("/aws-credentials")).json() });
 * ```
 */
export function defaultCredentials(_options?: object): CredentialsProvider {
  return () =>
    Promise.reject(
      new CredentialsError(
        "no credentials: a browser build has no default credential chain; pass the credentials option (an object, or a provider such as fromEnv() where there are environment variables)",
      ),
    );
}
