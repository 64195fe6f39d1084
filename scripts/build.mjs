#!/usr/bin/env node
// Builds the package in two forms:
// - dist/: tsc's output, one ES module per source module, with the type declarations. Bundlers
//   (browsers, Workers) take this form (the "default" export condition): they keep only what a
//   program uses, module by module.
// - dist/node/: one ES module per entry point (asyncaws, asyncaws/sqs, asyncaws/sqs/client,
//   asyncaws/sns, asyncaws/sts), bundled by esbuild with shared chunks, for runtimes that load modules one file
//   at a time (the "node" condition: Node, Bun, Deno). A cold `import` then reads a few files
//   instead of about seventy, which is most of a short-lived process's start-up. Code loaded on
//   first use (the node:net transport, the Query protocol, the credential chain) stays in chunks
//   of its own.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.json"], {
  cwd: root,
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build({
  absWorkingDir: root,
  entryPoints: [
    { in: "src/index.ts", out: "index" },
    { in: "src/sqs/index.ts", out: "sqs/index" },
    { in: "src/sqs/client-entry.ts", out: "sqs/client" },
    { in: "src/sns/index.ts", out: "sns/index" },
    { in: "src/sts/index.ts", out: "sts/index" },
  ],
  outdir: "dist/node",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
  legalComments: "none",
});
