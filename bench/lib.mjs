// Helpers of the benchmark runner: child processes pinned to cores, IPC requests, statistics,
// formatting, the machine's description.

import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const BENCH = fileURLToPath(new URL(".", import.meta.url));

/** `taskset` and at least 2 cores: client on core 0, stub on core 1. */
export const PIN = (() => {
  if (os.availableParallelism() < 2) return false;
  try {
    execFileSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
export const CLIENT_CORE = "0";

/** How the browser bundles are built: esbuild for the browser, minified, in memory. */
export const BROWSER_BUNDLE = {
  bundle: true,
  minify: true,
  platform: "browser",
  format: "esm",
  target: "es2022",
  write: false,
  logLevel: "silent",
  absWorkingDir: ROOT,
  metafile: true,
};
export const STUB_CORE = "1";

/** Spawns `node ...args`, pinned to `core` when taskset is available. */
export function spawnNode(
  args,
  { core, ipc = false, nodeFlags = [], stdout = "inherit", stderr = "inherit" } = {},
) {
  const stdio = ["ignore", stdout, stderr];
  if (ipc) stdio.push("ipc");
  const argv = [...nodeFlags, ...args];
  if (PIN && core !== undefined)
    return spawn("taskset", ["-c", core, process.execPath, ...argv], { stdio, cwd: ROOT });
  return spawn(process.execPath, argv, { stdio, cwd: ROOT });
}

/** A child with an IPC channel, and a request/response helper: `await child.ask(msg, replyType)`. */
export function ipcChild(args, options) {
  const child = spawnNode(args, { ...options, ipc: true });
  const waiting = [];
  let exited;
  child.on("message", (message) => {
    const i = waiting.findIndex((w) => w.type === message.type || message.type === "error");
    if (i >= 0) {
      const [w] = waiting.splice(i, 1);
      if (message.type === "error") w.reject(new Error(message.error));
      else w.resolve(message);
    }
  });
  child.on("exit", (code, signal) => {
    exited = `exited (${signal ?? code})`;
    for (const w of waiting.splice(0)) w.reject(new Error(`child ${args.join(" ")} ${exited}`));
  });
  return {
    child,
    /** Resolves with the next message of `type`. */
    next(type) {
      if (exited) return Promise.reject(new Error(`child ${exited}`));
      return new Promise((resolve, reject) => waiting.push({ type, resolve, reject }));
    },
    ask(message, type) {
      const reply = this.next(type);
      child.send(message);
      return reply;
    },
    async close() {
      if (exited) return;
      const done = new Promise((resolve) => child.once("exit", resolve));
      try {
        child.send({ type: "exit" });
      } catch {
        child.kill();
      }
      const timer = setTimeout(() => child.kill(), 3000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Runs a process to its end; resolves with wall time (ms, from spawn to exit), its output and exit code. */
export function timeProcess(args, { core, nodeFlags = [] } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawnNode(args, { core, nodeFlags, stdout: "pipe", stderr: "pipe" });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, code, signal, stdout: out, stderr: err });
    });
  });
}

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Smallest and largest, for the spread shown beside a median. */
export function spread(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : [Number.NaN, Number.NaN];
}

export function fmt(value, digits = 1) {
  if (value === undefined || value === null || !Number.isFinite(value)) return "-";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(a, b, digits = 2) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "-";
  return `${(a / b).toFixed(digits)}x`;
}

/** Pads a table: rows of cells, first column left-aligned, the others right-aligned. */
export function table(rows) {
  const widths = [];
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] ?? 0, String(row[i]).length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
        .join("  "),
    )
    .join("\n");
}

/** The installed version of a package (read from its package.json in node_modules). */
export function versionOf(name) {
  try {
    const path = name === "asyncaws" ? `${ROOT}package.json` : `${ROOT}node_modules/${name}/package.json`;
    return JSON.parse(readFileSync(path, "utf8")).version;
  } catch {
    return undefined;
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    pinned: PIN
      ? `client on core ${CLIENT_CORE}, stub on core ${STUB_CORE} (taskset)`
      : "not pinned (no taskset or 1 core)",
    loadAverageAtStart: os.loadavg().map((v) => Number(v.toFixed(2))),
  };
}
