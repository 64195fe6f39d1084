// Merges the `batch` section of one run into another run's results, for the chart and the README:
//   node bench/merge-results.mjs <into.json> <from.json>
// The batch figures keep their own provenance (meta.batchRun: date, commit, load average, file).

import { readFileSync, writeFileSync } from "node:fs";

const [intoPath, fromPath] = process.argv.slice(2);
const into = JSON.parse(readFileSync(intoPath, "utf8"));
const from = JSON.parse(readFileSync(fromPath, "utf8"));
if (!from.batch) throw new Error(`${fromPath} has no batch section`);
into.batch = from.batch;
into.meta.batchRun = {
  date: from.meta.date,
  commit: from.meta.commit,
  loadAverage: from.meta.machine.loadAverageAtStart,
  source: `bench/results/${fromPath.split("/").pop()}`,
};
writeFileSync(intoPath, `${JSON.stringify(into, null, 2)}\n`);
console.log(`merged the batch section of ${fromPath} into ${intoPath}`);
