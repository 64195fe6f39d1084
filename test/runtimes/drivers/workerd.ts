// Cloudflare workerd through miniflare: the library and the smoke suite bundled into one Worker
// module (test/runtimes/entries/worker.mjs → build/worker.js), which runs the suite with the
// Worker's own fetch. Miniflare's outbound network allows private addresses (loopback included),
// which bare workerd denies by default (its network service allows "public" only).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CheckResult } from "../smoke.js";
import type { RunContext, Runtime } from "./types.js";

/** The slice of miniflare's API used here (it is installed in .cache/runtimes, not a dependency). */
interface MiniflareLike {
  ready: Promise<unknown>;
  dispatchFetch(
    url: string,
    init: { method: string; body: string },
  ): Promise<{ status: number; text(): Promise<string> }>;
  dispose(): Promise<void>;
}
type MiniflareClass = new (options: Record<string, unknown>) => MiniflareLike;

/** workerd's compatibility date for the test Worker: a fixed one, so behaviour does not drift. */
export const COMPATIBILITY_DATE = "2025-09-01";

function packageVersion(context: RunContext, name: string): string {
  const file = join(context.cache, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function workerdRuntime(
  name: string,
  accessKeyId: string,
  compatibilityFlags: string[],
  bundle: "worker.js" | "worker-neutral.js",
): Runtime {
  return {
    name,
    accessKeyId,
    async run(context) {
      const entry = join(context.cache, "node_modules", "miniflare", "dist", "src", "index.js");
      const { Miniflare } = (await import(pathToFileURL(entry).href)) as { Miniflare: MiniflareClass };
      const version = `workerd ${packageVersion(context, "workerd")} (miniflare ${packageVersion(context, "miniflare")}${
        compatibilityFlags.length ? `, ${compatibilityFlags.join(", ")}` : ""
      }; ${bundle === "worker.js" ? "bundled as wrangler does, platform browser" : "bundled for the neutral platform"})`;
      const mf = new Miniflare({
        name: "asyncaws-smoke",
        // `modules: true` with `scriptPath`: miniflare reads the bundle's imports itself and
        // refuses an `import()` whose specifier is not a string literal ("dynamic module
        // specifiers are unsupported"), as static analysers do; the library has none.
        modules: true,
        scriptPath: join(context.build, bundle),
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags,
      });
      try {
        await mf.ready;
        const response = await mf.dispatchFetch("http://smoke.local/", {
          method: "POST",
          body: JSON.stringify({ endpoint: context.endpoint, accessKeyId }),
        });
        const text = await response.text();
        if (response.status !== 200)
          throw new Error(`the Worker answered ${response.status}: ${text.slice(0, 500)}`);
        const { results, lines } = JSON.parse(text) as { results: CheckResult[]; lines: string[] };
        for (const line of lines) context.log(`  [${name}] ${line}`);
        return { version, results };
      } finally {
        await mf.dispose();
      }
    },
  };
}

/**
 * workerd with no compatibility flags: no `process`, no Node built-ins; the library uses fetch.
 * Bundled for the neutral platform: the package's modules without the browser twins.
 */
export const workerd = workerdRuntime("workerd", "AKIDWORKERD", [], "worker-neutral.js");

/**
 * workerd with `nodejs_compat`, as many Workers are deployed: `process` and some Node built-ins
 * exist there, so the library must still pick a transport that works. Bundled as wrangler does.
 */
export const workerdNodeCompat = workerdRuntime(
  "workerd-nodejs_compat",
  "AKIDWORKERDNODE",
  ["nodejs_compat"],
  "worker.js",
);
