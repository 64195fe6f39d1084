// What a browser bundle is made of: `node bench/bundle-profile.mjs [program]` (after `npm run
// build`; the program defaults to bench/bundle/asyncaws-send.mjs). Bundles the program as run.mjs
// does (esbuild, platform browser) but unminified, where esbuild marks where each module's code
// starts; then, for each module, minifies and gzips the bundle without that module's code. The
// difference is what the module adds to the gzipped bundle (gzip shares repeated text across
// modules, so this says more than each module's own minified size, which is shown beside it).
// Prints the table and writes bench/results/bundle-profile.json.

import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { BENCH, BROWSER_BUNDLE, fmt, ROOT, table } from "./lib.mjs";

const program = process.argv[2] ?? `${BENCH}bundle/asyncaws-send.mjs`;
const result = await esbuild.build({ ...BROWSER_BUNDLE, minify: false, entryPoints: [program] });
const text = result.outputFiles[0].text;

// esbuild starts each module's code with a comment line naming its path.
const starts = [...text.matchAll(/^\/\/ (\S+\.m?[jt]s)$/gm)].map((m) => ({ at: m.index, file: m[1] }));
const head = text.slice(0, starts[0]?.at ?? text.length);
const slices = starts.map((s, i) => ({
  file: s.file.replace(/^(node_modules\/asyncaws\/)?dist\//, ""),
  code: text.slice(s.at, starts[i + 1]?.at ?? text.length),
}));

async function sizes(source) {
  const { code } = await esbuild.transform(source, { minify: true, format: "esm", target: "es2022" });
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const whole = await sizes(text);
const files = [...new Set(slices.map((s) => s.file))];
const rows = [];
for (const file of files) {
  const own = await sizes(
    slices
      .filter((s) => s.file === file)
      .map((s) => s.code)
      .join(""),
  );
  const without = await sizes(
    head +
      slices
        .filter((s) => s.file !== file)
        .map((s) => s.code)
        .join(""),
  );
  rows.push({ file, minified: own.minified, gzipAdded: whole.gzip - without.gzip });
}
rows.sort((a, b) => b.gzipAdded - a.gzipAdded);

console.log(
  `${program.replace(ROOT, "")}: ${fmt(whole.minified, 0)} bytes minified, ${fmt(whole.gzip, 0)} gzip -9, ${files.length} modules`,
);
console.log(
  table([
    ["module", "minified bytes (alone)", "gzip bytes it adds to the bundle"],
    ...rows.map((r) => [r.file, fmt(r.minified, 0), fmt(r.gzipAdded, 0)]),
  ]),
);
mkdirSync(`${BENCH}results`, { recursive: true });
writeFileSync(
  `${BENCH}results/bundle-profile.json`,
  `${JSON.stringify({ program: program.replace(ROOT, ""), ...whole, modules: rows }, null, 2)}\n`,
);
console.log("\nwrote bench/results/bundle-profile.json");
