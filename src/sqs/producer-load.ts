/**
 * The loader of the producers' sending code (`producer-send.ts`), which Node, Bun and Deno load
 * at a target's first batch. Bundlers for browsers and Workers take `producer-load.browser.ts`
 * (package.json's `browser` field), which imports it statically, as `lazy.ts` does for the
 * consumer (see there why). Apart from `lazy.ts` because `queue-batch.ts`, which `lazy.ts` loads,
 * imports the producer: one loader for both would make an import cycle.
 *
 * @module
 */

/** The producers' sending code (`producer-send.ts`). */
export function loadProducerSend(): Promise<typeof import("./producer-send.js")> {
  return import("./producer-send.js");
}
