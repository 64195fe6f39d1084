/**
 * The `hasSubscribers` of a tracing channel, the one check of a call's fast path, as each runtime
 * gives it: a flag (Node, Deno), a method (workerd with `nodejs_compat`, where the property is a
 * function, so always truthy), or nothing on the tracing channel but a flag on each of its five
 * channels (Bun 1.x). Read by `channels.ts` only (the browser twin has no channels).
 *
 * @module
 */

import type { TracingChannelLike } from "./channels.js";

type Part = "start" | "end" | "asyncStart" | "asyncEnd" | "error";

/** @internal Whether a channel has subscribers, whether the runtime gives that as a flag or as a method. */
export function subscribed(channel: { readonly hasSubscribers?: unknown } | undefined): boolean {
  const flag = channel?.hasSubscribers;
  return typeof flag === "function" ? flag.call(channel) === true : flag === true;
}

/**
 * @internal The channel with a `hasSubscribers` flag: its own where it is one (Node, Deno); else one read
 * on each call from its method (workerd, where it is a method, always truthy as a property) or
 * from its five channels (Bun 1.x has none), as Node computes its own.
 */
export function flagged(channel: TracingChannelLike): TracingChannelLike {
  if (typeof channel.hasSubscribers === "boolean") return channel;
  const parts = channel as unknown as Partial<Record<Part, { readonly hasSubscribers?: unknown }>>;
  const names: readonly Part[] = ["start", "end", "asyncStart", "asyncEnd", "error"];
  const own = typeof (channel as { hasSubscribers?: unknown }).hasSubscribers === "function";
  return {
    get hasSubscribers() {
      return own ? subscribed(channel) : names.some((name) => subscribed(parts[name]));
    },
    tracePromise: (fn, context) => channel.tracePromise(fn, context),
  };
}
