/**
 * The client's `credentials` option as a provider. Without one, the default chain, loaded on
 * first use (`default.ts`), so that an application passing its own credentials does not load or
 * bundle the chain's sources.
 *
 * @module
 */

import { CredentialsError } from "../errors.js";
import type { DefaultCredentialsOptions } from "./chain.js";
// biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
import { defaultProvider } from "./default.js";
import { SecretCredentials } from "./secret.js";
import type { Credentials, CredentialsProvider } from "./types.js";

/**
 * Turns the `credentials` option into a provider: a function is used as is (called before each
 * request); an object is checked and copied into a {@link SecretCredentials}; nothing gives the
 * default chain (loaded lazily; see `default.ts`).
 */
export function credentialsFromOption(
  option: Credentials | CredentialsProvider | undefined,
  chain: DefaultCredentialsOptions = {},
): CredentialsProvider {
  if (typeof option === "function") return option;
  if (option !== undefined) {
    // (null and other values that are not objects have no such strings either)
    if (typeof option?.accessKeyId !== "string" || typeof option.secretAccessKey !== "string") {
      throw new CredentialsError(
        `the credentials option needs accessKeyId and secretAccessKey strings; ${receivedKeys(option)}`,
      );
    }
    if (option.sessionToken !== undefined && typeof option.sessionToken !== "string") {
      throw new CredentialsError("the credentials option's sessionToken must be a string");
    }
    const fixed = Promise.resolve(
      option instanceof SecretCredentials ? option : new SecretCredentials(option, "options"),
    );
    return () => fixed;
  }
  return defaultProvider(chain);
}

/**
 * What a credentials object held, by key names and types only (never a value), with a hint for
 * the common mistake of passing STS's PascalCase `Credentials` (`AccessKeyId`, `SecretAccessKey`,
 * `SessionToken`) as they are.
 */
export function receivedKeys(value: unknown): string {
  if (value === null) return "received null";
  if (typeof value !== "object") return `received ${typeof value}`;
  const keys = Object.keys(value);
  let text = keys.length
    ? `received an object with ${keys.map((k) => `${k} (${typeof (value as Record<string, unknown>)[k]})`).join(", ")}`
    : "received an object with no keys";
  if (keys.some((k) => /^(AccessKeyId|SecretAccessKey|SessionToken)$/.test(k))) {
    text +=
      "; PascalCase AccessKeyId/SecretAccessKey/SessionToken are STS's names (AssumeRole's Credentials): pass { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }";
  }
  return text;
}
