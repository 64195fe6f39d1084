/**
 * The browser build's stand-in for `config/profile` (package.json's `browser` field maps one to
 * the other): a browser has neither shared files (`~/.aws/config`, `~/.aws/credentials`) nor
 * environment variables, so the client's settings come from its options alone, and neither the
 * file reader, the INI parser nor the environment lookups are bundled. Profile settings given in
 * code still resolve the same way (`setting`, `subSection` are the same).
 *
 * Cloudflare Workers, whose bundlers also apply the `browser` field, take `profile.worker.ts`
 * instead (the package's `workerd` and `worker` export conditions, dist/worker/): they have an
 * environment with `nodejs_compat`, which it reads.
 *
 * @module
 */

import type { IniSection } from "./ini.js";
import type { SharedFiles } from "./profile.js";
import type { RetryMode } from "./section.js";

export type { IniSection, IniValue } from "./ini.js";
export { loadSharedFiles, loadSharedFilesSync, withSharedFiles } from "./no-files.js";
export type { SharedFiles } from "./profile.js";
export { setting, subSection } from "./section.js";

/** The profile to use: the option, else `default` (a browser has no `AWS_PROFILE`). */
export function profileName(option?: string): string {
  return option ?? "default";
}

/** @internal A setting of the environment or the profile: a browser has neither. */
export function lookup(
  _profile: IniSection | undefined,
  _name: string,
): [value: string, field: string] | undefined {
  return undefined;
}

/** @internal The region of the environment or the profile: a browser has neither. */
export function lookupRegion(_profile: IniSection | undefined): [value: string, field: string] | undefined {
  return undefined;
}

/** @internal The endpoint URL of the environment or the profile: a browser has neither. */
export function lookupEndpoint(
  _envKey: string,
  _profile: IniSection | undefined,
  _files: SharedFiles | undefined,
  profileLabel: string,
): [url: string | undefined, source: string] {
  return [undefined, profileLabel];
}

/** @internal A boolean setting of the environment or the profile: a browser has neither. */
export function lookupFlag(_profile: IniSection | undefined, _name: string): boolean | undefined {
  return undefined;
}

/** @internal The attempts of the environment or the profile: a browser has neither. */
export function lookupAttempts(_profile: IniSection | undefined): number | undefined {
  return undefined;
}

/** @internal The retry mode of the environment or the profile: a browser has neither. */
export function lookupRetryMode(_profile: IniSection | undefined): RetryMode | undefined {
  return undefined;
}
