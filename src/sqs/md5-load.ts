/**
 * Loads the check of a ReceiveMessage answer's digests in one WebAssembly call (`md5-many.ts`)
 * for `checksums.ts`, and the digester of many sent bodies for `producer-batch.ts`. Bundlers for browsers and Workers take `md5-load.browser.ts` instead
 * (package.json's `browser` field), so that a browser bundle holds no `import()` (esbuild would
 * wrap the modules it reaches for lazy initialization) and no module it never runs.
 *
 * @module
 */

import type { md5Many, receivedChecker } from "./md5-many.js";

/** The module's `receivedChecker`. */
export function loadReceivedChecker(): Promise<typeof receivedChecker | undefined> {
  return import("./md5-many.js").then((m) => m.receivedChecker);
}

/** The module's `md5Many` (the digester of many inputs in one call). */
export function loadMd5Many(): Promise<typeof md5Many | undefined> {
  return import("./md5-many.js").then((m) => m.md5Many);
}
