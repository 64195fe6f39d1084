/**
 * The shared files (`~/.aws/config`, `~/.aws/credentials`), loaded and arranged by profile as the
 * AWS CLI does: `[profile x]` (and `[default]`) in the config file, `[x]` in the credentials file,
 * whose settings win for the same key; `[sso-session x]` and `[services x]` sections.
 *
 * Files are read synchronously where the runtime offers `process.getBuiltinModule` (Node >= 20.16,
 * Bun, Deno), else with a lazy `import()`; where there is no file system at all they are empty.
 *
 * @module
 */

import {
  builtin,
  builtinSync,
  env,
  expandHome,
  hasSyncBuiltins,
  homeDir,
  isNodeLike,
  isNotFound,
  type NodeFs,
  type NodeOs,
} from "../runtime.js";
import { type IniFile, type IniSection, parseIni } from "./ini.js";

export type { IniSection, IniValue } from "./ini.js";
export {
  lookup,
  lookupAttempts,
  lookupEndpoint,
  lookupFlag,
  lookupRegion,
  lookupRetryMode,
} from "./lookup.js";
export { profileName, setting, subSection } from "./section.js";

/** The shared files, arranged by profile. */
export interface SharedFiles {
  /** Profiles by name: the config file's settings overridden by the credentials file's. */
  readonly profiles: Readonly<Record<string, IniSection>>;
  /** `[sso-session name]` sections. */
  readonly ssoSessions: Readonly<Record<string, IniSection>>;
  /** `[services name]` sections. */
  readonly services: Readonly<Record<string, IniSection>>;
  /** The config file's path, as read (for messages). */
  readonly configPath: string | undefined;
  /** The credentials file's path, as read (for messages). */
  readonly credentialsPath: string | undefined;
  /** Files that exist but could not be read, and why (no secret: paths and error codes). */
  readonly problems: readonly string[];
  /** The home directory, when known (the SSO token cache lives under it). */
  readonly home: string | undefined;
}

/** The two file paths, from `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` or under the home directory. */
function paths(home: string | undefined): { config: string | undefined; credentials: string | undefined } {
  const config = env("AWS_CONFIG_FILE") ?? (home ? `${home}/.aws/config` : undefined);
  const credentials = env("AWS_SHARED_CREDENTIALS_FILE") ?? (home ? `${home}/.aws/credentials` : undefined);
  return {
    config: config === undefined ? undefined : expandHome(config, home),
    credentials: credentials === undefined ? undefined : expandHome(credentials, home),
  };
}

function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function merge(target: Record<string, IniSection>, name: string, section: IniSection): void {
  const into = target[name] ?? dict();
  for (const key in section) into[key] = section[key]!;
  target[name] = into;
}

/** Arranges the two parsed files by profile, sso-session and services section. */
export function arrange(
  config: IniFile,
  credentials: IniFile,
  extra: Pick<SharedFiles, "configPath" | "credentialsPath" | "problems" | "home">,
): SharedFiles {
  const profiles = dict<IniSection>();
  const ssoSessions = dict<IniSection>();
  const services = dict<IniSection>();
  for (const name in config) {
    const section = config[name]!;
    const space = name.search(/\s/);
    const kind = space < 0 ? name : name.slice(0, space);
    const rest = space < 0 ? "" : name.slice(space).trim();
    if (name === "default") merge(profiles, "default", section);
    else if (kind === "profile" && rest) merge(profiles, rest, section);
    else if (kind === "sso-session" && rest) merge(ssoSessions, rest, section);
    else if (kind === "services" && rest) merge(services, rest, section);
  }
  for (const name in credentials) merge(profiles, name, credentials[name]!);
  return { profiles, ssoSessions, services, ...extra };
}

const EMPTY_NOTE = "no file system in this runtime";

function emptyFiles(problem: string): SharedFiles {
  return arrange(
    {},
    {},
    { configPath: undefined, credentialsPath: undefined, problems: [problem], home: undefined },
  );
}

function describeError(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return `could not read ${path}: ${typeof code === "string" ? code : "unreadable"}`;
}

/**
 * Reads the shared files synchronously. `undefined` when the runtime can only read them
 * asynchronously (use {@link loadSharedFiles}).
 */
export function loadSharedFilesSync(): SharedFiles | undefined {
  if (!isNodeLike()) return emptyFiles(EMPTY_NOTE);
  if (!hasSyncBuiltins()) return undefined;
  const fs = builtinSync<NodeFs>("node:fs");
  if (!fs) return emptyFiles(EMPTY_NOTE);
  const home = homeDir(env, () => builtinSync<NodeOs>("node:os"));
  const where = paths(home);
  const problems: string[] = [];
  const read = (path: string | undefined): IniFile => {
    if (path === undefined) return {};
    try {
      // Most machines have neither file: a stat that answers `undefined` costs less than a thrown ENOENT.
      if (fs.statSync(path, { throwIfNoEntry: false }) === undefined) return {};
      return parseIni(fs.readFileSync(path, "utf8"));
    } catch (error) {
      if (!isNotFound(error)) problems.push(describeError(path, error));
      return {};
    }
  };
  return arrange(read(where.config), read(where.credentials), {
    configPath: where.config,
    credentialsPath: where.credentials,
    problems,
    home,
  });
}

/**
 * Calls `apply` with the shared files: at once where the runtime reads them synchronously
 * (Node, Bun, Deno); elsewhere (older runtimes) at once with none, then again once they are read,
 * the promise returned settling after that second call (a client's settings then apply from its
 * first call).
 */
export function withSharedFiles(apply: (files: SharedFiles | undefined) => void): Promise<void> | undefined {
  const files = loadSharedFilesSync();
  apply(files);
  if (files !== undefined) return undefined;
  const later = loadSharedFiles().then(apply);
  later.catch(() => {});
  return later;
}

/** Reads the shared files, synchronously where the runtime allows it. */
export async function loadSharedFiles(): Promise<SharedFiles> {
  const sync = loadSharedFilesSync();
  if (sync) return sync;
  const fs = await builtin<NodeFs>("node:fs");
  if (!fs) return emptyFiles(EMPTY_NOTE);
  const os = env("HOME") ? undefined : await builtin<NodeOs>("node:os");
  const home = homeDir(env, () => os);
  const where = paths(home);
  const problems: string[] = [];
  const read = async (path: string | undefined): Promise<IniFile> => {
    if (path === undefined) return {};
    try {
      return parseIni(await fs.promises.readFile(path, "utf8"));
    } catch (error) {
      if (!isNotFound(error)) problems.push(describeError(path, error));
      return {};
    }
  };
  const [config, credentials] = await Promise.all([read(where.config), read(where.credentials)]);
  return arrange(config, credentials, {
    configPath: where.config,
    credentialsPath: where.credentials,
    problems,
    home,
  });
}
