// The producers' own CPU, in one process, against a `fetch` that answers at once (no network, no
// stub process): what a change to the producers buys, old and new code alternated in one process
// so that the machine's load moves both alike.
//
//   node bench/producers-inproc.mjs [--builds dist,/tmp/base/dist] [--rounds 8] [--messages 100000]
//     [--scenarios producer,sendBatch,sendMessageBatch,topicProducer,publishBatch,snsPublishBatch]
//     [--profile FILE.cpuprofile]  (one build, the first scenario only, V8 CPU profile of the timed part)
//     [--alloc FILE.heapprofile]  (the same, sampled allocations: Chrome DevTools reads it)
//     [--entry index.js]  (tsc's output, one file per module, instead of the bundle: readable profiles)
//
// Each build is a directory holding a build's dist/node/index.js (after `npm run build`). Prints
// the CPU per message (user + sys ÷ messages) of each scenario and build, round by round, and the
// median; with two builds, the median of the per-round ratios (second ÷ first).

import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { MESSAGE_BODY } from "./fixtures.mjs";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const builds = option("builds", "dist").split(",");
const rounds = Number(option("rounds", "8"));
const messages = Number(option("messages", "100000"));
const scenarios = option(
  "scenarios",
  "producer,sendBatch,sendMessageBatch,topicProducer,publishBatch,snsPublishBatch",
).split(",");
const profilePath = option("profile", undefined);

const QUEUE_URL = "http://127.0.0.1:9/000000000000/bench";
const TOPIC_ARN = "arn:aws:sns:us-east-1:000000000000:bench";
const MD5 = createHash("md5").update(MESSAGE_BODY).digest("hex");
const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

/** A `Response` as the library reads it: status, headers, text. */
function answer(text, type) {
  const headers = { "content-type": type, "x-amzn-requestid": "00000000-0000-0000-0000-000000000000" };
  return {
    status: 200,
    headers: {
      forEach: (f) => {
        for (const [k, v] of Object.entries(headers)) f(v, k);
      },
    },
    text: () => Promise.resolve(text),
  };
}

const answers = new Map();
let serial = 0;
/** Answers SendMessageBatch (JSON) and PublishBatch (Query) at once, every entry accepted. */
function instantFetch(_url, init) {
  const body = init.body;
  if (body.startsWith("{")) {
    const ids = [];
    for (const m of body.matchAll(/"Id":"([^"]*)"/g)) ids.push(m[1]);
    const key = `sqs:${ids.join(",")}`;
    let text = answers.get(key);
    if (text === undefined) {
      text = JSON.stringify({
        Successful: ids.map((Id) => ({
          Id,
          MessageId: `00000000-0000-0000-0000-${String(++serial).padStart(12, "0")}`,
          MD5OfMessageBody: MD5,
        })),
        Failed: [],
      });
      answers.set(key, text);
    }
    return Promise.resolve(answer(text, "application/x-amz-json-1.0"));
  }
  const ids = [];
  for (const m of body.matchAll(/PublishBatchRequestEntries\.member\.\d+\.Id=([^&]*)/g)) ids.push(m[1]);
  const key = `sns:${ids.join(",")}`;
  let text = answers.get(key);
  if (text === undefined) {
    const members = ids
      .map(
        (id) =>
          `<member><Id>${decodeURIComponent(id)}</Id><MessageId>00000000-0000-0000-0000-${String(++serial).padStart(12, "0")}</MessageId></member>`,
      )
      .join("");
    text = `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Failed/><Successful>${members}</Successful></PublishBatchResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></PublishBatchResponse>`;
    answers.set(key, text);
  }
  return Promise.resolve(answer(text, "text/xml"));
}

function* bodies(n) {
  for (let i = 0; i < n; i++) yield MESSAGE_BODY;
}
const TEN = Array.from({ length: 10 }, () => MESSAGE_BODY);
const ENTRIES = TEN.map((MessageBody, i) => ({ Id: `m${i}`, MessageBody }));
const SNS_ENTRIES = TEN.map((Message, i) => ({ Id: `m${i}`, Message }));

/** Runs `call` (10 messages each) with 10 in flight until n messages are done. */
async function tens(n, call) {
  let left = n / 10;
  const lane = async () => {
    while (left-- > 0) await call();
  };
  await Promise.all(Array.from({ length: 10 }, lane));
}
function checkOut(out) {
  if (out.Successful.length !== 10 || out.Failed?.length)
    throw new Error(`not all accepted: ${JSON.stringify(out)}`);
}

async function load(dir) {
  const mod = await import(pathToFileURL(resolve(dir, option("entry", "node/index.js"))).href);
  const options = { region: "us-east-1", credentials, fetch: instantFetch, endpoint: "http://127.0.0.1:9" };
  const sqs = new mod.SQS(options);
  const sns = new mod.SNS(options);
  const queue = sqs.queue(QUEUE_URL);
  const topic = sns.topic(TOPIC_ARN);
  return {
    producer: async (n) => {
      const producer = queue.producer();
      const { sent, failed, firstError } = await producer.sendAll(bodies(n));
      if (failed || sent !== n) throw firstError?.error ?? new Error(`${sent} sent`);
      await producer.close();
    },
    sendBatch: (n) => tens(n, async () => checkOut(await queue.sendBatch(TEN))),
    sendMessageBatch: (n) =>
      tens(n, async () => checkOut(await sqs.sendMessageBatch({ QueueUrl: QUEUE_URL, Entries: ENTRIES }))),
    topicProducer: async (n) => {
      const producer = topic.producer();
      const { sent, failed, firstError } = await producer.sendAll(bodies(n));
      if (failed || sent !== n) throw firstError?.error ?? new Error(`${sent} sent`);
      await producer.close();
    },
    publishBatch: (n) => tens(n, async () => checkOut(await topic.publishBatch(TEN))),
    snsPublishBatch: (n) =>
      tens(n, async () =>
        checkOut(await sns.publishBatch({ TopicArn: TOPIC_ARN, PublishBatchRequestEntries: SNS_ENTRIES })),
      ),
  };
}

async function measure(run, n) {
  const before = process.cpuUsage();
  await run(n);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const child = option("child", undefined);
if (child !== undefined) {
  // One build, one scenario: warm up, then `repeat` timed runs; prints their median.
  const build = await load(child);
  const run = build[scenarios[0]];
  await measure(run, Math.min(messages, 20_000));
  await measure(run, Math.min(messages, 20_000));
  const allocPath = option("alloc", undefined);
  if (allocPath) {
    // Sampled allocations of the timed run, by the function that allocated (for GC pressure).
    const { Session } = await import("node:inspector/promises");
    const { writeFileSync } = await import("node:fs");
    const session = new Session();
    session.connect();
    await session.post("HeapProfiler.enable");
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const us = await measure(run, messages);
    const { profile } = await session.post("HeapProfiler.stopSampling");
    writeFileSync(allocPath, JSON.stringify(profile));
    console.log(JSON.stringify({ us }));
    process.exit(0);
  }
  if (profilePath) {
    const { Session } = await import("node:inspector/promises");
    const { writeFileSync } = await import("node:fs");
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
    const us = await measure(run, messages);
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(profilePath, JSON.stringify(profile));
    console.log(JSON.stringify({ us }));
  } else {
    const figures = [];
    for (let i = 0; i < Number(option("repeat", "3")); i++) {
      globalThis.gc?.();
      figures.push(await measure(run, messages));
    }
    console.log(JSON.stringify({ us: median(figures) }));
  }
  process.exit(0);
}

// Parent: each figure from a process of its own (one build loaded), builds alternated round by
// round. (Two builds loaded in one process measured the first one loaded 20 % slower, whichever
// it was: the figures would depend on the order.)
const { execFileSync } = await import("node:child_process");
const self = new URL(import.meta.url).pathname;
function figure(dir, name, extra = []) {
  const out = execFileSync(
    process.execPath,
    [
      "--expose-gc",
      self,
      "--child",
      dir,
      "--scenarios",
      name,
      "--messages",
      String(messages),
      "--entry",
      option("entry", "node/index.js"),
      ...extra,
    ],
    { encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").pop()).us;
}
if (option("alloc", undefined)) {
  figure(builds[0], scenarios[0], ["--alloc", option("alloc", undefined)]);
  process.exit(0);
}
if (profilePath) {
  const us = figure(builds[0], scenarios[0], ["--profile", profilePath]);
  console.log(`${scenarios[0]}: ${us.toFixed(2)} µs/message (profiled: ${profilePath})`);
  process.exit(0);
}
for (const name of scenarios) {
  const figures = builds.map(() => []);
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    const order = builds.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) figures[i].push(figure(builds[i], name));
    if (builds.length > 1) ratios.push(figures[1][r] / figures[0][r]);
  }
  const line = builds.map(
    (dir, i) =>
      `${dir}: ${median(figures[i]).toFixed(2)} µs [${figures[i].map((x) => x.toFixed(1)).join(" ")}]`,
  );
  console.log(
    `${name.padEnd(17)} ${line.join("  |  ")}${ratios.length ? `  ratio ${median(ratios).toFixed(3)}` : ""}`,
  );
}
