// The chart of a benchmark run: `node bench/chart.mjs [results.json] [chart.svg]` (defaults:
// bench/results/latest.json -> bench/results/chart.svg). For each figure and each peer, how many
// times better asyncaws is (peer ÷ asyncaws for costs, asyncaws ÷ peer for rates), on a log scale
// around 1x; bars left of 1x are where asyncaws is behind. The run's machine, versions and date
// are written beside it.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const [input = `${here}results/latest.json`, output = `${here}results/chart.svg`] = process.argv.slice(2);
const results = JSON.parse(readFileSync(input, "utf8"));

const LABELS = {
  "aws-sdk": "@aws-sdk v3",
  "aws-lite": "@aws-lite",
  aws4fetch: "aws4fetch",
  "http-replay": "node:http replay (floor)",
  "undici-replay": "undici replay (floor)",
};

/** Groups of bars: { title, bars: [{ label, value }] } with value = times better. */
const groups = [];

for (const [op, title] of [
  ["send", "SendMessage CPU per call"],
  ["receive", "ReceiveMessage CPU per call"],
  ["publish", "Publish CPU per call"],
]) {
  const rows = results.throughput?.[op];
  if (!rows) continue;
  for (const c of [32, 1]) {
    const a = rows.find((r) => r.client === "asyncaws" && r.concurrency === c);
    if (!a?.verified) continue;
    const bars = rows
      .filter((r) => r.client !== "asyncaws" && r.concurrency === c && r.verified)
      .map((r) => ({ label: LABELS[r.client] ?? r.client, value: r.cpuPerCallUs / a.cpuPerCallUs }));
    if (bars.length) groups.push({ title: `${title}, ${c} in flight`, bars });
  }
}
// Messages through batches: CPU per message of asyncaws's scenario against the peers' and the
// floor's (the replay over asyncaws's own node:net transport), ratios of the same rounds.
const BATCH_BARS = [
  ["consume", "asyncaws-consumer-100", "Consumer, 100 in flight, no-op handler: CPU per message"],
  ["consume", "asyncaws-consumer-10", "Consumer, 10 in flight, no-op handler: CPU per message"],
  ["receive", "asyncaws-receive", "ReceiveMessage of 10, MD5s checked: CPU per message"],
  ["send", "asyncaws-producer", "Producer at full speed (SendMessageBatch): CPU per message"],
  ["publish", "asyncaws-topic-producer", "Topic producer at full speed (PublishBatch): CPU per message"],
  ["lambda", "asyncaws-sqshandler", "Lambda SQS event of 10 records: CPU per record"],
];
for (const [groupName, name, title] of BATCH_BARS) {
  const group = results.batch?.groups?.find((g) => g.name === groupName);
  const a = group?.rows.find((r) => r.name === name);
  if (!a?.verified || !Number.isFinite(a.cpuPerMessageUs)) continue;
  const bars = group.rows
    .filter((r) => r.kind !== "library" && r.verified && Number.isFinite(r.cpuPerMessageUs))
    .filter((r) => r.kind === "peer" || r.name === group.floor)
    .filter((r) => groupName !== "consume" || r.kind === "floor" || r.name.endsWith(name.split("-").pop()))
    .map((r) => ({
      label: r.label.replace(/^floor: /, "floor, "),
      value: r.cpuPerMessageUs / a.cpuPerMessageUs,
    }));
  if (bars.length) groups.push({ title, bars });
}
const cold = results.coldStart;
if (cold?.clients?.[cold.best] && Number.isFinite(cold.ratio)) {
  groups.push({
    title: "Cold start to first send, over an empty process",
    bars: [{ label: "@aws-sdk v3", value: 1 / cold.ratio }],
  });
  // Older results have only the RSS after the first send.
  const rss = cold.clients[cold.best].extraSetupRssBytes ?? cold.clients[cold.best].extraRssBytes;
  const sdkRss = cold.clients["aws-sdk"]?.extraSetupRssBytes ?? cold.clients["aws-sdk"]?.extraRssBytes;
  if (rss > 0 && sdkRss > 0) {
    groups.push({
      title: "RSS after setup, over an empty process",
      bars: [{ label: "@aws-sdk v3", value: sdkRss / rss }],
    });
  }
}
if (results.bundle?.asyncaws) {
  groups.push({
    title: "Browser bundle, send one message (gzip)",
    bars: [
      {
        label: "@aws-sdk v3",
        value: results.bundle["aws-sdk"].gzipBytes / results.bundle.asyncaws.gzipBytes,
      },
    ],
  });
  const consume = results.bundle["asyncaws-consume"];
  const sdkConsume = results.bundle["aws-sdk-consume"];
  if (consume && sdkConsume) {
    groups.push({
      title: "Browser bundle, consume a queue (gzip)",
      bars: [{ label: "@aws-sdk v3 receive loop", value: sdkConsume.gzipBytes / consume.gzipBytes }],
    });
  }
}
for (const [key, title] of [
  ["signatures", "SigV4 signatures per second"],
  ["verification", "SNS verifications per second"],
]) {
  const r = results[key];
  if (!r || r.skipped || !Number.isFinite(r.asyncaws?.perSecond)) continue;
  const bars = Object.entries(r)
    .filter(([name, v]) => name !== "asyncaws" && Number.isFinite(v.perSecond))
    .map(([name, v]) => ({ label: name, value: r.asyncaws.perSecond / v.perSecond }));
  if (bars.length) groups.push({ title, bars });
}
for (const g of results.flow?.chart ?? []) {
  const title =
    g.title === "producer" ? "Producer on fauxqs" : `Consumer on fauxqs, ${g.title}, handler 20 ms`;
  groups.push({ title, bars: g.bars });
}

// Layout
const W = 920;
const LEFT = 250;
const RIGHT = 90;
const ROW = 17;
const GROUP_GAP = 12;
const TOP = 58;
const values = groups.flatMap((g) => g.bars.map((b) => b.value));
const lo = Math.min(0.5, ...values.map((v) => v * 0.8));
const hi = Math.max(2, ...values.map((v) => v * 1.25));
const x = (v) =>
  LEFT + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (W - LEFT - RIGHT);
let height = TOP;
for (const g of groups) height += ROW + g.bars.length * ROW + GROUP_GAP;
const FOOT = results.meta.batchRun ? 115 : 95;
const H = height + FOOT;

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const parts = [];
parts.push(
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
  `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
  `<text x="16" y="24" font-size="16" font-weight="600" fill="#111">asyncaws against its peers: times better (log scale)</text>`,
  `<text x="16" y="42" fill="#555">Costs: peer ÷ asyncaws (CPU per call, time, bytes). Rates: asyncaws ÷ peer. Right of 1× asyncaws is ahead; red bars: behind.</text>`,
);
// Grid
for (const tick of [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) {
  if (tick < lo || tick > hi) continue;
  const tx = x(tick).toFixed(1);
  parts.push(
    `<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height}" stroke="${tick === 1 ? "#333" : "#e3e3e3"}" stroke-width="${tick === 1 ? 1.2 : 1}"/>`,
    `<text x="${tx}" y="${height + 14}" text-anchor="middle" fill="#666">${tick}×</text>`,
  );
}
let y = TOP;
for (const g of groups) {
  parts.push(`<text x="16" y="${y + 12}" font-weight="600" fill="#222">${esc(g.title)}</text>`);
  y += ROW;
  for (const b of g.bars) {
    const x1 = x(1);
    const xv = x(b.value);
    const behind = b.value < 1;
    const left = Math.min(x1, xv);
    const width = Math.max(1, Math.abs(xv - x1));
    parts.push(
      `<text x="${LEFT - 8}" y="${y + 12}" text-anchor="end" fill="#333">vs ${esc(b.label)}</text>`,
      `<rect x="${left.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 5}" fill="${behind ? "#d9534f" : "#2f7ed8"}"/>`,
      `<text x="${(behind ? x1 : xv) + 5}" y="${y + 12}" fill="#111">${fmt(b.value)}×</text>`,
    );
    y += ROW;
  }
  y += GROUP_GAP;
}
const m = results.meta;
const versions = Object.entries(m.versions ?? {})
  .filter(([, v]) => v)
  .map(([k, v]) => `${k} ${v}`);
const foot = [
  `${m.date.slice(0, 10)}${m.quick ? " (quick smoke run: rough figures)" : ""}; Node ${m.machine.node} on ${m.machine.platform} ${m.machine.arch}, ${m.machine.cpu}, ${m.machine.cores} cores; ${m.machine.pinned}`,
  versions.slice(0, 6).join(", "),
  versions.slice(6, 12).join(", "),
  versions.slice(12).join(", "),
  `${m.commit ? `commit ${m.commit}; ` : ""}Medians of ${m.config.rounds} interleaved runs; load average at start ${m.machine.loadAverageAtStart?.join(" ")}. Source: bench/results/${input.split("/").pop()}`,
];
// Batch figures merged in from a run of their own (bench/merge-results.mjs).
if (m.batchRun)
  foot.push(
    `Batch and consumer CPU-per-message figures: run of ${m.batchRun.date.slice(0, 10)}, commit ${m.batchRun.commit}, load average ${m.batchRun.loadAverage.join(" ")} (${m.batchRun.source})`,
  );
foot.forEach((line, i) => {
  parts.push(`<text x="16" y="${height + 34 + i * 15}" font-size="11" fill="#555">${esc(line)}</text>`);
});
parts.push("</svg>");
writeFileSync(output, `${parts.join("\n")}\n`);
console.log(`wrote ${output} (${groups.length} figures)`);
