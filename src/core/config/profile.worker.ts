/**
 * Cloudflare Workers' stand-in for `config/profile` (the package's `workerd` and `worker` export
 * conditions take dist/worker/, where this module is `core/config/profile.js`): a Worker has no
 * `~/.aws/config` or `~/.aws/credentials`, so the shared files are always empty, and neither the
 * file reader nor the INI parser is bundled; it may have an environment (`nodejs_compat`), so the
 * client's settings come from the environment, read by the same lookups as `profile.ts`
 * (`lookup.ts`; with no shared files, a Worker's client has no profile settings to add). Profile
 * settings given in code still resolve the same way (`profileName`, `setting`, `subSection` are
 * the same). Browsers take `profile.browser.ts`, which reads no environment either.
 *
 * @module
 */

export type { IniSection, IniValue } from "./ini.js";
export {
  lookup,
  lookupAttempts,
  lookupEndpoint,
  lookupFlag,
  lookupRegion,
  lookupRetryMode,
} from "./lookup.js";
export { loadSharedFiles, loadSharedFilesSync, withSharedFiles } from "./no-files.js";
export type { SharedFiles } from "./profile.js";
export { profileName, setting, subSection } from "./section.js";
