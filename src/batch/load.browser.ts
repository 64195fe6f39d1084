/**
 * The browser build's stand-in for `load.ts` (package.json's `browser` field maps one to the
 * other): the batch engine imported statically. With an `import()` here, a single-file bundle
 * would put every module the engine reaches (the whole core) behind a lazy initializer, even in
 * a program that never batches (see `sqs/lazy.browser.ts`).
 *
 * @module
 */

import * as engine from "./engine.js";

/** The batch engine module. */
export function loadEngineModule(): Promise<typeof engine> {
  return Promise.resolve(engine);
}
