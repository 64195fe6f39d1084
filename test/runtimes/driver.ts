// The runtime smoke driver: builds the bundles, starts fauxqs and the proxy on loopback, runs the
// smoke suite on each runtime, prints one line per runtime and check, then `N passed, N failed`.
// Exits 1 if any check failed. Run through scripts/runtimes/run.sh (which bundles this file).
//
// Usage: node .cache/runtimes/build/driver.mjs [--only name,name] [--verbose]
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { startFauxqs } from "fauxqs";
import { chromium } from "./drivers/chromium.js";
import { bun, deno, node20, node24 } from "./drivers/process.js";
import { type Runtime, type RuntimeOutcome, result } from "./drivers/types.js";
import { workerd, workerdNodeCompat } from "./drivers/workerd.js";
import { startProxy } from "./proxy.js";
import { type CheckResult, TEST_SECRET } from "./smoke.js";

/** Every runtime, in the order they run. */
export const RUNTIMES: readonly Runtime[] = [node20, node24, bun, deno, workerd, workerdNodeCompat, chromium];

// The repository root: the working directory (scripts/runtimes/run.sh starts here from there).
// Not this file's location, whose real path may be elsewhere when .cache is a link.
const root = process.cwd();
const cache = join(root, ".cache/runtimes");
const buildDir = join(cache, "build");

function parseArgs(argv: string[]): { only?: string[]; verbose: boolean } {
  const out: { only?: string[]; verbose: boolean } = { verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--only") out.only = (argv[++i] ?? "").split(",").filter(Boolean);
    else if (arg === "--verbose") out.verbose = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return out;
}

/** The suite for Node-like runtimes (transpiled), the Worker module and the browser bundle. */
async function buildBundles(): Promise<void> {
  mkdirSync(buildDir, { recursive: true });
  // The transpiled suite is an ES module: say so, or Node warns and reparses it.
  writeFileSync(join(buildDir, "package.json"), '{ "type": "module" }\n');
  const common = {
    absWorkingDir: root,
    logLevel: "warning" as const,
    target: "es2022",
    legalComments: "none" as const,
  };
  await build({
    ...common,
    entryPoints: [join(root, "test/runtimes/smoke.ts")],
    bundle: true,
    outfile: join(buildDir, "smoke.js"),
    format: "esm",
    platform: "neutral",
  });
  // Two bundles of the Worker, both resolving the package's exports with Workers' conditions
  // (`workerd`, `worker`: dist/worker/): as wrangler makes it (esbuild's browser platform, so
  // package.json's "browser" field applies to the modules dist/worker/ shares with dist/), and for
  // the neutral platform (no "browser" field, as other bundlers may leave them).
  for (const [file, platform] of [
    ["worker.js", "browser"],
    ["worker-neutral.js", "neutral"],
  ] as const) {
    await build({
      ...common,
      entryPoints: [join(root, "test/runtimes/entries/worker.mjs")],
      outfile: join(buildDir, file),
      bundle: true,
      format: "esm",
      platform,
      conditions: ["workerd", "worker", "browser"],
    });
  }
  await build({
    ...common,
    entryPoints: [join(root, "test/runtimes/entries/browser.mjs")],
    outfile: join(buildDir, "browser.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
  });
}

function line(runtime: string, check: CheckResult): string {
  const detail = check.detail ? `: ${check.detail}` : "";
  return `${runtime.padEnd(22)} ${check.status.padEnd(4)} ${check.name}${detail}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(root, "test/runtimes/smoke.ts"))) {
    throw new Error(`run this from the repository root (the working directory is ${root})`);
  }
  const log = (text: string) => {
    if (args.verbose) process.stderr.write(`${text}\n`);
  };
  const unknown = (args.only ?? []).filter((name) => !RUNTIMES.some((r) => r.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `no runtime named ${unknown.join(", ")} (the runtimes: ${RUNTIMES.map((r) => r.name).join(", ")})`,
    );
  }
  const selected = args.only ? RUNTIMES.filter((r) => args.only!.includes(r.name)) : RUNTIMES;
  await buildBundles();
  const emulator = await startFauxqs({ port: 0, logger: false, host: "127.0.0.1" });
  const proxy = await startProxy(`http://127.0.0.1:${emulator.port}`, TEST_SECRET);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const summary: string[] = [];
  try {
    for (const runtime of selected) {
      const started = Date.now();
      let outcome: RuntimeOutcome;
      try {
        outcome = await runtime.run({ root, cache, build: buildDir, endpoint: proxy.endpoint, log });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        outcome = { version: "?", results: [result("runtime.start", false, message.split("\n")[0])] };
      }
      const stats = proxy.stats(runtime.accessKeyId);
      if (outcome.results.some((r) => r.name.startsWith("sqs.") && r.status !== "skip")) {
        outcome.results.push(
          stats.requests === 0
            ? result("proxy.signatures", false, "no request reached the proxy")
            : result(
                "proxy.signatures",
                stats.badSignatures.length === 0,
                `${stats.badSignatures.length} of ${stats.requests} requests: ${stats.badSignatures[0]}`,
              ),
        );
      }
      console.log(`${runtime.name.padEnd(22)} ---- ${outcome.version}`);
      if (stats.userAgents.size > 0) {
        console.log(`${runtime.name.padEnd(22)} ---- user-agents seen: ${[...stats.userAgents].join(" | ")}`);
      }
      const counts = { pass: 0, fail: 0, skip: 0 };
      for (const check of outcome.results) {
        counts[check.status]++;
        console.log(line(runtime.name, check));
      }
      passed += counts.pass;
      failed += counts.fail;
      skipped += counts.skip;
      summary.push(
        `${runtime.name.padEnd(22)} ${counts.fail === 0 ? "ok  " : "FAIL"} ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped (${outcome.version}; ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    await proxy.close();
    await emulator.stop();
  }
  console.log("");
  for (const text of summary) console.log(text);
  console.log(`runtimes: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
