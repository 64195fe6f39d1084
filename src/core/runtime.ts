/**
 * What the runtime offers, read in one place: the environment ({@link env}) and the Node built-ins
 * that only some runtimes have (files, the home directory, child processes, `node:crypto`,
 * `node:net`). Nothing here imports a built-in statically, so the core still bundles for browsers
 * and Workers, where these helpers answer `undefined`. Every module that needs a built-in asks
 * here (the configuration files, the credential sources, `crypto`, `http-node`).
 *
 * @module
 */

/** Reads an environment variable where the runtime has an environment; never throws. */
export function env(name: string): string | undefined {
  try {
    const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
      name
    ];
    return value === "" ? undefined : value;
  } catch {
    // Deno without --allow-env, sandboxes: no environment.
    return undefined;
  }
}

type ProcessLike = {
  getBuiltinModule?: (id: string) => unknown;
  versions?: { node?: string };
  platform?: string;
};

function proc(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/** True in Node, Bun and Deno (they all announce a Node version). */
export function isNodeLike(): boolean {
  return typeof proc()?.versions?.node === "string";
}

/** A built-in module, synchronously, where `process.getBuiltinModule` exists (Node >= 20.16, Bun, Deno). */
export function builtinSync<T>(name: string): T | undefined {
  try {
    return proc()?.getBuiltinModule?.(name) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lets any number of listeners wait on `signal` without Node's MaxListenersExceededWarning (one
 * signal shared by many requests in flight, each listening while it runs or waits to retry).
 * Does nothing where `node:events` is not there (browsers, Workers without nodejs_compat).
 */
export function unlimitedListeners(signal: AbortSignal): void {
  builtinSync<{ setMaxListeners?(n: number, ...targets: EventTarget[]): void }>(
    "node:events",
  )?.setMaxListeners?.(0, signal);
}

/** True when {@link builtinSync} can answer (files can then be read synchronously). */
export function hasSyncBuiltins(): boolean {
  return typeof proc()?.getBuiltinModule === "function";
}

/**
 * A built-in module, by `process.getBuiltinModule` (Node >= 20.16, the package's floor; Bun;
 * Deno). `undefined` where the runtime has no such module. There is no `import()` fallback: an
 * `import()` of a name in a variable is what workerd and static analysers refuse.
 */
export async function builtin<T>(name: string): Promise<T | undefined> {
  return builtinSync<T>(name);
}

/** The slice of `node:fs` used here. */
export interface NodeFs {
  statSync(path: string, options: { throwIfNoEntry: false }): object | undefined;
  readFileSync(path: string, encoding: "utf8"): string;
  promises: {
    readFile(path: string, encoding: "utf8"): Promise<string>;
    writeFile(path: string, data: string, options: { encoding: "utf8"; mode: number }): Promise<void>;
    rename(from: string, to: string): Promise<void>;
    unlink(path: string): Promise<void>;
  };
}

/** The slice of `node:os` used here. */
export interface NodeOs {
  homedir(): string;
}

/** The slice of `node:crypto` used here. */
export interface NodeCryptoLike {
  createHash(algorithm: string): { update(data: string): { digest(encoding: "hex"): string } };
}

/** The slice of `node:child_process` used here. */
export interface NodeChildProcess {
  exec(
    command: string,
    options: {
      timeout?: number;
      maxBuffer?: number;
      windowsHide?: boolean;
      env?: Record<string, string | undefined>;
    },
    callback: (
      error: (Error & { code?: unknown; signal?: unknown; killed?: boolean }) | null,
      stdout: string,
      stderr: string,
    ) => void,
  ): unknown;
}

/**
 * The user's home directory: `HOME`, `USERPROFILE`, `HOMEDRIVE`+`HOMEPATH`, then `os.homedir()`
 * (`node:os` is asked for only then).
 */
export function homeDir(
  env: (name: string) => string | undefined,
  os: () => NodeOs | undefined,
): string | undefined {
  const home = env("HOME") ?? env("USERPROFILE");
  if (home) return home;
  const drive = env("HOMEDRIVE");
  const path = env("HOMEPATH");
  if (drive && path) return drive + path;
  try {
    return os()?.homedir() || undefined;
  } catch {
    return undefined;
  }
}

/** Expands a leading `~` to the home directory. */
export function expandHome(path: string, home: string | undefined): string {
  if (home && (path === "~" || path.startsWith("~/") || path.startsWith("~\\"))) return home + path.slice(1);
  return path;
}

/** True when an error is "no such file" (or directory). */
export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
