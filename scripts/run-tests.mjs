#!/usr/bin/env node
// Runs every compiled test file (.build/test/**/*.test.js) with Node's built-in test runner.
// Usage: node scripts/run-tests.mjs [filter...]   (a filter keeps files whose path contains it)
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dir = join(root, ".build", "test");
const filters = process.argv.slice(2);

function walk(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.name.endsWith(".test.js") ? [path] : [];
  });
}

const files = walk(dir)
  // Only files whose source is still there: a test moved or deleted leaves its old compiled copy.
  .filter((file) => existsSync(join(root, relative(join(root, ".build"), file)).replace(/\.js$/, ".ts")))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error("no test files found under .build/test (did the build run?)");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=4", "--test-timeout=300000", ...files.map((f) => relative(root, f))],
  { stdio: "inherit", cwd: root },
);
process.exit(result.status ?? 1);
