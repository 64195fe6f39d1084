// FIFO on the emulator, through a proxy that breaks some requests: several groups of hundreds of
// messages each, concurrency 16. Strict order within each group, groups in parallel, and a
// failure in a group keeps that group's order.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Bench, sleep, startBench, waitFor } from "./setup.js";

const GROUPS = 6;
const PER_GROUP = 200;

describe("consumer on a FIFO queue", () => {
  let bench: Bench;
  const seed = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
  before(async () => {
    bench = await startBench({ faultRate: Number(process.env.FAULT_RATE ?? 0.05), seed });
  });
  after(async () => {
    await bench?.close();
  });

  it(`${GROUPS} groups of ${PER_GROUP}: strict order per group, groups in parallel, failures keep the order`, async () => {
    bench.setFaultRate(0);
    const queue = await bench.queue(
      "ordered",
      { ContentBasedDeduplication: "true", VisibilityTimeout: "2" },
      true,
    );
    bench.setFaultRate(Number(process.env.FAULT_RATE ?? 0.05));

    const producer = queue.producer();
    const sends: Promise<string>[] = [];
    // Interleave the groups, as independent producers would.
    for (let i = 0; i < PER_GROUP; i++) {
      for (let g = 0; g < GROUPS; g++) {
        sends.push(producer.send(`g${g}:${i}`, { MessageGroupId: `g${g}` }));
      }
    }
    const results = await Promise.allSettled(sends);
    assert.equal(results.filter((r) => r.status === "rejected").length, 0);

    // Fail some messages once or twice: g1:50 once, g3:120 twice, g5:0 once.
    const toFail = new Map([
      ["g1:50", 1],
      ["g3:120", 2],
      ["g5:0", 1],
    ]);
    const calls = new Map<string, number[]>();
    const succeeded = new Map<string, number[]>();
    const active = new Set<string>();
    const overlaps: string[] = [];
    let maxGroupsAtOnce = 0;
    const consumer = queue.consume(
      async (message) => {
        const [group, index] = message.Body!.split(":") as [string, string];
        const i = Number(index);
        if (active.has(group)) overlaps.push(message.Body!);
        active.add(group);
        maxGroupsAtOnce = Math.max(maxGroupsAtOnce, active.size);
        calls.set(group, [...(calls.get(group) ?? []), i]);
        try {
          await sleep(Math.random() * 2);
          const failures = toFail.get(message.Body!) ?? 0;
          if (failures > 0) {
            toFail.set(message.Body!, failures - 1);
            throw new Error(`planned failure of ${message.Body}`);
          }
          succeeded.set(group, [...(succeeded.get(group) ?? []), i]);
        } finally {
          active.delete(group);
        }
      },
      { concurrency: 16, retryDelay: 0, waitTimeSeconds: 1, logger: false },
    );
    const all = () => [...succeeded.values()].reduce((n, list) => n + new Set(list).size, 0);
    await waitFor(() => all() >= GROUPS * PER_GROUP, "every message handled", 120_000);
    const status = consumer.status;
    await consumer.stop();
    await producer.close();

    assert.deepEqual(overlaps, [], "one message at a time per group");
    assert.ok(maxGroupsAtOnce > 1, "groups ran in parallel");
    const expected = Array.from({ length: PER_GROUP }, (_, i) => i);
    let duplicates = 0;
    for (let g = 0; g < GROUPS; g++) {
      // A message handled again right after itself (its delete came back too late, at least once
      // delivery) keeps the order; anything else would not.
      const handled = succeeded.get(`g${g}`)!.filter((i, k, all) => k === 0 || all[k - 1] !== i);
      duplicates += succeeded.get(`g${g}`)!.length - handled.length;
      assert.deepEqual(handled, expected, `group g${g} handled in order`);
      const seen = calls.get(`g${g}`)!;
      for (let k = 1; k < seen.length; k++) {
        assert.ok(seen[k]! >= seen[k - 1]!, `group g${g} went back from ${seen[k - 1]} to ${seen[k]}`);
      }
    }
    assert.ok(calls.get("g3")!.filter((i) => i === 120).length >= 3);
    assert.equal(status.failed, 4);
    assert.equal(status.state, "running");
    console.log(
      `fault seed ${seed}; ${bench.requests.length} requests; faults ${JSON.stringify(bench.injected())}; ` +
        `at most ${maxGroupsAtOnce} groups at once; ${duplicates} duplicates; producer ${JSON.stringify(producer.stats)}`,
    );
  });
});
