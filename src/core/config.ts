/**
 * Region and endpoint resolution from options and the environment, on any runtime.
 *
 * @module
 */

import { ValidationError } from "./errors.js";

/** Reads an environment variable where the runtime has an environment; never throws. */
export function env(name: string): string | undefined {
  try {
    const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
      name
    ];
    return value === "" ? undefined : value;
  } catch {
    // Deno without --allow-env, sandboxes: no environment.
    return undefined;
  }
}

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

/** The DNS suffix of a region's partition. */
export function dnsSuffix(region: string): string {
  return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

/** The public endpoint of a service in a region. */
export function defaultEndpoint(endpointPrefix: string, region: string): string {
  return `https://${endpointPrefix}.${region}.${dnsSuffix(region)}`;
}

/**
 * Resolves the region: the option, then `AWS_REGION`, then `AWS_DEFAULT_REGION`. Returns
 * undefined when none is set.
 */
export function resolveRegion(option: string | undefined): string | undefined {
  if (option !== undefined) return checkRegion(option);
  const fromEnv = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION");
  return fromEnv === undefined ? undefined : checkRegion(fromEnv, "AWS_REGION");
}

/**
 * Resolves the endpoint URL set by the user: the option, then `AWS_ENDPOINT_URL_<SERVICE>`, then
 * `AWS_ENDPOINT_URL`. Returns undefined when none is set (the public endpoint applies).
 */
export function resolveEndpointOverride(option: string | undefined, envKey: string): string | undefined {
  return option ?? env(`AWS_ENDPOINT_URL_${envKey}`) ?? env("AWS_ENDPOINT_URL");
}
