/**
 * Credentials of the IAM role of an EC2 instance, from the instance metadata service with IMDSv2
 * session tokens: `PUT /latest/api/token` (header `x-aws-ec2-metadata-token-ttl-seconds`), then
 * `GET /latest/meta-data/iam/security-credentials/` for the role name and
 * `GET /latest/meta-data/iam/security-credentials/<role>` with `x-aws-ec2-metadata-token`.
 *
 * - No IMDSv1 fallback unless asked for (`allowV1Fallback`, or `AWS_EC2_METADATA_V1_DISABLED=false`).
 * - `AWS_EC2_METADATA_DISABLED=true` turns the source off.
 * - The endpoint: the option, `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's
 *   `ec2_metadata_service_endpoint`, else `http://169.254.169.254` (`http://[fd00:ec2::254]` with
 *   the endpoint mode `IPv6`).
 * - Short timeouts (1 s): off EC2, the default chain gives up after one attempt; once the service
 *   has answered, refreshes get three.
 * - Static stability: when a refresh fails, or the service hands out credentials that have already
 *   expired, the last credentials are used for 5 to 10 more minutes, as the SDKs do.
 *
 * Node-only; elsewhere the source gives nothing.
 *
 * @module
 */

import { type IniSection, setting } from "../config/profile.js";
import { parseBoolean } from "../config.js";
import { AsyncAwsError, isCredentialsError, isNetworkError, isTimeoutError } from "../errors.js";
import type { HttpResponse, Transport } from "../http.js";
import { env } from "../runtime.js";
import { cachedProvider } from "./cache.js";
import { credentialsTransport, send } from "./http.js";
import {
  credentialsFrom,
  NotConfigured,
  parseJsonObject,
  SecretCredentials,
  sourceFailed,
} from "./secret.js";
import type { CredentialsProvider } from "./types.js";

const SOURCE = "instance metadata";
const TOKEN_TTL_SECONDS = 21600;
const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";

/** Options of {@link fromInstanceMetadata}. */
export interface InstanceMetadataOptions {
  /**
   * The metadata service's base URL.
   * @default `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's `ec2_metadata_service_endpoint`, else `http://169.254.169.254`
   */
  endpoint?: string | undefined;
  /**
   * Timeout of each request, in milliseconds.
   * @default 1000
   */
  timeoutMs?: number | undefined;
  /**
   * Attempts per request on connection failures, timeouts and HTTP 5xx.
   * @default 3
   */
  maxAttempts?: number | undefined;
  /**
   * Fall back to IMDSv1 (no session token) when the service does not offer IMDSv2 tokens.
   * @default false (true when `AWS_EC2_METADATA_V1_DISABLED` is `false`)
   */
  allowV1Fallback?: boolean;
  /** @internal The profile's settings (for `ec2_metadata_service_endpoint`). */
  profileSettings?: IniSection | undefined;
}

/** Whether `AWS_EC2_METADATA_DISABLED` turns the source off. */
export function instanceMetadataDisabled(): boolean {
  const value = env("AWS_EC2_METADATA_DISABLED");
  return value !== undefined && value.trim().toLowerCase() === "true";
}

function endpointOf(options: InstanceMetadataOptions): string {
  const explicit =
    options.endpoint ??
    env("AWS_EC2_METADATA_SERVICE_ENDPOINT") ??
    setting(options.profileSettings, "ec2_metadata_service_endpoint");
  if (explicit !== undefined) return explicit.replace(/\/+$/, "");
  const mode =
    env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") ??
    setting(options.profileSettings, "ec2_metadata_service_endpoint_mode") ??
    "IPv4";
  if (mode.toLowerCase() === "ipv6") return "http://[fd00:ec2::254]";
  if (mode.toLowerCase() === "ipv4") return "http://169.254.169.254";
  throw sourceFailed(SOURCE, `the endpoint mode must be IPv4 or IPv6 (received ${mode})`);
}

/** Not an EC2 instance (or the service is unreachable): a connection failure or a timeout. */
function unreachable(error: unknown): boolean {
  return isNetworkError(error) || isTimeoutError(error);
}

/**
 * The metadata service client of one provider: keeps its session token until it nears its TTL,
 * and its last credentials for static stability.
 */
export class InstanceMetadata {
  readonly #options: InstanceMetadataOptions;
  #token: { value: string; expires: number } | undefined;
  #last: SecretCredentials | undefined;
  #answered = false;

  constructor(options: InstanceMetadataOptions = {}) {
    this.#options = options;
  }

  /** Whether the service has answered before (so this is an EC2 instance). */
  get answered(): boolean {
    return this.#answered;
  }

  /**
   * Fetches the role's credentials.
   * @param maxAttempts - attempts per request (the default chain's first try uses 1)
   */
  async credentials(maxAttempts = this.#options.maxAttempts ?? 3): Promise<SecretCredentials> {
    if (instanceMetadataDisabled()) throw new NotConfigured(SOURCE, "AWS_EC2_METADATA_DISABLED is true");
    const transport = credentialsTransport();
    if (!transport)
      throw new NotConfigured(SOURCE, "this runtime has no HTTP stack for the metadata service");
    try {
      const fresh = await this.#fetch(transport, maxAttempts);
      this.#last = fresh;
      return fresh;
    } catch (error) {
      if (this.#last) return this.#extend(this.#last);
      if (!this.#answered && unreachable(error)) {
        throw new NotConfigured(SOURCE, `no metadata service answered (${(error as Error).message})`);
      }
      if (isCredentialsError(error)) throw error;
      throw sourceFailed(SOURCE, (error as Error).message, error);
    }
  }

  /** Old credentials given 5 to 10 more minutes (static stability). */
  #extend(last: SecretCredentials): SecretCredentials {
    const expiration = new Date(Date.now() + 300_000 + Math.floor(Math.random() * 300_000));
    return new SecretCredentials(
      {
        accessKeyId: last.accessKeyId,
        secretAccessKey: last.secretAccessKey,
        sessionToken: last.sessionToken,
        expiration,
      },
      SOURCE,
    );
  }

  async #fetch(transport: Transport, maxAttempts: number): Promise<SecretCredentials> {
    const base = endpointOf(this.#options);
    const get = async (path: string): Promise<HttpResponse> => {
      let token = await this.#sessionToken(transport, base, maxAttempts);
      let response = await this.#get(transport, base, path, token, maxAttempts);
      if (response.statusCode === 401 && token !== undefined) {
        // The session token expired early: get a new one, once.
        this.#token = undefined;
        token = await this.#sessionToken(transport, base, maxAttempts);
        response = await this.#get(transport, base, path, token, maxAttempts);
      }
      return response;
    };
    const list = await get(CREDENTIALS_PATH);
    if (list.statusCode === 404)
      throw sourceFailed(SOURCE, "this instance has no IAM role (instance profile)");
    if (list.statusCode !== 200)
      throw sourceFailed(SOURCE, `the role name request got HTTP ${list.statusCode}`);
    const role = list.body.split("\n")[0]?.trim();
    if (!role) throw sourceFailed(SOURCE, "this instance has no IAM role (instance profile)");
    const answer = await get(CREDENTIALS_PATH + encodeURIComponent(role));
    if (answer.statusCode !== 200) {
      throw sourceFailed(SOURCE, `the credentials request for role ${role} got HTTP ${answer.statusCode}`);
    }
    const body = parseJsonObject(answer.body, SOURCE);
    if (body.Code !== undefined && body.Code !== "Success") {
      throw sourceFailed(SOURCE, `the service answered Code ${String(body.Code).slice(0, 60)}`);
    }
    const credentials = credentialsFrom(
      body,
      {
        accessKeyId: "AccessKeyId",
        secretAccessKey: "SecretAccessKey",
        sessionToken: "Token",
        expiration: "Expiration",
      },
      SOURCE,
    );
    this.#answered = true;
    const expires = credentials.expiration?.getTime();
    return expires !== undefined && expires <= Date.now() + 60_000 ? this.#extend(credentials) : credentials;
  }

  async #get(
    transport: Transport,
    base: string,
    path: string,
    token: string | undefined,
    maxAttempts: number,
  ): Promise<HttpResponse> {
    return send(transport, {
      method: "GET",
      url: base + path,
      headers: token === undefined ? {} : { "x-aws-ec2-metadata-token": token },
      timeoutMs: this.#options.timeoutMs ?? 1000,
      maxAttempts,
      operation: SOURCE,
    });
  }

  /** The IMDSv2 session token; undefined when falling back to IMDSv1 is allowed and needed. */
  async #sessionToken(transport: Transport, base: string, maxAttempts: number): Promise<string | undefined> {
    const now = Date.now();
    if (this.#token && this.#token.expires > now) return this.#token.value;
    const allowV1 =
      this.#options.allowV1Fallback ??
      parseBoolean(env("AWS_EC2_METADATA_V1_DISABLED"), "AWS_EC2_METADATA_V1_DISABLED") === false;
    let response: HttpResponse;
    try {
      response = await send(transport, {
        method: "PUT",
        url: `${base}/latest/api/token`,
        headers: { "x-aws-ec2-metadata-token-ttl-seconds": String(TOKEN_TTL_SECONDS) },
        timeoutMs: this.#options.timeoutMs ?? 1000,
        maxAttempts,
        operation: SOURCE,
      });
    } catch (error) {
      if (allowV1 && !unreachable(error)) return undefined;
      throw error;
    }
    if (response.statusCode === 200 && response.body.trim()) {
      this.#answered = true;
      // Renew a minute before the service drops it.
      this.#token = { value: response.body.trim(), expires: now + (TOKEN_TTL_SECONDS - 60) * 1000 };
      return this.#token.value;
    }
    if (response.statusCode === 403) {
      throw new AsyncAwsError(
        "the metadata service refused a session token (HTTP 403): IMDS may be turned off",
      );
    }
    if (
      allowV1 &&
      (response.statusCode === 404 || response.statusCode === 405 || response.statusCode === 400)
    ) {
      this.#answered = true;
      return undefined;
    }
    throw new AsyncAwsError(
      `the metadata service answered HTTP ${response.statusCode} to the session token request${allowV1 ? "" : " (IMDSv1 fallback is off)"}`,
    );
  }
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
  const imds = new InstanceMetadata(options);
  return cachedProvider(() => imds.credentials());
}
