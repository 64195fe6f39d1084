/**
 * The batch engine (`engine.ts`), loaded on first use with `import()` by `produce.ts`. Bundlers
 * for browsers and Workers take `load.browser.ts` instead (package.json's `browser` field),
 * which imports it statically.
 *
 * @module
 */

/** The batch engine module. */
export function loadEngineModule(): Promise<typeof import("./engine.js")> {
  return import("./engine.js");
}
