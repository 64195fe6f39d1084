// Where a cold start goes: `node bench/cold-profile.mjs [--runs 9] [--entry asyncaws]` (after
// `npm run build`; `npm run bench:cold -- --entry asyncaws/sqs`). Starts the stub (pinned like in
// run.mjs) and runs bench/cold/probe.mjs, a whole process that imports the entry point
// (`asyncaws/sqs/client` by default; `asyncaws` and `asyncaws/sqs` with the SQS class),
// constructs a client and completes one SendMessage, many times:
// - whole processes, wall time, beside `node -e 0`, an empty ES module and the floor: an ES module
//   that sends one request signed beforehand with node:http (bench/cold/floor.mjs);
// - phases, timed inside the process (medians): Node's own start until the main module runs,
//   resolving the package specifier, importing, constructing, the first send;
// - the same with node:crypto and node:net loaded first, which separates their cost (a floor any
//   Node client pays: a socket and hashing) from asyncaws's own;
// - the heap and resident set after each phase, the garbage collections (`--trace-gc`) and the
//   functions V8 marks hot or compiles with its optimizing compiler (`--trace-opt`);
// - one V8 CPU profile of the whole process (`--cpu-prof`), its samples put in groups: Node's
//   bootstrap and ES module loader, compiling Node's built-in modules, compiling asyncaws, running
//   asyncaws, Node's JavaScript (net, streams, crypto), garbage collection, idle (waiting for the
//   network).
// Prints tables and writes bench/results/cold-profile.json. Not a benchmark of peers: run.mjs
// compares; this explains the figure.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { coldFloorRequest, MESSAGE_BODY } from "./fixtures.mjs";
import { BENCH, CLIENT_CORE, fmt, ipcChild, median, STUB_CORE, table, timeProcess } from "./lib.mjs";

const argv = process.argv.slice(2);
const runsAt = argv.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(argv[runsAt + 1]) : 9;
const entryAt = argv.indexOf("--entry");
const ENTRY = entryAt >= 0 ? argv[entryAt + 1] : "asyncaws/sqs/client";
if (!["asyncaws", "asyncaws/sqs", "asyncaws/sqs/client"].includes(ENTRY))
  throw new Error(`--entry: asyncaws, asyncaws/sqs or asyncaws/sqs/client, not ${ENTRY}`);
const PROBE = `${BENCH}cold/probe.mjs`;

const stub = ipcChild([`${BENCH}stub.mjs`], { core: STUB_CORE });
const { port } = await stub.next("listening");

async function probe(preload = "", nodeFlags = []) {
  const result = await timeProcess([PROBE, String(port), MESSAGE_BODY, preload, ENTRY], {
    core: CLIENT_CORE,
    nodeFlags,
  });
  if (result.code !== 0)
    throw new Error(`probe failed: ${result.stderr.trim().split("\n").slice(-3).join(" / ")}`);
  return { ...JSON.parse(result.stdout.trim().split("\n").pop()), wallMs: result.ms, stdout: result.stdout };
}

// The floor's request: an ES module sending one request signed beforehand with node:http.
const floorRequest = await coldFloorRequest(port);

// 1. Interleaved, one untimed warm-up of each probe first: the probe's phases with and without
//    the built-ins loaded first, and whole processes' wall time (nothing, an empty ES module, the
//    floor, and the plain probe's own).
const PHASES = ["builtins", "resolved", "imported", "constructed", "sent"];
const samples = { plain: [], preloaded: [] };
const walls = { "node -e 0": [], "empty ES module": [], floor: [], asyncaws: [] };
await probe();
await probe("crypto,net");
for (let i = 0; i < RUNS; i++) {
  const plainRun = await probe();
  samples.plain.push(plainRun);
  walls.asyncaws.push(plainRun.wallMs);
  samples.preloaded.push(await probe("crypto,net"));
  walls["node -e 0"].push((await timeProcess(["-e", "0"], { core: CLIENT_CORE })).ms);
  walls["empty ES module"].push((await timeProcess([`${BENCH}cold/empty.mjs`], { core: CLIENT_CORE })).ms);
  const floor = await timeProcess([`${BENCH}cold/floor.mjs`, String(port), floorRequest], {
    core: CLIENT_CORE,
  });
  if (floor.code !== 0)
    throw new Error(`floor failed: ${floor.stderr.trim().split("\n").slice(-3).join(" / ")}`);
  walls.floor.push(floor.ms);
}
const empty = walls["empty ES module"];

function phaseTable(runs) {
  const out = {};
  let previous = "start";
  for (const phase of PHASES) {
    out[phase] = median(runs.map((r) => r.marks[phase].ms - r.marks[previous].ms));
    previous = phase;
  }
  out.mainAt = median(runs.map((r) => r.mainAtMs));
  out.wall = median(runs.map((r) => r.wallMs));
  out.rss = Object.fromEntries(
    PHASES.map((p) => [p, median(runs.map((r) => r.marks[p].rss - r.marks.start.rss))]),
  );
  out.young = Object.fromEntries(PHASES.map((p) => [p, median(runs.map((r) => r.marks[p].young))]));
  out.heapTotal = Object.fromEntries(PHASES.map((p) => [p, median(runs.map((r) => r.marks[p].heapTotal))]));
  return out;
}
const plain = phaseTable(samples.plain);
const preloaded = phaseTable(samples.preloaded);

// 2. Garbage collections during one run (--trace-gc writes to stdout).
const gcs = (await probe("", ["--trace-gc"])).stdout
  .split("\n")
  .filter((line) => /Scavenge|Mark-Compact|Mark-sweep/i.test(line))
  .map((line) => line.replace(/^\[\d+:0x[0-9a-f]+\]\s*/, "").trim());

// 2b. Optimizing compiles set off during one run (--trace-opt writes to stdout). On one core, a
//     background compile takes its time from the main thread: a large function that turns hot in
//     the first request (SHA-256 once did: 10-15 ms) shows here.
const optimized = (await probe("", ["--trace-opt"])).stdout
  .split("\n")
  .map((line) =>
    /^\[(marking|completed compiling) \S+ <JSFunction (\S+)[^\]]*?(?:took ([\d.]+), ([\d.]+), ([\d.]+) ms)?\]/.exec(
      line,
    ),
  )
  .filter((m) => m !== null)
  .map((m) =>
    m[1] === "marking"
      ? `marked hot: ${m[2]}`
      : `compiled: ${m[2]}, ${fmt(Number(m[3]) + Number(m[4]) + Number(m[5]), 1)} ms`,
  );

// 3. One CPU profile, samples grouped.
const profileDir = join(tmpdir(), `asyncaws-cold-profile-${process.pid}`);
rmSync(profileDir, { recursive: true, force: true });
await probe("", ["--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", profileDir]);
const profile = JSON.parse(readFileSync(join(profileDir, readdirSync(profileDir)[0]), "utf8"));
rmSync(profileDir, { recursive: true, force: true });
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
function group(id) {
  // The innermost frame decides, except that compiling is charged to what is being compiled.
  for (let cur = id; cur !== undefined; cur = parents.get(cur)) {
    const fn = nodes.get(cur).callFrame.functionName;
    if (fn === "compileSourceTextModule") return "compiling ES modules (asyncaws; the probe is a few lines)";
    if (fn === "compileForInternalLoader") return "loading Node built-in modules (net, crypto, streams...)";
  }
  const { functionName: fn, url } = nodes.get(id).callFrame;
  if (fn === "(garbage collector)") return "garbage collection";
  if (fn === "(idle)") return "idle (waiting for the network or the stub)";
  if (fn === "(program)" || fn === "(root)") return "V8 and native code outside JavaScript";
  if (url.includes("/dist/")) return "running asyncaws (dist/node)";
  if (url.includes("/bench/")) return "the probe itself";
  if (/node:internal\/(modules|url|process|bootstrap|main)|node:internal\/fs/.test(url)) {
    return "Node bootstrap and ES module loader (resolve, read, link)";
  }
  if (url.startsWith("node:")) return "Node's JavaScript (net, streams, crypto, timers...)";
  return "other native";
}
const grouped = new Map();
let profiledUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const us = profile.timeDeltas[i] ?? 0;
  profiledUs += us;
  const g = group(profile.samples[i]);
  grouped.set(g, (grouped.get(g) ?? 0) + us);
}

await stub.close();

// Output.
const mb = (bytes) => fmt(bytes / 1048576, 2);
console.log(`Cold start of ${ENTRY}, ${RUNS} runs each (medians, ms inside the process)`);
console.log(
  table([
    ["phase", "as is", "with node:crypto and node:net loaded first", "difference"],
    ...PHASES.map((p) => [
      p === "builtins" ? "load node:crypto + node:net (only in the 2nd column)" : p,
      fmt(plain[p], 1),
      fmt(preloaded[p], 1),
      p === "builtins" ? "" : fmt(plain[p] - preloaded[p], 1),
    ]),
    ["main module started at (Node's own start)", fmt(plain.mainAt, 1), fmt(preloaded.mainAt, 1), ""],
    ["whole process, wall", fmt(plain.wall, 1), fmt(preloaded.wall, 1), ""],
  ]),
);
const baseline = median(walls["node -e 0"]);
console.log("\nWhole processes (wall, medians), over `node -e 0`");
console.log(
  table([
    ["process", "ms", "over node -e 0"],
    ...Object.entries(walls).map(([name, values]) => [
      name === "floor"
        ? "floor: an ES module sending one request signed beforehand, with node:http"
        : name === "asyncaws"
          ? `${ENTRY}: import, construct, sign, send, check`
          : name,
      fmt(median(values), 1),
      name === "node -e 0" ? "" : fmt(median(values) - baseline, 1),
    ]),
  ]),
);
console.log("\nMemory after each phase: resident set over the process's start (MB), young generation (KB)");
console.log(
  table([
    ["phase", "RSS +MB", "young KB", "heap total MB"],
    ...PHASES.map((p) => [p, mb(plain.rss[p]), fmt(plain.young[p] / 1024, 0), mb(plain.heapTotal[p])]),
  ]),
);
console.log(`\nGarbage collections in one run: ${gcs.length ? "" : "none"}`);
for (const line of gcs) console.log(`  ${line}`);
console.log(`\nOptimizing compiles in one run (--trace-opt): ${optimized.length ? "" : "none"}`);
for (const line of optimized) console.log(`  ${line}`);
console.log(`\nCPU profile of one run (${fmt(profiledUs / 1000, 1)} ms sampled), by group`);
console.log(
  table([
    ["group", "ms", "%"],
    ...[...grouped]
      .sort((a, b) => b[1] - a[1])
      .map(([g, us]) => [g, fmt(us / 1000, 1), fmt((100 * us) / profiledUs, 0)]),
  ]),
);
mkdirSync(`${BENCH}results`, { recursive: true });
writeFileSync(
  `${BENCH}results/cold-profile.json`,
  `${JSON.stringify({ entry: ENTRY, runs: RUNS, plain, preloaded, emptyWallMs: median(empty), wallsMs: Object.fromEntries(Object.entries(walls).map(([k, v]) => [k, median(v)])), gcs, optimized, groupsMs: Object.fromEntries([...grouped].map(([g, us]) => [g, us / 1000])) }, null, 2)}\n`,
);
console.log("\nwrote bench/results/cold-profile.json");
