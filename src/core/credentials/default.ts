/**
 * The credentials of a client given none: the default chain (`chain.ts`), loaded on first use so
 * that an application passing its own credentials does not load or bundle its sources. When the
 * chain's first source, the environment's keys, has credentials (as in AWS Lambda, or a Worker
 * with `nodejs_compat`), they are used without loading the chain at all: a cold start then reads
 * one file less per source. In a browser build the chain is `chain.browser.ts`, which says to pass
 * credentials.
 *
 * @module
 */

import { cachedProvider } from "./cache.js";
import type { DefaultCredentialsOptions } from "./chain.js";
import { environmentHasKeys, fromEnv } from "./env.js";
import type { CredentialsProvider } from "./types.js";

/**
 * The default chain as a provider, resolved at the first call: the environment's keys when they
 * are set and no profile was chosen in code (exactly the chain's answer: it would take them
 * first, and refresh from them alone), else the whole chain.
 */
export function defaultProvider(options: DefaultCredentialsOptions): CredentialsProvider {
  let provider: CredentialsProvider | Promise<CredentialsProvider> | undefined;
  return async (request) => {
    if (provider === undefined) {
      provider =
        options.profile === undefined && environmentHasKeys()
          ? cachedProvider(fromEnv())
          : // biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
            import("./chain.js").then(
              (chainModule) => chainModule.defaultCredentials(options),
              (error: unknown) => {
                provider = undefined; // a failed load is tried again at the next call
                throw error;
              },
            );
    }
    if (provider instanceof Promise) provider = await provider;
    return provider(request);
  };
}
