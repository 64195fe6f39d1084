/**
 * The client's settings from the environment, else from the profile (region, endpoint, retries,
 * FIPS and dual-stack flags), parsed: one reading for the file reader (`profile.ts`) and Workers'
 * stand-in (`profile.worker.ts`), whose profile is always empty. Browsers' stand-in
 * (`profile.browser.ts`) reads neither and imports none of this.
 *
 * @module
 */

import type { IniSection } from "./ini.js";
import type { SharedFiles } from "./profile.js";
import {
  fromEnv,
  parseBoolean,
  positiveInteger,
  type RetryMode,
  retryModeOf,
  setting,
  subSection,
} from "./section.js";

/**
 * @internal A setting of the environment, else of the profile: the profile's key is the
 * variable's name without `AWS_`, in lower case (`AWS_MAX_ATTEMPTS`, `max_attempts`), as in the
 * SDKs' settings reference. Its value and where it came from (the field a ValidationError names).
 */
export function lookup(
  profile: IniSection | undefined,
  name: string,
): [value: string, field: string] | undefined {
  const key = name.slice(4).toLowerCase();
  const fromProfile = setting(profile, key);
  return fromEnv(name) ?? (fromProfile === undefined ? undefined : [fromProfile, key]);
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

/** @internal The region of `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`. */
export function lookupRegion(profile: IniSection | undefined): [value: string, field: string] | undefined {
  const fromProfile = setting(profile, "region");
  return (
    fromEnv("AWS_REGION", "AWS_DEFAULT_REGION") ??
    (fromProfile === undefined ? undefined : [fromProfile, "profile region"])
  );
}

/**
 * @internal The endpoint URL of `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the
 * profile's `services` section, then its `endpoint_url`, and where it came from (the URL is
 * undefined when none is set).
 */
export function lookupEndpoint(
  envKey: string,
  profile: IniSection | undefined,
  files: SharedFiles | undefined,
  profileLabel: string,
): [url: string | undefined, source: string] {
  const servicesName = setting(profile, "services");
  const services = servicesName === undefined ? undefined : files?.services[servicesName];
  const fromServices = subSection(services, envKey.toLowerCase())?.endpoint_url;
  const fromProfile = setting(profile, "endpoint_url");
  return (
    fromEnv(`AWS_ENDPOINT_URL_${envKey}`, "AWS_ENDPOINT_URL") ??
    (fromServices ? [fromServices, `services ${servicesName}`] : [fromProfile, profileLabel])
  );
}
