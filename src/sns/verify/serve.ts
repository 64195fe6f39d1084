/**
 * The serving side of {@link snsNodeHandler} and {@link snsFetchHandler} (`handlers.ts`, which
 * checks their options at once): reading the body, verifying, calling the callbacks, answering.
 * Loaded with `import()` at the first request.
 *
 * @module
 */

import {
  isSignatureVerificationError,
  SignatureVerificationError,
  ValidationError,
} from "../../core/errors.js";
import { concatBytes, readAtMost } from "./body.js";
import type {
  HandlerSetup,
  NodeRequestLike,
  NodeResponseLike,
  SnsHandlerOptions,
  snsFetchHandler,
  snsNodeHandler,
} from "./handlers.js";
import type { SnsMessage } from "./verifier.js";

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

function makeHandler(options: SnsHandlerOptions, { maxBodyBytes, verifier }: HandlerSetup): Handle {
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
          return options.sns.confirmSubscription({ TopicArn: message.TopicArn, Token: message.Token });
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

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The handler {@link snsNodeHandler} gives, once loaded. */
export function nodeHandler(
  options: SnsHandlerOptions,
  checked: HandlerSetup,
): (request: NodeRequestLike, response: NodeResponseLike) => Promise<void> {
  const handle = makeHandler(options, checked);
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

/** The handler {@link snsFetchHandler} gives, once loaded. */
export function fetchHandler(
  options: SnsHandlerOptions,
  checked: HandlerSetup,
): (request: Request) => Promise<Response> {
  const handle = makeHandler(options, checked);
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
