/**
 * Ready-made endpoints for SNS HTTP(S) subscriptions: one for `node:http` servers (and the
 * frameworks built on them), one for fetch-style servers (`Request` in, `Response` out: Workers,
 * Deno, Bun, Hono...). Each verifies every message before it reaches your code, and confirms
 * subscriptions with ConfirmSubscription, never by fetching `SubscribeURL`.
 *
 * The options are checked here, when a handler is made; what serves each request (`serve.ts`) is
 * loaded with `import()` at the first request, so that importing `asyncaws` compiles none of it.
 *
 * @module
 */

import type { CallOptions } from "../../core/client.js";
import { ValidationError } from "../../core/errors.js";
import type { ConfirmSubscriptionInput, ConfirmSubscriptionResponse } from "../types.js";
import {
  type SnsNotification,
  type SnsSubscriptionConfirmation,
  type SnsUnsubscribeConfirmation,
  SnsVerifier,
  type SnsVerifyOptions,
} from "./verifier.js";

/** What confirming a subscription needs of an SNS client. */
export interface SubscriptionConfirmer {
  confirmSubscription(
    input: ConfirmSubscriptionInput,
    options?: CallOptions,
  ): Promise<ConfirmSubscriptionResponse>;
}

/**
 * Confirms a subscription from its verified SubscriptionConfirmation: ConfirmSubscription with
 * the message's TopicArn and Token. The `SubscribeURL` is never fetched. The client must be in
 * the topic's region.
 */
export function confirmSnsSubscription(
  sns: SubscriptionConfirmer,
  message: Pick<SnsSubscriptionConfirmation, "TopicArn" | "Token">,
  options?: CallOptions,
): Promise<ConfirmSubscriptionResponse> {
  return sns.confirmSubscription({ TopicArn: message.TopicArn, Token: message.Token }, options);
}

/** Options of {@link snsNodeHandler} and {@link snsFetchHandler}. */
export interface SnsHandlerOptions extends SnsVerifyOptions {
  /** Called with each verified notification. Throw (or reject) to answer 500, so that SNS retries. */
  onNotification(message: SnsNotification): unknown;
  /**
   * Called with each verified subscription confirmation; call `confirm()` to confirm it.
   * @default confirm it with `sns` when that is given; else acknowledge it without confirming
   */
  onSubscriptionConfirmation?(
    message: SnsSubscriptionConfirmation,
    confirm: () => Promise<ConfirmSubscriptionResponse>,
  ): unknown;
  /** Called with each verified unsubscribe confirmation. @default acknowledge it */
  onUnsubscribeConfirmation?(message: SnsUnsubscribeConfirmation): unknown;
  /**
   * The SNS client that confirms subscriptions (in the topic's region). Confirming
   * automatically requires `topicArns`: a valid signature proves a message comes from SNS, not
   * from your topic, and anyone can subscribe your endpoint to theirs.
   */
  sns?: SubscriptionConfirmer | undefined;
  /** A verifier of your own (its options then apply, not these). @default one made from these options */
  verifier?: SnsVerifier | undefined;
  /**
   * The largest request body accepted, in bytes; larger ones get 413.
   * @default 1048576
   */
  maxBodyBytes?: number | undefined;
  /** Told of every rejected request, every failed callback and a failed load of the handler's code (for logging). */
  onError?(error: unknown): void;
}

/** What {@link checkHandlerOptions} gives. @internal */
export interface HandlerSetup {
  readonly maxBodyBytes: number;
  readonly verifier: SnsVerifier;
}

/**
 * Checks the options of {@link snsNodeHandler} and {@link snsFetchHandler}, at once; gives the
 * body limit and the verifier.
 *
 * @internal
 */
export function checkHandlerOptions(options: SnsHandlerOptions): HandlerSetup {
  if (options === null || typeof options !== "object")
    throw new ValidationError("options", "an object", options);
  if (typeof options.onNotification !== "function") {
    throw new ValidationError("onNotification", "a function", options.onNotification);
  }
  if (
    options.sns !== undefined &&
    options.onSubscriptionConfirmation === undefined &&
    options.topicArns === undefined &&
    options.verifier === undefined
  ) {
    throw new ValidationError(
      "topicArns",
      "set when subscriptions are confirmed automatically (anyone can subscribe an endpoint to their topic)",
      undefined,
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  if (typeof maxBodyBytes !== "number" || !(maxBodyBytes > 0)) {
    throw new ValidationError("maxBodyBytes", "a positive number", maxBodyBytes);
  }
  const verifier = options.verifier ?? new SnsVerifier(options);
  return { maxBodyBytes, verifier };
}

/** Loads the serving side (`serve.ts`; again after a failed load). */
function loadServe(): Promise<typeof import("./serve.js")> {
  return import("./serve.js");
}

/**
 * The answer when the serving side could not be loaded: a 500, so that SNS delivers the message
 * again (the next request loads it again), with nothing of the error in it; the error goes to
 * `onError`, as the handler's other errors do.
 */
function unavailable(options: SnsHandlerOptions, error: unknown): { status: number; body: string } {
  try {
    options.onError?.(error);
  } catch {
    // A logger that throws must not change the answer.
  }
  return { status: 500, body: "handler unavailable" };
}

const TEXT = { "content-type": "text/plain; charset=utf-8" };

/** A `node:http` request, as far as the handler needs it. */
export interface NodeRequestLike extends AsyncIterable<unknown> {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /**
   * A body a framework already read (Express's `text()` or `json()` parsers): text, bytes or the
   * parsed object. When absent or an empty object (what Express 4 leaves when no parser matched),
   * the stream is read.
   */
  body?: unknown;
}

/** A `node:http` response, as far as the handler needs it. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

/**
 * An endpoint for SNS HTTP(S) subscriptions on a `node:http` server (or Express, Fastify's raw
 * handler...). It answers 200 once your callback is done; 403 (or 400) for a message that fails
 * verification (a bad signature, an untrusted certificate URL, a topic not allowed, bad input: SNS
 * does not deliver it again); 503 when verification could not be completed because the signing
 * certificate could not be fetched (refused, timed out, an error answer, offline: the error's
 * `retryable` is true), so that SNS delivers the message again; 500 when your callback throws, so
 * that SNS retries (and when the handler's code, loaded at the first request, could not be loaded:
 * the next request loads it again); 405 and 413 for other methods and oversized bodies.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * const handler = snsNodeHandler({
 *   topicArns: [TopicArn],
 *   sns, // confirms subscriptions with ConfirmSubscription
 *   onNotification: async (message) => console.log(message.Message),
 * });
 * createServer(handler).listen(8080);
 * ```
 */
export function snsNodeHandler(
  options: SnsHandlerOptions,
): (request: NodeRequestLike, response: NodeResponseLike) => Promise<void> {
  const checked = checkHandlerOptions(options);
  let made: ((request: NodeRequestLike, response: NodeResponseLike) => Promise<void>) | undefined;
  return (request, response) => {
    if (made !== undefined) return made(request, response);
    return loadServe().then(
      (m) => {
        made ??= m.nodeHandler(options, checked);
        return made(request, response);
      },
      (error: unknown) => {
        const answer = unavailable(options, error);
        response.writeHead(answer.status, TEXT);
        response.end(answer.body);
      },
    );
  };
}

/**
 * An endpoint for SNS HTTP(S) subscriptions on a fetch-style server: `Request` in, `Response`
 * out (Cloudflare Workers, Deno.serve, Bun.serve, Hono, Next.js route handlers). Answers as
 * {@link snsNodeHandler} does.
 *
 * @example
 * ```ts
 * const handler = snsFetchHandler({ topicArns: [TopicArn], sns, onNotification: (m) => save(m.Message) });
 * export default { fetch: (request: Request) => handler(request) }; // a Worker; or Deno.serve(handler)
 * ```
 */
export function snsFetchHandler(options: SnsHandlerOptions): (request: Request) => Promise<Response> {
  const checked = checkHandlerOptions(options);
  let made: ((request: Request) => Promise<Response>) | undefined;
  return (request) => {
    if (made !== undefined) return made(request);
    return loadServe().then(
      (m) => {
        made ??= m.fetchHandler(options, checked);
        return made(request);
      },
      (error: unknown) => {
        const answer = unavailable(options, error);
        return new Response(answer.body, { status: answer.status, headers: TEXT });
      },
    );
  };
}
