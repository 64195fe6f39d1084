// What observability costs a request when nobody listens (issue 18): an in-process A/B of
// SendMessage through the built package (dist/node, what Node users import), answered by an
// in-process `fetch` (no network, so the client's own CPU is all there is to measure, the worst
// case for any fixed cost), with no subscriber, with no subscriber again (A/A: the noise), and
// with a subscriber on both tracing channels (`asyncaws:request`, `asyncaws:process`). Arms are
// interleaved in rounds, in a rotating order; each figure is the median over rounds of the
// round's CPU time (user + system) per request, and each ratio the median of the per-round
// ratios with its interquartile range. Also the cost of the check itself (the channel lookup a
// request does when nobody listens), timed alone. CPU time throughout, not wall time: a shared
// machine's load stretches wall time, much less the CPU a process itself uses.
//
//   npm run build && node bench/channels.mjs [--rounds 30] [--calls 3000]
import { createHash } from "node:crypto";
import { tracingChannel } from "node:diagnostics_channel";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "30" },
    calls: { type: "string", default: "3000" },
  },
});
const ROUNDS = Number(values.rounds);
const CALLS = Number(values.calls);

const dist = new URL("../dist/", import.meta.url);
const { SQS } = await import(new URL("node/index.js", dist).href);
const { requestChannel, processChannel } = await import(new URL("observability/channels.js", dist).href);

const BODY = JSON.stringify({ task: "resize", id: 42, source: "s3://bench-images/originals/42.png" });
const ANSWER = JSON.stringify({
  MessageId: "5fea7756-0ea4-451a-a703-a558b933e274",
  MD5OfMessageBody: createHash("md5").update(BODY).digest("hex"),
});
const HEADERS = {
  "content-type": "application/x-amz-json-1.0",
  "x-amzn-requestid": "27daac76-34dd-47df-bd01-1f6e873584a0",
};

const sqs = new SQS({
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9",
  credentials: { accessKeyId: "AKIDBENCHMARK0000000", secretAccessKey: "bench/secret/not-a-real-key/0000" },
  fetch: async () => new Response(ANSWER, { status: 200, headers: HEADERS }),
});
const input = { QueueUrl: "http://127.0.0.1:9/000000000000/bench", MessageBody: BODY };

async function run(calls) {
  for (let i = 0; i < calls; i++) {
    const out = await sqs.sendMessage(input);
    if (out.MessageId === undefined) throw new Error("no MessageId");
  }
}

/** CPU microseconds per request over `calls` requests. */
async function timed(calls) {
  const before = process.cpuUsage();
  await run(calls);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const noop = () => {};
const subscriber = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
const channels = [tracingChannel("asyncaws:request"), tracingChannel("asyncaws:process")];

const arms = {
  none: { setup: noop, teardown: noop },
  "none (again)": { setup: noop, teardown: noop },
  subscribed: {
    setup: () => {
      for (const channel of channels) channel.subscribe(subscriber);
    },
    teardown: () => {
      for (const channel of channels) channel.unsubscribe(subscriber);
    },
  },
};
const names = Object.keys(arms);
const samples = Object.fromEntries(names.map((name) => [name, []]));

// Warm-up: every arm, until the JIT has settled.
for (const name of names) {
  arms[name].setup();
  await run(CALLS * 2);
  arms[name].teardown();
}
if (requestChannel() !== undefined || processChannel() !== undefined) throw new Error("a subscriber is left");

for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length];
    arms[name].setup();
    samples[name].push(await timed(CALLS));
    arms[name].teardown();
  }
}

const sorted = (list) => [...list].sort((a, b) => a - b);
const quantile = (list, q) => {
  const s = sorted(list);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.ceil(at)] - s[lo]) * (at - lo);
};
const median = (list) => quantile(list, 0.5);
const ratios = (a, b) => samples[a].map((value, i) => value / samples[b][i]);
const describe = (list) =>
  `${median(list).toFixed(3)} (interquartile ${quantile(list, 0.25).toFixed(3)}–${quantile(list, 0.75).toFixed(3)})`;

// The check alone: what a request does first when nobody listens.
const CHECKS = 20_000_000;
let seen = 0;
const t0 = process.cpuUsage();
for (let i = 0; i < CHECKS; i++) if (requestChannel() !== undefined) seen++;
const checkCpu = process.cpuUsage(t0);
const checkNs = ((checkCpu.user + checkCpu.system) * 1000) / CHECKS;
if (seen !== 0) throw new Error("subscribed during the check");

const perRequest = median(samples.none);
console.log(`node ${process.version}, ${ROUNDS} rounds × ${CALLS} SendMessage per arm, in-process fetch`);
for (const name of names)
  console.log(`  ${name.padEnd(14)} ${median(samples[name]).toFixed(2)} µs CPU per request`);
console.log(`  none (again) / none   ${describe(ratios("none (again)", "none"))}   (the noise)`);
console.log(`  subscribed / none     ${describe(ratios("subscribed", "none"))}`);
console.log(
  `  the check with no subscriber: ${checkNs.toFixed(1)} ns CPU, ${((checkNs / 1000 / perRequest) * 100).toFixed(3)} % of a request`,
);
