#!/usr/bin/env node
// Checks the built package for what every runtime needs:
//  1. no file in dist/ imports a Node built-in (or any package) statically: Node-only code is
//     loaded lazily with import(), so browsers and Workers can bundle the package without shims
//     (except dist/cli/, the `asyncaws` bin: a Node program that no export reaches);
//  2. `npm pack` holds only what users need: package.json, README, LICENSE, dist/**/*.js and .d.ts;
//  3. publint and @arethetypeswrong/cli pass, when they are installed (devDependencies).
// Prints one line per check and `N passed, N failed`; exits 1 on a failure.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const dist = join(root, "dist");
const results = [];
const record = (name, problems) => {
  results.push({ name, problems });
  console.log(`${problems.length === 0 ? "pass" : "fail"} ${name}`);
  for (const problem of problems.slice(0, 20)) console.log(`     ${problem}`);
};

function walk(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

// Static import and re-export statements, side-effect imports and require() calls. Comments and
// strings could hide a match in theory; tsc's output keeps import statements at the top level,
// one per statement, which is what this reads.
const STATIC = [
  /^\s*import\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"']+)["']/gm,
  /^\s*export\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s+from\s+["']([^"']+)["']/gm,
  /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
];
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
// The one exception: asyncaws/opentelemetry imports its optional peer dependency.
const peers = Object.keys(
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")).peerDependencies ?? {},
);
const peerAllowed = (file, spec) =>
  peers.includes(spec) && /[/\\]opentelemetry(\.js|[/\\]index\.js)$/.test(file);

if (!existsSync(join(dist, "index.js"))) {
  record("dist exists (npm run build)", ["dist/index.js is missing"]);
} else {
  const problems = [];
  const files = walk(dist).filter((file) => file.endsWith(".js") && !file.startsWith(join(dist, "cli")));
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const pattern of STATIC) {
      for (const match of text.matchAll(pattern)) {
        const spec = match[1];
        if (spec.startsWith(".") || peerAllowed(file, spec)) continue;
        const kind = spec.startsWith("node:") || builtins.has(spec) ? "a Node built-in" : "a package";
        const lineNo = text.slice(0, match.index).split("\n").length;
        problems.push(`${relative(root, file)}:${lineNo}: static import of ${kind}: ${spec}`);
      }
    }
  }
  record(`dist: no static import of a Node built-in or package (${files.length} files)`, problems);
}

// npm pack: what would be published.
{
  const pack = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    encoding: "utf8",
  });
  const problems = [];
  if (pack.status !== 0) problems.push(`npm pack failed: ${pack.stderr.trim().split("\n").pop()}`);
  else {
    const [info] = JSON.parse(pack.stdout);
    const allowed = /^(package\.json|README\.md|LICENSE(\.md|\.txt)?|NOTICE|dist\/.+\.(js|d\.ts))$/;
    for (const { path } of info.files)
      if (!allowed.test(path)) problems.push(`unexpected file in the package: ${path}`);
    for (const need of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts"]) {
      if (!info.files.some((f) => f.path === need)) problems.push(`missing from the package: ${need}`);
    }
    console.log(
      `     npm pack: ${info.entryCount} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked`,
    );
  }
  record("npm pack: only package.json, README, LICENSE, dist/**/*.{js,d.ts}", problems);
}

// publint and arethetypeswrong, when installed.
for (const [name, bin, args] of [
  ["publint", "publint", ["--strict"]],
  ["@arethetypeswrong/cli", "attw", ["--pack", ".", "--profile", "esm-only", "--format", "ascii"]],
]) {
  const path = join(root, "node_modules/.bin", bin);
  if (!existsSync(path)) {
    console.log(`skip ${name} (not installed: add it to devDependencies)`);
    continue;
  }
  const run = spawnSync(path, args, { cwd: root, encoding: "utf8" });
  const output = `${run.stdout}${run.stderr}`.trim();
  record(name, run.status === 0 ? [] : output.split("\n").slice(-15));
}

const failed = results.filter((r) => r.problems.length > 0).length;
console.log(`package: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
