/**
 * One HTTP request, with a timeout and an `AbortSignal`, over the fastest transport the runtime
 * has: `node:http(s)` with a keep-alive agent where it exists (Node, Bun, Deno), `fetch` elsewhere
 * or when a `fetch` is injected. The body is read whole as text: SQS, SNS and STS answer with
 * small JSON or XML documents.
 *
 * @module
 */

import { AbortError, type ErrorContext, NetworkError, TimeoutError } from "./errors.js";

/** A request ready to send: signed headers, a text body. */
export interface HttpRequest {
  /** `POST` for every SQS, SNS and STS action. */
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
  readonly body: string;
}

/** A response read whole. */
export interface HttpResponse {
  /** HTTP status code. */
  readonly statusCode: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body decoded as UTF-8. */
  readonly body: string;
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

type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

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
      const headers: Record<string, string> = {};
      for (const name in request.headers) if (name !== "host") headers[name] = request.headers[name]!;
      const response = await doFetch(urlOf(request), {
        method: request.method,
        headers,
        body: request.body,
        signal: controller.signal,
      });
      gotResponse = true;
      const body = await response.text();
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        out[name.toLowerCase()] = value;
      });
      return { statusCode: response.status, headers: out, body };
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

function systemCode(error: unknown): string | undefined {
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

function messageOf(error: unknown): string {
  const code = systemCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

// ---------------------------------------------------------------------------------------------
// node:http(s)

interface NodeHttpModule {
  request(options: object, callback: (res: NodeIncomingMessage) => void): NodeClientRequest;
  Agent: new (options: object) => object;
}
interface NodeIncomingMessage {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  setEncoding(encoding: string): void;
  on(event: string, listener: (arg: never) => void): void;
  destroy(error?: Error): void;
}
interface NodeClientRequest {
  on(event: string, listener: (arg: never) => void): void;
  end(body?: string): void;
  destroy(error?: Error): void;
  setNoDelay?(noDelay: boolean): void;
}

type Builtin = <T>(name: string) => T | undefined;
const getBuiltin: Builtin | undefined = (globalThis as { process?: { getBuiltinModule?: Builtin } }).process
  ?.getBuiltinModule;

/** True where `node:http` can be loaded synchronously (Node 20.16+, Bun, Deno). */
export function hasNodeHttp(): boolean {
  return typeof getBuiltin === "function" && getBuiltin("node:http") !== undefined;
}

interface NodeStack {
  http: NodeHttpModule;
  https: NodeHttpModule;
  httpAgent: object;
  httpsAgent: object;
}

async function loadNodeStack(): Promise<NodeStack> {
  let http = getBuiltin?.<NodeHttpModule>("node:http");
  let https = getBuiltin?.<NodeHttpModule>("node:https");
  if (!http || !https) {
    // Older Node 20 releases: load them lazily; the names are in variables so that bundlers for
    // browsers and Workers leave them alone.
    const httpName = "node:http";
    const httpsName = "node:https";
    http = (await import(httpName)) as NodeHttpModule;
    https = (await import(httpsName)) as NodeHttpModule;
  }
  const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, scheduling: "lifo" };
  return { http, https, httpAgent: new http.Agent(agentOptions), httpsAgent: new https.Agent(agentOptions) };
}

/**
 * A transport over `node:http` and `node:https` with keep-alive agents of its own (connections
 * are reused across requests; idle sockets do not keep the process alive).
 */
export function nodeTransport(): Transport {
  let stack: NodeStack | Promise<NodeStack> | undefined;
  return async (request, signal, timeoutMs, context) => {
    if (signal?.aborted) throw new AbortError(context, { cause: signal.reason });
    stack ??= loadNodeStack();
    if (stack instanceof Promise) stack = await stack;
    return nodeRequest(stack, request, signal, timeoutMs, context);
  };
}

function nodeRequest(
  stack: NodeStack,
  request: HttpRequest,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  context: ErrorContext,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const secure = request.protocol === "https:";
    const module = secure ? stack.https : stack.http;
    let settled = false;
    let responded = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response!);
    };
    const onAbort = () => finish(new AbortError(context, { cause: signal?.reason }));
    const req = module.request(
      {
        method: request.method,
        hostname: request.hostname,
        port: request.port || undefined,
        path: request.path,
        headers: request.headers,
        agent: secure ? stack.httpsAgent : stack.httpAgent,
      },
      (res) => {
        responded = true;
        res.setEncoding("utf8");
        let body = "";
        res.on("data", (chunk: never) => {
          body += chunk as string;
        });
        res.on("end", () => {
          const headers: Record<string, string | undefined> = {};
          for (const name in res.headers) {
            const value = res.headers[name];
            headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          finish(undefined, { statusCode: res.statusCode ?? 0, headers, body });
        });
        res.on("aborted", () => finish(new NetworkError("response cut before its end", context)));
        res.on("error", (error: never) => finish(networkError(error, context, false)));
      },
    );
    req.on("error", (error: never) => finish(networkError(error, context, !responded)));
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      timer = setTimeout(() => finish(new TimeoutError(timeoutMs, context)), timeoutMs);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    req.end(request.body);
  });
}

function networkError(error: Error, context: ErrorContext, beforeResponse: boolean): NetworkError {
  const code = systemCode(error);
  return new NetworkError(`request failed: ${messageOf(error)}`, context, {
    cause: error,
    code,
    beforeResponse,
  });
}

/** The default transport: `node:http(s)` where the runtime has it, else the global `fetch`. */
export function defaultTransport(fetchFn?: FetchFn): Transport {
  if (fetchFn) return fetchTransport(fetchFn);
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return proc?.versions?.node ? nodeTransport() : fetchTransport();
}
