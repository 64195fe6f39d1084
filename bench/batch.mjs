// The `batch` section of run.mjs: messages through batches (consuming, producing, Lambda), floors,
// asyncaws and peers side by side, client CPU per message. Scenarios: batch-clients.mjs.
//
// Each scenario runs in a worker process of its own (worker.mjs), pinned like the others; a
// group's scenarios run interleaved in rounds, so that a busy moment of the machine hits them
// alike, and each ratio to the group's floor is the median of the per-round ratios (pairs measured
// in the same round). Every scenario's count of messages must equal what the stub served (entries
// of the operation the scenario names): nothing looks fast by failing or by skipping a delete.

import { GROUPS } from "./batch-clients.mjs";
import { BENCH, CLIENT_CORE, fmt, ipcChild, median, spread, table } from "./lib.mjs";

/**
 * Runs the groups (all, or those named in `only`); resolves with { groups: [{ name, title,
 * floor, rows: [...] }] }.
 */
export async function batchSection({ port, stub, config, progress, only, scenarios: onlyScenarios }) {
  const out = { groups: [] };
  for (const group of GROUPS) {
    if (only && !only.includes(group.name)) continue;
    const list = Object.entries(group.scenarios)
      .filter(
        ([name, s]) =>
          !onlyScenarios || onlyScenarios.includes(name) || name === group.floor || s.kind === "floor",
      )
      .map(([name, s]) => ({ name, ...s, tag: `batch-${name}`, runs: [], ratios: [] }));
    for (const s of list) {
      progress(`${group.name}: set up ${s.name}`);
      s.worker = ipcChild([`${BENCH}worker.mjs`], {
        core: CLIENT_CORE,
        nodeFlags: ["--expose-gc", "--no-warnings"],
      });
      try {
        const ready = await s.worker.ask(
          {
            type: "setup",
            scenario: s.name,
            concurrency: s.concurrency ?? 1,
            port,
            tag: s.tag,
            warmupMs: config.warmupMs,
            warmupCalls: config.warmupMessages ?? 0,
          },
          "ready",
        );
        if (ready.unsupported) s.error = "not available";
        if (ready.error) s.error = ready.error;
      } catch (error) {
        s.error = String(error.message ?? error);
      }
      if (s.error) await s.worker.close();
    }
    for (let round = 0; round < config.rounds; round++) {
      progress(`${group.name}: round ${round + 1} of ${config.rounds}`);
      const live = list.filter((s) => !s.error);
      const perMessage = new Map();
      for (let k = 0; k < live.length; k++) {
        const s = live[(k + round) % live.length];
        const result = await s.worker.ask({ type: "run", ms: config.runMs }, "result");
        if (result.error) {
          s.error = result.error;
          continue;
        }
        s.runs.push({ messages: result.messages, wallMs: result.wallMs, cpuUs: result.cpuUs });
        perMessage.set(s, result.cpuUs / result.messages);
      }
      const base = perMessage.get(list.find((s) => s.name === group.floor));
      for (const [s, v] of perMessage) if (base) s.ratios.push(v / base);
    }
    const counts = await stub.ask({ type: "counts" }, "counts");
    for (const s of list) {
      // What the stub served this scenario: requests and entries per operation.
      s.requests = Object.fromEntries(
        Object.entries(counts.served[s.tag] ?? {}).map(([op, n]) => [
          op,
          { requests: n, entries: counts.entries[s.tag]?.[op] ?? 0 },
        ]),
      );
      if (!s.error) {
        const { total } = await s.worker.ask({ type: "total" }, "total");
        if (s.counts) {
          const ops = [].concat(s.counts);
          const served = ops.reduce((sum, op) => sum + (counts.entries[s.tag]?.[op] ?? 0), 0);
          const rejected = counts.rejected[s.tag];
          s.verified = served === total && !rejected;
          if (!s.verified)
            s.error = `stub served ${served} ${ops.join(" + ")} entries for ${total} messages${rejected ? `; rejected: ${rejected.join(" | ")}` : ""}`;
        } else s.verified = true;
        await s.worker.close();
      }
      delete s.worker;
    }
    out.groups.push({
      name: group.name,
      title: group.title,
      floor: group.floor,
      rows: list.map((s) => {
        const cpu = s.runs.map((r) => r.cpuUs / r.messages);
        return {
          name: s.name,
          label: s.label,
          kind: s.kind,
          concurrency: s.concurrency,
          cpuPerMessageUs: median(cpu),
          cpuPerMessageSpreadUs: spread(cpu),
          messagesPerSec: median(s.runs.map((r) => (r.messages * 1000) / r.wallMs)),
          ratioToFloor: median(s.ratios),
          verified: s.verified ?? false,
          requests: s.requests,
          error: s.error,
          runs: s.runs,
        };
      }),
    });
  }
  return out;
}

export function batchTable(result) {
  const lines = [];
  for (const g of result.groups) {
    const floorLabel = g.rows.find((r) => r.name === g.floor)?.label ?? g.floor;
    lines.push(`\n${g.title}`);
    const rows = [["scenario", "CPU µs/message", "min-max", "messages/s", `÷ ${g.floor}`, "entries/request"]];
    for (const r of g.rows) {
      // Entries per request of each batch operation the scenario sent (a consumer that sends
      // half-empty batches pays for more requests per message).
      const fill = Object.entries(r.requests ?? {})
        .filter(([, v]) => v.entries !== v.requests)
        .map(([op, v]) => `${op.replace(/Message|Batch/g, "")} ${(v.entries / v.requests).toFixed(1)}`)
        .join(", ");
      if (r.error) rows.push([r.label, "FAILED", "", "", r.error.split("\n")[0].slice(0, 90), ""]);
      else
        rows.push([
          r.label,
          fmt(r.cpuPerMessageUs, 2),
          `${fmt(r.cpuPerMessageSpreadUs[0], 1)}-${fmt(r.cpuPerMessageSpreadUs[1], 1)}`,
          fmt(r.messagesPerSec, 0),
          Number.isFinite(r.ratioToFloor) ? `${r.ratioToFloor.toFixed(2)}x` : "-",
          fill,
        ]);
    }
    lines.push(table(rows));
    lines.push(
      `(ratios: median over rounds of CPU per message ÷ ${floorLabel}'s, measured in the same round)`,
    );
  }
  return lines.join("\n");
}
