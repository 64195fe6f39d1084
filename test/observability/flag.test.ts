// The one check of a call's fast path, `hasSubscribers`, as each runtime gives it: Node's flag,
// workerd's method (a function, so always truthy as a property: every call was observed there,
// subscriber or not), Bun's five channels with no flag on the tracing channel (nothing was ever
// published there). Shapes copied from those runtimes' tracing channels; the real ones run in the
// runtime suite (.ci/runtimes.sh, check observe.channel).
import assert from "node:assert/strict";
import { tracingChannel } from "node:diagnostics_channel";
import { it } from "node:test";
import type { TracingChannelLike } from "../../src/observability/channels.js";
import { flagged } from "../../src/observability/flag.js";

const PARTS = ["start", "end", "asyncStart", "asyncEnd", "error"] as const;
const tracePromise = <T>(fn: () => Promise<T>) => fn();

it("takes Node's own flag as it is", () => {
  const channel = tracingChannel("asyncaws:test-flag");
  assert.equal(flagged(channel as unknown as TracingChannelLike), channel);
});

it("calls workerd's method: false with no subscriber, true with one", () => {
  let count = 0;
  const workerd = {
    hasSubscribers(this: unknown) {
      assert.equal(this, workerd);
      return count > 0;
    },
    tracePromise,
  };
  const channel = flagged(workerd as unknown as TracingChannelLike);
  assert.equal(channel.hasSubscribers, false);
  count = 1;
  assert.equal(channel.hasSubscribers, true);
});

it("reads Bun's five channels: any of them subscribed is enough", async () => {
  const parts = Object.fromEntries(PARTS.map((name) => [name, { hasSubscribers: false }]));
  const bun = { ...parts, tracePromise };
  const channel = flagged(bun as unknown as TracingChannelLike);
  assert.equal(channel.hasSubscribers, false);
  for (const name of PARTS) {
    parts[name]!.hasSubscribers = true;
    assert.equal(channel.hasSubscribers, true, name);
    parts[name]!.hasSubscribers = false;
  }
  assert.equal(await channel.tracePromise(async () => 42, {}), 42);
});
