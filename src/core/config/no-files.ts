/**
 * The shared files of a runtime without a file system (browsers, Workers): none. Shared by the
 * browser and Worker twins of `config/profile`.
 *
 * @module
 */

import type { IniSection } from "./ini.js";
import type { SharedFiles } from "./profile.js";

/** No files: empty sections without a prototype (a profile named `constructor` finds nothing). */
function none(): SharedFiles {
  const empty = () => Object.create(null) as Record<string, IniSection>;
  return {
    profiles: empty(),
    ssoSessions: empty(),
    services: empty(),
    configPath: undefined,
    credentialsPath: undefined,
    problems: ["no shared files in a browser"],
    home: undefined,
  };
}

/** The shared files where there is no file system: none (read synchronously, so settings apply from the start). */
export function loadSharedFilesSync(): SharedFiles {
  return none();
}

/** The shared files where there is no file system: none. */
export async function loadSharedFiles(): Promise<SharedFiles> {
  return none();
}

/**
 * Calls `apply` with the shared files, here none, at once (see `withSharedFiles` of
 * `config/profile`): never later.
 */
export function withSharedFiles(apply: (files: SharedFiles) => void): undefined {
  apply(none());
  return undefined;
}
