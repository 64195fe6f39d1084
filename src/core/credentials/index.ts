/**
 * Where credentials come from: the explicit option (an object or an async provider), else the
 * default chain (environment, web identity, the shared files' profile, container credentials,
 * EC2 instance metadata). Each source is also a provider of its own.
 *
 * The providers of the sources beyond the environment are exported here as thin functions that
 * load their source's module (`chain.ts`, `container.ts`, `imds.ts`, `shared.ts`, `sts.ts`) with
 * `import()` at their first call: `import { SQS } from "asyncaws"` then loads none of them (SSO,
 * the shared files, IMDS, container credentials, web identity: about 50 KB of code a cold start
 * would otherwise compile), and a bundler puts them behind `import()`. Each behaves as the source's
 * own provider: nothing is read or checked before the first call, the same caching and refresh.
 *
 * @module
 */

import { cachedProvider } from "./cache.js";
import type { DefaultCredentialsOptions } from "./chain.js";
import type { ContainerOptions } from "./container.js";
import type { InstanceMetadataOptions } from "./imds.js";
import { credentialsFromOption } from "./option.js";
import type { ProfileOptions } from "./shared.js";
import type { WebIdentityOptions } from "./sts.js";
import type { Credentials, CredentialsProvider } from "./types.js";

export { type CacheOptions, cachedProvider } from "./cache.js";
export type { DefaultCredentialsOptions } from "./chain.js";
export type { ContainerOptions } from "./container.js";
export { fromEnv, fromEnvironment } from "./env.js";
export type { InstanceMetadataOptions } from "./imds.js";
export { credentialsFromOption } from "./option.js";
export type { ProcessOptions } from "./process.js";
export { SecretCredentials } from "./secret.js";
export type { ProfileOptions } from "./shared.js";
export type { WebIdentityOptions } from "./sts.js";
export type { Credentials, CredentialsProvider, CredentialsRequest } from "./types.js";

/**
 * The default credential provider: environment, web identity, the shared files' profile,
 * container credentials, EC2 instance metadata, in the AWS CLI's order; cached, refreshed before
 * expiry. The chain is loaded at the first call.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: defaultCredentials({ profile: "dev", mfaCodeProvider: askUser }) });
 * ```
 */
export function defaultCredentials(options: DefaultCredentialsOptions = {}): CredentialsProvider {
  let provider: CredentialsProvider | Promise<CredentialsProvider> | undefined;
  return async (request) => {
    // A failed load is forgotten: the next call tries again, as the other sources' providers do.
    provider ??= import("./chain.js").then(
      (chain) => chain.defaultCredentials(options),
      (error: unknown) => {
        provider = undefined;
        throw error;
      },
    );
    if (provider instanceof Promise) provider = await provider;
    return provider(request);
  };
}

/**
 * A provider of container credentials (ECS, EKS Pod Identity), refreshed before they expire.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: fromContainer() });
 * ```
 */
export function fromContainer(options: ContainerOptions = {}): CredentialsProvider {
  return cachedProvider(async () => (await import("./container.js")).containerCredentials(options));
}

/**
 * A provider of the EC2 instance role's credentials, refreshed before they expire.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: fromInstanceMetadata() });
 * ```
 */
export function fromInstanceMetadata(options: InstanceMetadataOptions = {}): CredentialsProvider {
  let imds: Promise<InstanceType<typeof import("./imds.js").InstanceMetadata>> | undefined;
  return cachedProvider(async () => {
    imds ??= import("./imds.js").then(
      (m) => new m.InstanceMetadata(options),
      (error: unknown) => {
        imds = undefined; // a failed load is tried again at the next call
        throw error;
      },
    );
    return (await imds).credentials();
  });
}

/**
 * A provider of a shared-files profile's credentials (static keys, an assumed role, SSO,
 * `credential_process`, web identity), re-reading the files at each refresh and refreshing
 * temporary credentials before they expire.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: fromProfile({ profile: "dev", mfaCodeProvider: askUser }) });
 * ```
 */
export function fromProfile(options: ProfileOptions = {}): CredentialsProvider {
  return cachedProvider(async () => (await import("./shared.js")).readProfile(options));
}

/**
 * A provider of web identity credentials (EKS IAM roles for service accounts, GitHub Actions OIDC,
 * any OpenID Connect token in a file): reads the token file and calls STS
 * AssumeRoleWithWebIdentity, refreshing before the credentials expire.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ credentials: fromWebIdentity({ roleArn: "arn:aws:iam::123456789012:role/app" }) });
 * ```
 */
export function fromWebIdentity(options: WebIdentityOptions = {}): CredentialsProvider {
  return cachedProvider(async () => (await import("./sts.js")).webIdentityCredentials(options));
}

/**
 * Turns the `credentials` option into a provider: a function is used as is (called before each
 * request); an object is checked and copied into a {@link SecretCredentials}; nothing gives the
 * default chain.
 */
export function resolveCredentials(
  option: Credentials | CredentialsProvider | undefined,
  chain: DefaultCredentialsOptions = {},
): CredentialsProvider {
  return option === undefined ? defaultCredentials(chain) : credentialsFromOption(option, chain);
}
