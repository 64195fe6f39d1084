/**
 * Cloudflare Workers' stand-in for `config/profile` (the package's `workerd` and `worker` export
 * conditions take dist/worker/, where this module is `core/config/profile.js`): a Worker has no
 * `~/.aws/config` or `~/.aws/credentials`, so the shared files are always empty, and neither the
 * file reader nor the INI parser is bundled; it may have an environment (`nodejs_compat`), so the
 * client's settings come from the environment (`lookup`, `lookupRegion`, `lookupEndpoint` read no
 * profile: a Worker's client has none). Profile settings given in code still resolve the same way
 * (`profileName`, `setting`, `subSection` are the same). Browsers take `profile.browser.ts`,
 * which reads no environment either.
 *
 * @module
 */

import type { IniSection } from "./ini.js";
import type { SharedFiles } from "./profile.js";
import { fromEnv, parseBoolean, positiveInteger, type RetryMode, retryModeOf } from "./section.js";

export type { IniSection, IniValue } from "./ini.js";
export { loadSharedFiles, loadSharedFilesSync, withSharedFiles } from "./no-files.js";
export type { SharedFiles } from "./profile.js";
export { profileName, setting, subSection } from "./section.js";

/** @internal A setting of the environment (a browser's client has no profile). */
export function lookup(
  _profile: IniSection | undefined,
  name: string,
): [value: string, field: string] | undefined {
  return fromEnv(name);
}

/** @internal A boolean setting (see {@link lookup}), parsed. */
export function lookupFlag(profile: IniSection | undefined, name: string): boolean | undefined {
  const found = lookup(profile, name);
  return found && parseBoolean(...found);
}

/** @internal `AWS_MAX_ATTEMPTS`, else the profile's `max_attempts`, parsed. */
export function lookupAttempts(profile: IniSection | undefined): number | undefined {
  const found = lookup(profile, "AWS_MAX_ATTEMPTS");
  return found && positiveInteger(...found);
}

/** @internal `AWS_RETRY_MODE`, else the profile's `retry_mode`, parsed. */
export function lookupRetryMode(profile: IniSection | undefined): RetryMode | undefined {
  const found = lookup(profile, "AWS_RETRY_MODE");
  return found && retryModeOf(...found);
}

/** @internal The region of `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
export function lookupRegion(_profile: IniSection | undefined): [value: string, field: string] | undefined {
  return fromEnv("AWS_REGION", "AWS_DEFAULT_REGION");
}

/** @internal The endpoint URL of `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`. */
export function lookupEndpoint(
  envKey: string,
  _profile: IniSection | undefined,
  _files: SharedFiles | undefined,
  profileLabel: string,
): [url: string | undefined, source: string] {
  return fromEnv(`AWS_ENDPOINT_URL_${envKey}`, "AWS_ENDPOINT_URL") ?? [undefined, profileLabel];
}
