/**
 * How the client signs its own requests: synchronously, with {@link signOwnRequest} (`node:crypto`
 * where the runtime has it, else the pure code). The browser build maps this module to
 * `own.browser.ts` (package.json's `browser` field), which signs with Web Crypto and returns a
 * promise; the client awaits a promise only when it gets one, so this path costs no tick.
 *
 * @module
 */

import type { Credentials } from "../credentials/types.js";
import { signOwnRequest } from "./headers.js";

/**
 * Signs one of asyncaws's own requests in place (see {@link signOwnRequest}). Returns `undefined`
 * once done, or, in the browser build, a promise that resolves once `authorization` is set.
 */
export const signOwn = signOwnRequest as (
  method: string,
  canonicalUri: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  credentials: Credentials,
  region: string,
  service: string,
  date: Date,
  query?: string,
) => Promise<void> | undefined;
