/**
 * One HTTP request, with a timeout and an `AbortSignal`, over the fastest transport the runtime
 * has: on Node a lean HTTP/1.1 client over `node:net` with kept-alive connections (`http-node`,
 * measured at about half the CPU of `node:http` per request), `fetch` elsewhere or when a `fetch`
 * is injected. The body is read whole, as text (SQS, SNS and STS answer with small JSON or XML
 * documents) or as bytes when the request asks (S3 objects).
 *
 * @module
 */

import { type FetchFn, fetchTransport, type Transport } from "./http-common.js";

export {
  type FetchFn,
  fetchTransport,
  type HttpRequest,
  type HttpResponse,
  messageOf,
  systemCode,
  type Transport,
} from "./http-common.js";

/**
 * The default transport: on Node, the lean HTTP/1.1 client over `node:net` (see `http-node`);
 * on Bun, Deno, Workers and browsers, their own `fetch`.
 */
export function defaultTransport(fetchFn?: FetchFn): Transport {
  if (fetchFn) return fetchTransport(fetchFn);
  const g = globalThis as { process?: { versions?: { node?: string; bun?: string } }; Deno?: unknown };
  const isNode =
    g.process?.versions?.node !== undefined && g.process.versions.bun === undefined && g.Deno === undefined;
  return isNode ? lazyNetTransport() : fetchTransport();
}

/** The `node:net` transport, loaded on first use so that browser bundles leave it out. */
function lazyNetTransport(): Transport {
  let transport: Transport | Promise<Transport> | undefined;
  return async (request, signal, timeoutMs, context) => {
    transport ??= import("./http-node.js").then(
      (m) => m.netTransport(),
      (error: unknown) => {
        transport = undefined; // a failed load is tried again at the next request
        throw error;
      },
    );
    if (transport instanceof Promise) transport = await transport;
    return transport(request, signal, timeoutMs, context);
  };
}
