/**
 * Loads the check of a ReceiveMessage answer's digests in one WebAssembly call (`md5-many.ts`)
 * for `checksums.ts`. Bundlers for browsers and Workers take `md5-load.browser.ts` instead
 * (package.json's `browser` field), so that a browser bundle holds no `import()` (esbuild would
 * wrap the modules it reaches for lazy initialization) and no module it never runs.
 *
 * @module
 */

import type { receivedChecker } from "./md5-many.js";

/** The module's `receivedChecker`. */
export function loadReceivedChecker(): Promise<typeof receivedChecker | undefined> {
  return import("./md5-many.js").then((m) => m.receivedChecker);
}
