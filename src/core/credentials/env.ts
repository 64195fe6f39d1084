/**
 * Credentials from the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, and for
 * temporary ones `AWS_SESSION_TOKEN` (with `AWS_CREDENTIAL_EXPIRATION` when known).
 *
 * @module
 */

import { env } from "../runtime.js";
import { NotConfigured, parseExpiration, SecretCredentials } from "./secret.js";
import type { Credentials, CredentialsProvider } from "./types.js";

const SOURCE = "environment";

/** Reads the environment: credentials, or the reason there are none. */
export function readEnvironment(): SecretCredentials | NotConfigured {
  const accessKeyId = env("AWS_ACCESS_KEY_ID");
  const secretAccessKey = env("AWS_SECRET_ACCESS_KEY");
  if (!accessKeyId && !secretAccessKey) {
    return new NotConfigured(SOURCE, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  }
  if (!accessKeyId)
    return new NotConfigured(SOURCE, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
  if (!secretAccessKey) {
    return new NotConfigured(SOURCE, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  }
  return new SecretCredentials(
    {
      accessKeyId,
      secretAccessKey,
      sessionToken: env("AWS_SESSION_TOKEN"),
      expiration: parseExpiration(env("AWS_CREDENTIAL_EXPIRATION"), SOURCE),
    },
    SOURCE,
  );
}

/** Credentials from the environment variables, or undefined when they are not set. */
export function fromEnvironment(): Credentials | undefined {
  const found = readEnvironment();
  return found instanceof NotConfigured ? undefined : found;
}

/**
 * A provider of the credentials in the environment variables, read at each call (they are cheap
 * to read and may be changed by the application). Rejects with a CredentialsError when they are
 * not set.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: fromEnv() });
 * ```
 */
export function fromEnv(): CredentialsProvider {
  return async () => {
    const found = readEnvironment();
    if (found instanceof NotConfigured) throw found;
    return found;
  };
}

/** True when the environment holds complete, readable keys (anything else is the chain's to report). */
export function environmentHasKeys(): boolean {
  try {
    return readEnvironment() instanceof SecretCredentials;
  } catch {
    return false;
  }
}
