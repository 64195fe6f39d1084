/**
 * Credentials of a profile of the shared files, resolved as the AWS CLI does:
 *
 * 1. `role_arn` with `source_profile` (chained: the source profile may itself assume a role; its
 *    static keys win over its own `role_arn`) or `credential_source` (`Environment`,
 *    `Ec2InstanceMetadata`, `EcsContainer`), through STS AssumeRole with `external_id`,
 *    `role_session_name`, `duration_seconds`, `source_identity`, and `mfa_serial` (which needs an
 *    `mfaCodeProvider`); or `role_arn` with `web_identity_token_file` through
 *    AssumeRoleWithWebIdentity;
 * 2. static keys: `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` (the
 *    credentials file's settings win over the config file's);
 * 3. SSO: `sso_session` or the legacy `sso_start_url`, with `sso_account_id` and `sso_role_name`;
 * 4. `credential_process`.
 *
 * @module
 */

import {
  type IniSection,
  loadSharedFiles,
  profileName,
  type SharedFiles,
  setting,
} from "../config/profile.js";
import { env } from "../runtime.js";
import { cachedProvider } from "./cache.js";
import { type ContainerOptions, containerCredentials } from "./container.js";
import { readEnvironment } from "./env.js";
import { InstanceMetadata, type InstanceMetadataOptions } from "./imds.js";
import { type ProcessOptions, runCredentialProcess } from "./process.js";
import { NotConfigured, reasonOf, SecretCredentials, sourceFailed } from "./secret.js";
import { isSsoProfile, ssoCredentials, ssoSettings } from "./sso.js";
// biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
import { assumeRole, assumeRoleWithWebIdentity, type StsSettings } from "./sts.js";
import type { CredentialsProvider } from "./types.js";

/** Options of {@link fromProfile}. */
export interface ProfileOptions {
  /**
   * The profile.
   * @default `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`
   */
  profile?: string | undefined;
  /**
   * The region of STS calls (assuming roles).
   * @default the client's region, else the profile's `region`, else `us-east-1`
   */
  region?: string | (() => string | undefined) | undefined;
  /**
   * Asked for the current code of the MFA device named by a profile's `mfa_serial` when assuming
   * its role. Without it, such profiles fail with a clear CredentialsError.
   */
  mfaCodeProvider?: ((mfaSerial: string) => Promise<string>) | undefined;
  /** Options of the instance metadata source (`credential_source = Ec2InstanceMetadata`). */
  instanceMetadata?: InstanceMetadataOptions | undefined;
  /** Options of the container source (`credential_source = EcsContainer`). */
  container?: ContainerOptions | undefined;
  /** Options of `credential_process`. */
  process?: ProcessOptions | undefined;
}

/** True when a profile has static keys. */
function hasStaticKeys(profile: IniSection): boolean {
  return (
    setting(profile, "aws_access_key_id") !== undefined &&
    setting(profile, "aws_secret_access_key") !== undefined
  );
}

function staticKeys(profile: IniSection, label: string): SecretCredentials {
  return new SecretCredentials(
    {
      accessKeyId: setting(profile, "aws_access_key_id")!,
      secretAccessKey: setting(profile, "aws_secret_access_key")!,
      sessionToken: setting(profile, "aws_session_token"),
    },
    label,
  );
}

function checkPartialKeys(profile: IniSection, label: string): void {
  const id = setting(profile, "aws_access_key_id") !== undefined;
  const secret = setting(profile, "aws_secret_access_key") !== undefined;
  if (id !== secret) {
    throw sourceFailed(
      label,
      id
        ? "it has aws_access_key_id but no aws_secret_access_key"
        : "it has aws_secret_access_key but no aws_access_key_id",
    );
  }
}

function integerSetting(profile: IniSection, key: string, label: string): number | undefined {
  const value = setting(profile, key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw sourceFailed(label, `${key} must be a whole number of seconds`);
  return Number(value.trim());
}

/** Resolves profiles within one set of loaded files. */
class ProfileResolver {
  readonly #files: SharedFiles;
  readonly #options: ProfileOptions;
  readonly #sts: StsSettings;

  constructor(files: SharedFiles, top: string, options: ProfileOptions) {
    this.#files = files;
    this.#options = options;
    const topProfile = files.profiles[top];
    this.#sts = {
      region: () => {
        const region = typeof options.region === "function" ? options.region() : options.region;
        return region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? setting(topProfile, "region");
      },
      profile: top,
    };
  }

  #missing(name: string): string {
    const where = [this.#files.configPath, this.#files.credentialsPath].filter(Boolean).join(" or ");
    const problems = this.#files.problems.length ? ` (${this.#files.problems.join("; ")})` : "";
    return `profile "${name}" is not in ${where || "any shared file"}${problems}`;
  }

  /** The credentials of the profile the user chose. Throws NotConfigured when it has none. */
  async resolve(name: string, mustExist: boolean): Promise<SecretCredentials> {
    const label = `profile ${name}`;
    const profile = this.#files.profiles[name];
    if (!profile) {
      if (mustExist) throw sourceFailed(label, this.#missing(name));
      throw new NotConfigured(label, this.#missing(name));
    }
    return this.#profile(name, profile, []);
  }

  async #profile(name: string, profile: IniSection, chain: readonly string[]): Promise<SecretCredentials> {
    const label = `profile ${name}`;
    if (setting(profile, "role_arn") !== undefined) return this.#assumeRole(name, profile, chain);
    checkPartialKeys(profile, label);
    if (hasStaticKeys(profile)) return staticKeys(profile, label);
    if (isSsoProfile(profile)) {
      return ssoCredentials(ssoSettings(profile, this.#files, label), this.#files, name, label);
    }
    const command = setting(profile, "credential_process");
    if (command !== undefined) {
      return runCredentialProcess(command, `credential_process of ${label}`, this.#options.process);
    }
    if (setting(profile, "web_identity_token_file") !== undefined) {
      throw sourceFailed(label, "web_identity_token_file needs role_arn");
    }
    if (chain.length) throw sourceFailed(label, "it has no credentials (it is a source_profile)");
    throw new NotConfigured(label, "it has no credentials (keys, role_arn, sso_session, credential_process)");
  }

  async #assumeRole(name: string, profile: IniSection, chain: readonly string[]): Promise<SecretCredentials> {
    const label = `profile ${name}`;
    const roleArn = setting(profile, "role_arn")!;
    const sourceProfile = setting(profile, "source_profile");
    const credentialSource = setting(profile, "credential_source");
    const tokenFile = setting(profile, "web_identity_token_file");
    const sessionName = setting(profile, "role_session_name");
    const durationSeconds = integerSetting(profile, "duration_seconds", label);
    if (sourceProfile !== undefined && credentialSource !== undefined) {
      throw sourceFailed(label, "it has both source_profile and credential_source");
    }
    if (sourceProfile === undefined && credentialSource === undefined) {
      if (tokenFile !== undefined) {
        return assumeRoleWithWebIdentity(
          { roleArn, webIdentityTokenFile: tokenFile, roleSessionName: sessionName, durationSeconds },
          this.#sts,
          label,
        );
      }
      throw sourceFailed(
        label,
        "role_arn needs source_profile, credential_source or web_identity_token_file",
      );
    }
    let source: SecretCredentials;
    if (sourceProfile !== undefined) {
      if (sourceProfile === name) {
        if (!hasStaticKeys(profile))
          throw sourceFailed(label, "it is its own source_profile but has no keys");
        source = staticKeys(profile, label);
      } else {
        if (chain.includes(sourceProfile) || sourceProfile === name) {
          throw sourceFailed(label, `source_profile loop: ${[...chain, name, sourceProfile].join(" -> ")}`);
        }
        const next = this.#files.profiles[sourceProfile];
        if (!next) throw sourceFailed(label, `its source_profile: ${this.#missing(sourceProfile)}`);
        // A source profile's static keys win over its own role_arn, as in the AWS CLI.
        checkPartialKeys(next, `profile ${sourceProfile}`);
        source = hasStaticKeys(next)
          ? staticKeys(next, `profile ${sourceProfile}`)
          : await this.#profile(sourceProfile, next, [...chain, name]);
      }
    } else {
      source = await this.#credentialSource(credentialSource!, label);
    }
    const serial = setting(profile, "mfa_serial");
    let tokenCode: string | undefined;
    if (serial !== undefined) {
      const ask = this.#options.mfaCodeProvider;
      if (!ask) {
        throw sourceFailed(
          label,
          `its role needs an MFA code (mfa_serial ${serial}): pass an mfaCodeProvider to the credentials provider`,
        );
      }
      try {
        tokenCode = (await ask(serial)).trim();
      } catch (error) {
        throw sourceFailed(label, `the mfaCodeProvider failed: ${reasonOf(error)}`, error);
      }
    }
    const fixed = Promise.resolve(source);
    return assumeRole(
      {
        roleArn,
        roleSessionName: sessionName,
        externalId: setting(profile, "external_id"),
        durationSeconds,
        serialNumber: serial,
        tokenCode,
        sourceIdentity: setting(profile, "source_identity"),
      },
      () => fixed,
      this.#sts,
      label,
    );
  }

  async #credentialSource(kind: string, label: string): Promise<SecretCredentials> {
    let found: SecretCredentials;
    try {
      if (kind === "Environment") {
        const fromEnv = readEnvironment();
        if (fromEnv instanceof NotConfigured) throw fromEnv;
        found = fromEnv;
      } else if (kind === "Ec2InstanceMetadata") {
        found = await new InstanceMetadata({
          ...this.#options.instanceMetadata,
          profileSettings: this.#files.profiles[String(this.#sts.profile)],
        }).credentials();
      } else if (kind === "EcsContainer") {
        found = await containerCredentials(this.#options.container);
      } else {
        throw sourceFailed(
          label,
          `credential_source must be Environment, Ec2InstanceMetadata or EcsContainer (received ${kind})`,
        );
      }
    } catch (error) {
      if (error instanceof NotConfigured) {
        throw sourceFailed(
          label,
          `its credential_source ${kind} gave nothing: ${error.attempts[0]?.reason ?? ""}`,
        );
      }
      throw error;
    }
    return found;
  }
}

/**
 * The credentials of a profile, from files already loaded.
 * @param mustExist - the profile was named by the user: its absence is an error, not a skip
 */
export function profileCredentials(
  files: SharedFiles,
  options: ProfileOptions,
  mustExist: boolean,
): Promise<SecretCredentials> {
  const name = profileName(options.profile);
  return new ProfileResolver(files, name, options).resolve(name, mustExist);
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
  return cachedProvider(() => readProfile(options));
}

/** One read of {@link fromProfile}'s credentials (what its provider calls at each refresh). */
export async function readProfile(options: ProfileOptions): Promise<SecretCredentials> {
  return profileCredentials(await loadSharedFiles(), options, true);
}
