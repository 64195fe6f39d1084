/**
 * Reading the shared files' and the environment's settings, for the file reader (`profile.ts`)
 * and its stand-ins alike: which profile, a string setting, a sub-section, and the parsers of the
 * settings that are not strings.
 *
 * @module
 */

import { ValidationError } from "../errors.js";
import { env } from "../runtime.js";
import type { IniSection } from "./ini.js";

/** The retry modes. `legacy` (accepted from the environment and profile) is read as `standard`. */
export type RetryMode = "standard" | "adaptive";

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

/** Parses a boolean setting (`true` / `false`, any case). */
export function parseBoolean(value: string | undefined, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  const lower = value.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new ValidationError(field, '"true" or "false"', value);
}

/** Parses a count of attempts (a number, or the text of one), naming `field` when it is not one. */
export function positiveInteger(value: string | number, field: string): number {
  const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(field, "a positive integer", value);
  return n;
}

/** Parses a retry mode setting. */
export function retryModeOf(value: string, field: string): RetryMode {
  const lower = value.trim().toLowerCase();
  if (lower === "standard" || lower === "legacy") return "standard";
  if (lower === "adaptive") return "adaptive";
  throw new ValidationError(field, '"standard" or "adaptive"', value);
}
