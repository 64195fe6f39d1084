/**
 * The browser build's stand-in for `channels.ts` (package.json's `browser` field maps one to the
 * other): a browser has no `node:diagnostics_channel`, so nothing is published and the client's
 * `hooks` are the way to observe calls. Unlike `channels.ts`, it imports none of the
 * observation's code (request.ts). Cloudflare Workers, which have the module with
 * `nodejs_compat`, take `channels.ts` itself (dist/worker/).
 *
 * @module
 */

import type { DiagnosticsChannelLike, RequestChannel, TracingChannelLike } from "./channels.js";

export type { DiagnosticsChannelLike, RequestChannel, TracingChannelLike } from "./channels.js";

/** The channel of every AWS call: {@link RequestContext} messages. */
export const REQUEST_CHANNEL = "asyncaws:request";
/** The channel of every handler run of a consumer or a Lambda helper: {@link ProcessContext} messages. */
export const PROCESS_CHANNEL = "asyncaws:process";

/** `node:diagnostics_channel`: none in a browser. */
export function diagnosticsChannelSync(): DiagnosticsChannelLike | undefined {
  return undefined;
}

/** `node:diagnostics_channel`: none in a browser. */
export async function importDiagnosticsChannel(): Promise<DiagnosticsChannelLike | undefined> {
  return undefined;
}

/**
 * @internal No request channel in a browser: calls are observed only by the hooks a client is
 * given (`observe`), and a program without them carries none of the observation's code.
 */
export function requestChannel(): RequestChannel | undefined {
  return undefined;
}

/** @internal No process channel in a browser. */
export function processChannel(): TracingChannelLike | undefined {
  return undefined;
}
