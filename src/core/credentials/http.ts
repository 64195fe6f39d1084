/**
 * Plain HTTP requests for the credential endpoints (instance metadata, container credentials, the
 * SSO portal) over the Node transport, with a few attempts on transient failures. Never used
 * where the runtime has no `node:http` (those sources give nothing there).
 *
 * @module
 */

import { parseEndpoint } from "../config.js";
import { isAbortError } from "../errors.js";
import { defaultTransport, type HttpResponse, type Transport } from "../http.js";
import { sleep } from "../retry.js";
import { isNodeLike } from "../runtime.js";

let shared: Transport | undefined;

/**
 * The transport of the credential endpoints (the core's Node transport; `fetch` on Bun and Deno),
 * or undefined where the runtime is not Node-like (browsers, Workers).
 */
export function credentialsTransport(): Transport | undefined {
  if (!isNodeLike()) return undefined;
  // The fetch transport (Bun, Deno) already sends no body with a GET, which fetch refuses.
  shared ??= defaultTransport();
  return shared;
}

/** One request to a credential endpoint. */
export interface EndpointRequest {
  method: "GET" | "PUT" | "POST";
  /** An absolute http(s) URL, query included. */
  url: string;
  headers: Record<string, string>;
  /** The body, for a POST. @default "" */
  body?: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts on connection failures, timeouts and HTTP 5xx / 429. */
  maxAttempts: number;
  /** Names the source in network errors (`instance metadata`). */
  operation: string;
  signal?: AbortSignal | undefined;
}

/** Sends a request, retrying transient failures with a short backoff. */
export async function send(transport: Transport, request: EndpointRequest): Promise<HttpResponse> {
  const url = new URL(request.url);
  const base = parseEndpoint(`${url.protocol}//${url.host}`, "credentials endpoint");
  const path = `${url.pathname}${url.search}`;
  const headers: Record<string, string> = { host: base.host, ...request.headers };
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await transport(
        {
          method: request.method,
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path,
          headers,
          body: request.body ?? "",
        },
        request.signal,
        request.timeoutMs,
        { operation: request.operation },
      );
      if (response.statusCode < 500 && response.statusCode !== 429) return response;
      if (attempt >= request.maxAttempts) return response;
    } catch (error) {
      if (isAbortError(error) || attempt >= request.maxAttempts) throw error;
    }
    await sleep(Math.random() * Math.min(1000, 50 * 2 ** attempt), request.signal);
  }
}
