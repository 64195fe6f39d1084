/**
 * The client's `credentials` option as a provider. Without one, the default chain, loaded on
 * first use (`default.ts`), so that an application passing its own credentials does not load or
 * bundle the chain's sources.
 *
 * @module
 */

import { CredentialsError } from "../errors.js";
import type { DefaultCredentialsOptions } from "./chain.js";
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
    if (
      option === null ||
      typeof option !== "object" ||
      typeof option.accessKeyId !== "string" ||
      typeof option.secretAccessKey !== "string"
    ) {
      throw new CredentialsError("the credentials option needs accessKeyId and secretAccessKey strings");
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
