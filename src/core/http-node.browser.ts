/**
 * The browser build's stand-in for `http-node` (package.json's `browser` field maps one to the
 * other): browsers have no `node:net`, so the transport is always `fetch`. A browser build that
 * runs where `process.versions.node` exists anyway (an Electron renderer, a test runner with a DOM)
 * also lands here, and sends with the global `fetch` instead of failing.
 *
 * @module
 */

import { fetchTransport, type Transport } from "./http-common.js";

/** The browser build's transport: the global `fetch` (there is no `node:net` client here). */
export function netTransport(): Transport {
  return fetchTransport();
}
