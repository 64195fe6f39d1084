/**
 * Where credentials come from: the explicit option (an object or an async provider), else the
 * default chain (environment, web identity, the shared files' profile, container credentials,
 * EC2 instance metadata). Each source is also a provider of its own.
 *
 * @module
 */

import { type DefaultCredentialsOptions, defaultCredentials } from "./chain.js";
import { credentialsFromOption } from "./option.js";
import type { Credentials, CredentialsProvider } from "./types.js";

export { type CacheOptions, cachedProvider } from "./cache.js";
export { type DefaultCredentialsOptions, defaultCredentials } from "./chain.js";
export { type ContainerOptions, fromContainer } from "./container.js";
export { fromEnv, fromEnvironment } from "./env.js";
export { fromInstanceMetadata, type InstanceMetadataOptions } from "./imds.js";
export { credentialsFromOption } from "./option.js";
export type { ProcessOptions } from "./process.js";
export { SecretCredentials } from "./secret.js";
export { fromProfile, type ProfileOptions } from "./shared.js";
export { fromWebIdentity, type WebIdentityOptions } from "./sts.js";
export type { Credentials, CredentialsProvider, CredentialsRequest } from "./types.js";

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
