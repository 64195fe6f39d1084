/**
 * The service client base: turns one typed call into signed HTTP requests, under the retry
 * policy, and the response back into typed output. SQS, SNS and STS are thin layers over it.
 *
 * @module
 */

import {
  defaultEndpoint,
  type Endpoint,
  parseEndpoint,
  resolveEndpointOverride,
  resolveRegion,
} from "./config.js";
import { resolveCredentials } from "./credentials/index.js";
import type { Credentials, CredentialsProvider } from "./credentials/types.js";
import {
  AbortError,
  AsyncAwsError,
  CredentialsError,
  type ErrorContext,
  isAbortError,
  ValidationError,
} from "./errors.js";
import { defaultTransport, type HttpRequest, type Transport } from "./http.js";
import type { Protocol } from "./protocol/types.js";
import { RetryPolicy, sleep } from "./retry.js";
import type { OperationShape } from "./schema.js";
import { canonicalPath, signOwnRequest } from "./signer.js";

/** Options of one call: every method takes them as its optional second argument. */
export interface CallOptions {
  /** Aborts the call, including a long poll in progress and any wait between retries. */
  signal?: AbortSignal | undefined;
  /**
   * Timeout of each attempt in milliseconds, overriding the client's `requestTimeoutMs`. A
   * ReceiveMessage long poll always gets at least its wait time plus 5 seconds.
   */
  timeoutMs?: number | undefined;
}

/** Options common to every client. All are optional. */
export interface ClientOptions {
  /**
   * The AWS region, such as `eu-west-1`.
   * @default the `AWS_REGION` or `AWS_DEFAULT_REGION` environment variable; `us-east-1` when an endpoint is set
   */
  region?: string;
  /**
   * Send every request to this URL instead of the public endpoint (an emulator, a VPC endpoint, a
   * proxy). When set, it is used for every request, whatever host a queue URL names.
   * @default `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the region's public endpoint
   */
  endpoint?: string;
  /**
   * Credentials, or an async function that returns them (called before each request: cache inside).
   * @default the `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` environment variables
   */
  credentials?: Credentials | CredentialsProvider;
  /**
   * Attempts per call, the first included; 1 disables retries.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Timeout of each attempt in milliseconds.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * A `fetch` to send requests with (tests, proxies, instrumentation).
   * @default `node:http` with keep-alive where the runtime has it, else the global `fetch`
   */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/** An operation: its shapes and the service's per-operation behaviour. Described once, as data. */
export interface OperationSpec extends OperationShape {
  /** Rejects bad input before anything is sent (throws a ValidationError). */
  readonly validate?: ((input: never, context: ErrorContext) => void) | undefined;
  /** Checks the output against the input (MD5 digests); throws a ChecksumError. */
  readonly check?: ((input: never, output: never, context: ErrorContext) => void) | undefined;
  /** The least timeout this call needs (a long poll's wait), in milliseconds. */
  readonly minTimeoutMs?: ((input: never) => number) | undefined;
}

/** How a paginated action pages. */
export interface PaginatorSpec {
  readonly inputToken: string;
  readonly outputToken: string;
  readonly resultKey?: string;
  readonly limitKey?: string;
}

/** What the base needs to know of a service. */
export interface ServiceInfo {
  /** SigV4 service name (`sqs`). */
  readonly signingName: string;
  /** Host prefix of the public endpoint (`sqs`). */
  readonly endpointPrefix: string;
  /** Suffix of `AWS_ENDPOINT_URL_<KEY>` (`SQS`). */
  readonly envKey: string;
  /** Input members that name the resource a call is about, for error messages, in order. */
  readonly resourceKeys: readonly string[];
}

/** @internal The symbol under which clients keep their call function. */
export const CALL = Symbol("asyncaws.call");
/** @internal */
export const PAGINATE = Symbol("asyncaws.paginate");

function positiveNumber(field: string, value: unknown, integer: boolean, context?: ErrorContext): number {
  if (
    typeof value !== "number" ||
    !(value > 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new ValidationError(
      field,
      integer ? "a positive integer" : "a positive finite number",
      value,
      context,
    );
  }
  return value;
}

/** The client base. Holds credentials privately: they never show in `inspect` or JSON. */
export class ServiceClient {
  /** The region requests are signed for. */
  readonly region: string | undefined;
  /** Where requests go. */
  readonly endpoint: string | undefined;
  readonly #info: ServiceInfo;
  #protocol: Protocol | (() => Promise<Protocol>);
  readonly #credentials: CredentialsProvider;
  readonly #transport: Transport;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #endpoint: Endpoint | undefined;
  readonly #canonicalUri: string;
  readonly #checks: boolean;
  #clockOffsetMs = 0;

  /**
   * @param protocol - the wire protocol, or a function that loads it on first use
   * @param checks - run the operations' output checks (MD5 digests)
   */
  constructor(
    info: ServiceInfo,
    protocol: Protocol | (() => Promise<Protocol>),
    options: ClientOptions = {},
    checks = true,
  ) {
    if (options === null || typeof options !== "object")
      throw new ValidationError("options", "an object", options);
    this.#info = info;
    this.#protocol = protocol;
    this.#checks = checks;
    const override = resolveEndpointOverride(options.endpoint, info.envKey);
    this.region = resolveRegion(options.region) ?? (override ? "us-east-1" : undefined);
    this.endpoint = override ?? (this.region ? defaultEndpoint(info.endpointPrefix, this.region) : undefined);
    this.#endpoint = this.endpoint === undefined ? undefined : parseEndpoint(this.endpoint);
    const path = this.#endpoint?.path ?? "/";
    this.#canonicalUri = path === "/" ? "/" : canonicalPath(path);
    this.#credentials = resolveCredentials(options.credentials);
    if (options.fetch !== undefined && typeof options.fetch !== "function") {
      throw new ValidationError("fetch", "a function", options.fetch);
    }
    this.#transport = defaultTransport(options.fetch);
    this.#retry = new RetryPolicy({
      maxAttempts:
        options.maxAttempts === undefined ? 3 : positiveNumber("maxAttempts", options.maxAttempts, true),
    });
    this.#timeoutMs =
      options.requestTimeoutMs === undefined
        ? 30_000
        : positiveNumber("requestTimeoutMs", options.requestTimeoutMs, false);
  }

  /** @internal Runs one operation. */
  async [CALL](op: OperationSpec, input: object | undefined, options?: CallOptions): Promise<unknown> {
    const context: ErrorContext = { operation: op.name, resource: this.#resourceOf(input) };
    if (input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))) {
      throw new ValidationError("input", "an object", input, context);
    }
    const signal = options?.signal;
    let timeoutMs = this.#timeoutMs;
    if (options !== undefined) {
      if (signal !== undefined && typeof signal?.addEventListener !== "function") {
        throw new ValidationError("signal", "an AbortSignal", signal, context);
      }
      if (options.timeoutMs !== undefined)
        timeoutMs = positiveNumber("timeoutMs", options.timeoutMs, false, context);
    }
    op.validate?.((input ?? {}) as never, context);
    if (op.minTimeoutMs) timeoutMs = Math.max(timeoutMs, op.minTimeoutMs((input ?? {}) as never));
    const endpoint = this.#endpoint;
    if (!endpoint) {
      throw new AsyncAwsError("no region: set the region option or AWS_REGION (or an endpoint)", context);
    }
    let protocol = this.#protocol;
    if (typeof protocol === "function") {
      // A protocol loaded on first use (kept out of bundles that never need it).
      protocol = await protocol();
      this.#protocol = protocol;
    }
    const { body, headers } = protocol.encode(op, input);
    headers.host = endpoint.host;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new AbortError(context, { cause: signal.reason });
      try {
        const credentials = await this.#credentials();
        if (typeof credentials?.accessKeyId !== "string" || typeof credentials.secretAccessKey !== "string") {
          throw new CredentialsError(
            "the credentials provider gave no accessKeyId and secretAccessKey",
            [],
            context,
          );
        }
        const signed = { ...headers };
        signOwnRequest(
          "POST",
          this.#canonicalUri,
          signed,
          body,
          credentials,
          this.region!,
          this.#info.signingName,
          new Date(Date.now() + this.#clockOffsetMs),
        );
        const request: HttpRequest = {
          method: "POST",
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port,
          path: endpoint.path,
          headers: signed,
          body,
        };
        const response = await this.#transport(request, signal, timeoutMs, context);
        const output = protocol.decode(op, response, context);
        if (this.#checks) op.check?.((input ?? {}) as never, output as never, context);
        return output;
      } catch (error) {
        if (isAbortError(error) || signal?.aborted) {
          throw isAbortError(error) ? error : new AbortError(context, { cause: signal?.reason });
        }
        const delay = this.#retry.delayAfter(error, attempt);
        if (delay === undefined) throw error;
        try {
          await sleep(delay, signal);
        } catch {
          throw new AbortError(context, { cause: signal?.reason });
        }
      }
    }
  }

  /** @internal Iterates the pages of a paginated operation. */
  async *[PAGINATE](
    op: OperationSpec,
    paginator: PaginatorSpec,
    input: object | undefined,
    options?: CallOptions,
  ): AsyncGenerator<unknown, void, undefined> {
    const seen = new Set<string>();
    let request = input;
    for (;;) {
      const page = (await this[CALL](op, request, options)) as Record<string, unknown>;
      yield page;
      const token = page[paginator.outputToken];
      if (typeof token !== "string" || token === "") return;
      if (seen.has(token)) {
        throw new AsyncAwsError("the service returned the same page token twice; stopping", {
          operation: op.name,
          resource: this.#resourceOf(input),
        });
      }
      seen.add(token);
      request = { ...input, [paginator.inputToken]: token };
    }
  }

  #resourceOf(input: object | undefined): string | undefined {
    if (!input) return undefined;
    for (const key of this.#info.resourceKeys) {
      const value = (input as Record<string, unknown>)[key];
      if (typeof value === "string") return value;
    }
    return undefined;
  }
}

/**
 * Derives one method per operation (and `paginate<Action>` per paginator) on a client class
 * from its operation table: the methods are data, not hand-written code.
 */
export function defineOperations(
  target: { prototype: object },
  operations: Readonly<Record<string, OperationSpec>>,
  paginators: Readonly<Record<string, PaginatorSpec>>,
): void {
  const proto = target.prototype as Record<string, unknown>;
  for (const name in operations) {
    const op = operations[name]!;
    proto[name[0]!.toLowerCase() + name.slice(1)] = function (
      this: ServiceClient,
      input?: object,
      options?: CallOptions,
    ) {
      return this[CALL](op, input, options);
    };
    const paginator = paginators[name];
    if (paginator) {
      proto[`paginate${name}`] = function (this: ServiceClient, input?: object, options?: CallOptions) {
        return this[PAGINATE](op, paginator, input, options);
      };
    }
  }
}
