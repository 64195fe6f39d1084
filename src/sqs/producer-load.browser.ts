/**
 * The browser build's stand-in for `producer-load.ts` (package.json's `browser` field maps one to
 * the other): the same loader, with the module imported statically (`lazy.browser.ts` says why).
 *
 * @module
 */

import * as producerSend from "./producer-send.js";

/** The producers' sending code (`producer-send.ts`). */
export function loadProducerSend(): Promise<typeof producerSend> {
  return Promise.resolve(producerSend);
}
