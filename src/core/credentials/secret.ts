/**
 * Credentials objects that keep their secrets out of sight, and the shared checks of what
 * credential sources answer.
 *
 * @module
 */

import { CredentialsError } from "../errors.js";
import type { Credentials } from "./types.js";

const REDACTED = "[redacted]";

/**
 * Credentials whose secret access key and session token live in private fields: they never show
 * in `util.inspect`, `console.log`, `JSON.stringify` or object spreads of the object.
 */
export class SecretCredentials implements Credentials {
  /** The access key id. */
  declare readonly accessKeyId: string;
  /** When they expire; undefined for long-term keys. */
  declare readonly expiration: Date | undefined;
  /** Where they came from (`environment`, `profile dev`, `instance metadata`...). */
  declare readonly source: string;
  readonly #secretAccessKey: string;
  readonly #sessionToken: string | undefined;

  constructor(
    fields: {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string | undefined;
      expiration?: Date | undefined;
    },
    source: string,
  ) {
    this.accessKeyId = fields.accessKeyId;
    this.expiration = fields.expiration;
    this.source = source;
    this.#secretAccessKey = fields.secretAccessKey;
    this.#sessionToken = fields.sessionToken || undefined;
  }

  /** The secret access key. */
  get secretAccessKey(): string {
    return this.#secretAccessKey;
  }

  /** The session token of temporary credentials. */
  get sessionToken(): string | undefined {
    return this.#sessionToken;
  }

  /** A safe view: the secrets are replaced by `[redacted]`. */
  toJSON(): Record<string, unknown> {
    return {
      accessKeyId: this.accessKeyId,
      secretAccessKey: REDACTED,
      ...(this.#sessionToken ? { sessionToken: REDACTED } : {}),
      ...(this.expiration ? { expiration: this.expiration.toISOString() } : {}),
      source: this.source,
    };
  }

  /** @internal Node's `util.inspect`, also Bun's and Deno's `console.log` and `Deno.inspect`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Credentials ${JSON.stringify(this.toJSON())}`;
  }
}

/** A credential source that is not set up: the chain moves on to the next source. */
export class NotConfigured extends CredentialsError {
  /** The source, as {@link CredentialsError.attempts} names it. */
  declare readonly source: string;
  /** Why it gave nothing. */
  declare readonly reason: string;

  constructor(source: string, reason: string) {
    super("no credentials", [{ source, reason }]);
    this.source = source;
    this.reason = reason;
  }
}

/** A configured source failed: the chain stops here. */
export function sourceFailed(source: string, reason: string, cause?: unknown): CredentialsError {
  return new CredentialsError(
    `could not get credentials from ${source}: ${reason}`,
    [],
    undefined,
    cause === undefined ? undefined : { cause },
  );
}

/** Parses an expiration (ISO 8601 text, epoch milliseconds, or a Date). */
export function parseExpiration(value: unknown, source: string): Date | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const date =
    value instanceof Date
      ? value
      : typeof value === "number" || typeof value === "string"
        ? new Date(value)
        : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw sourceFailed(source, "the credentials have an unreadable Expiration");
  }
  return date;
}

/**
 * Builds credentials from the fields a source answered, checking them.
 * @param names - the field names the source uses
 */
export function credentialsFrom(
  value: Record<string, unknown> | undefined,
  names: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string },
  source: string,
): SecretCredentials {
  const accessKeyId = value?.[names.accessKeyId];
  const secretAccessKey = value?.[names.secretAccessKey];
  const sessionToken = value?.[names.sessionToken];
  if (typeof accessKeyId !== "string" || accessKeyId === "") {
    throw sourceFailed(source, `the answer has no ${names.accessKeyId}`);
  }
  if (typeof secretAccessKey !== "string" || secretAccessKey === "") {
    throw sourceFailed(source, `the answer has no ${names.secretAccessKey}`);
  }
  if (sessionToken !== undefined && sessionToken !== null && typeof sessionToken !== "string") {
    throw sourceFailed(source, `the answer's ${names.sessionToken} is not a string`);
  }
  return new SecretCredentials(
    {
      accessKeyId,
      secretAccessKey,
      sessionToken: typeof sessionToken === "string" ? sessionToken : undefined,
      expiration: parseExpiration(value?.[names.expiration], source),
    },
    source,
  );
}

/** Parses a JSON object answered by a source, without ever quoting it (it holds secrets). */
export function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw sourceFailed(source, `the answer is not JSON (${text.length} characters)`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw sourceFailed(source, "the answer is not a JSON object");
  }
  return value as Record<string, unknown>;
}

/** A short message of an error, for a reason. Errors of asyncaws never hold secrets. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
