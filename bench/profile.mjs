// CPU profile of one client under load: `node bench/profile.mjs [--client asyncaws] [--op send]
// [--concurrency 32] [--seconds 5]`, or `node bench/profile.mjs --scenario asyncaws-consumer-100` (a
// scenario of the batch section, bench/batch-clients.mjs; figures per message). Runs the client (pinned like in run.mjs) against the stub with
// the V8 CPU profiler (what `node --cpu-prof` runs, here started over the timed window only, after
// a warm-up), then prints the functions with the most self time, mapped back to src/*.ts
// through dist's source maps, and the total per file. The .cpuprofile stays in bench/results/
// for Chrome DevTools or speedscope.

import { mkdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { BENCH, CLIENT_CORE, ipcChild, ROOT, STUB_CORE, table } from "./lib.mjs";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const client = option("client", "asyncaws");
const op = option("op", "send");
const concurrency = Number(option("concurrency", "32"));
const seconds = Number(option("seconds", "5"));
const top = Number(option("top", "30"));
// A scenario of the batch section (bench/batch-clients.mjs), e.g. asyncaws-consumer-100.
const scenario = option("scenario", undefined);

const stub = ipcChild([`${BENCH}stub.mjs`], { core: STUB_CORE });
const { port } = await stub.next("listening");
const worker = ipcChild([`${BENCH}worker.mjs`], { core: CLIENT_CORE });
const tag = scenario ? `profile-${scenario}` : `profile-${client}-${op}-c${concurrency}`;
const out = `${BENCH}results/${tag}.cpuprofile`;
mkdirSync(`${BENCH}results`, { recursive: true });
const ready = await worker.ask(
  { type: "setup", client, op, scenario, concurrency, port, tag, warmupMs: 3000 },
  "ready",
);
if (ready.error || ready.unsupported) throw new Error(ready.error ?? "unsupported");
const result = await worker.ask(
  { type: "profile", ms: seconds * 1000, path: out, intervalUs: 100 },
  "result",
);
if (result.error) throw new Error(result.error);
await worker.close();
await stub.close();
const profile = JSON.parse(readFileSync(out, "utf8"));

// Self time per node, then per function (mapped to TypeScript where a source map exists).
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const maps = new Map();
function mapped(url, line, column) {
  if (!url.startsWith("file://") || !url.includes("/dist/")) return undefined;
  if (!maps.has(url)) {
    try {
      maps.set(url, new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, "utf8"))));
    } catch {
      maps.set(url, undefined);
    }
  }
  const entry = maps.get(url)?.findEntry(line, column);
  if (!entry?.originalSource) return undefined;
  const source = entry.originalSource.replace(/^.*?\/src\//, "src/");
  return `${source}:${entry.originalLine + 1}`;
}
const where = (frame) => {
  const ts = mapped(frame.url, frame.lineNumber, frame.columnNumber);
  if (ts) return ts;
  const url = frame.url.replace(`file://${ROOT}`, "").replace(/^node:internal\//, "node:");
  return url ? `${url}:${frame.lineNumber + 1}` : "";
};
// The profiler's own work at the end (the inspector answering Profiler.stop) is left out.
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
const ownWork = (node) => {
  for (let n = node; n; n = parentOf.get(n.id)) if (n.callFrame.url === "node:inspector") return true;
  return false;
};
const byFunction = new Map();
const byFile = new Map();
let totalUs = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us || ownWork(node)) continue;
  totalUs += us;
  const location = where(node.callFrame);
  const key = `${node.callFrame.functionName || "(anonymous)"}\t${location}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const fileKey = location.replace(/:\d+$/, "") || node.callFrame.functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
}
const callsDuring = result.messages ?? result.calls;
const pct = (us) => `${((us / totalUs) * 100).toFixed(1)} %`;
const perCall = (us) => (us / callsDuring).toFixed(2);
console.log(
  scenario
    ? `${scenario}: ${callsDuring} messages in ${seconds} s of the timed run, ${(result.cpuUs / callsDuring).toFixed(1)} µs CPU/message (the µs/call columns below are per message)`
    : `${client} ${op} at concurrency ${concurrency}: ${result.calls} calls in ${seconds} s of the timed run, ${(result.cpuUs / result.calls).toFixed(1)} µs CPU/call`,
);
console.log(`${(totalUs / 1000).toFixed(0)} ms of samples over the run (idle included)\n`);
const rows = [["self µs/call", "share", "function", "where"]];
for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [name, location] = key.split("\t");
  rows.push([perCall(us), pct(us), name, location]);
}
console.log(table(rows));
console.log("\nself time per file (top 20)");
const fileRows = [["self µs/call", "share", "file"]];
for (const [name, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 20))
  fileRows.push([perCall(us), pct(us), name]);
console.log(table(fileRows));
console.log(`\nprofile written to ${out.replace(ROOT, "")}`);
