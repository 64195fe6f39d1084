/**
 * Credentials from AWS STS: AssumeRole (a profile's `role_arn` with `source_profile` or
 * `credential_source`) and AssumeRoleWithWebIdentity (`AWS_WEB_IDENTITY_TOKEN_FILE` +
 * `AWS_ROLE_ARN`, or a profile's `web_identity_token_file`).
 *
 * The STS client is loaded on first use (it is not in the bundle of an application that never
 * assumes a role).
 *
 * @module
 */

import { isAsyncAwsError } from "../errors.js";
import { builtin, env, type NodeFs } from "../runtime.js";
import { cachedProvider } from "./cache.js";
import { credentialsFrom, NotConfigured, reasonOf, type SecretCredentials, sourceFailed } from "./secret.js";
import type { CredentialsProvider } from "./types.js";

/** Where STS calls go. */
export interface StsSettings {
  /**
   * The region of the STS endpoint (`https://sts.{region}.amazonaws.com`).
   * @default the client's region, then `AWS_REGION`, the profile's region, then `us-east-1`
   */
  region?: string | (() => string | undefined) | undefined;
  /** The profile whose `services` section / `endpoint_url` may point STS elsewhere. */
  profile?: string | undefined;
}

function regionOf(settings: StsSettings): string {
  const region = typeof settings.region === "function" ? settings.region() : settings.region;
  return region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? "us-east-1";
}

type StsClient = InstanceType<typeof import("../../sts/sts.js").STS>;

async function stsClient(settings: StsSettings, credentials: CredentialsProvider): Promise<StsClient> {
  // The one upward import of core, and the one import cycle of the package: the credential chain
  // needs STS (web identity, assume role), and the STS client needs credentials (core/client.ts
  // -> credentials/option.ts -> default.ts -> chain.ts, lazily). STS is loaded when a source
  // first asks for it, as the AWS SDK does with the same knot; every import on the cycle carries
  // a biome-ignore pointing here, and nothing else may close a cycle (README, Development).
  // biome-ignore lint/suspicious/noImportCycles: the one allowed cycle: the credential chain loads STS lazily, and STS needs credentials.
  const { STS } = await import("../../sts/sts.js");
  return new STS({
    region: regionOf(settings),
    credentials,
    ...(settings.profile === undefined ? {} : { profile: settings.profile }),
  });
}

const STS_NAMES = {
  accessKeyId: "AccessKeyId",
  secretAccessKey: "SecretAccessKey",
  sessionToken: "SessionToken",
  expiration: "Expiration",
} as const;

/** A session name when none is configured. */
export function defaultSessionName(): string {
  return `asyncaws-${Date.now()}`;
}

/** Parameters of an AssumeRole call. */
export interface AssumeRoleParams {
  roleArn: string;
  roleSessionName?: string | undefined;
  externalId?: string | undefined;
  durationSeconds?: number | undefined;
  serialNumber?: string | undefined;
  tokenCode?: string | undefined;
  sourceIdentity?: string | undefined;
}

/** Calls AssumeRole with the source credentials. */
export async function assumeRole(
  params: AssumeRoleParams,
  sourceCredentials: CredentialsProvider,
  settings: StsSettings,
  label: string,
): Promise<SecretCredentials> {
  let output: { Credentials?: unknown };
  try {
    const sts = await stsClient(settings, sourceCredentials);
    output = await sts.assumeRole({
      RoleArn: params.roleArn,
      RoleSessionName: params.roleSessionName ?? defaultSessionName(),
      ...(params.externalId === undefined ? {} : { ExternalId: params.externalId }),
      ...(params.durationSeconds === undefined ? {} : { DurationSeconds: params.durationSeconds }),
      ...(params.serialNumber === undefined ? {} : { SerialNumber: params.serialNumber }),
      ...(params.tokenCode === undefined ? {} : { TokenCode: params.tokenCode }),
      ...(params.sourceIdentity === undefined ? {} : { SourceIdentity: params.sourceIdentity }),
    });
  } catch (error) {
    throw sourceFailed(label, `AssumeRole of ${params.roleArn} failed: ${reasonOf(error)}`, error);
  }
  return credentialsFrom(output.Credentials as Record<string, unknown> | undefined, STS_NAMES, label);
}

/** Parameters of an AssumeRoleWithWebIdentity call. */
export interface WebIdentityParams {
  roleArn: string;
  webIdentityTokenFile: string;
  roleSessionName?: string | undefined;
  durationSeconds?: number | undefined;
}

const noCredentials: CredentialsProvider = () =>
  Promise.reject(new NotConfigured("STS", "AssumeRoleWithWebIdentity is unsigned"));

/** Reads the token file (again at each refresh: Kubernetes rotates it) and calls AssumeRoleWithWebIdentity. */
export async function assumeRoleWithWebIdentity(
  params: WebIdentityParams,
  settings: StsSettings,
  label: string,
): Promise<SecretCredentials> {
  const fs = await builtin<NodeFs>("node:fs");
  if (!fs) throw new NotConfigured(label, "this runtime cannot read files");
  let token: string;
  try {
    token = (await fs.promises.readFile(params.webIdentityTokenFile, "utf8")).trim();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw sourceFailed(
      label,
      `could not read the web identity token file ${params.webIdentityTokenFile} (${typeof code === "string" ? code : "error"})`,
    );
  }
  if (!token)
    throw sourceFailed(label, `the web identity token file ${params.webIdentityTokenFile} is empty`);
  let output: { Credentials?: unknown };
  try {
    const sts = await stsClient(settings, noCredentials);
    output = await sts.assumeRoleWithWebIdentity({
      RoleArn: params.roleArn,
      RoleSessionName: params.roleSessionName ?? defaultSessionName(),
      WebIdentityToken: token,
      ...(params.durationSeconds === undefined ? {} : { DurationSeconds: params.durationSeconds }),
    });
  } catch (error) {
    const why = isAsyncAwsError(error) ? error.message : "the call failed";
    throw sourceFailed(label, `AssumeRoleWithWebIdentity of ${params.roleArn} failed: ${why}`, error);
  }
  return credentialsFrom(output.Credentials as Record<string, unknown> | undefined, STS_NAMES, label);
}

/** Options of {@link fromWebIdentity}. */
export interface WebIdentityOptions extends StsSettings {
  /** @default `AWS_ROLE_ARN` */
  roleArn?: string | undefined;
  /** @default `AWS_WEB_IDENTITY_TOKEN_FILE` */
  webIdentityTokenFile?: string | undefined;
  /** @default `AWS_ROLE_SESSION_NAME`, else `asyncaws-<time>` */
  roleSessionName?: string | undefined;
  /** @default the role's maximum session duration as STS decides (1 hour) */
  durationSeconds?: number | undefined;
}

/** The environment's web identity settings, or the reason there are none. */
export function webIdentityFromEnv(options: WebIdentityOptions = {}): WebIdentityParams | NotConfigured {
  const source = "web identity (environment)";
  const tokenFile = options.webIdentityTokenFile ?? env("AWS_WEB_IDENTITY_TOKEN_FILE");
  const roleArn = options.roleArn ?? env("AWS_ROLE_ARN");
  if (!tokenFile && !roleArn) return new NotConfigured(source, "AWS_WEB_IDENTITY_TOKEN_FILE is not set");
  if (!tokenFile)
    return new NotConfigured(source, "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not");
  if (!roleArn)
    return new NotConfigured(source, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
  return {
    roleArn,
    webIdentityTokenFile: tokenFile,
    roleSessionName: options.roleSessionName ?? env("AWS_ROLE_SESSION_NAME"),
    durationSeconds: options.durationSeconds,
  };
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
  return cachedProvider(() => webIdentityCredentials(options));
}

/** One fetch of {@link fromWebIdentity}'s credentials (what its provider calls at each refresh). */
export async function webIdentityCredentials(options: WebIdentityOptions): Promise<SecretCredentials> {
  const params = webIdentityFromEnv(options);
  if (params instanceof NotConfigured) throw params;
  return assumeRoleWithWebIdentity(params, options, "web identity (environment)");
}
