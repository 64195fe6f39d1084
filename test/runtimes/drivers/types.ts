// What the per-runtime drivers share with the main driver.
import type { CheckResult } from "../smoke.js";

/** Where things are, and what every runtime talks to. */
export interface RunContext {
  /** The repository root (absolute). */
  root: string;
  /** .cache/runtimes: the installed runtimes (node_modules) and build/ (bundles). */
  cache: string;
  /** .cache/runtimes/build. */
  build: string;
  /** The proxy in front of fauxqs. */
  endpoint: string;
  /** A progress line (stderr). */
  log(line: string): void;
}

/** What one runtime gave. */
export interface RuntimeOutcome {
  /** As reported by the runtime (`v24.21.0`, `1.4.5`, `Chromium 156...`). */
  version: string;
  results: CheckResult[];
}

/** A runtime the smoke suite runs on. */
export interface Runtime {
  /** Short name: `node20`, `bun`, `workerd`... */
  name: string;
  /** The access key id its requests are signed with, so the proxy tells runtimes apart. */
  accessKeyId: string;
  run(context: RunContext): Promise<RuntimeOutcome>;
}

/** A result for a check the driver itself made. */
export function result(name: string, ok: boolean, detail?: string): CheckResult {
  return ok || detail === undefined
    ? { name, status: ok ? "pass" : "fail", ms: 0 }
    : { name, status: "fail", detail, ms: 0 };
}
