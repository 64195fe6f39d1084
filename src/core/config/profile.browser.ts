/**
 * The browser build's stand-in for `config/profile` (package.json's `browser` field maps one to
 * the other): a browser has no `~/.aws/config` or `~/.aws/credentials`, so the shared files are
 * always empty, and neither the file reader nor the INI parser is bundled. Profile settings given
 * in code still resolve the same way (`profileName`, `setting`, `subSection` are the same).
 *
 * @module
 */

import { env } from "../config.js";
import type { IniSection } from "./ini.js";
import type { SharedFiles } from "./profile.js";

export type { IniSection, IniValue } from "./ini.js";
export type { SharedFiles } from "./profile.js";

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

/** The profile to use: the option, then `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`. */
export function profileName(option?: string): string {
  return option ?? env("AWS_PROFILE") ?? env("AWS_DEFAULT_PROFILE") ?? "default";
}

/** The shared files of a browser: none (read synchronously, so settings apply from the start). */
export function loadSharedFilesSync(): SharedFiles {
  return none();
}

/** The shared files of a browser: none. */
export async function loadSharedFiles(): Promise<SharedFiles> {
  return none();
}

/** A string setting of a profile (sub-sections are not strings: `undefined`). Empty is `undefined`. */
export function setting(section: IniSection | undefined, key: string): string | undefined {
  const value = section?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A sub-section of a profile or services section, such as `sqs` in `[services x]`. */
export function subSection(
  section: IniSection | undefined,
  key: string,
): Readonly<Record<string, string>> | undefined {
  const value = section?.[key];
  return typeof value === "object" ? value : undefined;
}
