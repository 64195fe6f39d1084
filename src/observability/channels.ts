/**
 * The two tracing channels of asyncaws, `asyncaws:request` and `asyncaws:process`, from
 * `node:diagnostics_channel` where the runtime has it (Node, Bun, Deno, Workers with
 * `nodejs_compat`). The module is asked for on the first call, synchronously through
 * `process.getBuiltinModule` (Node >= 20.16, the package's floor); there is no `import()` of it,
 * which a Worker bundled without `nodejs_compat` could not resolve. Where there is no such
 * module, nothing is published and the hooks of the client options are the way to observe calls.
 *
 * Nothing is published, and no context object is made, while a channel has no subscriber: the
 * hot path pays one property read per call (`hasSubscribers`).
 *
 * While the request channel has subscribers, every client's calls are observed, whether it has
 * hooks or not: a client without hooks runs them through the observer given here (see
 * {@link requestChannel}), so that this module, and not the client, brings the observation's
 * code (request.ts). Browsers take `channels.browser.ts`, which has no channel and none of it.
 *
 * @module
 */

import { flagged } from "./flag.js";
import { type ClientObserver, observerOf } from "./request.js";

/** The slice of a `node:diagnostics_channel` TracingChannel used here. */
export interface TracingChannelLike {
  readonly hasSubscribers: boolean;
  tracePromise<T>(fn: () => Promise<T>, context: object): Promise<T>;
}

/** The slice of `node:diagnostics_channel` used here. */
export interface DiagnosticsChannelLike {
  tracingChannel(name: string): TracingChannelLike;
}

/** The channel of every AWS call: {@link RequestContext} messages. */
export const REQUEST_CHANNEL = "asyncaws:request";
/** The channel of every handler run of a consumer or a Lambda helper: {@link ProcessContext} messages. */
export const PROCESS_CHANNEL = "asyncaws:process";

/** @internal The request channel, with the observer that publishes calls on it. */
export interface RequestChannel {
  readonly request: TracingChannelLike;
  /** The observer of the calls of clients without hooks (those with hooks use theirs). */
  readonly observer: ClientObserver;
}

interface Channels extends RequestChannel {
  readonly process: TracingChannelLike;
}

/** undefined: not looked for yet; null: none (or still loading). */
let channels: Channels | null | undefined;

type ProcessLike = { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } };

function fromModule(mod: unknown): Channels | null {
  const dc = mod as Partial<DiagnosticsChannelLike> | undefined;
  if (typeof dc?.tracingChannel !== "function") return null;
  return {
    request: flagged(dc.tracingChannel(REQUEST_CHANNEL)),
    process: flagged(dc.tracingChannel(PROCESS_CHANNEL)),
    observer: observerOf(undefined),
  };
}

/** `node:diagnostics_channel`, synchronously where the runtime can; undefined elsewhere. */
export function diagnosticsChannelSync(): DiagnosticsChannelLike | undefined {
  const proc = (globalThis as { process?: ProcessLike }).process;
  try {
    const mod = proc?.getBuiltinModule?.("node:diagnostics_channel") as DiagnosticsChannelLike | undefined;
    return typeof mod?.tracingChannel === "function" ? mod : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `node:diagnostics_channel` for callers that may wait: the same as
 * {@link diagnosticsChannelSync} now that the package needs `process.getBuiltinModule`.
 */
export async function importDiagnosticsChannel(): Promise<DiagnosticsChannelLike | undefined> {
  return diagnosticsChannelSync();
}

function load(): Channels | null {
  const sync = diagnosticsChannelSync();
  return sync ? fromModule(sync) : null;
}

/**
 * @internal The request channel (`request`) and its observer when the channel has subscribers,
 * else undefined: the one check of a call's fast path.
 */
export function requestChannel(): RequestChannel | undefined {
  if (channels === undefined) channels = load();
  return channels?.request.hasSubscribers ? channels : undefined;
}

/** @internal The process channel when it has subscribers, else undefined. */
export function processChannel(): TracingChannelLike | undefined {
  if (channels === undefined) channels = load();
  const channel = channels?.process;
  return channel?.hasSubscribers ? channel : undefined;
}
