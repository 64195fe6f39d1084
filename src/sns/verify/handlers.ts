/**
 * Ready-made endpoints for SNS HTTP(S) subscriptions: one for `node:http` servers (and the
 * frameworks built on them), one for fetch-style servers (`Request` in, `Response` out: Workers,
 * Deno, Bun, Hono...). Each verifies every message before it reaches your code, and confirms
 * subscriptions with ConfirmSubscription, never by fetching `SubscribeURL`.
 *
 * @module
 */

import type { CallOptions } from "../../core/client.js";
import {
  isSignatureVerificationError,
  SignatureVerificationError,
  ValidationError,
} from "../../core/errors.js";
import type { ConfirmSubscriptionInput, ConfirmSubscriptionResponse } from "../types.js";
import { concatBytes, readAtMost } from "./body.js";
import {
  type SnsMessage,
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
  /** Told of every rejected request and every failed callback (for logging). */
  onError?(error: unknown): void;
}

/** An answer to SNS. */
interface Answer {
  status: number;
  body: string;
}

type Handle = (
  method: string | undefined,
  typeHeader: string | undefined,
  read: (limit: number) => Promise<unknown>,
) => Promise<Answer>;

const TOO_LARGE = Symbol("too large");

function makeHandler(options: SnsHandlerOptions): Handle {
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
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A logger that throws must not change the answer.
    }
  };
  return async (method, typeHeader, read) => {
    if (method !== "POST") return { status: 405, body: "method not allowed" };
    let body: unknown;
    try {
      body = await read(maxBodyBytes);
    } catch (error) {
      report(error);
      return { status: 400, body: "unreadable body" };
    }
    if (body === TOO_LARGE) return { status: 413, body: "body too large" };
    let message: SnsMessage;
    try {
      message = await verifier.verify(body);
    } catch (error) {
      report(error);
      if (!isSignatureVerificationError(error)) return { status: 500, body: "verification failed" };
      // Not verified *yet* (the certificate could not be fetched): a 5xx makes SNS deliver the
      // message again, where a 4xx would lose a message that may be genuine.
      if (error.retryable) return { status: 503, body: error.reason };
      return { status: error.reason === "malformed" ? 400 : 403, body: error.reason };
    }
    if (typeHeader !== undefined && typeHeader !== message.Type) {
      const error = new SignatureVerificationError(
        "type-mismatch",
        `the x-amz-sns-message-type header (${typeHeader}) differs from the message Type (${message.Type})`,
      );
      report(error);
      return { status: 400, body: error.reason };
    }
    try {
      if (message.Type === "Notification") {
        await options.onNotification(message);
      } else if (message.Type === "SubscriptionConfirmation") {
        const confirm = () => {
          if (!options.sns) {
            return Promise.reject(
              new ValidationError("sns", "an SNS client to confirm subscriptions with", undefined),
            );
          }
          return confirmSnsSubscription(options.sns, message);
        };
        if (options.onSubscriptionConfirmation) await options.onSubscriptionConfirmation(message, confirm);
        else if (options.sns) await confirm();
      } else {
        await options.onUnsubscribeConfirmation?.(message);
      }
    } catch (error) {
      report(error);
      return { status: 500, body: "handler failed" };
    }
    return { status: 200, body: "OK" };
  };
}

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

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * An endpoint for SNS HTTP(S) subscriptions on a `node:http` server (or Express, Fastify's raw
 * handler...). It answers 200 once your callback is done; 403 (or 400) for a message that fails
 * verification (a bad signature, an untrusted certificate URL, a topic not allowed, bad input: SNS
 * does not deliver it again); 503 when verification could not be completed because the signing
 * certificate could not be fetched (refused, timed out, an error answer, offline: the error's
 * `retryable` is true), so that SNS delivers the message again; 500 when your callback throws, so
 * that SNS retries; 405 and 413 for other methods and oversized bodies.
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
  const handle = makeHandler(options);
  return async (request, response) => {
    const answer = await handle(
      request.method,
      header(request.headers, "x-amz-sns-message-type"),
      async (limit) => {
        // Express 4 leaves `{}` when no parser matched (SNS sends text/plain): the stream is unread then.
        const parsed = request.body;
        const unparsed =
          parsed === undefined ||
          (typeof parsed === "object" &&
            parsed !== null &&
            Object.getPrototypeOf(parsed) === Object.prototype &&
            Object.keys(parsed).length === 0);
        if (!unparsed) return parsed;
        const declared = Number(header(request.headers, "content-length"));
        if (Number.isFinite(declared) && declared > limit) return TOO_LARGE;
        const chunks: Uint8Array[] = [];
        let total = 0;
        for await (const chunk of request) {
          const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
          total += bytes.length;
          if (total > limit) return TOO_LARGE;
          chunks.push(bytes);
        }
        return concatBytes(chunks, total);
      },
    );
    response.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8" });
    response.end(answer.body);
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
  const handle = makeHandler(options);
  return async (request) => {
    const answer = await handle(
      request.method,
      request.headers.get("x-amz-sns-message-type") ?? undefined,
      async (limit) => {
        const declared = Number(request.headers.get("content-length"));
        if (Number.isFinite(declared) && declared > limit) return TOO_LARGE;
        const reader = request.body?.getReader();
        if (!reader) return new Uint8Array(0);
        return (await readAtMost(reader, limit)) ?? TOO_LARGE;
      },
    );
    return new Response(answer.body, {
      status: answer.status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  };
}
