#!/usr/bin/env node
// Builds the package in two forms:
// - dist/: tsc's output, one ES module per source module, with the type declarations. Bundlers
//   (browsers, Workers) take this form (the "default" export condition): they keep only what a
//   program uses, module by module.
// - dist/node/: bundled by esbuild for runtimes that load modules one file at a time (the "node"
//   condition: Node, Bun, Deno). Each file a cold `import` reads costs about a millisecond of
//   module loading, whatever its size, so the aim is few files on the way to a first request:
//   - dist/node/core.js holds, in one file, every module that `asyncaws/sqs/client` (the bare
//     client, the standalone functions, signing, transport, config, errors) imports statically.
//     It exports each binding under a unique name (`m<module number>$<name>`).
//   - The entry points (asyncaws, asyncaws/sqs, asyncaws/sqs/client, asyncaws/sns, asyncaws/sts)
//     and the code they share beyond the core are bundled with shared chunks, as usual. Where
//     their code imports a core module, it gets a few lines that re-export that module's
//     bindings from core.js instead, so a class or a cache exists once however many entry points
//     a program imports.
//   - Code loaded on first use (the credential chain, the Query protocol) is bundled the same way
//     under dist/node/lazy/; core.js imports it with `import()` when it is first needed.
//   The core's modules are those esbuild reaches from that entry point; their binding names come
//   from importing tsc's output of each. The build stops if a lazy module is imported statically.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "dist/node");
rmSync(`${root}dist`, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.json"], {
  cwd: root,
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** The entry point whose static imports make the core. */
const CORE_ENTRY = "src/sqs/client-entry.ts";
/** Loaded on first use: bundled apart, under dist/node/lazy/<name>.js. */
const LAZY = {
  "src/core/credentials/chain.ts": "chain",
  "src/core/protocol/aws-query.ts": "aws-query",
};
const ENTRIES = [
  { in: "src/index.ts", out: "index" },
  { in: "src/sqs/index.ts", out: "sqs/index" },
  { in: CORE_ENTRY, out: "sqs/client" },
  { in: "src/sns/index.ts", out: "sns/index" },
  { in: "src/sts/index.ts", out: "sts/index" },
];
/** Placeholder specifiers, replaced by relative paths once the output files' places are known. */
const CORE_SPEC = "asyncaws-node:core.js";
const lazySpec = (name) => `asyncaws-node:lazy/${name}.js`;

const common = {
  absWorkingDir: root,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  logLevel: "warning",
  legalComments: "none",
  write: false,
};

/** Source path (relative to the root, .ts) that a relative import from `importer` names. */
function sourceOf(importer, specifier) {
  return relative(root, join(dirname(importer), specifier)).replace(/\.js$/, ".ts");
}

/** Marks the lazy modules' dynamic imports as external (placeholders), in any build. */
const lazyExternal = {
  name: "lazy-external",
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      const name = LAZY[sourceOf(args.importer, args.path)];
      if (name === undefined) return undefined;
      if (args.kind !== "dynamic-import")
        throw new Error(`${args.path} is imported statically by ${args.importer}`);
      return { path: lazySpec(name), external: true };
    });
  },
};

// 1. The core: what the core entry reaches statically (dynamic imports other than the lazy ones,
//    such as the node:net transport, stay in it, evaluated on first use).
const probe = await build({ ...common, entryPoints: [CORE_ENTRY], metafile: true, plugins: [lazyExternal] });
const core = Object.keys(probe.metafile.inputs)
  .filter((file) => file.startsWith("src/") && file !== CORE_ENTRY)
  .sort();
const coreIndex = new Map(core.map((file, i) => [file, i]));
const bindings = new Map();
for (const file of core) {
  const mod = await import(join(root, "dist", file.slice("src/".length).replace(/\.ts$/, ".js")));
  bindings.set(file, Object.keys(mod).sort());
}
const mangled = (file, name) => `m${coreIndex.get(file)}$${name}`;
const barrel = core
  .filter((file) => bindings.get(file).length > 0)
  .map(
    (file) =>
      `export { ${bindings
        .get(file)
        .map((name) => `${name} as ${mangled(file, name)}`)
        .join(", ")} } from ${JSON.stringify(`./${file}`)};`,
  )
  .join("\n");
const coreBuild = await build({
  ...common,
  stdin: { contents: barrel, resolveDir: root, sourcefile: "core.js", loader: "js" },
  outfile: join(out, "core.js"),
  plugins: [lazyExternal],
});

// 2. The entry points and the lazy modules: core modules become re-exports from core.js.
const coreShim = {
  name: "core-shim",
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.namespace === "core-shim") return undefined;
      const file = sourceOf(args.importer, args.path);
      if (!coreIndex.has(file)) return undefined;
      // One re-export module per importer, so that it lands in the importer's own file rather
      // than in a chunk of its own (each extra file costs a cold start about a millisecond).
      return { path: `${file}?from=${args.importer}`, namespace: "core-shim" };
    });
    b.onResolve({ filter: /^asyncaws-node:/ }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: "core-shim" }, (args) => {
      const file = args.path.slice(0, args.path.indexOf("?from="));
      const list = bindings
        .get(file)
        .map((name) => `${mangled(file, name)} as ${name}`)
        .join(", ");
      return { contents: `export { ${list} } from ${JSON.stringify(CORE_SPEC)};`, loader: "js" };
    });
  },
};
const restBuild = await build({
  ...common,
  entryPoints: [
    ...ENTRIES,
    ...Object.entries(LAZY).map(([file, name]) => ({ in: file, out: `lazy/${name}` })),
  ],
  outdir: out,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [coreShim],
});

// 3. Write everything, with the placeholders made relative to each file's place.
for (const file of [...coreBuild.outputFiles, ...restBuild.outputFiles]) {
  const from = dirname(file.path);
  const text = file.text.replace(/(["'])asyncaws-node:([^"']+)\1/g, (_, quote, target) => {
    let path = relative(from, join(out, target));
    if (!path.startsWith(".")) path = `./${path}`;
    return `${quote}${path}${quote}`;
  });
  if (text.includes("asyncaws-node:")) throw new Error(`${file.path}: a placeholder was left`);
  mkdirSync(from, { recursive: true });
  writeFileSync(file.path, text);
}
