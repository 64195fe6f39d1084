/**
 * Where credentials come from: the explicit option (an object or an async provider), else the
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` environment variables.
 *
 * @module
 */

import { env } from "../config.js";
import { CredentialsError } from "../errors.js";
import type { Credentials, CredentialsProvider } from "./types.js";

export type { Credentials, CredentialsProvider } from "./types.js";

/** Credentials from the environment variables, or undefined when they are not set. */
export function fromEnvironment(): Credentials | undefined {
  const accessKeyId = env("AWS_ACCESS_KEY_ID");
  const secretAccessKey = env("AWS_SECRET_ACCESS_KEY");
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env("AWS_SESSION_TOKEN");
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** Turns the `credentials` option into a provider. */
export function resolveCredentials(
  option: Credentials | CredentialsProvider | undefined,
): CredentialsProvider {
  if (typeof option === "function") return option;
  if (option !== undefined) {
    if (typeof option.accessKeyId !== "string" || typeof option.secretAccessKey !== "string") {
      throw new CredentialsError("the credentials option needs accessKeyId and secretAccessKey strings");
    }
    const fixed = Promise.resolve(option);
    return () => fixed;
  }
  let cached: Promise<Credentials> | undefined;
  return () => {
    cached ??= (async () => {
      const found = fromEnvironment();
      if (found) return found;
      cached = undefined;
      throw new CredentialsError("no credentials found", [
        { source: "options", reason: "no credentials option" },
        { source: "environment", reason: "AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY not set" },
      ]);
    })();
    return cached;
  };
}
