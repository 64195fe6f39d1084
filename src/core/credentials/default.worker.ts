/**
 * Cloudflare Workers' stand-in for `default.ts` (the package's `workerd` and `worker` export
 * conditions take dist/worker/, where this module is `core/credentials/default.js`): the same
 * answer, the environment's keys when the runtime has them (a Worker with `nodejs_compat`) and no
 * profile was chosen, else the browser chain (`chain.browser.ts`), which asks for the
 * `credentials` option. The keys are read at each call, as `fromEnv()` reads them, rather than
 * cached as the Node chain caches them: reading them costs little, the answer is the same (a
 * Worker's environment does not change; keys with an expiration are read again either way), and
 * the bundle carries no cache. The browser chain is imported statically, not with `import()`: a
 * bundle without dynamic imports keeps its modules flat, which lets the bundler leave out more
 * unused code. Browsers take `default.browser.ts`, which reads no environment.
 *
 * @module
 */

import { type DefaultCredentialsOptions, defaultCredentials } from "./chain.browser.js";
import { environmentHasKeys, fromEnv } from "./env.js";
import type { CredentialsProvider } from "./types.js";

/**
 * The default chain of Workers, resolved at the first call: the environment's keys when
 * they are set and no profile was chosen in code (read at each call), else a provider that rejects with a
 * CredentialsError asking for the `credentials` option.
 */
export function defaultProvider(options: DefaultCredentialsOptions): CredentialsProvider {
  let provider: CredentialsProvider | undefined;
  return (request) => {
    provider ??=
      options.profile === undefined && environmentHasKeys() ? fromEnv() : defaultCredentials(options);
    return provider(request);
  };
}
