// `npm run bench`: asyncaws (the built package, dist/) side by side with its peers, in one run.
//
//   node bench/run.mjs [--quick] [--only send,cold,bundle] [--out bench/results/latest.json]
//
// Method: a stub server in its own process on 127.0.0.1 answers with pre-built, correct responses
// and counts what it served; each client runs in a process of its own; client and stub are pinned
// to different cores when taskset is there. Each throughput figure is the median of several timed
// runs, interleaved across clients in rounds (so that a noisy moment hits all alike), after a
// warm-up. Every call's answer is checked by the client harness, and at the end the stub's count
// of served requests must equal the harness's count of completed calls, for every client.

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { batchSection, batchTable } from "./batch.mjs";
import { coldFloorRequest, MESSAGE_BODY } from "./fixtures.mjs";
import {
  BENCH,
  BROWSER_BUNDLE,
  CLIENT_CORE,
  fmt,
  ipcChild,
  machine,
  median,
  ROOT,
  ratio,
  STUB_CORE,
  spread,
  table,
  timeProcess,
  versionOf,
} from "./lib.mjs";

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
if (flag("help")) {
  process.stdout.write(
    [
      "node bench/run.mjs [--quick] [--only SECTIONS] [--clients NAMES] [--rounds N] [--seconds S] [--warmup S] [--out FILE]",
      "  sections: batch,send,receive,publish,cold,memory,bundle,sign,verify,flow (all by default)",
      "  --groups consume,receive,delete,send,publish,lambda   (batch section: which groups)",
      "  --scenarios NAMES   (batch section: these scenarios and each group's floors; see bench/batch-clients.mjs)",
      "  clients:  asyncaws,aws-sdk,aws-lite,aws4fetch,http-replay,undici-replay (all by default)",
      "  --out FILE   where the JSON goes (default: bench/results/latest.json and chart.svg for a full run;",
      "               quick.json with --quick; partial.json when --only, --clients, --groups or --scenarios narrow it)",
      "",
    ].join("\n"),
  );
  process.exit(0);
}
const VALUED = new Set(["only", "clients", "groups", "scenarios", "rounds", "seconds", "warmup", "out"]);
const KNOWN = new Set(["quick", "help", ...VALUED]);
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].startsWith("--") ? argv[i].slice(2) : undefined;
  if (name === undefined || !KNOWN.has(name)) {
    console.error(`bench/run.mjs: unknown argument ${JSON.stringify(argv[i])} (see --help)`);
    process.exit(2);
  }
  if (VALUED.has(name)) i++;
}
const QUICK = flag("quick");
/** A run narrowed by section, client, group or scenario: its JSON must not replace the full run's. */
const PARTIAL = ["only", "clients", "groups", "scenarios"].some((name) => option(name) !== undefined);
const SECTIONS = new Set(
  option("only", "batch,send,receive,publish,cold,memory,bundle,sign,verify,flow").split(","),
);
const OUT = option("out", `${BENCH}results/${QUICK ? "quick" : PARTIAL ? "partial" : "latest"}.json`);
const CONFIG = QUICK
  ? { warmupMs: 100, warmupCalls: 0, runMs: 250, rounds: 1, coldRuns: 3 }
  : { warmupMs: 1000, warmupCalls: 3000, runMs: 1500, rounds: 5, coldRuns: 21 };
if (option("rounds")) CONFIG.rounds = Number(option("rounds"));
if (option("seconds")) CONFIG.runMs = Number(option("seconds")) * 1000;
if (option("warmup")) CONFIG.warmupMs = Number(option("warmup")) * 1000;
const ONLY_CLIENTS = option("clients")?.split(",");

const OPS = {
  send: { action: "SendMessage", title: "SendMessage" },
  receive: { action: "ReceiveMessage", title: "ReceiveMessage (10 messages, with attributes)" },
  publish: { action: "Publish", title: "SNS Publish" },
};
const ALL_PEERS = ["asyncaws", "aws-sdk", "aws-lite", "aws4fetch", "http-replay", "undici-replay"];
const PEERS = { send: ALL_PEERS, receive: ALL_PEERS, publish: ALL_PEERS };
const CONCURRENCY = [1, 32];
const LABELS = {
  asyncaws: "asyncaws",
  "aws-sdk": "@aws-sdk v3",
  "aws-lite": "@aws-lite",
  aws4fetch: "aws4fetch",
  "http-replay": "node:http replay (floor)",
  "undici-replay": "undici Pool replay (floor)",
};

const log = (line = "") => process.stdout.write(`${line}\n`);
const progress = (line) => process.stderr.write(`  .. ${line}\n`);

// ---------------------------------------------------------------------------------------------
// The stub

async function startStub() {
  const stub = ipcChild([`${BENCH}stub.mjs`], { core: STUB_CORE });
  const { port } = await stub.next("listening");
  return { stub, port };
}

// ---------------------------------------------------------------------------------------------
// Throughput and CPU per call

async function throughput(op, port, stub) {
  const scenarios = [];
  for (const client of PEERS[op]) {
    if (ONLY_CLIENTS && !ONLY_CLIENTS.includes(client)) continue;
    for (const concurrency of CONCURRENCY) {
      // The smoke run measures 1 in flight for SendMessage only.
      if (QUICK && op !== "send" && concurrency === 1) continue;
      scenarios.push({
        op,
        client,
        concurrency,
        tag: `${client}-${op}-c${concurrency}`,
        runs: [],
        stubBusy: [],
      });
    }
  }
  // Set up each client in its own process, one at a time, with a warm-up.
  for (const s of scenarios) {
    progress(`${OPS[op].action}: set up ${s.client} at concurrency ${s.concurrency}`);
    s.worker = ipcChild([`${BENCH}worker.mjs`], { core: CLIENT_CORE, nodeFlags: ["--expose-gc"] });
    try {
      const ready = await s.worker.ask(
        {
          type: "setup",
          client: s.client,
          op,
          concurrency: s.concurrency,
          port,
          tag: s.tag,
          warmupMs: CONFIG.warmupMs,
          warmupCalls: CONFIG.warmupCalls,
        },
        "ready",
      );
      if (ready.unsupported) s.unsupported = true;
      if (ready.error) s.error = ready.error;
      s.rssAfterFirst = ready.rssAfterFirst;
      s.warmupCalls = ready.warmCalls;
    } catch (error) {
      s.error = String(error.message ?? error);
    }
    if (s.unsupported || s.error) await s.worker.close();
  }
  // Rounds: every live scenario runs once per round; the starting point rotates.
  const live = () => scenarios.filter((s) => !s.unsupported && !s.error);
  for (let round = 0; round < CONFIG.rounds; round++) {
    progress(`${OPS[op].action}: round ${round + 1} of ${CONFIG.rounds}`);
    const list = live();
    for (let k = 0; k < list.length; k++) {
      const s = list[(k + round) % list.length];
      const before = await stub.ask({ type: "counts" }, "counts");
      const result = await s.worker.ask({ type: "run", ms: CONFIG.runMs }, "result");
      const after = await stub.ask({ type: "counts" }, "counts");
      if (result.error) {
        s.error = result.error;
        continue;
      }
      const stubCpu = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system);
      s.runs.push({
        calls: result.calls,
        wallMs: result.wallMs,
        cpuUs: result.cpuUs,
        userUs: result.userUs,
        systemUs: result.systemUs,
      });
      s.stubBusy.push(stubCpu / 1000 / (after.uptimeMs - before.uptimeMs));
    }
  }
  // Every completed call was served, once; nothing was rejected.
  const counts = await stub.ask({ type: "counts" }, "counts");
  for (const s of scenarios) {
    if (!s.unsupported && !s.error) {
      const { total } = await s.worker.ask({ type: "total" }, "total");
      const served = counts.served[s.tag]?.[OPS[op].action] ?? 0;
      s.completed = total;
      s.served = served;
      s.verified = served === total && !counts.rejected[s.tag];
      if (!s.verified) {
        s.error = `stub served ${served} ${OPS[op].action} for ${total} completed calls${
          counts.rejected[s.tag] ? `; rejected: ${counts.rejected[s.tag].join(" | ")}` : ""
        }`;
      }
      await s.worker.close();
    }
    const cpuPerCall = s.runs.map((r) => r.cpuUs / r.calls);
    const rate = s.runs.map((r) => (r.calls * 1000) / r.wallMs);
    s.cpuPerCallUs = median(cpuPerCall);
    s.cpuPerCallSpread = spread(cpuPerCall);
    s.callsPerSec = median(rate);
    s.stubBusyMedian = median(s.stubBusy);
    delete s.worker;
  }
  return scenarios.map((s) => ({
    op,
    action: OPS[op].action,
    client: s.client,
    label: LABELS[s.client],
    concurrency: s.concurrency,
    cpuPerCallUs: s.cpuPerCallUs,
    cpuPerCallSpreadUs: s.cpuPerCallSpread,
    callsPerSec: s.callsPerSec,
    stubBusy: s.stubBusyMedian,
    completed: s.completed,
    served: s.served,
    verified: s.verified ?? false,
    unsupported: s.unsupported ?? false,
    error: s.error,
    rssAfterFirstCall: s.rssAfterFirst,
    warmupCalls: s.warmupCalls,
    runs: s.runs,
  }));
}

function throughputTable(op, rows) {
  const find = (client, c) => rows.find((r) => r.client === client && r.concurrency === c);
  const out = [["client", ...CONCURRENCY.flatMap((c) => [`c${c} CPU µs/call`, `c${c} calls/s`]), "checked"]];
  for (const client of PEERS[op]) {
    if (!rows.some((r) => r.client === client)) continue;
    const cells = [LABELS[client]];
    let note = "yes";
    for (const c of CONCURRENCY) {
      const r = find(client, c);
      if (!r) cells.push("-", "-");
      else if (r.unsupported) {
        cells.push("n/a", "n/a");
        note = "not available";
      } else if (r.error) {
        cells.push("FAILED", "FAILED");
        note = `FAILED: ${r.error.split("\n")[0].slice(0, 80)}`;
      } else cells.push(fmt(r.cpuPerCallUs), fmt(r.callsPerSec, 0));
    }
    cells.push(note);
    out.push(cells);
  }
  const lines = [table(out)];
  const a = (c) => find("asyncaws", c);
  for (const [peer, what] of [
    ["aws-sdk", "@aws-sdk v3"],
    ["http-replay", "node:http floor"],
    ["undici-replay", "undici floor"],
  ]) {
    if (!PEERS[op].includes(peer)) continue;
    const parts = CONCURRENCY.map((c) => `c${c} ${ratio(a(c)?.cpuPerCallUs, find(peer, c)?.cpuPerCallUs)}`);
    lines.push(`asyncaws CPU/call ÷ ${what}: ${parts.join(", ")}`);
  }
  const busy = rows.filter((r) => Number.isFinite(r.stubBusy)).map((r) => r.stubBusy);
  if (busy.length)
    lines.push(
      `stub core busy during the runs: ${fmt(Math.min(...busy) * 100, 0)}-${fmt(Math.max(...busy) * 100, 0)} %`,
    );
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Cold start

async function coldStart(port) {
  const kinds = [
    { name: "empty", label: "node -e 0", args: ["-e", "0"] },
    { name: "empty-esm", label: "node empty.mjs", args: [`${BENCH}cold/empty.mjs`] },
    // The CPU reference: an empty ES module that reports its CPU (and RSS), as the others do.
    { name: "empty-report", label: "empty ES module, reporting", args: [`${BENCH}cold/rss-empty.mjs`] },
    {
      name: "asyncaws",
      label: "asyncaws (SQS class)",
      args: [`${BENCH}cold/asyncaws.mjs`, String(port), MESSAGE_BODY],
    },
    {
      name: "asyncaws-sqs-index",
      label: "asyncaws/sqs (SQS class)",
      args: [`${BENCH}cold/asyncaws-sqs-index.mjs`, String(port), MESSAGE_BODY],
    },
    {
      name: "asyncaws-sqs",
      label: "asyncaws/sqs/client (functions)",
      args: [`${BENCH}cold/asyncaws-sqs.mjs`, String(port), MESSAGE_BODY],
    },
    // Import and construct only, nothing sent.
    {
      name: "asyncaws-construct",
      label: "asyncaws (SQS class), construct only",
      args: [`${BENCH}cold/asyncaws.mjs`, String(port), MESSAGE_BODY, "construct"],
      constructOnly: true,
    },
    {
      name: "asyncaws-sqs-index-construct",
      label: "asyncaws/sqs (SQS class), construct only",
      args: [`${BENCH}cold/asyncaws-sqs-index.mjs`, String(port), MESSAGE_BODY, "construct"],
      constructOnly: true,
    },
    {
      name: "asyncaws-sqs-construct",
      label: "asyncaws/sqs/client (functions), construct only",
      args: [`${BENCH}cold/asyncaws-sqs.mjs`, String(port), MESSAGE_BODY, "construct"],
      constructOnly: true,
    },
    // The floor: an ES module sending one request signed beforehand with node:http.
    {
      name: "floor",
      label: "node:http, pre-signed request (floor)",
      args: [`${BENCH}cold/floor.mjs`, String(port), await coldFloorRequest(port)],
    },
    { name: "aws-sdk", label: "@aws-sdk v3", args: [`${BENCH}cold/aws-sdk.mjs`, String(port), MESSAGE_BODY] },
  ];
  const samples = Object.fromEntries(
    kinds.map((k) => [k.name, { wall: [], cpu: [], inProcess: [], imported: [], rss: [], setupRss: [] }]),
  );
  const failures = [];
  // The resident set of an ES module that does nothing: the reference for RSS after setup.
  const emptyRss = [];
  for (let i = 0; i < 3; i++) {
    const result = await timeProcess([`${BENCH}cold/rss-empty.mjs`], { core: CLIENT_CORE });
    emptyRss.push(JSON.parse(result.stdout).rss);
  }
  // Wall times by run, for ratios of pairs measured in the same run.
  const byRun = [];
  // One untimed pass warms the file system cache.
  for (let run = -1; run < CONFIG.coldRuns; run++) {
    if (run >= 0) byRun[run] = { cpu: {} };
    if (run >= 0) progress(`cold start: run ${run + 1} of ${CONFIG.coldRuns}`);
    const order = run % 2 ? kinds : [...kinds].reverse();
    for (const kind of order) {
      const result = await timeProcess(kind.args, { core: CLIENT_CORE });
      if (result.code !== 0) {
        failures.push(
          `${kind.name}: exit ${result.code ?? result.signal}: ${result.stderr.trim().split("\n").slice(-3).join(" / ")}`,
        );
        continue;
      }
      if (kind.name !== "empty" && kind.name !== "empty-esm") {
        const line = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}");
        if (!line.ok) {
          failures.push(`${kind.name}: no completed send`);
          continue;
        }
        if (run >= 0 && Number.isFinite(line.cpuUs)) {
          samples[kind.name].cpu.push(line.cpuUs / 1000);
          byRun[run].cpu[kind.name] = line.cpuUs / 1000;
        }
        if (kind.name === "empty-report") {
          if (run >= 0) samples[kind.name].wall.push(result.ms);
          continue;
        }
        if (kind.constructOnly) {
          if (run >= 0) {
            samples[kind.name].imported.push(line.importedAtMs);
            samples[kind.name].setupRss.push(line.rssAfterSetup);
            samples[kind.name].wall.push(result.ms);
            byRun[run][kind.name] = result.ms;
          }
          continue;
        }
        if (run >= 0) {
          samples[kind.name].inProcess.push(line.sentAtMs);
          samples[kind.name].imported.push(line.importedAtMs);
          samples[kind.name].rss.push(line.rss);
          samples[kind.name].setupRss.push(line.rssAfterSetup);
        }
      }
      if (run >= 0) {
        samples[kind.name].wall.push(result.ms);
        byRun[run][kind.name] = result.ms;
      }
    }
  }
  const out = { runs: CONFIG.coldRuns, failures, emptyRssBytes: median(emptyRss), clients: {} };
  for (const kind of kinds) {
    out.clients[kind.name] = {
      label: kind.label,
      medianMs: median(samples[kind.name].wall),
      spreadMs: spread(samples[kind.name].wall),
      cpuMs: median(samples[kind.name].cpu),
      inProcessMs: median(samples[kind.name].inProcess),
      importedAtMs: median(samples[kind.name].imported),
      rssBytes: median(samples[kind.name].rss),
      setupRssBytes: median(samples[kind.name].setupRss),
    };
  }
  const empty = out.clients.empty.medianMs;
  for (const kind of kinds) {
    const name = kind.name;
    if (name === "empty") continue;
    out.clients[name].extraMs = out.clients[name].medianMs - empty;
    if (Number.isFinite(out.clients[name].cpuMs))
      out.clients[name].extraCpuMs = out.clients[name].cpuMs - out.clients["empty-report"].cpuMs;
    if (name !== "empty-esm" && name !== "floor" && name !== "empty-report") {
      out.clients[name].extraRssBytes = out.clients[name].rssBytes - out.emptyRssBytes;
      out.clients[name].extraSetupRssBytes = out.clients[name].setupRssBytes - out.emptyRssBytes;
    }
  }
  // The headline: the better of asyncaws's two forms (the class, the functions).
  out.best = out.clients["asyncaws-sqs"].extraMs < out.clients.asyncaws.extraMs ? "asyncaws-sqs" : "asyncaws";
  out.ratio = out.clients[out.best].extraMs / out.clients["aws-sdk"].extraMs;
  // Issue 20's pairs, each ratio the median of the per-run ratios of the process's CPU (user +
  // system, every thread, read at its end) over an empty ES module's that reports the same way.
  // CPU rather than wall time: on a shared machine, time spent waiting for a core is not the
  // program's cost.
  const paired = (a, b) =>
    median(
      byRun.map((r) => {
        const base = r.cpu["empty-report"];
        return (r.cpu[a] - base) / (r.cpu[b] - base);
      }),
    );
  out.pairs = {
    constructRootOverClient: paired("asyncaws-construct", "asyncaws-sqs-construct"),
    constructSqsOverClient: paired("asyncaws-sqs-index-construct", "asyncaws-sqs-construct"),
    sendRootOverFloor: paired("asyncaws", "floor"),
    sendClientOverFloor: paired("asyncaws-sqs", "floor"),
  };
  return out;
}

function coldTable(cold) {
  const rows = [
    [
      "process",
      "median ms",
      "min-max ms",
      "over node -e 0",
      "CPU ms",
      "CPU over empty",
      "imported at",
      "sent at",
      "RSS set up MB",
      "over empty",
      "RSS sent MB",
      "over empty",
    ],
  ];
  for (const name of Object.keys(cold.clients)) {
    const c = cold.clients[name];
    const mb = (bytes) => (Number.isFinite(bytes) ? fmt(bytes / 2 ** 20) : "");
    rows.push([
      c.label,
      fmt(c.medianMs),
      `${fmt(c.spreadMs[0])}-${fmt(c.spreadMs[1])}`,
      name === "empty" ? "" : fmt(c.extraMs),
      Number.isFinite(c.cpuMs) ? fmt(c.cpuMs) : "",
      Number.isFinite(c.extraCpuMs) ? fmt(c.extraCpuMs) : "",
      Number.isFinite(c.importedAtMs) ? fmt(c.importedAtMs) : "",
      Number.isFinite(c.inProcessMs) ? fmt(c.inProcessMs) : "",
      name === "empty-esm" ? mb(cold.emptyRssBytes) : mb(c.setupRssBytes),
      mb(c.extraSetupRssBytes),
      mb(c.rssBytes),
      mb(c.extraRssBytes),
    ]);
  }
  const lines = [
    table(rows),
    "(imported at, sent at: milliseconds since the process started, read inside it; RSS set up: imported and constructed, before any request; RSS sent: after the first send, which adds node:net, a connection and usually the process's first garbage collection, which grows the young generation by about 1 MB)",
    "(construct only: import and construct, then exit; RSS set up is read there too)",
    `CPU over an empty ES module, median of per-run ratios: import and construct SQS from asyncaws ÷ SQSClient from asyncaws/sqs/client ${cold.pairs.constructRootOverClient.toFixed(2)}x, from asyncaws/sqs ${cold.pairs.constructSqsOverClient.toFixed(2)}x; first send from asyncaws ÷ the node:http floor ${cold.pairs.sendRootOverFloor.toFixed(2)}x, from asyncaws/sqs/client ${cold.pairs.sendClientOverFloor.toFixed(2)}x`,
    `asyncaws extra time ÷ @aws-sdk v3 extra time: class ${ratio(cold.clients.asyncaws.extraMs, cold.clients["aws-sdk"].extraMs)}, functions ${ratio(cold.clients["asyncaws-sqs"].extraMs, cold.clients["aws-sdk"].extraMs)}`,
  ];
  if (cold.failures.length) lines.push(`FAILURES: ${cold.failures.join("; ")}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Browser bundle

async function bundles() {
  const esbuild = await import("esbuild");
  const entries = [
    { name: "asyncaws", label: "asyncaws/sqs (functions)", file: `${BENCH}bundle/asyncaws-send.mjs` },
    { name: "asyncaws-class", label: "asyncaws (SQS class)", file: `${BENCH}bundle/asyncaws-class-send.mjs` },
    { name: "aws-sdk", label: "@aws-sdk v3", file: `${BENCH}bundle/aws-sdk-send.mjs` },
    { name: "asyncaws-consume", label: "asyncaws (consume)", file: `${BENCH}bundle/asyncaws-consume.mjs` },
    {
      name: "aws-sdk-consume",
      label: "@aws-sdk v3 (receive loop)",
      file: `${BENCH}bundle/aws-sdk-consume.mjs`,
    },
  ];
  const out = {};
  for (const entry of entries) {
    progress(`bundle: ${entry.name}`);
    const result = await esbuild.build({ ...BROWSER_BUNDLE, entryPoints: [entry.file] });
    const code = result.outputFiles[0].contents;
    // What the minified output is made of, by source file (the largest ten).
    const inputs = Object.values(result.metafile.outputs)[0].inputs;
    const largest = Object.entries(inputs)
      .map(([file, info]) => ({ file, bytes: info.bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 10);
    out[entry.name] = {
      label: entry.label,
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      modules: Object.keys(inputs).length,
      largest,
      warnings: result.warnings.length,
      ...(await splitFigures(esbuild, entry.file)),
      eagerOnlyGzipBytes: await eagerOnlyGzip(esbuild, entry.file),
    };
  }
  out.ratio = out.asyncaws.gzipBytes / out["aws-sdk"].gzipBytes;
  return out;
}

/**
 * The same program bundled as bundlers ship applications (Vite, webpack, Rollup: code behind a
 * dynamic `import()` in chunks of its own), and what a browser then loads before the program
 * runs: the entry file and the chunks it imports statically, gzipped file by file. Code loaded on
 * first use (asyncaws's SQS Query protocol, the adaptive limiter...) is left out until used.
 */
async function splitFigures(esbuild, file) {
  const result = await esbuild.build({
    ...BROWSER_BUNDLE,
    entryPoints: [file],
    splitting: true,
    outdir: `${ROOT}.bench-split`, // not written: write is false
  });
  const outputs = result.metafile.outputs;
  const byPath = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint);
  const loaded = new Set();
  const visit = (path) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of outputs[path].imports)
      if (imported.kind === "import-statement") visit(imported.path);
  };
  visit(entry);
  let eagerGzip = 0;
  for (const path of loaded) eagerGzip += gzipSync(byPath.get(`${ROOT}${path}`), { level: 9 }).length;
  return { splitFiles: Object.keys(outputs).length, eagerFiles: loaded.size, eagerGzipBytes: eagerGzip };
}

/**
 * The same single-file bundle without the code a program reaches only through a dynamic
 * `import()` (asyncaws: the SQS Query protocol and the credential chain; the SDK's own lazy
 * modules likewise): what the single file would weigh if that code were an explicit import the
 * program does not make.
 */
async function eagerOnlyGzip(esbuild, file) {
  const leaveOutLazy = {
    name: "leave-out-lazy",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) =>
        args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
      );
    },
  };
  const result = await esbuild.build({ ...BROWSER_BUNDLE, entryPoints: [file], plugins: [leaveOutLazy] });
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
}

function bundleTable(b) {
  const rows = [
    [
      "program",
      "modules",
      "minified bytes",
      "gzip -9 bytes",
      "without import() targets, gzip",
      "code-split: loaded first, gzip",
    ],
  ];
  for (const name of ["asyncaws", "asyncaws-class", "aws-sdk", "asyncaws-consume", "aws-sdk-consume"]) {
    const label = name.endsWith("consume")
      ? `consume a queue: ${b[name].label}`
      : `send one message: ${b[name].label}`;
    const split = Number.isFinite(b[name].eagerGzipBytes)
      ? `${fmt(b[name].eagerGzipBytes, 0)} (${b[name].eagerFiles} of ${b[name].splitFiles} files)`
      : "";
    const eagerOnly = Number.isFinite(b[name].eagerOnlyGzipBytes) ? fmt(b[name].eagerOnlyGzipBytes, 0) : "";
    rows.push([label, b[name].modules, fmt(b[name].bytes, 0), fmt(b[name].gzipBytes, 0), eagerOnly, split]);
  }
  const largest = b.asyncaws.largest
    .slice(0, 6)
    .map((x) => `${x.file.replace(/^dist\//, "")} ${fmt(x.bytes / 1000)} KB`)
    .join(", ");
  return [
    table(rows),
    `asyncaws ÷ @aws-sdk v3 (gzip): functions ${ratio(b.asyncaws.gzipBytes, b["aws-sdk"].gzipBytes, 3)}, class ${ratio(b["asyncaws-class"].gzipBytes, b["aws-sdk"].gzipBytes, 3)}; code-split, loaded first: functions ${ratio(b.asyncaws.eagerGzipBytes, b["aws-sdk"].eagerGzipBytes, 3)}`,
    `without import() targets (what the single file would weigh if code loaded on first use, such as the SQS Query protocol, were an explicit import): functions ${ratio(b.asyncaws.eagerOnlyGzipBytes, b["aws-sdk"].eagerOnlyGzipBytes, 3)} of the SDK's`,
    "(the targets use the single-file figures; code-split: the same program bundled with esbuild's splitting, as applications ship, counting the files a browser loads before the program runs)",
    `consume a queue, asyncaws ÷ @aws-sdk v3 (gzip): ${ratio(b["asyncaws-consume"].gzipBytes, b["aws-sdk-consume"].gzipBytes, 3)}`,
    `asyncaws/sqs's largest parts (minified, before gzip): ${largest}`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Signatures per second, notification verifications per second (one process per peer and round,
// peers interleaved)

async function perSecondSection(script, names, extraArgs, label) {
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const notes = {};
  const rounds = QUICK ? 1 : CONFIG.rounds;
  const ms = QUICK ? 300 : 1000;
  for (let round = 0; round < rounds; round++) {
    progress(`${label}: round ${round + 1} of ${rounds}`);
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      if (notes[name]) continue;
      const result = await timeProcess([`${BENCH}${script}`, name, String(ms), "1", ...extraArgs], {
        core: CLIENT_CORE,
      });
      let line;
      try {
        line = JSON.parse(result.stdout.trim().split("\n").pop());
      } catch {
        line = { error: `exit ${result.code}: ${result.stderr.trim().split("\n").slice(-2).join(" / ")}` };
      }
      if (line.unsupported) notes[name] = "not available";
      else if (line.error) notes[name] = `FAILED: ${line.error}`;
      else samples[name].push(...line.perSecond);
    }
  }
  return Object.fromEntries(
    names.map((n) => [
      n,
      { perSecond: median(samples[n]), spread: spread(samples[n]), runs: samples[n], note: notes[n] },
    ]),
  );
}

function perSecondTable(results, headline, against) {
  const rows = [[headline, "per second", "min-max", `asyncaws ÷ this`]];
  for (const [name, r] of Object.entries(results)) {
    rows.push([
      name,
      r.note ?? fmt(r.perSecond, 0),
      r.note ? "" : `${fmt(r.spread[0], 0)}-${fmt(r.spread[1], 0)}`,
      name === "asyncaws" || r.note ? "" : ratio(results.asyncaws?.perSecond, r.perSecond),
    ]);
  }
  return `${table(rows)}${against ? `\n${against}` : ""}`;
}

async function verifySection() {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { execFileSync } = await import("node:child_process");
  const dir = mkdtempSync(`${tmpdir()}/asyncaws-bench-cert-`);
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        `${dir}/key.pem`,
        "-out",
        `${dir}/cert.pem`,
        "-subj",
        "/CN=sns.amazonaws.com",
        "-days",
        "2",
      ],
      { stdio: "ignore" },
    );
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: "openssl is needed to make the test certificate" };
  }
  try {
    return await perSecondSection(
      "verify.mjs",
      ["asyncaws", "sns-validator", "sns-payload-validator"],
      [dir],
      "verify",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Heap after 20,000 calls (SendMessage at concurrency 32, then a full GC), in fresh processes

async function memorySection(port) {
  const calls = QUICK ? 2000 : 20_000;
  const out = { calls };
  for (const client of ["asyncaws", "aws-sdk"]) {
    progress(`memory: ${client}, ${calls} calls`);
    const worker = ipcChild([`${BENCH}worker.mjs`], { core: CLIENT_CORE, nodeFlags: ["--expose-gc"] });
    try {
      const tag = `${client}-memory`;
      const ready = await worker.ask(
        { type: "setup", client, op: "send", concurrency: 32, port, tag, warmupMs: 0, warmupCalls: 0 },
        "ready",
      );
      if (ready.error) throw new Error(ready.error);
      const memory = await worker.ask({ type: "memory", calls }, "memory");
      if (memory.error) throw new Error(memory.error);
      out[client] = {
        heapAfterSetupBytes: memory.heapBefore,
        heapAfterCallsBytes: memory.heapAfter,
        rssAfterCallsBytes: memory.rssAfter,
      };
    } catch (error) {
      out[client] = { error: String(error.message ?? error).split("\n")[0] };
    } finally {
      await worker.close();
    }
  }
  return out;
}

function memoryTable(m) {
  const mb = (bytes) => fmt(bytes / 2 ** 20, 2);
  const rows = [["client", "heap after setup MB", `heap after ${m.calls} calls + GC MB`, "RSS then MB"]];
  for (const name of ["asyncaws", "aws-sdk"]) {
    const r = m[name];
    if (r.error) rows.push([LABELS[name], `FAILED: ${r.error}`, "", ""]);
    else
      rows.push([
        LABELS[name],
        mb(r.heapAfterSetupBytes),
        mb(r.heapAfterCallsBytes),
        mb(r.rssAfterCallsBytes),
      ]);
  }
  return table(rows);
}

// ---------------------------------------------------------------------------------------------
// Consumer and producer on fauxqs (issue 5's figures): fauxqs in its own process on the stub's
// core, each scenario in a fresh client process; rounds interleave the peers.

async function flowSection() {
  const fauxqs = ipcChild([`${BENCH}fauxqs-server.mjs`], { core: STUB_CORE });
  const { port } = await fauxqs.next("listening");
  const plan = [
    {
      key: "consumer10",
      title: "10 in flight",
      n: QUICK ? 100 : 1500,
      peers: ["consumer-asyncaws-10", "consumer-sqs-consumer-10"],
    },
    {
      key: "consumer100",
      title: "100 in flight",
      n: QUICK ? 300 : 4000,
      peers: ["consumer-asyncaws-100", "consumer-sqs-consumer-100"],
    },
    {
      key: "producer",
      title: "producer",
      n: QUICK ? 300 : 5000,
      peers: ["producer-asyncaws", "producer-sqs-producer"],
    },
  ];
  const rounds = QUICK ? 1 : 3;
  const out = { handlerMs: 20, rounds };
  try {
    for (const step of plan) {
      const samples = Object.fromEntries(step.peers.map((p) => [p, []]));
      const notes = {};
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < step.peers.length; k++) {
          const scenario = step.peers[(k + round) % step.peers.length];
          if (notes[scenario]) continue;
          progress(`fauxqs: ${scenario}, ${step.n} messages, round ${round + 1} of ${rounds}`);
          const result = await timeProcess([`${BENCH}flow.mjs`, scenario, String(port), String(step.n)], {
            core: CLIENT_CORE,
          });
          let line;
          try {
            line = JSON.parse(result.stdout.trim().split("\n").pop());
          } catch {
            line = {
              error: `exit ${result.code}: ${result.stderr.trim().split("\n").slice(-2).join(" / ")}`,
            };
          }
          if (line.unsupported) notes[scenario] = "not available";
          else if (line.error) notes[scenario] = `FAILED: ${line.error}`;
          else samples[scenario].push(line);
        }
      }
      out[step.key] = {
        title: step.title,
        messages: step.n,
        peers: Object.fromEntries(
          step.peers.map((p) => [
            p,
            {
              perSecond: median(samples[p].map((s) => s.perSecond)),
              cpuPerMessageUs: median(samples[p].map((s) => s.cpuPerMessageUs)),
              runs: samples[p],
              note: notes[p],
            },
          ]),
        ),
      };
    }
  } finally {
    await fauxqs.close();
  }
  // Bars for the chart: rate ratio and CPU ratio, asyncaws against the peer.
  out.chart = [];
  for (const step of plan) {
    const [a, peer] = step.peers.map((p) => out[step.key].peers[p]);
    if (!Number.isFinite(a.perSecond) || !Number.isFinite(peer.perSecond)) continue;
    const who = step.key === "producer" ? "sqs-producer" : "sqs-consumer";
    out.chart.push({
      title: `${step.title}`,
      bars: [
        { label: `${who}, messages/s`, value: a.perSecond / peer.perSecond },
        { label: `${who}, CPU per message`, value: peer.cpuPerMessageUs / a.cpuPerMessageUs },
      ],
    });
  }
  return out;
}

function flowTable(flow) {
  const rows = [
    ["scenario", "messages", "messages/s", "CPU µs/message", "asyncaws rate ÷", "asyncaws CPU ÷"],
  ];
  for (const key of ["consumer10", "consumer100", "producer"]) {
    const step = flow[key];
    if (!step) continue;
    const entries = Object.entries(step.peers);
    const a = entries[0][1];
    for (const [name, r] of entries) {
      const label = `${name.replace(/-\d+$/, "")} (${step.title})`;
      if (r.note) rows.push([label, step.messages, r.note, "", "", ""]);
      else {
        rows.push([
          label,
          step.messages,
          fmt(r.perSecond, 0),
          fmt(r.cpuPerMessageUs),
          r === a ? "" : ratio(a.perSecond, r.perSecond),
          r === a ? "" : ratio(a.cpuPerMessageUs, r.cpuPerMessageUs),
        ]);
      }
    }
  }
  return table(rows);
}

// ---------------------------------------------------------------------------------------------
// Targets

function targets(results) {
  const list = [];
  const send = results.throughput?.send;
  if (send) {
    const a = send.find((r) => r.client === "asyncaws" && r.concurrency === 32);
    const sdk = send.find((r) => r.client === "aws-sdk" && r.concurrency === 32);
    const floor = send.find((r) => r.client === "http-replay" && r.concurrency === 32);
    const ok = a?.verified && sdk?.verified;
    // Only when both ran (`--clients` may leave the SDK out).
    const value = ok ? a.cpuPerCallUs / sdk.cpuPerCallUs : Number.NaN;
    list.push({
      issue: 2,
      figure: "CPU per SendMessage, c32, ÷ @aws-sdk",
      target: "≤ 0.20",
      measured: ok ? value : null,
      met: ok && value <= 0.2,
    });
    list.push({
      issue: 6,
      figure: "CPU per SendMessage, c32, ÷ @aws-sdk",
      target: "≤ 0.15",
      measured: ok ? value : null,
      met: ok && value <= 0.15,
    });
    if (floor?.verified && a?.verified) {
      const f = a.cpuPerCallUs / floor.cpuPerCallUs;
      list.push({
        issue: 6,
        figure: "CPU per SendMessage, c32, ÷ node:http floor",
        target: "≤ 1.3",
        measured: f,
        met: f <= 1.3,
      });
      const a1 = send.find((r) => r.client === "asyncaws" && r.concurrency === 1);
      const f1 = send.find((r) => r.client === "http-replay" && r.concurrency === 1);
      const v1 = a1?.verified && f1?.verified ? a1.cpuPerCallUs / f1.cpuPerCallUs : Number.NaN;
      list.push({
        issue: 6,
        figure: "CPU per SendMessage, c1, ÷ node:http floor",
        target: "≤ 1.3",
        measured: v1,
        met: v1 <= 1.3,
      });
    }
  }
  const publish = results.throughput?.publish;
  if (publish) {
    const a = publish.find((r) => r.client === "asyncaws" && r.concurrency === 32);
    const sdk = publish.find((r) => r.client === "aws-sdk" && r.concurrency === 32);
    const floor = publish.find((r) => r.client === "http-replay" && r.concurrency === 32);
    const ok = a?.verified && sdk?.verified;
    const v = ok ? a.cpuPerCallUs / sdk.cpuPerCallUs : null;
    list.push({
      issue: 6,
      figure: "CPU per Publish, c32, ÷ @aws-sdk",
      target: "≤ 0.15",
      measured: v,
      met: v !== null && v <= 0.15,
    });
    const f = a?.verified && floor?.verified ? a.cpuPerCallUs / floor.cpuPerCallUs : null;
    list.push({
      issue: 6,
      figure: "CPU per Publish, c32, ÷ node:http floor",
      target: "≤ 1.3",
      measured: f,
      met: f !== null && f <= 1.3,
    });
  }
  const cold = results.coldStart;
  if (cold) {
    list.push({
      issue: 2,
      figure: "cold start extra time ÷ @aws-sdk's",
      target: "≤ 0.20",
      measured: cold.ratio,
      met: cold.ratio <= 0.2,
    });
    const extra = cold.clients[cold.best].extraMs;
    list.push({
      issue: 6,
      figure: "cold start over an empty process (ms)",
      target: "≤ 10",
      measured: extra,
      met: extra <= 10,
    });
  }
  if (cold) {
    const rss = cold.clients[cold.best].extraSetupRssBytes / 2 ** 20;
    list.push({
      issue: 6,
      figure: "RSS after setup (import + construct) over an empty process (MB)",
      target: "≤ 3",
      measured: rss,
      met: rss <= 3,
    });
  }
  const sig = results.signatures;
  if (sig) {
    const v = sig.asyncaws.perSecond / sig.aws4.perSecond;
    list.push({
      issue: 6,
      figure: "signatures per second ÷ aws4",
      target: "≥ 1.3",
      measured: Number.isFinite(v) ? v : null,
      met: v >= 1.3,
    });
  }
  const ver = results.verification;
  if (ver && !ver.skipped) {
    const v = ver.asyncaws.perSecond / ver["sns-payload-validator"].perSecond;
    list.push({
      issue: 6,
      figure: "verifications per second ÷ sns-payload-validator",
      target: "≥ 2",
      measured: Number.isFinite(v) ? v : null,
      met: v >= 2,
    });
  }
  const flow = results.flow;
  if (flow) {
    const pair = (key, a, p) => [flow[key]?.peers[a], flow[key]?.peers[p]];
    for (const [key, n, rate] of [
      ["consumer10", 10, 1.2],
      ["consumer100", 100, 2],
    ]) {
      const [a, p] = pair(key, `consumer-asyncaws-${n}`, `consumer-sqs-consumer-${n}`);
      const v = a && p ? a.perSecond / p.perSecond : Number.NaN;
      list.push({
        issue: 5,
        figure: `consumer rate ÷ sqs-consumer, ${n} in flight`,
        target: `≥ ${rate}`,
        measured: Number.isFinite(v) ? v : null,
        met: v >= rate,
      });
      if (n === 10) {
        const c = a && p ? a.cpuPerMessageUs / p.cpuPerMessageUs : Number.NaN;
        list.push({
          issue: 5,
          figure: "consumer CPU per message ÷ sqs-consumer's",
          target: "≤ 0.5",
          measured: Number.isFinite(c) ? c : null,
          met: c <= 0.5,
        });
      }
    }
    const [a, p] = pair("producer", "producer-asyncaws", "producer-sqs-producer");
    const v = a && p ? a.perSecond / p.perSecond : Number.NaN;
    list.push({
      issue: 5,
      figure: "producer rate ÷ sqs-producer",
      target: "≥ 2",
      measured: Number.isFinite(v) ? v : null,
      met: v >= 2,
    });
  }
  // Issue 20: messages through batches (ratios to the node:net replay floor, same rounds) and the
  // cold start by entry point (CPU ratios of the same runs).
  const batchRow = (group, name) =>
    results.batch?.groups?.find((g) => g.name === group)?.rows.find((r) => r.name === name && r.verified);
  for (const [group, name, figure, limit] of [
    ["consume", "asyncaws-consumer-100", "consumer CPU/message, 100 in flight, ÷ receive+delete floor", 1.5],
    ["send", "asyncaws-producer", "producer CPU/message ÷ SendMessageBatch floor", 1.3],
    ["publish", "asyncaws-topic-producer", "topic producer CPU/message ÷ PublishBatch floor", 1.3],
    ["receive", "asyncaws-receive", "ReceiveMessage of 10 (MD5 on) CPU ÷ floor", 1.3],
  ]) {
    if (!results.batch?.groups?.some((g) => g.name === group)) continue;
    const row = batchRow(group, name);
    const v = row?.ratioToFloor;
    list.push({
      issue: 20,
      figure,
      target: `≤ ${limit}`,
      measured: Number.isFinite(v) ? v : null,
      met: v <= limit,
    });
  }
  if (cold?.pairs) {
    list.push({
      issue: 20,
      figure: "cold CPU: import+construct SQS from asyncaws ÷ SQSClient from asyncaws/sqs/client",
      target: "≤ 1.2",
      measured: cold.pairs.constructRootOverClient,
      met: cold.pairs.constructRootOverClient <= 1.2,
    });
    list.push({
      issue: 20,
      figure: "cold CPU: first send from asyncaws ÷ pre-signed node:http floor",
      target: "≤ 1.3",
      measured: cold.pairs.sendRootOverFloor,
      met: cold.pairs.sendRootOverFloor <= 1.3,
    });
  }
  const b = results.bundle;
  if (b) {
    list.push({
      issue: 2,
      figure: "browser bundle (gzip) ÷ @aws-sdk's",
      target: "≤ 0.167",
      measured: b.ratio,
      met: b.ratio <= 1 / 6,
    });
    list.push({
      issue: 6,
      figure: "browser bundle, send one message (gzip KB)",
      target: "≤ 6",
      measured: b.asyncaws.gzipBytes / 1000,
      met: b.asyncaws.gzipBytes <= 6000,
    });
  }
  return list;
}

function targetsTable(list) {
  const rows = [["issue", "figure", "target", "measured", "met"]];
  for (const t of list)
    rows.push([
      `#${t.issue}`,
      t.figure,
      t.target,
      t.measured === null ? "-" : fmt(t.measured, 3),
      t.met ? "yes" : "NO",
    ]);
  return table(rows);
}

// ---------------------------------------------------------------------------------------------

/** The commit measured (and whether src/ had changes), or ASYNCAWS_BENCH_COMMIT when set. */
function commitOf() {
  if (process.env.ASYNCAWS_BENCH_COMMIT) return process.env.ASYNCAWS_BENCH_COMMIT;
  try {
    const id = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    return dirty ? `${id} with uncommitted changes in src/` : id;
  } catch {
    return undefined;
  }
}

async function main() {
  const started = Date.now();
  const results = {
    meta: {
      date: new Date().toISOString(),
      quick: QUICK,
      config: CONFIG,
      machine: machine(),
      versions: Object.fromEntries(
        [
          "asyncaws",
          "@aws-sdk/client-sqs",
          "@aws-sdk/client-sns",
          "@aws-lite/client",
          "@aws-lite/sqs",
          "@aws-lite/sns",
          "aws4fetch",
          "aws4",
          "@smithy/signature-v4",
          "undici",
          "sqs-consumer",
          "sqs-producer",
          "sns-validator",
          "sns-payload-validator",
          "fauxqs",
          "esbuild",
        ].map((n) => [n, versionOf(n)]),
      ),
      messageBodyBytes: Buffer.byteLength(MESSAGE_BODY),
      commit: commitOf(),
    },
    throughput: {},
  };
  const m = results.meta.machine;
  log(
    `asyncaws ${results.meta.versions.asyncaws} benchmark${QUICK ? " (--quick: smoke run, figures are rough)" : ""}`,
  );
  log(
    `${results.meta.date}; Node ${m.node} on ${m.platform} ${m.arch}, ${m.cpu}, ${m.cores} cores; ${m.pinned}`,
  );
  log(
    `peers: @aws-sdk/client-sqs ${results.meta.versions["@aws-sdk/client-sqs"]}, undici ${results.meta.versions.undici}, aws4 ${results.meta.versions.aws4} (signs the replays)`,
  );
  log(
    `each throughput figure: median of ${CONFIG.rounds} runs of ${CONFIG.runMs / 1000} s, interleaved across clients, after a warm-up of ${CONFIG.warmupMs / 1000} s and at least ${CONFIG.warmupCalls} calls; ${Buffer.byteLength(MESSAGE_BODY)}-byte message body`,
  );

  const { stub, port } = await startStub();
  try {
    if (SECTIONS.has("batch")) {
      results.batch = await batchSection({
        port,
        stub,
        config: { ...CONFIG, warmupMessages: QUICK ? 0 : CONFIG.warmupCalls },
        progress,
        only: option("groups")?.split(","),
        scenarios: option("scenarios")?.split(","),
      });
      log("\nMessages through batches: client CPU per message (user+sys µs) and messages/s, on the stub");
      log(batchTable(results.batch));
    }
    for (const op of ["send", "receive", "publish"]) {
      if (!SECTIONS.has(op)) continue;
      results.throughput[op] = await throughput(op, port, stub);
      log(`\n${OPS[op].title}: client CPU per call (user+sys µs) and calls/s`);
      log(throughputTable(op, results.throughput[op]));
    }
    if (SECTIONS.has("cold")) {
      results.coldStart = await coldStart(port);
      log(`\nCold start to the first completed SendMessage (whole process, median of ${CONFIG.coldRuns})`);
      log(coldTable(results.coldStart));
    }
    if (SECTIONS.has("memory")) {
      results.memory = await memorySection(port);
      log("\nMemory: SendMessage at concurrency 32 in a fresh process");
      log(memoryTable(results.memory));
    }
    const counts = await stub.ask({ type: "counts" }, "counts");
    results.stub = { rejectedTotal: counts.rejectedTotal, rejected: counts.rejected };
    if (counts.rejectedTotal)
      log(`\nSTUB REJECTED ${counts.rejectedTotal} requests: ${JSON.stringify(counts.rejected)}`);
  } finally {
    await stub.close();
  }
  if (SECTIONS.has("bundle")) {
    results.bundle = await bundles();
    log("\nBrowser bundle (esbuild, platform browser, minified; gzip -9)");
    log(bundleTable(results.bundle));
  }
  if (SECTIONS.has("sign")) {
    results.signatures = await perSecondSection(
      "sign.mjs",
      ["asyncaws", "aws4", "smithy-signature-v4", "aws4fetch"],
      [],
      "signatures",
    );
    log("\nSigV4 signatures per second (a SendMessage request, each output verified first)");
    log(perSecondTable(results.signatures, "signer"));
  }
  if (SECTIONS.has("verify")) {
    results.verification = await verifySection();
    log("\nSNS notification verifications per second (certificate cached; tampered copy rejected first)");
    log(results.verification.skipped ?? perSecondTable(results.verification, "verifier"));
  }
  if (SECTIONS.has("flow")) {
    results.flow = await flowSection();
    log(
      `\nConsumer and producer on fauxqs (handler awaits ${results.flow.handlerMs} ms; median of ${results.flow.rounds})`,
    );
    log(
      "(sqs-consumer: one instance of batch size 10 per 10 in flight; sqs-producer: one send() of all the messages)",
    );
    log(flowTable(results.flow));
  }
  results.targets = targets(results);
  if (results.targets.length) {
    log("\nTargets");
    log(targetsTable(results.targets));
  }
  results.meta.durationS = Math.round((Date.now() - started) / 1000);
  results.meta.loadAverageAtEnd = (await import("node:os")).loadavg().map((v) => Number(v.toFixed(2)));
  log(
    `\nload average at start ${m.loadAverageAtStart.join(" ")}, at end ${results.meta.loadAverageAtEnd.join(" ")} (2 would mean both cores busy besides this run)`,
  );
  mkdirSync(new URL("results/", import.meta.url), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nwrote ${OUT.replace(ROOT, "")} (${results.meta.durationS} s)`);
  if (!QUICK && !PARTIAL && !option("out")) {
    const chart = await timeProcess([`${BENCH}chart.mjs`, OUT, `${BENCH}results/chart.svg`]);
    log(chart.code === 0 ? "wrote bench/results/chart.svg" : `chart failed: ${chart.stderr}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
