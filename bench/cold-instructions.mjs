// Instructions of a cold start, by entry point: `node bench/cold-instructions.mjs [--runs 3]
// [--send] [--predictable] [entries...]` (after `npm run build`; needs valgrind). Each run is a whole process under
// valgrind's cachegrind (no cache simulation), which counts the instructions it runs: on a shared,
// loaded machine a steadier measure than CPU time (about ±5 M between runs of the same code, the
// cost of a garbage collection more or less, against ±20 % for time). The processes import and
// construct (`construct`, the default) or also send one message to the stub (`--send`), for
// `asyncaws`, `asyncaws/sqs` and `asyncaws/sqs/client` (bench/cold/*.mjs), interleaved with an
// empty ES module (and, with --send, the pre-signed node:http floor); prints the medians over the
// empty module's and the ratios to `asyncaws/sqs/client`'s (and to the floor's).
import { spawnSync } from "node:child_process";
import { coldFloorRequest, MESSAGE_BODY } from "./fixtures.mjs";
import { BENCH, ipcChild, median, STUB_CORE } from "./lib.mjs";

const argv = process.argv.slice(2);
const runsAt = argv.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3;
const SEND = argv.includes("--send");
// V8's --predictable (one thread, no concurrent compiling or marking, fixed seeds): the counts of
// one build repeat to within about 0.01 M, so two builds compare with one run each.
const NODE_FLAGS = argv.includes("--predictable") ? ["--predictable"] : [];
const wanted = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--runs");
const PROBES = {
  asyncaws: "asyncaws.mjs",
  "asyncaws/sqs": "asyncaws-sqs-index.mjs",
  "asyncaws/sqs/client": "asyncaws-sqs.mjs",
};
const entries = wanted.length ? wanted : Object.keys(PROBES);

const stub = SEND ? ipcChild([`${BENCH}stub.mjs`], { core: STUB_CORE }) : undefined;
const port = stub ? (await stub.next("listening")).port : 1;

const floorRequest = SEND ? await coldFloorRequest(port) : undefined;

function instructions(args) {
  const run = spawnSync(
    "valgrind",
    [
      "--tool=cachegrind",
      "--cache-sim=no",
      "--cachegrind-out-file=/dev/null",
      process.execPath,
      ...NODE_FLAGS,
      ...args,
    ],
    { encoding: "utf8" },
  );
  const match = /I\s+refs:\s+([\d,]+)/.exec(run.stderr);
  if (run.status !== 0 || !match) throw new Error(`${args[0]} failed: ${run.stderr.slice(-500)}`);
  return Number(match[1].replaceAll(",", "")) / 1e6;
}

const samples = {
  empty: [],
  ...(SEND ? { floor: [] } : {}),
  ...Object.fromEntries(entries.map((e) => [e, []])),
};
for (let i = 0; i < RUNS; i++) {
  samples.empty.push(instructions([`${BENCH}cold/empty.mjs`]));
  if (SEND) samples.floor.push(instructions([`${BENCH}cold/floor.mjs`, String(port), floorRequest]));
  for (const entry of entries) {
    const args = [`${BENCH}cold/${PROBES[entry]}`, String(port), MESSAGE_BODY];
    if (!SEND) args.push("construct");
    samples[entry].push(instructions(args));
  }
}
await stub?.close();

const empty = median(samples.empty);
const over = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v) - empty]));
console.log(
  `instructions (M), medians of ${RUNS}, ${SEND ? "import, construct and send one" : "import and construct"}`,
);
console.log(`empty ES module: ${empty.toFixed(1)} M`);
for (const [name, value] of Object.entries(over)) {
  if (name === "empty") continue;
  const ratios = [];
  if (over["asyncaws/sqs/client"] && name !== "asyncaws/sqs/client")
    ratios.push(`${(value / over["asyncaws/sqs/client"]).toFixed(2)}x the client`);
  if (SEND && name !== "floor") ratios.push(`${(value / over.floor).toFixed(2)}x the floor`);
  console.log(
    `${name.padEnd(22)} +${value.toFixed(1)} M ${ratios.join(", ")}  [${samples[name].map((x) => (x - empty).toFixed(1)).join(" ")}]`,
  );
}
