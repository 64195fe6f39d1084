/**
 * Credentials from the container credentials endpoint (ECS task roles, EKS Pod Identity, and any
 * agent speaking the same protocol): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on
 * `http://169.254.170.2`, or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, allowed when it is https, or
 * http on a loopback address or the ECS / EKS link-local hosts (169.254.170.2, 169.254.170.23,
 * fd00:ec2::23). The `Authorization` header comes from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
 * (read at each refresh) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
 *
 * Node-only; elsewhere the source gives nothing.
 *
 * @module
 */

import { builtin, env, type NodeFs } from "../runtime.js";
import { cachedProvider } from "./cache.js";
import { credentialsTransport, send } from "./http.js";
import {
  credentialsFrom,
  NotConfigured,
  parseJsonObject,
  reasonOf,
  type SecretCredentials,
  sourceFailed,
} from "./secret.js";
import type { CredentialsProvider } from "./types.js";

const SOURCE = "container credentials";

/** Options of {@link fromContainer}. */
export interface ContainerOptions {
  /**
   * Timeout of each attempt, in milliseconds.
   * @default 2000
   */
  timeoutMs?: number | undefined;
  /**
   * Attempts on connection failures, timeouts and HTTP 5xx.
   * @default 3
   */
  maxAttempts?: number | undefined;
}

const ALLOWED_HTTP_HOSTS = new Set(["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost", "::1"]);

function allowedHttpHost(hostname: string): boolean {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return ALLOWED_HTTP_HOSTS.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The endpoint the environment names, or why there is none. */
export function containerEndpoint(): string | NotConfigured {
  const relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  if (relative !== undefined) {
    return `http://169.254.170.2${relative.startsWith("/") ? "" : "/"}${relative}`;
  }
  const full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (full === undefined) {
    return new NotConfigured(
      SOURCE,
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
    );
  }
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    throw sourceFailed(SOURCE, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL");
  }
  if (url.protocol === "https:") return url.href;
  if (url.protocol === "http:" && allowedHttpHost(url.hostname)) return url.href;
  throw sourceFailed(
    SOURCE,
    `AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on a loopback address or the ECS/EKS hosts (host ${url.hostname})`,
  );
}

async function authorization(): Promise<string | undefined> {
  const file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  let token: string | undefined;
  if (file !== undefined) {
    const fs = await builtin<NodeFs>("node:fs");
    if (!fs) throw new NotConfigured(SOURCE, "this runtime cannot read files");
    try {
      token = (await fs.promises.readFile(file, "utf8")).trim();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      throw sourceFailed(
        SOURCE,
        `could not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${file} (${typeof code === "string" ? code : "error"})`,
      );
    }
  } else {
    token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token !== undefined && /[\r\n]/.test(token)) {
    throw sourceFailed(SOURCE, "the authorization token has a line break");
  }
  return token || undefined;
}

/** Fetches credentials from the container endpoint once. */
export async function containerCredentials(options: ContainerOptions = {}): Promise<SecretCredentials> {
  const endpoint = containerEndpoint();
  if (endpoint instanceof NotConfigured) throw endpoint;
  const transport = credentialsTransport();
  if (!transport)
    throw new NotConfigured(SOURCE, "this runtime has no HTTP stack for the container endpoint");
  const token = await authorization();
  let response: Awaited<ReturnType<typeof send>>;
  try {
    response = await send(transport, {
      method: "GET",
      url: endpoint,
      headers:
        token === undefined
          ? { accept: "application/json" }
          : { accept: "application/json", authorization: token },
      timeoutMs: options.timeoutMs ?? 2000,
      maxAttempts: options.maxAttempts ?? 3,
      operation: SOURCE,
    });
  } catch (error) {
    throw sourceFailed(SOURCE, `the endpoint could not be reached: ${reasonOf(error)}`, error);
  }
  if (response.statusCode !== 200) {
    throw sourceFailed(SOURCE, `the endpoint answered HTTP ${response.statusCode}`);
  }
  return credentialsFrom(
    parseJsonObject(response.body, SOURCE),
    {
      accessKeyId: "AccessKeyId",
      secretAccessKey: "SecretAccessKey",
      sessionToken: "Token",
      expiration: "Expiration",
    },
    SOURCE,
  );
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
  return cachedProvider(() => containerCredentials(options));
}
