/**
 * The browser build's stand-in for `md5-load.ts` (package.json's `browser` field maps one to the
 * other): received messages' digests are checked one at a time, with the pure MD5 the bundle has.
 *
 * @module
 */

import type { md5Many, receivedChecker } from "./md5-many.js";

/** Nothing to load: `checksums.ts` keeps its one-digest-at-a-time path. */
export function loadReceivedChecker(): Promise<typeof receivedChecker | undefined> {
  return Promise.resolve(undefined);
}

/** Nothing in browsers: the producers check one sent body at a time. */
export function loadMd5Many(): Promise<typeof md5Many | undefined> {
  return Promise.resolve(undefined);
}
