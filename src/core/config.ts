/**
 * Region, endpoint and retry settings, from options, the environment and the shared config
 * profile, on any runtime.
 *
 * - Region: the option, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`.
 * - Endpoint: the option, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
 *   `services` section (`sqs =` / `  endpoint_url = ...`), the profile's `endpoint_url`; else the
 *   public endpoint of the region's partition (aws, aws-cn, aws-us-gov, ...), FIPS and dual-stack
 *   on request (`useFipsEndpoint` / `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`, and the same
 *   for dual-stack). `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or `ignore_configured_endpoint_urls`)
 *   turns off the environment and profile endpoints.
 * - Retries: `maxAttempts` / `AWS_MAX_ATTEMPTS` / `max_attempts`; `retryMode` /
 *   `AWS_RETRY_MODE` / `retry_mode`.
 *
 * @module
 */

import type { IniSection, SharedFiles } from "./config/profile.js";
import {
  lookupAttempts,
  lookupEndpoint,
  lookupFlag,
  lookupRegion,
  lookupRetryMode,
  profileName,
} from "./config/profile.js";
import { positiveInteger, type RetryMode } from "./config/section.js";
import { ValidationError } from "./errors.js";
import type { AdaptiveRetry } from "./retry.js";

export { parseBoolean, type RetryMode } from "./config/section.js";

/** A parsed endpoint: where requests go. */
export interface Endpoint {
  /** `https:` or `http:`. */
  readonly protocol: string;
  /** Host name without port. */
  readonly hostname: string;
  /** Port, or "" for the protocol's default. */
  readonly port: string;
  /** The `Host` header value: host name and non-default port. */
  readonly host: string;
  /** The base path, "/" unless the endpoint names one. */
  readonly path: string;
}

const REGION = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Checks a region name, naming the value received. */
export function checkRegion(region: string, field = "region"): string {
  if (!REGION.test(region)) throw new ValidationError(field, "a region name such as eu-west-1", region);
  return region;
}

/** Parses and checks an endpoint URL. */
export function parseEndpoint(url: string, field = "endpoint"): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(field, "an absolute http or https URL", url);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ValidationError(field, "an http or https URL", url);
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new ValidationError(field, "a URL without user info, query or fragment", "(a URL with one)");
  }
  return {
    protocol: parsed.protocol,
    hostname: parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname,
    port: parsed.port,
    host: parsed.host,
    path: parsed.pathname || "/",
  };
}

// ---------------------------------------------------------------------------------------------
// Partitions (facts from AWS's partitions.json)

/** An AWS partition: a group of regions sharing DNS suffixes. */
export interface Partition {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly id: string;
  /** The DNS suffix of public endpoints (`amazonaws.com`). */
  readonly dnsSuffix: string;
  /** The DNS suffix of dual-stack (IPv4 and IPv6) endpoints (`api.aws`). */
  readonly dualStackDnsSuffix: string;
  /** Which region names belong to it. */
  readonly regionRegex: RegExp;
}

/**
 * The partitions, in the order a region is matched against them; unknown regions fall in `aws`.
 * Each row: id, DNS suffix, dual-stack DNS suffix, the regions' pattern. Checked against AWS's
 * partitions and endpoint rules by test/core/config-endpoints.test.ts (a table of the regions'
 * name prefixes, joined into patterns at load, made the browser bundle no smaller).
 */
export const PARTITIONS: readonly Partition[] = (
  [
    ["aws", "amazonaws.com", "api.aws", /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/],
    ["aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", /^cn-\w+-\d+$/],
    ["aws-us-gov", "amazonaws.com", "api.aws", /^us-gov-\w+-\d+$/],
    ["aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", /^eusc-(de)-\w+-\d+$/],
    ["aws-iso", "c2s.ic.gov", "api.aws.ic.gov", /^us-iso-\w+-\d+$/],
    ["aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", /^us-isob-\w+-\d+$/],
    ["aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", /^eu-isoe-\w+-\d+$/],
    ["aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", /^us-isof-\w+-\d+$/],
  ] as const
).map(([id, dnsSuffix, dualStackDnsSuffix, regionRegex]) => ({
  id,
  dnsSuffix,
  dualStackDnsSuffix,
  regionRegex,
}));

/**
 * The partition of a region (`aws` when none matches, as the SDKs do). Each partition's global
 * pseudo-region is named after it: `aws-global`, `aws-cn-global`, `aws-us-gov-global`, ...
 */
export function partitionOf(region: string): Partition {
  const global = region.endsWith("-global") ? region.slice(0, -7) : undefined;
  for (const partition of PARTITIONS) {
    if (global ? partition.id === global : partition.regionRegex.test(region)) return partition;
  }
  return PARTITIONS[0]!;
}

/** The DNS suffix of a region's partition. */
export function dnsSuffix(region: string): string {
  return partitionOf(region).dnsSuffix;
}

/** Endpoint variants. */
export interface EndpointVariant {
  /** FIPS 140 validated endpoint. */
  readonly useFips?: boolean | undefined;
  /** Dual-stack (IPv4 and IPv6) endpoint. */
  readonly useDualstack?: boolean | undefined;
}

/**
 * The public endpoint of a service in a region, as AWS's endpoint rules give it for SQS, SNS, STS
 * and the SSO portal: `https://{prefix}[-fips].{region}.{dnsSuffix | dualStackDnsSuffix}`, except
 * FIPS in AWS GovCloud (US) without dual-stack, whose standard endpoints are FIPS already
 * (`https://{prefix}.{region}.amazonaws.com`).
 */
export function defaultEndpoint(
  endpointPrefix: string,
  region: string,
  variant: EndpointVariant = {},
): string {
  const partition = partitionOf(region);
  const fips = variant.useFips === true;
  const dual = variant.useDualstack === true;
  if (fips && !dual && partition.id === "aws-us-gov")
    return `https://${endpointPrefix}.${region}.amazonaws.com`;
  const prefix = fips ? `${endpointPrefix}-fips` : endpointPrefix;
  return `https://${prefix}.${region}.${dual ? partition.dualStackDnsSuffix : partition.dnsSuffix}`;
}

// ---------------------------------------------------------------------------------------------
// Resolution

/** Settings the client takes from its options before the environment and the profile. */
export interface ConfigOptions {
  region?: string | undefined;
  endpoint?: string | undefined;
  profile?: string | undefined;
  useFipsEndpoint?: boolean | undefined;
  useDualstackEndpoint?: boolean | undefined;
  maxAttempts?: number | undefined;
  retryMode?: RetryMode | AdaptiveRetry | undefined;
}

/** What the client needs to know of its service to resolve an endpoint. */
export interface ConfigService {
  /** Host prefix of the public endpoint (`sqs`, `portal.sso`). */
  readonly endpointPrefix: string;
  /** Suffix of `AWS_ENDPOINT_URL_<KEY>` (`SQS`); lower-cased, the key in `services` sections. */
  readonly envKey: string;
}

/** Resolved client settings. */
export interface ResolvedConfig {
  /** The profile name used. */
  readonly profile: string;
  /** The profile's settings (empty when it does not exist). */
  readonly profileSettings: IniSection | undefined;
  /** The region, when one is set anywhere (`us-east-1` when only an endpoint is). */
  readonly region: string | undefined;
  /** The endpoint URL, when a region or an endpoint is set. */
  readonly endpoint: string | undefined;
  /** Where the endpoint came from (`option`, `AWS_ENDPOINT_URL_SQS`, `profile default`, `partition`). */
  readonly endpointSource: string | undefined;
  /** FIPS endpoint requested. */
  readonly useFips: boolean;
  /** Dual-stack endpoint requested. */
  readonly useDualstack: boolean;
  /** Attempts per call. */
  readonly maxAttempts: number;
  /** The retry mode. */
  readonly retryMode: RetryMode;
}

/**
 * Resolves the region: the option, then `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the
 * profile's `region`. Returns undefined when none is set.
 */
export function resolveRegion(option: string | undefined, profile?: IniSection): string | undefined {
  if (option !== undefined) return checkRegion(option);
  const found = lookupRegion(profile);
  return found && checkRegion(...found);
}

/**
 * Resolves the endpoint URL set by the user: the option, then `AWS_ENDPOINT_URL_<SERVICE>`, then
 * `AWS_ENDPOINT_URL`, then (with the shared files) the profile's `services` section and its
 * `endpoint_url`. Returns undefined when none is set (the public endpoint applies).
 */
export function resolveEndpointOverride(
  option: string | undefined,
  envKey: string,
  profile?: IniSection,
  files?: SharedFiles,
): string | undefined {
  return endpointOverride(option, envKey, profile, files)?.url;
}

function endpointOverride(
  option: string | undefined,
  envKey: string,
  profile: IniSection | undefined,
  files: SharedFiles | undefined,
  profileLabel = "profile",
): { url: string; source: string } | undefined {
  if (option !== undefined) return { url: option, source: "option" };
  if (lookupFlag(profile, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) return undefined;
  const [url, source] = lookupEndpoint(envKey, profile, files, profileLabel);
  return url === undefined ? undefined : { url, source };
}

/**
 * Resolves a client's region, endpoint and retry settings from its options, the environment and
 * the shared files (pass `undefined` for `files` where they cannot be read).
 */
export function resolveConfig(
  service: ConfigService,
  options: ConfigOptions,
  files: SharedFiles | undefined,
): ResolvedConfig {
  const profile = profileName(options.profile);
  const profileSettings = files?.profiles[profile];
  let region = resolveRegion(options.region, profileSettings);
  let useFips = options.useFipsEndpoint ?? lookupFlag(profileSettings, "AWS_USE_FIPS_ENDPOINT") ?? false;
  const useDualstack =
    options.useDualstackEndpoint ?? lookupFlag(profileSettings, "AWS_USE_DUALSTACK_ENDPOINT") ?? false;
  // Legacy pseudo-regions name FIPS in the region: fips-us-gov-west-1, us-east-1-fips.
  // (the leading form first: fips-us-east-1-fips loses its prefix only, as before)
  const bare = region?.replace(/^fips-|-fips$/, "");
  if (bare !== region) {
    region = bare;
    useFips = true;
  }
  const override = endpointOverride(
    options.endpoint,
    service.envKey,
    profileSettings,
    files,
    `profile ${profile}`,
  );
  if (override) parseEndpoint(override.url, override.source === "option" ? "endpoint" : override.source);
  region ??= override ? "us-east-1" : undefined;
  const endpoint =
    override?.url ??
    (region === undefined
      ? undefined
      : defaultEndpoint(service.endpointPrefix, region, { useFips, useDualstack }));

  const maxAttempts =
    options.maxAttempts === undefined
      ? (lookupAttempts(profileSettings) ?? 3)
      : positiveInteger(options.maxAttempts, "maxAttempts");
  const option = options.retryMode;
  // adaptiveRetry (or an object like it) is the adaptive mode with its rate limiter.
  const retryMode =
    option === undefined
      ? (lookupRetryMode(profileSettings) ?? "standard")
      : typeof option === "object" && typeof option?.rateLimiter === "function"
        ? "adaptive"
        : option;
  if (retryMode !== "standard" && retryMode !== "adaptive") {
    throw new ValidationError("retryMode", '"standard", "adaptive" or adaptiveRetry', option);
  }

  return {
    profile,
    profileSettings,
    region,
    endpoint,
    endpointSource: override?.source ?? (endpoint ? "partition" : undefined),
    useFips,
    useDualstack,
    maxAttempts,
    retryMode,
  };
}
