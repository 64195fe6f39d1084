#!/usr/bin/env node
// Builds the package: type declarations with tsc, and the JavaScript as one ES module per entry
// point (asyncaws, asyncaws/sqs, asyncaws/sns, asyncaws/sts) with esbuild, sharing chunks.
// One file per entry instead of one per source module: a cold `import` reads and compiles a few
// files instead of about seventy, which is most of a short-lived process's start-up.
// Code loaded on first use (the node:net transport, the Query protocol, the credential chain)
// stays in chunks of its own.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });

const tsc = spawnSync(
  process.execPath,
  [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.json", "--emitDeclarationOnly"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build({
  absWorkingDir: root,
  entryPoints: ["src/index.ts", "src/sqs/index.ts", "src/sns/index.ts", "src/sts/index.ts"],
  outbase: "src",
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
  legalComments: "none",
});
