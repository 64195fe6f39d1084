// `npm run soak [-- --minutes N] [--rate R]`: asyncaws's producer and consumer at a steady load on
// fauxqs (in its own process, on loopback) for 30 minutes by default. RSS and heap of this
// process are sampled every 10 s; at the end it prints the growth after the warm-up (the first
// fifth of the run, at most 5 minutes) and checks that every message produced was consumed once.
// Not part of CI. Writes bench/results/soak.json. Exits 1 on lost messages or errors.

import { mkdirSync, writeFileSync } from "node:fs";
import { MESSAGE_BODY } from "./fixtures.mjs";
import { BENCH, CLIENT_CORE, fmt, ipcChild, machine, PIN, STUB_CORE, table, versionOf } from "./lib.mjs";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : fallback;
};
const MINUTES = option("minutes", 30);
const RATE = option("rate", 200); // messages per second
const SAMPLE_MS = option("sample-seconds", 10) * 1000;
const HANDLER_MS = 5;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (!process.env.ASYNCAWS_SOAK_CHILD) {
  // Re-run this script with --expose-gc, pinned to the client core where taskset is there
  // (fauxqs goes to the other one).
  const { spawnSync } = await import("node:child_process");
  const argv = [process.execPath, "--expose-gc", ...process.execArgv, ...process.argv.slice(1)];
  const [command, ...args] = PIN ? ["taskset", "-c", CLIENT_CORE, ...argv] : argv;
  const child = spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, ASYNCAWS_SOAK_CHILD: "1" },
  });
  process.exit(child.status ?? 1);
}

const { SQS } = await import("asyncaws");
const fauxqs = ipcChild([`${BENCH}fauxqs-server.mjs`], { core: STUB_CORE });
const { port } = await fauxqs.next("listening");
const sqs = new SQS({
  endpoint: `http://127.0.0.1:${port}`,
  region: "us-east-1",
  credentials: {
    accessKeyId: "AKIDBENCHMARK0000000",
    secretAccessKey: "bench/secret/not-a-real-key/0000000000",
  },
});
const { QueueUrl } = await sqs.createQueue({
  QueueName: `soak-${Date.now().toString(36)}`,
  Attributes: { VisibilityTimeout: "30" },
});
const queue = sqs.queue(QueueUrl);
if (typeof queue.consume !== "function" || typeof queue.producer !== "function") {
  console.error("soak: this build has no queue.consume / queue.producer yet");
  await fauxqs.close();
  process.exit(1);
}

let produced = 0;
let failedSends = 0;
let consumed = 0;
let duplicates = 0;
// One byte per message, allocated up front, so that the harness itself does not grow.
const seen = new Uint8Array(Math.ceil(MINUTES * 60 * RATE * 1.1) + 10_000);
const errors = [];
const consumer = queue.consume(
  async (message) => {
    await sleep(HANDLER_MS);
    const index = Number(message.Body.slice(message.Body.lastIndexOf("#") + 1));
    if (seen[index]) duplicates++;
    seen[index] = 1;
    consumed++;
  },
  { concurrency: 32, waitTimeSeconds: 2 },
);
consumer.on("error", (error) => {
  if (errors.length < 20) errors.push(String(error?.message ?? error));
});
const producer = queue.producer();

console.log(
  `asyncaws ${versionOf("asyncaws")} soak: ${MINUTES} min at ${RATE} messages/s on fauxqs (port ${port}); handler ${HANDLER_MS} ms, concurrency 32; sampling every ${SAMPLE_MS / 1000} s`,
);
const started = performance.now();
const endAt = started + MINUTES * 60_000;
const samples = [];
const sample = () => {
  // Heap after a full collection, so that the samples do not ride the GC's sawtooth.
  globalThis.gc?.();
  const m = process.memoryUsage();
  const s = {
    atS: Math.round((performance.now() - started) / 1000),
    rssMB: m.rss / 2 ** 20,
    heapMB: m.heapUsed / 2 ** 20,
    produced,
    consumed,
    inFlight: consumer.status?.inFlight,
  };
  samples.push(s);
  console.log(
    `${String(s.atS).padStart(5)} s  rss ${fmt(s.rssMB)} MB  heap ${fmt(s.heapMB)} MB  produced ${produced}  consumed ${consumed}  in flight ${s.inFlight ?? "?"}`,
  );
};
const sampler = setInterval(sample, SAMPLE_MS);

// Steady load: every 50 ms, the messages due by now.
const TICK_MS = 50;
while (performance.now() < endAt) {
  const due = Math.floor(((performance.now() - started) / 1000) * RATE);
  while (produced < due) {
    const body = `${MESSAGE_BODY}#${produced}`;
    produced++;
    producer.send(body).catch(() => {
      failedSends++;
    });
  }
  await sleep(TICK_MS);
}
await producer.close();
// Drain: wait until everything sent was consumed (at most 60 s).
const drainUntil = performance.now() + 60_000;
while (consumed + failedSends < produced && performance.now() < drainUntil) await sleep(100);
await consumer.stop();
clearInterval(sampler);
sample();
await sqs.deleteQueue({ QueueUrl }).catch(() => {});
await fauxqs.close();

// Growth after the warm-up: the median of the last three samples over the median of the first
// three after it.
const warmupS = Math.min(300, (MINUTES * 60) / 5);
const after = samples.filter((s) => s.atS >= warmupS);
const med = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const growth = (key) => {
  if (after.length < 4) return Number.NaN;
  const first = med(after.slice(0, 3).map((s) => s[key]));
  const last = med(after.slice(-3).map((s) => s[key]));
  return (last - first) / first;
};
const summary = {
  date: new Date().toISOString(),
  machine: machine(),
  minutes: MINUTES,
  ratePerSecond: RATE,
  produced,
  failedSends,
  consumed,
  duplicates,
  lost: produced - failedSends - consumed + duplicates,
  errors,
  warmupSeconds: warmupS,
  rssGrowth: growth("rssMB"),
  heapGrowth: growth("heapMB"),
  samples,
};
console.log();
console.log(
  table([
    ["after warm-up", "growth", "target"],
    ["RSS", `${fmt(summary.rssGrowth * 100, 2)} %`, "< 5 %"],
    ["heap", `${fmt(summary.heapGrowth * 100, 2)} %`, ""],
  ]),
);
console.log(
  `produced ${produced}, send failures ${failedSends}, consumed ${consumed}, duplicates ${duplicates}, lost ${summary.lost}; consumer errors: ${errors.length}`,
);
mkdirSync(`${BENCH}results`, { recursive: true });
writeFileSync(`${BENCH}results/soak.json`, `${JSON.stringify(summary, null, 2)}\n`);
console.log("wrote bench/results/soak.json");
process.exit(summary.lost > 0 || failedSends > 0 ? 1 : 0);
