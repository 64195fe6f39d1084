/**
 * Reading the shared files' settings, for the file reader (`profile.ts`) and its browser
 * stand-in alike: which profile, a string setting, a sub-section.
 *
 * @module
 */

import { env } from "../runtime.js";
import type { IniSection } from "./ini.js";

/** The profile to use: the option, then `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`. */
export function profileName(option?: string): string {
  return option ?? env("AWS_PROFILE") ?? env("AWS_DEFAULT_PROFILE") ?? "default";
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

/** The first of these environment variables that is set: its value and its name. */
export function fromEnv(...names: string[]): [value: string, field: string] | undefined {
  for (const name of names) {
    const value = env(name);
    if (value !== undefined) return [value, name];
  }
  return undefined;
}
