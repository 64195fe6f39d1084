/**
 * The browser build's stand-in for `http.ts` (package.json's `browser` field maps one to the
 * other): the transport is always `fetch`, the injected one or the global one. Browsers have no
 * `node:net`; a browser build that runs where `process.versions.node` exists anyway (an Electron
 * renderer, a test runner with a DOM) sends with `fetch` too, instead of failing.
 *
 * There is no `import()` here (`http.ts` loads the `node:net` client with one): a bundle without
 * dynamic imports keeps its modules flat, which lets the bundler leave out more unused code.
 *
 * @module
 */

import { type FetchFn, fetchTransport, type Transport } from "./http-common.js";

export {
  type FetchFn,
  fetchTransport,
  type HttpRequest,
  type HttpResponse,
  messageOf,
  systemCode,
  type Transport,
} from "./http-common.js";

/** The browser build's default transport: `fetchFn` when given, else the global `fetch`. */
export function defaultTransport(fetchFn?: FetchFn): Transport {
  return fetchTransport(fetchFn);
}
