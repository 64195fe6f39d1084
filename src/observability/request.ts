/**
 * What a client tells observers about each AWS call: one {@link RequestContext} per call,
 * published on the `asyncaws:request` tracing channel (start when the call begins, asyncEnd when
 * it settles) and handed to the client's {@link ClientHooks}. Its `attributes` use OpenTelemetry's
 * semantic conventions (messaging for SQS and SNS, RPC for the rest), so that a tracer is a thin
 * mapping. Made only when someone listens.
 *
 * A client reaches this module only through an observer: the one {@link observe} makes of its
 * hooks, or the one `channels.ts` gives it while the request channel has subscribers. So a
 * program without hooks, in a bundle without tracing channels (browsers take
 * `channels.browser.ts`), carries none of it.
 *
 * @module
 */

import { isServiceError, ValidationError } from "../core/errors.js";
import type { HttpResponse } from "../core/http.js";
import { OBSERVE } from "./observer.js";

/** An attribute value, as OpenTelemetry takes it. */
export type ObservedValue = string | number | boolean;

/**
 * One AWS call, as observers see it. The same object is published on the `asyncaws:request`
 * channel and handed to each hook of the call; it changes as the call goes on (attempts, status,
 * result).
 */
export interface RequestContext {
  /** The service's signing name: `sqs`, `sns`, `sts`. */
  readonly service: string;
  /** The AWS action: `SendMessage`. */
  readonly operation: string;
  /** The region requests are signed for. */
  readonly region: string | undefined;
  /** The queue URL or name, topic ARN or name the call is about. */
  readonly resource: string | undefined;
  /**
   * The call's input. A subscriber of the channel's `start` event may replace it (not change it:
   * it is the caller's object) before anything is checked or sent: that is how the OpenTelemetry
   * entry writes the trace into the messages sent.
   */
  input: object | undefined;
  /** Extra HTTP headers for the request (lower-case names), which a `start` subscriber may set. */
  headers: Record<string, string> | undefined;
  /** `send <queue>`, `publish <topic>`, `receive <queue>`, else `<Service>.<Action>` (`SQS.CreateQueue`). */
  readonly spanName: string;
  /** `producer` for the calls that send messages (SendMessage[Batch], Publish[Batch]), else `client`. */
  readonly spanKind: "producer" | "client";
  /**
   * OpenTelemetry's attributes of the call: `messaging.system` (`aws_sqs`, `aws.sns`),
   * `messaging.operation.name`, `messaging.operation.type`, `messaging.destination.name`,
   * `aws.sqs.queue.url`, `aws.sns.topic.arn`, `messaging.batch.message_count`,
   * `messaging.message.id`, `rpc.system`, `rpc.service`, `rpc.method`, `cloud.region`,
   * `server.address`; when it ends `aws.request_id`, `http.response.status_code`, and
   * `error.type` after a failure.
   */
  readonly attributes: Record<string, ObservedValue>;
  /** When the call began, in milliseconds since the epoch. */
  readonly startTime: number;
  /** The attempt under way (or the last one), from 1. */
  attempt: number;
  /** Retries so far: attempts after the first. */
  retries: number;
  /** When the attempt under way began, in milliseconds since the epoch. */
  attemptStartTime: number;
  /** How long the last attempt took, in milliseconds (set when it answered or failed). */
  attemptDurationMs: number | undefined;
  /** The HTTP status of the last answer. */
  statusCode: number | undefined;
  /** AWS's request id of the last answer. */
  requestId: string | undefined;
  /** AWS's error code (`RequestThrottled`), or the error class (`NetworkError`), of the last failure. */
  errorCode: string | undefined;
  /** On `onRetry`: how long the client waits before the next attempt, in milliseconds. */
  delayMs: number | undefined;
  /** How long the whole call took, in milliseconds (set when it ends). */
  durationMs: number | undefined;
  /** The call's output, once it succeeded. */
  result?: unknown;
  /** The error of the last failed attempt (on `onRetry`), or the call's error once it failed. */
  error?: unknown;
}

/**
 * Functions called during each call of a client, for runtimes without diagnostics channels
 * (browsers, Workers without `nodejs_compat`) and for simple logging. Each gets the call's
 * {@link RequestContext}. A hook that throws is ignored; hooks are not awaited. The classes with
 * methods (`SQS`, `SNS`, `STS`, `S3`) take this object as their `hooks` option; the bare
 * `SQSClient` takes it made into an observer by {@link observe}.
 *
 * @example
 * ```ts
 * const sqs = new SQS({
 *   hooks: {
 *     onResponse: (call) => console.log(call.operation, call.resource, call.durationMs, "ms"),
 *     onRetry: (call) => console.warn(call.operation, "retry", call.retries + 1, call.errorCode),
 *     onError: (call) => console.error(call.operation, call.errorCode, call.error),
 *   },
 * });
 * ```
 */
export interface ClientHooks {
  /** Before each attempt is sent (after signing). */
  onRequest?: ((call: RequestContext) => void) | undefined;
  /** The call succeeded: `result`, `statusCode`, `requestId`, `durationMs` are set. */
  onResponse?: ((call: RequestContext) => void) | undefined;
  /** An attempt failed and the call will try again after `delayMs`: `error`, `errorCode` are set. */
  onRetry?: ((call: RequestContext) => void) | undefined;
  /** The call failed for good (after its retries): `error`, `errorCode`, `durationMs` are set. */
  onError?: ((call: RequestContext) => void) | undefined;
}

const HOOK_NAMES = ["onRequest", "onResponse", "onRetry", "onError"] as const;

/** The rule of the `hooks` option and of {@link observe}'s argument. */
const HOOKS_RULE = "an object of onRequest, onResponse, onRetry, onError functions";

/** @internal Checks the `hooks` option; undefined when there are none. */
export function checkHooks(value: unknown): ClientHooks | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") throw new ValidationError("hooks", HOOKS_RULE, value);
  const hooks = value as Record<string, unknown>;
  let any = false;
  for (const name of HOOK_NAMES) {
    const hook = hooks[name];
    if (hook === undefined) continue;
    if (typeof hook !== "function") throw new ValidationError(`hooks.${name}`, "a function", hook);
    any = true;
  }
  return any ? (value as ClientHooks) : undefined;
}

/** @internal What a client tells its observer about one call as it begins. */
export interface ObservedCall {
  /** The service's signing name: `sqs`, `sns`, `sts`, `s3`. */
  readonly service: string;
  /** The AWS action: `SendMessage`. */
  readonly operation: string;
  /** The region requests are signed for. */
  readonly region: string | undefined;
  /** The endpoint's host name. */
  readonly host: string | undefined;
  /** The call's input. */
  readonly input: object | undefined;
  /** The queue or topic the input names. */
  readonly resource: string | undefined;
}

/**
 * Hooks made ready for a client by {@link observe}: the `hooks` option of the bare `SQSClient`.
 * (The classes with methods, `SQS`, `SNS`, `STS` and `S3`, take the plain {@link ClientHooks}
 * object too, and pass it to `observe` themselves.) Opaque: made only by `observe`; one observer
 * may serve any number of clients.
 */
export interface ClientObserver {
  /**
   * @internal Runs one call under observation: `run` gets the call's observation (its context,
   * and the steps the client reports), and the call is published on `channel` when given.
   */
  [OBSERVE](
    call: ObservedCall,
    channel: { tracePromise<R>(fn: () => Promise<R>, context: object): Promise<R> } | undefined,
    run: (seen: RequestObservation) => Promise<unknown>,
  ): Promise<unknown>;
}

/**
 * @internal The observer of calls with these hooks (already checked); with none, the observer of
 * the request channel alone (the one `channels.ts` gives clients without hooks).
 */
export function observerOf(hooks: ClientHooks | undefined): ClientObserver {
  return {
    [OBSERVE](call, channel, run) {
      const seen = new RequestObservation(call, hooks);
      return seen.run(() => run(seen), channel);
    },
  };
}

/** Whether `value` is an observer made by {@link observe}. */
function isObserver(value: unknown): value is ClientObserver {
  return typeof (value as Partial<ClientObserver> | null | undefined)?.[OBSERVE] === "function";
}

/**
 * Checks a client's hooks and makes of them what the client runs its calls through: the `hooks`
 * option of the bare `SQSClient` (of `asyncaws/sqs` and `asyncaws/sqs/client`). Each hook gets
 * the call's {@link RequestContext}: the same object the `asyncaws:request` tracing channel
 * publishes when it has subscribers. The classes with methods (`SQS`, `SNS`, `STS`, `S3`) also
 * take the plain object, and call `observe` themselves.
 *
 * Why a function: the observation's code (the context, its OpenTelemetry attributes, the calls
 * of the hooks) comes with `observe`, so that a bundle whose program never calls it, and that has
 * no tracing channels (browsers), carries none of it.
 *
 * @param hooks - the functions to call, each optional: `onRequest`, `onResponse`, `onRetry`,
 *   `onError` (see {@link ClientHooks})
 * @returns the observer, for the `hooks` option of one client or more
 * @throws ValidationError when `hooks` is not an object (field `hooks`), or one of them not a
 *   function (field `hooks.onRetry`...)
 *
 * @example
 * ```ts
 * import { observe, SQSClient, sendMessage } from "asyncaws/sqs";
 *
 * const client = new SQSClient({
 *   region: "eu-west-1",
 *   hooks: observe({
 *     onResponse: (call) => console.log(call.operation, call.resource, call.durationMs, "ms"),
 *     onError: (call) => console.error(call.operation, call.errorCode, call.error),
 *   }),
 * });
 * await sendMessage(client, { QueueUrl, MessageBody: "Hello, World!" });
 * ```
 */
export function observe(hooks: ClientHooks): ClientObserver {
  if (isObserver(hooks)) return hooks;
  if (hooks === undefined) throw new ValidationError("hooks", HOOKS_RULE, hooks);
  return observerOf(checkHooks(hooks));
}

/**
 * @internal A client class's options as its bare client takes them: plain hooks given to
 * {@link observe}, or left out when they have no function (calls then take the fast path); the
 * same object when there is nothing to change.
 */
export function withObserver<O extends { hooks?: ClientHooks | ClientObserver | undefined }>(
  options: O,
): Omit<O, "hooks"> & { hooks?: ClientObserver | undefined } {
  const hooks: unknown = (options as { hooks?: unknown } | null | undefined)?.hooks;
  if (hooks === undefined || isObserver(hooks)) {
    return options as Omit<O, "hooks"> & { hooks?: ClientObserver | undefined };
  }
  const checked = checkHooks(hooks);
  return { ...options, hooks: checked && observerOf(checked) };
}

/** What a messaging service (SQS, SNS) adds to the observation of its calls. */
interface Messaging {
  /** `messaging.system`: `aws_sqs`, `aws.sns`. */
  readonly system: string;
  /** The messaging calls: operation name, span kind and the input's batch member, if any. */
  readonly operations: Readonly<
    Record<string, readonly [name: string, type: "send" | "receive", batch?: string]>
  >;
  /**
   * Sets the attributes naming the destination of a call's input (`aws.sqs.queue.url`,
   * `aws.sns.topic.arn`), and returns the destination's name.
   */
  destination(fields: Record<string, unknown>, attributes: Record<string, ObservedValue>): string | undefined;
}

/** The last part of a queue URL's path or of an ARN: the queue's or topic's name. */
function nameOf(value: string, separator: string): string {
  const trimmed = value.endsWith(separator) ? value.slice(0, -1) : value;
  return trimmed.slice(trimmed.lastIndexOf(separator) + 1);
}

/**
 * The messaging services by signing name: here, beside the only code that reads them, rather
 * than in the services' clients, so that a bundle without observers carries none of it.
 */
const MESSAGING: { readonly sqs: Messaging; readonly sns: Messaging } = {
  sqs: {
    system: "aws_sqs",
    operations: {
      SendMessage: ["send", "send"],
      SendMessageBatch: ["send", "send", "Entries"],
      ReceiveMessage: ["receive", "receive"],
    },
    destination(fields, attributes) {
      if (typeof fields.QueueUrl === "string") {
        attributes["aws.sqs.queue.url"] = fields.QueueUrl;
        return nameOf(fields.QueueUrl, "/");
      }
      return typeof fields.QueueName === "string" ? fields.QueueName : undefined;
    },
  },
  sns: {
    system: "aws.sns",
    operations: {
      Publish: ["publish", "send"],
      PublishBatch: ["publish", "send", "PublishBatchRequestEntries"],
    },
    destination(fields, attributes) {
      const arn = fields.TopicArn ?? fields.TargetArn;
      if (typeof arn !== "string") return undefined;
      attributes["aws.sns.topic.arn"] = arn;
      return nameOf(arn, ":");
    },
  },
};

/** @internal The observation of one call: its context, the hooks and the channel. */
export class RequestObservation {
  declare readonly context: RequestContext;
  readonly #hooks: ClientHooks | undefined;
  readonly #began: number;
  #attemptBegan = 0;

  constructor(call: ObservedCall, hooks: ClientHooks | undefined) {
    const { service, operation, region, host, input, resource } = call;
    const messaging = service === "sqs" || service === "sns" ? MESSAGING[service] : undefined;
    this.#hooks = hooks;
    this.#began = performance.now();
    // `SQS`, `SNS`, `STS`, `S3`: the signing name in capitals.
    const rpcService = service.toUpperCase();
    const attributes: Record<string, ObservedValue> = {
      "rpc.system": "aws-api",
      "rpc.service": rpcService,
      "rpc.method": operation,
    };
    if (region) attributes["cloud.region"] = region;
    if (host) attributes["server.address"] = host;
    const fields = (input ?? {}) as Record<string, unknown>;
    let destination: string | undefined;
    let kind: readonly [name: string, type: "send" | "receive", batch?: string] | undefined;
    if (messaging) {
      attributes["messaging.system"] = messaging.system;
      destination = messaging.destination(fields, attributes);
      if (destination) attributes["messaging.destination.name"] = destination;
      kind = messaging.operations[operation];
    }
    let spanName = `${rpcService}.${operation}`;
    if (kind) {
      const [name, type, batch] = kind;
      attributes["messaging.operation.name"] = name;
      attributes["messaging.operation.type"] = type;
      if (batch) {
        const entries = fields[batch];
        if (Array.isArray(entries)) attributes["messaging.batch.message_count"] = entries.length;
      }
      spanName = destination ? `${name} ${destination}` : name;
    }
    const start = Date.now();
    this.context = {
      service,
      operation,
      region,
      resource,
      input,
      headers: undefined,
      spanName,
      spanKind: kind?.[1] === "send" ? "producer" : "client",
      attributes,
      startTime: start,
      attempt: 0,
      retries: 0,
      attemptStartTime: start,
      attemptDurationMs: undefined,
      statusCode: undefined,
      requestId: undefined,
      errorCode: undefined,
      delayMs: undefined,
      durationMs: undefined,
    };
  }

  #call(name: keyof ClientHooks): void {
    const hook = this.#hooks?.[name];
    if (!hook) return;
    try {
      hook(this.context);
    } catch {
      // A hook's failure is not the call's.
    }
  }

  /**
   * An attempt is about to be sent, with these headers (signed already): the context's `headers`
   * (X-Amzn-Trace-Id, which a `start` subscriber may set) are added to them, unsigned as the SDKs
   * leave that one, never in place of one the protocol or the signer set.
   */
  attempt(attempt: number, headers: Record<string, string>): void {
    const context = this.context;
    const extra = context.headers;
    if (extra) for (const name in extra) headers[name.toLowerCase()] ??= extra[name]!;
    context.attempt = attempt;
    context.retries = attempt - 1;
    context.attemptStartTime = Date.now();
    context.attemptDurationMs = undefined;
    context.delayMs = undefined;
    this.#attemptBegan = performance.now();
    this.#call("onRequest");
  }

  /** The attempt got an answer (decoded next; a service error then comes to `failed`). */
  response(response: HttpResponse): void {
    const context = this.context;
    context.attemptDurationMs = performance.now() - this.#attemptBegan;
    context.statusCode = response.statusCode;
    context.requestId = response.headers["x-amzn-requestid"] ?? response.headers["x-amz-request-id"];
  }

  #failed(error: unknown): void {
    const context = this.context;
    if (context.attemptDurationMs === undefined && this.#attemptBegan > 0) {
      context.attemptDurationMs = performance.now() - this.#attemptBegan;
    }
    const e = error as { statusCode?: unknown; requestId?: unknown; name?: unknown } | null;
    if (typeof e?.statusCode === "number") context.statusCode = e.statusCode;
    if (typeof e?.requestId === "string") context.requestId = e.requestId;
    context.errorCode = isServiceError(error) ? error.code : typeof e?.name === "string" ? e.name : "Error";
    context.error = error;
  }

  /** The attempt failed and the call tries again after `delayMs`. */
  retry(error: unknown, delayMs: number): void {
    this.#failed(error);
    this.context.delayMs = delayMs;
    this.#call("onRetry");
  }

  #end(): void {
    const context = this.context;
    context.durationMs = performance.now() - this.#began;
    const attributes = context.attributes;
    if (context.requestId) attributes["aws.request_id"] = context.requestId;
    if (context.statusCode !== undefined) attributes["http.response.status_code"] = context.statusCode;
  }

  /** Runs the call, publishing it on `channel` when given, and calls the hooks at its end. */
  run<T>(
    call: () => Promise<T>,
    channel: { tracePromise<R>(fn: () => Promise<R>, c: object): Promise<R> } | undefined,
  ): Promise<T> {
    return channel ? channel.tracePromise(() => this.#run(call), this.context) : this.#run(call);
  }

  async #run<T>(call: () => Promise<T>): Promise<T> {
    const context = this.context;
    try {
      const result = await call();
      context.result = result;
      context.error = undefined;
      context.errorCode = undefined;
      this.#end();
      const out = result as { MessageId?: unknown; Messages?: unknown; Successful?: unknown } | undefined;
      const attributes = context.attributes;
      if (typeof out?.MessageId === "string") attributes["messaging.message.id"] = out.MessageId;
      if (context.operation === "ReceiveMessage") {
        attributes["messaging.batch.message_count"] = Array.isArray(out?.Messages) ? out.Messages.length : 0;
      }
      this.#call("onResponse");
      return result;
    } catch (error) {
      this.#failed(error);
      this.#end();
      context.attributes["error.type"] = context.errorCode ?? "Error";
      this.#call("onError");
      throw error;
    }
  }
}
