/**
 * The browser build's stand-in for `default.ts` (package.json's `browser` field maps one to the
 * other): no environment to look at first, so the default chain, loaded on first use (in a
 * browser build, `chain.browser.ts`: it says to pass credentials).
 *
 * @module
 */

import type { DefaultCredentialsOptions } from "./chain.js";
import type { CredentialsProvider } from "./types.js";

/** The default chain as a provider, loaded at the first call. */
export function defaultProvider(options: DefaultCredentialsOptions): CredentialsProvider {
  let provider: Promise<CredentialsProvider> | undefined;
  return async (request) => {
    provider ??= import("./chain.js").then((chainModule) => chainModule.defaultCredentials(options));
    return (await provider)(request);
  };
}
