/**
 * What the transports share: the request and response shapes, the `fetch` transport (every
 * runtime's, and the browser build's only one), and the helpers that read system errors. `http`
 * (which picks a transport) and `http-node` (the `node:net` one) both import from here, so that
 * neither imports the other statically.
 *
 * @module
 */

import { AbortError, type ErrorContext, NetworkError, TimeoutError } from "./errors.js";

/** A request ready to send: signed headers, a text or byte body. */
export interface HttpRequest {
  /** `POST` for every SQS, SNS and STS action; S3 uses `GET`, `PUT`, `HEAD`, `DELETE` too. */
  readonly method: string;
  /** `https:` or `http:`. */
  readonly protocol: string;
  /** Host name, without port. */
  readonly hostname: string;
  /** Port, or "" for the protocol's default. */
  readonly port: string;
  /** Path and query, starting with `/`. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  /** The request body. */
  readonly body: string | Uint8Array;
  /** Read the response body as bytes into {@link HttpResponse.bytes} (`body` is then `""`). */
  readonly binaryResponse?: boolean | undefined;
}

/** A response read whole. */
export interface HttpResponse {
  /** HTTP status code. */
  readonly statusCode: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body decoded as UTF-8; `""` when the request asked for bytes. */
  readonly body: string;
  /** The body as bytes, when the request asked for them ({@link HttpRequest.binaryResponse}). */
  readonly bytes?: Uint8Array | undefined;
}

/**
 * Sends one request. Rejects with {@link AbortError} when `signal` aborts, {@link TimeoutError}
 * after `timeoutMs`, {@link NetworkError} when the connection fails or the response is cut.
 */
export type Transport = (
  request: HttpRequest,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  context: ErrorContext,
) => Promise<HttpResponse>;

/** A `fetch` function (the global one, or one injected). */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

function urlOf(request: HttpRequest): string {
  return `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ""}${request.path}`;
}

/** A transport over a `fetch` function (the global one unless injected). */
export function fetchTransport(fetchFn?: FetchFn): Transport {
  return async (request, signal, timeoutMs, context) => {
    const doFetch = fetchFn ?? (globalThis.fetch as FetchFn);
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) throw new AbortError(context, { cause: signal.reason });
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
      timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;
    let gotResponse = false;
    try {
      // fetch sets Host itself (and refuses one given).
      const { host: _host, ...headers } = request.headers;
      const response = await doFetch(urlOf(request), {
        method: request.method,
        headers,
        // fetch refuses a body on GET and HEAD, even an empty one.
        ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: request.body as BodyInit }),
        signal: controller.signal,
      });
      gotResponse = true;
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        out[name.toLowerCase()] = value;
      });
      // The body as text, or as bytes (and `""` as text) when the request asks for them.
      const answer: { -readonly [K in keyof HttpResponse]: HttpResponse[K] } = {
        statusCode: response.status,
        headers: out,
        body: "",
      };
      if (request.binaryResponse) answer.bytes = new Uint8Array(await response.arrayBuffer());
      else answer.body = await response.text();
      return answer;
    } catch (error) {
      if (signal?.aborted) throw new AbortError(context, { cause: signal.reason });
      if (timedOut) throw new TimeoutError(timeoutMs, context, { cause: error });
      const code = systemCode(error);
      throw new NetworkError(`request failed: ${messageOf(error)}`, context, {
        cause: error,
        code,
        beforeResponse: !gotResponse,
      });
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  };
}

/** The system error code of an error or its causes (`ECONNRESET`, `ECONNREFUSED`, ...). */
export function systemCode(error: unknown): string | undefined {
  for (
    let e: unknown = error, i = 0;
    e && typeof e === "object" && i < 4;
    e = (e as { cause?: unknown }).cause, i++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** An error's message, with its system code when the message does not say it. */
export function messageOf(error: unknown): string {
  const code = systemCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
