/**
 * The service client base: turns one typed call into signed HTTP requests, under the retry
 * policy, and the response back into typed output. SQS, SNS and STS are thin layers over it.
 *
 * @module
 */

import { requestChannel } from "../observability/channels.js";
import { OBSERVE } from "../observability/observer.js";
import type { ClientHooks, ClientObserver, RequestObservation } from "../observability/request.js";
import { type SharedFiles, withSharedFiles } from "./config/profile.js";
import {
  type Endpoint,
  parseEndpoint,
  type ResolvedConfig,
  type RetryMode,
  resolveConfig,
} from "./config.js";
// biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
import { credentialsFromOption, receivedKeys } from "./credentials/option.js";
import type { Credentials, CredentialsProvider } from "./credentials/types.js";
import {
  AbortError,
  AsyncAwsError,
  CredentialsError,
  type ErrorContext,
  isAbortError,
  isAsyncAwsError,
  isCredentialsError,
  isServiceError,
  isTimeoutError,
  ResponseError,
  type ServiceError,
  TimeoutError,
  ValidationError,
} from "./errors.js";
import { defaultTransport, type HttpRequest, type Transport } from "./http.js";
import {
  CALL,
  defineOperations,
  longPollTimeout,
  type OperationSpec,
  operation,
  type PaginatorSpec,
  paginate,
  RESOURCE,
} from "./operation.js";
import type { Protocol, RequestTarget } from "./protocol/types.js";
import { type AdaptiveRetry, CLOCK_SKEW_CODES, ClientRetry, sleep } from "./retry.js";
import { rateLimiterByName } from "./retry-by-name.js";
import { canonicalUrlPath } from "./signer/canonical.js";
import { signOwn } from "./signer/own.js";
import { signsPathAsSent } from "./signer/prepare.js";

/** Options of one call: every method takes them as its optional second argument. */
export interface CallOptions {
  /** Aborts the call, including a long poll in progress and any wait between retries. */
  signal?: AbortSignal | undefined;
  /**
   * Timeout of each attempt in milliseconds (per attempt: a call retried 3 times may take 3
   * times as long, plus the waits between attempts), overriding the client's `requestTimeoutMs`.
   * A ReceiveMessage long poll always gets at least its wait time plus 5 seconds. To bound the
   * whole call, use `deadlineMs` (or `signal`).
   */
  timeoutMs?: number | undefined;
  /**
   * Deadline of the whole call in milliseconds, from the call on: every attempt, and every wait
   * between attempts (a `Retry-After` hint included), ends within it. An attempt gets at most
   * the time left; a retry whose wait would end past the deadline is not made (the last error
   * is thrown); once it passes, a `TimeoutError` is thrown. Overrides the client's `deadlineMs`.
   * @default the client's `deadlineMs`: none
   */
  deadlineMs?: number | undefined;
  /**
   * Once this signal aborts, the call sends no further request: the attempt in flight runs to
   * its end, and its error, if any, is the answer (no retry, no re-signing for a skewed clock or
   * refreshed credentials); a call whose first request was not sent yet (its credentials or
   * signature still on their way) ends with an `AbortError`. Unlike `signal`, it never cuts a
   * request in flight. The consumer
   * passes its stop signal here, so that `stop()` sends no ReceiveMessage after it is called.
   * @default none: every retry the retry mode allows is made
   */
  retriesUntil?: AbortSignal | undefined;
}

/** Options common to every client. All are optional. */
export interface ClientOptions {
  /**
   * The AWS region, such as `eu-west-1`.
   * @default `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`; `us-east-1` when only an endpoint is set
   */
  region?: string | undefined;
  /**
   * Send every request to this URL instead of the public endpoint (an emulator, a VPC endpoint, a
   * proxy). When set, it is used for every request, whatever host a queue URL names.
   * @default `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the profile's `services`
   * section and `endpoint_url`, then the public endpoint of the region's partition
   */
  endpoint?: string | undefined;
  /**
   * Credentials, or an async function that returns them (called before each request: cache inside,
   * or use a provider of asyncaws, which caches and refreshes).
   * @default the default chain: environment, web identity, the shared files' profile, container
   * credentials, EC2 instance metadata
   */
  credentials?: Credentials | CredentialsProvider | undefined;
  /**
   * The profile of the shared files (`~/.aws/config`, `~/.aws/credentials`) to read region,
   * endpoint, retry settings and credentials from. Given here, it also wins over credentials in
   * the environment (as `--profile` does in the AWS CLI).
   * @default `AWS_PROFILE`, then `default`
   */
  profile?: string | undefined;
  /**
   * Attempts per call, the first included; 1 disables retries.
   * @default `AWS_MAX_ATTEMPTS`, then the profile's `max_attempts`, then 3
   */
  maxAttempts?: number | undefined;
  /**
   * The retry mode: `standard` (backoff with a retry quota), or adaptive (the same, plus a
   * client-side rate limiter that slows down after the service throttles), given as
   * `adaptiveRetry` (exported by `asyncaws`, `asyncaws/sqs` and `asyncaws/sqs/client`) or as the
   * string `"adaptive"`. Browser and Workers bundles refuse the string (a `ValidationError` when
   * the client is made, also for `AWS_RETRY_MODE=adaptive`): they carry the limiter only when the
   * program imports `adaptiveRetry`.
   * @default `AWS_RETRY_MODE`, then the profile's `retry_mode`, then `"standard"`
   */
  retryMode?: RetryMode | AdaptiveRetry | undefined;
  /**
   * Use the FIPS endpoint of the service (`sqs-fips.us-east-1.amazonaws.com`).
   * @default `AWS_USE_FIPS_ENDPOINT`, then the profile's `use_fips_endpoint`, then false
   */
  useFipsEndpoint?: boolean | undefined;
  /**
   * Use the dual-stack (IPv4 and IPv6) endpoint of the service (`sqs.us-east-1.api.aws`).
   * @default `AWS_USE_DUALSTACK_ENDPOINT`, then the profile's `use_dualstack_endpoint`, then false
   */
  useDualstackEndpoint?: boolean | undefined;
  /**
   * Timeout of each attempt in milliseconds (per attempt, not per call: see `deadlineMs`).
   * @default 30000
   */
  requestTimeoutMs?: number | undefined;
  /**
   * Deadline of each whole call in milliseconds, retries and the waits between them included
   * (see {@link CallOptions.deadlineMs}); a call's own `deadlineMs` overrides it.
   * @default none: a call takes at most `maxAttempts` attempts of `requestTimeoutMs` each, plus backoff
   */
  deadlineMs?: number;
  /**
   * A `fetch` to send requests with (tests, proxies, instrumentation).
   * @default `node:http` with keep-alive where the runtime has it, else the global `fetch`
   */
  fetch?: ((input: string, init: RequestInit) => Promise<Response>) | undefined;
  /**
   * Functions called as each call goes (before each attempt, after a success, before a retry,
   * after a failure), with the call's details and timings: for logging, and for observing calls
   * where there are no diagnostics channels (browsers, Workers). See {@link ClientHooks}.
   *
   * The classes with methods (`SQS`, `SNS`, `STS`, `S3`) take the plain object
   * `{ onRequest, onResponse, onRetry, onError }`, or what `observe` made of it. The bare
   * `SQSClient` takes only the latter, `hooks: observe({ ... })` (a plain object is a
   * `ValidationError`): the observation's code comes with `observe`, so that a program without
   * hooks carries none of it in its bundle.
   * @default none
   * @example
   * ```ts
   * const sqs = new SQS({ hooks: { onError: (call) => console.error(call.operation, call.error) } });
   * const client = new SQSClient({ hooks: observe({ onError: (call) => console.error(call.error) }) });
   * ```
   */
  hooks?: ClientHooks | ClientObserver | undefined;
}

/**
 * The options of a bare client (`SQSClient`): `O`, with `hooks` only as {@link observe} makes
 * them (see {@link ClientOptions.hooks}).
 */
export type BareClientOptions<O extends ClientOptions = ClientOptions> = Omit<O, "hooks"> & {
  /**
   * Functions called as each call goes, made ready by `observe` (`hooks: observe({ onError })`);
   * see {@link ClientHooks}. A plain object is a `ValidationError`: the classes with methods
   * (`SQS`...) take that.
   * @default none
   */
  hooks?: ClientObserver | undefined;
};

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

// The operation tables' helpers, where the services and the rest of the library import them from.
export {
  CALL,
  defineOperations,
  longPollTimeout,
  type OperationSpec,
  operation,
  type PaginatorSpec,
  paginate,
  RESOURCE,
};

/** @internal The symbol of a client's credentials provider, for companion calls (STS GetCallerIdentity). */
export const CREDENTIALS = Symbol("asyncaws.credentials");

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

/** Codes of AWS refusing credentials as expired: the provider is asked for new ones, once. */
const EXPIRED_CREDENTIALS_CODES: ReadonlySet<string> = new Set(["ExpiredToken", "ExpiredTokenException"]);

/** A clock this far from the server's is corrected. */
const SKEW_THRESHOLD_MS = 5 * 60_000;

/**
 * A credentials provider's failure as this call's error: a {@link CredentialsError} naming the
 * operation, with the provider's error as `cause` (and the sources it tried, when it was the
 * chain's), or the {@link AbortError} of the call's signal.
 */
function credentialsFailure(error: unknown, context: ErrorContext, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return isAbortError(error) ? error : new AbortError(context, { cause: signal.reason });
  const inner = error instanceof Error ? error.message : String(error);
  const attempts = isCredentialsError(error) ? error.attempts : [];
  const wrapped = new CredentialsError(`the credentials provider failed: ${inner}`, [], context, {
    cause: error,
  });
  // The sources the chain tried are already in its message: keep them as data too.
  if (attempts.length) Object.defineProperty(wrapped, "attempts", { value: attempts });
  return wrapped;
}

/**
 * The retries of a client's resolved settings: in adaptive mode, with the limiter of the
 * `adaptiveRetry` option, else of the mode's name (refused by browser bundles, see retry-by-name).
 */
function retryOf(config: ResolvedConfig, option: RetryMode | AdaptiveRetry | undefined): ClientRetry {
  return new ClientRetry(
    { maxAttempts: config.maxAttempts },
    config.retryMode !== "adaptive"
      ? undefined
      : typeof option === "object"
        ? option.rateLimiter()
        : rateLimiterByName(option === undefined ? "AWS_RETRY_MODE" : "retryMode"),
  );
}

/** The client base. Holds credentials privately: they never show in `inspect` or JSON. */
export class ServiceClient {
  /** The region requests are signed for. */
  declare readonly region: string | undefined;
  /** Where requests go. */
  declare readonly endpoint: string | undefined;
  readonly #info: ServiceInfo;
  #protocol: Protocol | (() => Promise<Protocol>);
  readonly #credentials: CredentialsProvider;
  readonly #transport: Transport;
  #retry!: ClientRetry;
  readonly #timeoutMs: number;
  readonly #deadlineMs: number | undefined;
  /** The endpoint, with its canonical URI: where requests go unless the protocol gives a target. */
  #endpoint: (Endpoint & RequestTarget) | undefined;
  readonly #checks: boolean;
  #clockOffsetMs = 0;
  readonly #observer: ClientObserver | undefined;
  /** Settings still to be read from the shared files (runtimes that read files asynchronously). */
  #pending: Promise<void> | undefined;

  /**
   * @param protocol - the wire protocol, or a function that loads it on first use
   * @param checks - run the operations' output checks (MD5 digests)
   */
  constructor(
    info: ServiceInfo,
    protocol: Protocol | (() => Promise<Protocol>),
    options: BareClientOptions = {},
    checks = true,
  ) {
    if (options === null || typeof options !== "object")
      throw new ValidationError("options", "an object", options);
    this.#info = info;
    this.#protocol = protocol;
    this.#checks = checks;
    if (options.profile !== undefined && (typeof options.profile !== "string" || options.profile === "")) {
      throw new ValidationError("profile", "a profile name", options.profile);
    }
    for (const flag of ["useFipsEndpoint", "useDualstackEndpoint"] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== "boolean") {
        throw new ValidationError(flag, "a boolean", options[flag]);
      }
    }
    if (options.maxAttempts !== undefined) positiveNumber("maxAttempts", options.maxAttempts, true);
    // Older runtimes read files asynchronously: the profile's settings then apply from the first call.
    this.#pending = withSharedFiles((files) => {
      const config = this.#configure(options, files);
      (this as { region: string | undefined }).region = config.region;
      (this as { endpoint: string | undefined }).endpoint = config.endpoint;
      this.#retry = retryOf(config, options.retryMode);
      this.#pending = undefined;
    });
    this.#credentials = credentialsFromOption(options.credentials, {
      profile: options.profile,
      region: () => this.region,
    });
    if (options.fetch !== undefined && typeof options.fetch !== "function") {
      throw new ValidationError("fetch", "a function", options.fetch);
    }
    this.#transport = defaultTransport(options.fetch);
    const hooks = options.hooks;
    if (hooks !== undefined && typeof (hooks as Partial<ClientObserver> | null)?.[OBSERVE] !== "function") {
      // Plain hooks: the classes with methods pass them to observe(); a bare client takes its result.
      const service = info.signingName;
      throw new ValidationError(
        "hooks",
        `made by observe({ ... }) from "asyncaws/${service}" (the ${service.toUpperCase()} class takes the plain object)`,
        hooks,
      );
    }
    this.#observer = hooks;
    this.#timeoutMs =
      options.requestTimeoutMs === undefined
        ? 30_000
        : positiveNumber("requestTimeoutMs", options.requestTimeoutMs, false);
    this.#deadlineMs =
      options.deadlineMs === undefined ? undefined : positiveNumber("deadlineMs", options.deadlineMs, false);
  }

  /** Resolves region, endpoint and retry settings, and sets the parsed endpoint. */
  #configure(options: ClientOptions, files: SharedFiles | undefined): ResolvedConfig {
    const config = resolveConfig(this.#info, options, files);
    const endpoint = config.endpoint === undefined ? undefined : parseEndpoint(config.endpoint);
    const asSent = signsPathAsSent(this.#info.signingName);
    this.#endpoint = endpoint && {
      ...endpoint,
      // A URL's path (dot segments resolved, percent-encoded): canonicalUrlPath is canonicalPath's result.
      canonicalUri: asSent ? endpoint.path : canonicalUrlPath(endpoint.path),
      signedQuery: "",
    };
    return config;
  }

  /**
   * After a clock-skew error: corrects the clock offset when the server's `Date` is 5 minutes or
   * more away from ours. True when the request should be signed again: the offset now differs
   * from the one it was signed with (corrected here, or by another request in flight).
   */
  #correctClock(error: ServiceError, signedWithOffsetMs: number): boolean {
    const server = error.serverDate?.getTime();
    if (server !== undefined && !Number.isNaN(server)) {
      const now = Date.now();
      if (Math.abs(server - (now + this.#clockOffsetMs)) >= SKEW_THRESHOLD_MS) {
        this.#clockOffsetMs = server - now;
      }
    }
    return this.#clockOffsetMs !== signedWithOffsetMs;
  }

  /** @internal The client's credentials provider (a getter: never in inspect or JSON). */
  get [CREDENTIALS](): CredentialsProvider {
    return this.#credentials;
  }

  /**
   * @internal Runs one operation, observed when the client has hooks or the request channel
   * subscribers (by the client's observer, else by the channel's: the observation's code comes
   * with them, never with the client).
   */
  [CALL](op: OperationSpec, input: object | undefined, options?: CallOptions): Promise<unknown> {
    const channel = requestChannel();
    const observer = this.#observer ?? channel?.observer;
    if (observer === undefined) return this.#call(op, input, options, undefined);
    return observer[OBSERVE](
      {
        service: this.#info.signingName,
        operation: op.name,
        region: this.region,
        host: this.#endpoint?.hostname,
        input,
        resource: this[RESOURCE](input),
      },
      channel?.request,
      (seen) => this.#call(op, seen.context.input, options, seen),
    );
  }

  async #call(
    op: OperationSpec,
    input: object | undefined,
    options: CallOptions | undefined,
    seen: RequestObservation | undefined,
  ): Promise<unknown> {
    const context: ErrorContext = { operation: op.name, resource: this[RESOURCE](input) };
    if (input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))) {
      throw new ValidationError("input", "an object", input, context);
    }
    const startedAt = Date.now();
    const signal = options?.signal;
    let timeoutMs = this.#timeoutMs;
    let deadlineMs = this.#deadlineMs;
    if (options !== undefined) {
      if (signal !== undefined && typeof signal?.addEventListener !== "function") {
        throw new ValidationError("signal", "an AbortSignal", signal, context);
      }
      const until = options.retriesUntil;
      if (until !== undefined && typeof until?.addEventListener !== "function") {
        throw new ValidationError("retriesUntil", "an AbortSignal", until, context);
      }
      if (options.timeoutMs !== undefined)
        timeoutMs = positiveNumber("timeoutMs", options.timeoutMs, false, context);
      if (options.deadlineMs !== undefined)
        deadlineMs = positiveNumber("deadlineMs", options.deadlineMs, false, context);
    }
    const deadlineAt = deadlineMs === undefined ? undefined : startedAt + deadlineMs;
    op.validate?.((input ?? {}) as never, context);
    if (op.minTimeoutMs) timeoutMs = Math.max(timeoutMs, op.minTimeoutMs((input ?? {}) as never));
    if (this.#pending) await this.#pending;
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
    // REST protocols say where the request goes, in the forms SigV4 signs (RequestTarget); the
    // JSON and Query protocols send to the endpoint as it is.
    const { body, headers, method, binaryResponse, target = endpoint } = protocol.encode(op, input, endpoint);
    const { path, canonicalUri, signedQuery, hostname } = target;
    if (signedQuery === undefined) {
      throw new AsyncAwsError("the protocol gave a target without its signedQuery", context);
    }
    headers.host = target.host;
    const retry = this.#retry;
    const state = retry.begin();
    let skewRetries = 0;
    let refreshed = false;
    let forceRefresh = false;
    /** The error of the last attempt, the answer when `retriesUntil` stops the call before the next. */
    let lastError: unknown;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new AbortError(context, { cause: signal.reason });
      let attemptTimeoutMs = timeoutMs;
      if (deadlineAt !== undefined) {
        const left = deadlineAt - Date.now();
        if (left <= 0) throw new TimeoutError(deadlineMs!, context);
        attemptTimeoutMs = Math.min(timeoutMs, left);
      }
      const offset = this.#clockOffsetMs;
      let sent = false;
      try {
        // Adaptive mode: wait for a send token (before signing, so the signature stays fresh).
        const waiting = retry.beforeAttempt(signal);
        if (waiting) await waiting;
        const signed = { ...headers };
        if (!op.unsigned) {
          let credentials: Credentials;
          try {
            credentials = await this.#credentials(forceRefresh ? { forceRefresh: true } : undefined);
          } catch (error) {
            throw credentialsFailure(error, context, signal);
          }
          forceRefresh = false;
          if (
            typeof credentials?.accessKeyId !== "string" ||
            typeof credentials.secretAccessKey !== "string"
          ) {
            throw new CredentialsError(
              `the credentials provider gave no accessKeyId and secretAccessKey strings; ${receivedKeys(credentials)}`,
              [],
              context,
            );
          }
          // Synchronous on Node, Bun and Deno; a promise in the browser build (Web Crypto).
          const signing = signOwn(
            method,
            canonicalUri,
            signed,
            body,
            credentials,
            this.region!,
            this.#info.signingName,
            new Date(Date.now() + offset),
            signedQuery,
          );
          if (signing !== undefined) await signing;
        }
        // retriesUntil aborted before this attempt went out (while the credentials were read, the
        // request signed, or a send token awaited): it is not sent.
        const until = options?.retriesUntil;
        if (until?.aborted) {
          throw lastError !== undefined ? lastError : new AbortError(context, { cause: until.reason });
        }
        sent = true;
        // The observer adds its headers (X-Amzn-Trace-Id, unsigned) and tells the hooks.
        seen?.attempt(attempt, signed);
        const request: HttpRequest = {
          method,
          protocol: endpoint.protocol,
          hostname,
          port: endpoint.port,
          path,
          headers: signed,
          body,
          binaryResponse,
        };
        const response = await this.#transport(request, signal, attemptTimeoutMs, context);
        seen?.response(response);
        let output: unknown;
        try {
          output = protocol.decode(op, response, context);
          retry.afterAttempt();
          retry.succeeded(state);
          if (this.#checks) op.check?.((input ?? {}) as never, output as never, context);
        } catch (error) {
          // A member of an unexpected type (a null attribute value...): a broken answer, typed.
          if (isAsyncAwsError(error)) throw error;
          throw new ResponseError(
            `unreadable answer (${(error as Error)?.message ?? String(error)})`,
            response.statusCode,
            response.headers["x-amzn-requestid"],
            context,
            { cause: error },
          );
        }
        return output;
      } catch (error) {
        if (isAbortError(error) || signal?.aborted) {
          throw isAbortError(error) ? error : new AbortError(context, { cause: signal?.reason });
        }
        if (sent) retry.afterAttempt(error);
        lastError = error;
        if (options?.retriesUntil?.aborted) throw error;
        if (isServiceError(error)) {
          // A skewed clock: sign again with the corrected time, at once and without using an
          // attempt, also when another request in flight made the correction.
          if (CLOCK_SKEW_CODES.has(error.code) && skewRetries < 2 && this.#correctClock(error, offset)) {
            skewRetries++;
            attempt--;
            continue;
          }
          if (EXPIRED_CREDENTIALS_CODES.has(error.code) && !refreshed && !op.unsigned) {
            refreshed = true;
            forceRefresh = true;
            attempt--;
            continue;
          }
        }
        if (deadlineAt !== undefined && isTimeoutError(error) && Date.now() >= deadlineAt) {
          // The attempt was cut by the call's deadline, not by its own timeout.
          throw new TimeoutError(deadlineMs!, context, { cause: error });
        }
        const delay = retry.retryDelay(state, error, attempt);
        if (delay === undefined) throw error;
        // Never wait past the deadline (a long Retry-After hint): the last error is the answer.
        if (deadlineAt !== undefined && Date.now() + delay >= deadlineAt) throw error;
        seen?.retry(error, delay);
        try {
          await sleep(delay, signal, options?.retriesUntil);
        } catch {
          throw new AbortError(context, { cause: signal?.reason });
        }
        // retriesUntil aborted while the call waited: the retry is not made.
        if (options?.retriesUntil?.aborted) throw error;
      }
    }
  }

  /** @internal The queue or topic an input names (for error messages and observers). */
  [RESOURCE](input: object | undefined): string | undefined {
    if (!input) return undefined;
    for (const key of this.#info.resourceKeys) {
      const value = (input as Record<string, unknown>)[key];
      if (typeof value === "string") return value;
    }
    return undefined;
  }
}
