import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cachedProvider } from "../../../src/core/credentials/cache.js";
import type { Credentials } from "../../../src/core/credentials/types.js";

function creds(id: string, expiresAt?: number): Credentials {
  return {
    accessKeyId: id,
    secretAccessKey: `secret-${id}`,
    ...(expiresAt === undefined ? {} : { expiration: new Date(expiresAt) }),
  };
}

/** A source whose answers the test releases by hand. */
function manualSource() {
  const pending: { resolve: (c: Credentials) => void; reject: (e: Error) => void }[] = [];
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    pending,
    fetch: () =>
      new Promise<Credentials>((resolve, reject) => {
        calls++;
        pending.push({ resolve, reject });
      }),
  };
}

describe("cachedProvider", () => {
  it("fetches once for 100 concurrent callers, then serves the cache", async () => {
    const source = manualSource();
    const provider = cachedProvider(source.fetch);
    const waiting = Array.from({ length: 100 }, () => provider());
    assert.equal(source.calls, 1);
    source.pending[0]!.resolve(creds("A", Date.now() + 3600_000));
    const all = await Promise.all(waiting);
    assert.ok(all.every((c) => c.accessKeyId === "A"));
    await provider();
    assert.equal(source.calls, 1);
  });

  it("keeps credentials without expiration for good", async () => {
    let now = 0;
    let calls = 0;
    const provider = cachedProvider(async () => creds(`K${++calls}`), { now: () => now });
    await provider();
    now = 10 * 365 * 86400_000;
    assert.equal((await provider()).accessKeyId, "K1");
    assert.equal(calls, 1);
  });

  it("refreshes once in the background inside the refresh window, serving the old ones meanwhile", async () => {
    let now = 1_000_000;
    const source = manualSource();
    const provider = cachedProvider(source.fetch, { now: () => now });
    const first = provider();
    source.pending[0]!.resolve(creds("OLD", now + 3600_000));
    await first;
    now += 3600_000 - 120_000; // 2 minutes left: inside the 5-minute window
    const during = await Promise.all(Array.from({ length: 100 }, () => provider()));
    assert.ok(during.every((c) => c.accessKeyId === "OLD"));
    assert.equal(source.calls, 2, "exactly one refresh for 100 callers");
    source.pending[1]!.resolve(creds("NEW", now + 3600_000));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await provider()).accessKeyId, "NEW");
    assert.equal(source.calls, 2);
  });

  it("keeps valid credentials when a refresh fails, and tries again later", async () => {
    let now = 2_000_000;
    const source = manualSource();
    const provider = cachedProvider(source.fetch, { now: () => now, retryAfterFailureMs: 10_000 });
    const first = provider();
    source.pending[0]!.resolve(creds("OLD", now + 3600_000));
    await first;
    now += 3600_000 - 200_000;
    assert.equal((await provider()).accessKeyId, "OLD");
    assert.equal(source.calls, 2);
    source.pending[1]!.reject(new Error("STS is down"));
    await new Promise((resolve) => setImmediate(resolve));
    // Still valid: served, and no new attempt before the retry delay.
    assert.equal((await provider()).accessKeyId, "OLD");
    assert.equal(source.calls, 2);
    now += 10_001;
    assert.equal((await provider()).accessKeyId, "OLD");
    assert.equal(source.calls, 3);
    source.pending[2]!.resolve(creds("NEW", now + 3600_000));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await provider()).accessKeyId, "NEW");
  });

  it("makes everyone wait for one refresh once the credentials have expired", async () => {
    let now = 3_000_000;
    const source = manualSource();
    const provider = cachedProvider(source.fetch, { now: () => now });
    const first = provider();
    source.pending[0]!.resolve(creds("OLD", now + 60_000));
    await first;
    now += 60_000;
    const waiting = Array.from({ length: 100 }, () => provider());
    assert.equal(source.calls, 2);
    source.pending[1]!.resolve(creds("NEW", now + 3600_000));
    assert.ok((await Promise.all(waiting)).every((c) => c.accessKeyId === "NEW"));
  });

  it("rejects every waiter when the first fetch fails, and tries again on the next call", async () => {
    const source = manualSource();
    const provider = cachedProvider(source.fetch);
    const waiting = Array.from({ length: 5 }, () => provider());
    source.pending[0]!.reject(new Error("no source"));
    for (const w of waiting) await assert.rejects(w, /no source/);
    const again = provider();
    assert.equal(source.calls, 2);
    source.pending[1]!.resolve(creds("B"));
    assert.equal((await again).accessKeyId, "B");
  });

  it("fetches again when asked to force a refresh", async () => {
    let calls = 0;
    const provider = cachedProvider(async () => creds(`K${++calls}`, Date.now() + 3600_000));
    await provider();
    assert.equal((await provider({ forceRefresh: true })).accessKeyId, "K2");
    assert.equal((await provider()).accessKeyId, "K2");
  });
});
