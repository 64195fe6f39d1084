/**
 * The browser build's default credential chain (package.json's `browser` field maps `chain` to
 * this module). A browser has no shared files, no container or instance metadata endpoint and no
 * web identity token file, so the chain is short:
 *
 * 1. environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, where the
 *    runtime has a `process.env` at all (Workers with `nodejs_compat` bundled for the browser);
 * 2. else a {@link CredentialsError} that says to pass the `credentials` option.
 *
 * Each provider of the full chain (`fromWebIdentity`, `fromContainer`, `fromProfile`, ...) can
 * still be imported and passed as `credentials`; only the default changes.
 *
 * @module
 */

import { CredentialsError } from "../errors.js";
import { readEnvironment } from "./env.js";
import { NotConfigured } from "./secret.js";
import type { CredentialsProvider } from "./types.js";

export type { DefaultCredentialsOptions } from "./chain.js";

/** What a browser build does not look for, as the error's last attempt. */
const NOT_HERE = {
  source: "shared files, web identity, container credentials, instance metadata",
  reason: "not read in a browser build: pass the credentials option (an object or a provider)",
};

/**
 * The default credential provider of the browser build: the environment's keys where there is an
 * environment, else a CredentialsError asking for the `credentials` option. A `profile` given in
 * code skips the environment, as in the full chain.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: async () => (await fetch("/aws-credentials")).json() });
 * ```
 */
export function defaultCredentials(options: { profile?: string | undefined } = {}): CredentialsProvider {
  return async () => {
    if (options.profile !== undefined) {
      const skipped = { source: "environment", reason: "skipped: a profile was chosen in code" };
      throw new CredentialsError("no credentials found", [skipped, NOT_HERE]);
    }
    const found = readEnvironment();
    if (found instanceof NotConfigured) {
      throw new CredentialsError("no credentials found", [...found.attempts, NOT_HERE]);
    }
    return found;
  };
}
