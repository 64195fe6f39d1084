/**
 * The default credential chain, in the order of the AWS CLI and SDKs:
 *
 * 1. environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`;
 * 2. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`);
 * 3. the shared files' profile (`AWS_PROFILE`, else `default`);
 * 4. container credentials (ECS, EKS Pod Identity);
 * 5. EC2 instance metadata (IMDSv2).
 *
 * A source that is not set up is skipped (and recorded with its reason); the first one that is set
 * up gives the credentials, or its failure ends the search. The chain remembers the source that
 * answered and refreshes from it alone. A `profile` given in code (not `AWS_PROFILE`) skips the
 * environment's keys and web identity, as `--profile` does in the AWS CLI.
 *
 * @module
 */

import { loadSharedFiles, profileName, type SharedFiles } from "../config/profile.js";
import { type CredentialsAttempt, CredentialsError, isCredentialsError } from "../errors.js";
import { cachedProvider } from "./cache.js";
import { containerCredentials } from "./container.js";
import { readEnvironment } from "./env.js";
import { InstanceMetadata } from "./imds.js";
import { NotConfigured, reasonOf } from "./secret.js";
// biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
import { type ProfileOptions, profileCredentials } from "./shared.js";
// biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
import { assumeRoleWithWebIdentity, webIdentityFromEnv } from "./sts.js";
import type { Credentials, CredentialsProvider } from "./types.js";

/** Options of {@link defaultCredentials}. */
export interface DefaultCredentialsOptions extends ProfileOptions {
  /** @internal Loads the shared files (tests, and clients that already read them). */
  loadFiles?: (() => SharedFiles | Promise<SharedFiles>) | undefined;
}

interface Source {
  readonly name: string;
  get(): Promise<Credentials>;
}

function skipped(name: string, reason: string): Source {
  return { name, get: () => Promise.reject(new NotConfigured(name, reason)) };
}

/**
 * The default credential provider: the chain above, cached, refreshed before expiry.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: defaultCredentials({ profile: "dev", mfaCodeProvider: askUser }) });
 * ```
 */
export function defaultCredentials(options: DefaultCredentialsOptions = {}): CredentialsProvider {
  const explicitProfile = options.profile !== undefined;
  const load = options.loadFiles ?? loadSharedFiles;
  const imds = new InstanceMetadata({
    ...options.instanceMetadata,
    timeoutMs: options.instanceMetadata?.timeoutMs ?? 1000,
  });
  const why = "skipped: a profile was chosen in code";
  const sources: Source[] = [
    explicitProfile
      ? skipped("environment", why)
      : {
          name: "environment",
          get: async () => {
            const found = readEnvironment();
            if (found instanceof NotConfigured) throw found;
            return found;
          },
        },
    explicitProfile
      ? skipped("web identity (environment)", why)
      : {
          name: "web identity (environment)",
          get: async () => {
            const params = webIdentityFromEnv();
            if (params instanceof NotConfigured) throw params;
            return assumeRoleWithWebIdentity(
              params,
              { region: options.region, profile: profileName(options.profile) },
              "web identity (environment)",
            );
          },
        },
    {
      name: "shared files",
      get: async () => {
        const named = explicitProfile || profileName() !== "default";
        return profileCredentials(await load(), options, named);
      },
    },
    { name: "container credentials", get: () => containerCredentials(options.container) },
    {
      name: "instance metadata",
      get: () => {
        // Off EC2, one short attempt; once the service has answered, the usual retries.
        const attempts = imds.answered ? (options.instanceMetadata?.maxAttempts ?? 3) : 1;
        return imds.credentials(attempts);
      },
    },
  ];
  let chosen: Source | undefined;

  return cachedProvider(async () => {
    if (chosen) return chosen.get();
    const attempts: CredentialsAttempt[] = [];
    for (const source of sources) {
      try {
        const found = await source.get();
        chosen = source;
        return found;
      } catch (error) {
        if (error instanceof NotConfigured) {
          attempts.push(...error.attempts);
          continue;
        }
        const reason = reasonOf(error).replace(/^could not get credentials from /, "");
        throw new CredentialsError(
          `credentials from ${source.name} failed`,
          [...attempts, { source: source.name, reason }],
          undefined,
          { cause: isCredentialsError(error) ? (error.cause ?? error) : error },
        );
      }
    }
    throw new CredentialsError("no credentials found", attempts);
  });
}
