// Old against new code in ONE process, for the consumer's and ReceiveMessage's figures (issue 20):
// runs of each scenario, for each build, alternated in rounds against the stub (its own process,
// pinned to the other core), with client CPU per message and the ratio to the `node:net` floor of
// the same round. Figures of separate processes moved by 20 to 100 % between runs on the shared
// machine; alternating in one process puts old and new code under the same load.
//
//   npm run build && cp -r dist /tmp/dist-old     # the build to compare against
//   (change, build)
//   taskset -c 0 node bench/ab-consume.mjs --builds old=/tmp/dist-old,new=dist [--rounds 8]
//     [--ms 1000] [--scenarios floor,receive,receive-nomd5,hand,consumer-100,consumer-10,iterator]
//
// Medians over rounds; each scenario's run is preceded by its own warm-up at setup.

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SCENARIOS } from "./batch-clients.mjs";
import { BENCH_CREDENTIALS, queueUrl, RECEIVED, REGION } from "./fixtures.mjs";
import { BENCH, ipcChild, median, ROOT, STUB_CORE, table } from "./lib.mjs";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const rounds = Number(option("rounds", "6"));
const runMs = Number(option("ms", "1000"));
const builds = option("builds", "new=dist")
  .split(",")
  .map((pair) => {
    const [name, dir] = pair.split("=");
    return { name, dir: resolve(ROOT, dir) };
  });
const wanted = option("scenarios", "floor,receive,receive-nomd5,hand,consumer-100").split(",");

const RECEIVE_INPUT = {
  MaxNumberOfMessages: 10,
  WaitTimeSeconds: 0,
  MessageAttributeNames: ["All"],
  MessageSystemAttributeNames: ["All"],
};

function fail(what, value) {
  throw new Error(`wrong answer: ${what} (${JSON.stringify(value)?.slice(0, 200)})`);
}
// A message handed over alone (consumers, the iterator): its index read from its body's `"id":10NN`
// without parsing the body, which no floor does either.
const indexOf = (m) => {
  const at = typeof m.Body === "string" ? m.Body.indexOf('"id":') : -1;
  return at < 0 ? -1 : Number(m.Body.slice(at + 5, at + 9)) - 1000;
};
function checkMessage(m, i = indexOf(m)) {
  const want = RECEIVED[i];
  if (m.Body !== want?.Body || typeof m.MessageId !== "string" || !m.ReceiptHandle?.startsWith("AQEB"))
    fail(`message ${i}`, m);
  if (m.MessageAttributes?.kind?.StringValue !== "image") fail(`message ${i} attributes`, m);
}
function checkMessages(messages) {
  if (messages?.length !== 10) fail("Messages", messages?.length);
  for (let i = 0; i < 10; i++) checkMessage(messages[i], i);
}

/** The library scenarios, for one build's `asyncaws` module. */
const LIBRARY = {
  receive: (mod, options) => {
    const sqs = new mod.SQS(options);
    return {
      concurrency: 10,
      messages: 10,
      call: async (url) =>
        checkMessages((await sqs.receiveMessage({ QueueUrl: url, ...RECEIVE_INPUT })).Messages),
    };
  },
  "receive-nomd5": (mod, options) => {
    const sqs = new mod.SQS({ ...options, checksums: false });
    return {
      concurrency: 10,
      messages: 10,
      call: async (url) =>
        checkMessages((await sqs.receiveMessage({ QueueUrl: url, ...RECEIVE_INPUT })).Messages),
    };
  },
  hand: (mod, options) => {
    const sqs = new mod.SQS(options);
    return {
      concurrency: 10,
      messages: 10,
      call: async (url) => {
        const { Messages } = await sqs.receiveMessage({ QueueUrl: url, ...RECEIVE_INPUT });
        checkMessages(Messages);
        const out = await sqs.deleteMessageBatch({
          QueueUrl: url,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        });
        if (out.Successful.length !== 10) fail("Successful", out);
      },
    };
  },
  ...Object.fromEntries(
    [10, 100, 1000].map((n) => [
      `consumer-${n}`,
      (mod, options) => {
        const sqs = new mod.SQS(options);
        return {
          stream: async (url, ms) => {
            let handled = 0;
            let error;
            const consumer = sqs.queue(url).consume(
              async (message) => {
                checkMessage(message);
                handled++;
              },
              { concurrency: n, waitTimeSeconds: 1 },
            );
            consumer.on("error", (e) => {
              error ??= e;
            });
            await new Promise((r) => setTimeout(r, ms));
            await consumer.stop();
            if (error) throw error;
            return handled;
          },
        };
      },
    ]),
  ),
  iterator: (mod, options) => {
    const sqs = new mod.SQS(options);
    return {
      stream: async (url, ms) => {
        const end = performance.now() + ms;
        let handled = 0;
        for await (const message of sqs.queue(url).messages({ concurrency: 100, waitTimeSeconds: 1 })) {
          checkMessage(message);
          message.ack();
          handled++;
          if ((handled & 63) === 0 && performance.now() >= end) break;
        }
        return handled;
      },
    };
  },
};

/** Runs one scenario for `ms`: CPU µs of this process per message. */
async function timed(s, ms) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let messages = 0;
  if (s.stream) messages = await s.stream(s.url, ms);
  else {
    const end = t0 + ms;
    const loop = async () => {
      while (performance.now() < end) {
        await s.call(s.url);
        messages += s.messages;
      }
    };
    await Promise.all(Array.from({ length: s.concurrency }, loop));
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    us: (cpu.user + cpu.system) / messages,
    sys: cpu.system / messages,
    rate: (messages * 1000) / (performance.now() - t0),
  };
}

// --fake-net: no stub process; sockets answered in-process (bench/fake-net.mjs): user-space CPU only.
const fakeNet = argv.includes("--fake-net");
let stub = { close: async () => {} };
let port = 9;
if (fakeNet) (await import("./fake-net.mjs")).installFakeNet();
else {
  stub = ipcChild([`${BENCH}stub.mjs`], { core: STUB_CORE });
  ({ port } = await stub.next("listening"));
}
const options = {
  endpoint: `http://127.0.0.1:${port}`,
  region: REGION,
  credentials: { ...BENCH_CREDENTIALS },
};

const list = [];
if (wanted.includes("floor")) {
  const made = await SCENARIOS["floor-net-receive-delete"].setup({ port, tag: "ab-floor" });
  list.push({ name: "floor receive+delete", floor: true, concurrency: 10, ...made, call: () => made.call() });
  const r = await SCENARIOS["floor-net-receive"].setup({ port, tag: "ab-floor-r" });
  list.push({ name: "floor receive", floorReceive: true, concurrency: 10, ...r, call: () => r.call() });
}
for (const build of builds) {
  const mod = await import(pathToFileURL(`${build.dir}/node/index.js`).href);
  for (const name of wanted) {
    if (name === "floor") continue;
    const made = LIBRARY[name](mod, options);
    list.push({ name: `${build.name} ${name}`, url: queueUrl(port, `ab-${build.name}-${name}`), ...made });
  }
}
for (const s of list) {
  for (let i = 0; i < 3; i++) await timed(s, 400); // warm-up
  s.us = [];
  s.rates = [];
  s.sys = [];
  s.ratios = [];
}
const profiled = option("profile", undefined);
if (profiled) {
  // `--profile NAME`: that scenario alone for --ms under the V8 CPU profiler, written to --out.
  const s = list.find((x) => x.name === profiled);
  const { Session } = await import("node:inspector");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((ok, ko) => session.post(method, params, (e, r) => (e ? ko(e) : ok(r))));
  if (argv.includes("--heap")) {
    // `--heap`: what survives young-generation collections (the sampling heap profiler keeping
    // objects that a scavenge did not free, whether a later full GC freed them or not), by the
    // function that allocated them: what the scavenger copies and promotes.
    await post("HeapProfiler.enable");
    await post("HeapProfiler.startSampling", {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true, // --all: every allocation, not only survivors
      includeObjectsCollectedByMinorGC: argv.includes("--all"),
    });
    const { us, rate } = await timed(s, runMs);
    const { profile } = await post("HeapProfiler.stopSampling");
    const sites = new Map();
    const walk = (node, stack) => {
      const f = node.callFrame;
      const here = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
      const path = stack ? `${here} < ${stack}` : here;
      if (node.selfSize) sites.set(path, (sites.get(path) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child, stack === undefined ? "" : here.split(" ")[0]);
    };
    walk(profile.head, undefined);
    const messages = (rate * runMs) / 1000;
    for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`${(bytes / messages).toFixed(0).padStart(7)} B/message  ${site}`);
    console.log(`${profiled}: ${us.toFixed(2)} µs/message, ${rate.toFixed(0)}/s`);
    await stub.close();
    process.exit(0);
  }
  const sampling = !argv.includes("--no-sampling");
  if (sampling) {
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: Number(option("interval", "200")) });
    await post("Profiler.start");
  }
  const { us, rate } = await timed(s, runMs);
  const { profile } = sampling ? await post("Profiler.stop") : { profile: {} };
  const path = option("out", `${BENCH}results/ab-${profiled.replace(/\W+/g, "-")}.cpuprofile`);
  writeFileSync(path, JSON.stringify({ ...profile, messages: Math.round((rate * runMs) / 1000) }));
  const w = globalThis.__w;
  if (w)
    console.log(
      `writes ${w.n}, ${(Number(w.ns) / w.n / 1000).toFixed(2)} µs each, ${(w.len / w.n).toFixed(0)} chars`,
    );
  console.log(`${profiled}: ${us.toFixed(2)} µs/message, ${rate.toFixed(0)}/s; profile in ${path}`);
  await stub.close();
  process.exit(0);
}
for (let round = 0; round < rounds; round++) {
  const order = list.map((_, k) => list[(k + round) % list.length]);
  for (const s of order) {
    const { us, sys, rate } = await timed(s, runMs);
    s.us.push(us);
    s.sys.push(sys);
    s.rates.push(rate);
  }
  const floor = list.find((s) => s.floor);
  const floorR = list.find((s) => s.floorReceive);
  for (const s of list) {
    const base = /receive(-nomd5)?$/.test(s.name) && floorR ? floorR : floor;
    if (base) s.ratios.push(s.us[round] / base.us[round]);
  }
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}
const rows = [
  [
    "scenario",
    "CPU µs/message (median)",
    "of it system",
    "min-max",
    "messages/s",
    "÷ floor (median of rounds)",
  ],
];
for (const s of list)
  rows.push([
    s.name,
    median(s.us).toFixed(2),
    median(s.sys).toFixed(2),
    `${Math.min(...s.us).toFixed(1)}-${Math.max(...s.us).toFixed(1)}`,
    median(s.rates).toFixed(0),
    `${median(s.ratios).toFixed(2)}x`,
  ]);
console.log(table(rows));
await stub.close();
process.exit(0);
