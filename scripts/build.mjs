#!/usr/bin/env node
// Builds the package in two forms:
// - dist/: tsc's output, one ES module per source module, with the type declarations. Bundlers
//   (browsers, Workers) take this form (the "default" export condition): they keep only what a
//   program uses, module by module.
// - dist/node/: bundled by esbuild for runtimes that load modules one file at a time (the "node"
//   condition: Node, Bun, Deno). Each file a cold `import` reads costs about a millisecond of
//   module loading, whatever its size, so the aim is few files on the way to a first request:
//   - Three layers, one file each: dist/node/core.js holds every module that
//     `asyncaws/sqs/client` (the bare client, the standalone functions, signing, transport,
//     config, errors) imports statically; dist/node/sqs/layer.js what `asyncaws/sqs` adds to it
//     (the SQS class, queue handles, producers, batching); dist/node/layer.js what `asyncaws` adds
//     to both (SNS, STS, the verifier, the Lambda handlers). Each exports its bindings under
//     unique names (`m<module number>$<name>`, `sqs$m...`, `root$m...`). So `import { SQS } from
//     "asyncaws"` reads 4 files, `asyncaws/sqs` 3 and `asyncaws/sqs/client` 2, rather than a
//     chunk per combination of entry points (esbuild's splitting made 16 for asyncaws).
//   - The entry points (asyncaws, asyncaws/sqs, asyncaws/sqs/client, asyncaws/sqs/query,
//     asyncaws/sns, asyncaws/sts, asyncaws/s3, asyncaws/lambda) and the code loaded on first use
//     are bundled with shared chunks, as usual. Where their code imports a layer's module, it gets
//     a few lines that re-export that module's bindings from the layer's file instead, so a class
//     or a cache exists once however many entry points a program imports (the build checks it).
//   - Code loaded on first use (the credential chain; SQS's Query protocol, also the entry point
//     asyncaws/sqs/query; the consumer's engine, SNS's and STS's operation tables, the credential
//     sources...) is bundled the same way (dist/node/lazy/, dist/node/sqs/query.js); the layers
//     import it with `import()` when it is first needed.
//   A layer's modules are those esbuild reaches from its entry point less the layers below; their
//   binding names come from importing tsc's output of each. The build stops if a lazy module is
//   imported statically.
// - dist/worker/: the entries of Cloudflare Workers (the `workerd` and `worker` export conditions),
//   built last by scripts/build-worker.mjs from dist/ (see there).
// - dist/cli/asyncaws.js: the `asyncaws` bin (src/cli/), bundled for Node. It imports the library
//   from the package's own entry (dist/node/index.js), as a user would, so it adds nothing to the
//   library's files and chunks; the build stops if it imports anything of the library but
//   src/index.ts. tsc leaves src/cli/ out of dist/ (tsconfig.json): the bin has no types to publish.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildWorkerTree } from "./build-worker.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist", "node");
rmSync(join(root, "dist"), { recursive: true, force: true });
/** A path with `/` separators, whatever the platform (module keys, import specifiers). */
const posix = (path) => path.split(sep).join("/");

const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** The entry point whose static imports make the core. */
const CORE_ENTRY = "src/sqs/client-entry.ts";
/**
 * Loaded on first use: bundled apart, as dist/node/<output>.js. SQS's Query protocol is also a
 * public entry point (asyncaws/sqs/query), which the deprecated `protocol: "query"` loads.
 */
const LAZY = {
  "src/core/credentials/chain.ts": "lazy/chain",
  "src/sqs/query.ts": "sqs/query",
  // The MD5 of many received messages in one WebAssembly call (checksums.ts, on the first answer).
  "src/sqs/md5-many.ts": "lazy/md5-many",
};
const ENTRIES = [
  { in: "src/index.ts", out: "index" },
  { in: "src/sqs/index.ts", out: "sqs/index" },
  { in: CORE_ENTRY, out: "sqs/client" },
  { in: "src/sns/index.ts", out: "sns/index" },
  { in: "src/sts/index.ts", out: "sts/index" },
  { in: "src/s3/index.ts", out: "s3/index" },
  { in: "src/opentelemetry/index.ts", out: "opentelemetry" },
  { in: "src/lambda/index.ts", out: "lambda/index" },
];
/** Placeholder specifiers, replaced by relative paths once the output files' places are known. */
const lazySpec = (name) => `asyncaws-node:${name}.js`;

const common = {
  absWorkingDir: root,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  logLevel: "warning",
  legalComments: "none",
  write: false,
  // The optional peer dependency of asyncaws/opentelemetry: the user's copy, never bundled.
  external: ["@opentelemetry/api"],
};

/** Source path (relative to the root, .ts) that a relative import from `importer` names. */
function sourceOf(importer, specifier) {
  return posix(relative(root, join(dirname(importer), specifier))).replace(/\.js$/, ".ts");
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

// 1. The layers, each one file: the core (what the core entry reaches by static imports), then
//    what asyncaws/sqs adds to it, then what asyncaws adds to both. A layer's modules import
//    only modules of its own layer or of those below it (each is a static closure less the layers
//    below), and each binding gets one name in its layer's file (`m<module number>$<name>` in the
//    core, `<layer>$m<module number>$<name>` above it).
//    Modules the core reaches only through `import()` (the node:net transport) are bundled into
//    core.js too, but behind esbuild's lazy wrapper, evaluated on first use; nothing outside the
//    core may import them. Modules the upper layers reach only through `import()` (the consumer's
//    engine, SNS's operation table, the credential sources...) are bundled apart, as the entry
//    points are (dist/node/lazy/), so that a cold start compiles them only when they are used.
const LAYERS = [
  { name: "core", entry: CORE_ENTRY, out: "core", prefix: "m" },
  { name: "sqs", entry: "src/sqs/index.ts", out: "sqs/layer", prefix: "sqs$m" },
  { name: "root", entry: "src/index.ts", out: "layer", prefix: "root$m" },
];
const layerOf = new Map(); // source file -> layer
const names = new Map(); // source file -> [[name, mangled name, layer]]
const nameOf = new Map(); // binding value -> [mangled name, layer]
const lazyInCore = new Set();
/** Modules that upper layers import with `import()`: bundled apart, as dist/node/lazy/<path>.js. */
const lazyAbove = new Map(); // source file -> output name
const layerSpec = (layer) => `asyncaws-node:${layer.out}.js`;

/** Re-exports of a module's bindings from the layer files that hold them (for code outside them). */
function shimOf(file) {
  const byLayer = new Map();
  for (const [name, mangled, layer] of names.get(file)) {
    if (!byLayer.has(layer)) byLayer.set(layer, []);
    byLayer.get(layer).push(`${mangled} as ${name}`);
  }
  return [...byLayer]
    .map(([layer, list]) => `export { ${list.join(", ")} } from ${JSON.stringify(layerSpec(layer))};`)
    .join("\n");
}

/** In a layer's build (or the entries' build): modules of the layers below become re-exports. */
function layerShim(below, { lazyUpper }) {
  return {
    name: "layer-shim",
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        if (args.namespace === "layer-shim") return undefined;
        const file = sourceOf(args.importer, args.path);
        if (lazyInCore.has(file)) {
          throw new Error(`${file} is loaded lazily inside core.js; ${args.importer} may not import it`);
        }
        if (lazyUpper && args.kind === "dynamic-import" && lazyAbove.has(file) && !LAZY[file]) {
          return { path: `asyncaws-node:${lazyAbove.get(file)}.js`, external: true };
        }
        const layer = layerOf.get(file);
        if (layer === undefined || !below.has(layer)) return undefined;
        // One re-export module per importer, so that it lands in the importer's own file rather
        // than in a chunk of its own (each extra file costs a cold start about a millisecond).
        return { path: `${file}?from=${posix(relative(root, args.importer))}`, namespace: "layer-shim" };
      });
      b.onResolve({ filter: /^asyncaws-node:/ }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: "layer-shim" }, (args) => ({
        contents: shimOf(args.path.slice(0, args.path.indexOf("?from="))),
        loader: "js",
      }));
    },
  };
}

// Each layer's modules: its entry's static closure, less the layers below.
const probes = [];
for (const layer of LAYERS) {
  const probe = await build({
    ...common,
    entryPoints: [layer.entry],
    metafile: true,
    plugins: [lazyExternal],
  });
  const inputs = probe.metafile.inputs;
  const reached = new Set([layer.entry]);
  for (const file of reached) {
    for (const edge of inputs[file]?.imports ?? []) {
      if (edge.kind !== "dynamic-import" && !edge.external && edge.path.startsWith("src/"))
        reached.add(edge.path);
    }
  }
  layer.files = [...reached].filter((file) => file !== layer.entry && !layerOf.has(file)).sort();
  for (const file of layer.files) layerOf.set(file, layer);
  probes.push({ layer, inputs, reached });
}
for (const { layer, inputs, reached } of probes) {
  for (const file of Object.keys(inputs)) {
    if (!file.startsWith("src/") || reached.has(file) || layerOf.has(file) || LAZY[file]) continue;
    if (layer === LAYERS[0]) lazyInCore.add(file);
  }
  if (layer === LAYERS[0]) continue;
  // What the layer's own modules load with import(): each an entry of dist/node/lazy/.
  for (const file of layer.files) {
    for (const edge of inputs[file]?.imports ?? []) {
      const target = edge.path;
      if (edge.kind !== "dynamic-import" || edge.external || !target.startsWith("src/")) continue;
      if (layerOf.has(target) || LAZY[target]) continue;
      if (lazyInCore.has(target)) throw new Error(`${file} imports ${target}, which core.js loads lazily`);
      lazyAbove.set(target, `lazy/${target.slice("src/".length).replace(/\.ts$/, "")}`);
    }
  }
}

const layerBuilds = [];
/** Each layer's barrel: [source file, [[name, mangled name]]] of the bindings the layer defines. */
const barrels = [];
/** Builds a layer's file from its barrel; with `wanted`, exporting only those mangled names. */
function buildLayer(index, wanted) {
  const layer = LAYERS[index];
  const below = new Set(LAYERS.slice(0, index));
  const lines = [];
  for (const [file, bindings] of barrels[index]) {
    const kept = bindings.filter(([, mangled]) => wanted === undefined || wanted.has(mangled));
    if (kept.length)
      lines.push(
        `export { ${kept.map(([name, mangled]) => `${name} as ${mangled}`).join(", ")} } from ${JSON.stringify(`./${file}`)};`,
      );
  }
  return build({
    ...common,
    stdin: { contents: lines.join("\n"), resolveDir: root, sourcefile: `${layer.out}.js`, loader: "js" },
    outfile: join(out, `${layer.out}.js`),
    // The core bundles what it loads lazily (behind esbuild's wrapper); the layers above it
    // take the core's modules from core.js and leave what they load lazily to dist/node/lazy/.
    plugins: index === 0 ? [lazyExternal] : [lazyExternal, layerShim(below, { lazyUpper: true })],
  });
}
for (const [index, layer] of LAYERS.entries()) {
  const barrel = [];
  for (const [i, file] of layer.files.entries()) {
    const url = pathToFileURL(join(root, "dist", file.slice("src/".length).replace(/\.ts$/, ".js"))).href;
    const mod = await import(url);
    const mine = [];
    const list = [];
    for (const name of Object.keys(mod).sort()) {
      let named = nameOf.get(mod[name]);
      if (named === undefined) {
        named = [`${layer.prefix}${i}$${name}`, layer];
        nameOf.set(mod[name], named);
        mine.push([name, named[0]]);
      }
      list.push([name, named[0], named[1]]);
    }
    names.set(file, list);
    if (mine.length) barrel.push([file, mine]);
  }
  barrels.push(barrel);
  // A binding that this layer's modules re-export from a layer below keeps its name there: the
  // shims of this layer's modules (for upper layers and the entries) point to that layer's file.
  layerBuilds.push(await buildLayer(index));
}

// 2. The entry points and the lazy modules: modules of the layers become re-exports from them.
const restBuild = await build({
  ...common,
  entryPoints: [
    ...ENTRIES,
    ...Object.entries(LAZY).map(([file, name]) => ({ in: file, out: name })),
    ...[...lazyAbove].map(([file, name]) => ({ in: file, out: name })),
  ],
  outdir: out,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [layerShim(new Set(LAYERS), { lazyUpper: true })],
});

/**
 * One import statement per imported file, naming only the bindings the file uses. esbuild writes
 * the re-exports of each importer's shim as an import of every binding of the module, once per
 * importer (the layers were a fifth made of such lines); code that a cold start does not run still
 * costs it its compiling, so they are cut to what the code names. A file whose bindings are all
 * unused stays imported, for its place in the evaluation order.
 */
function mergeImports(text) {
  const line = /^import \{([^}]*)\} from ("[^"]+");\n/gm;
  const rest = text.replace(line, "");
  const used = new Set(rest.match(/[A-Za-z_$][\w$]*/g));
  const bySource = new Map();
  for (const [, list, source] of text.matchAll(line)) {
    if (!bySource.has(source)) bySource.set(source, new Set());
    for (const specifier of list.split(",")) {
      const trimmed = specifier.trim();
      if (!trimmed) continue;
      const local = trimmed.split(/\s+as\s+/).pop();
      if (used.has(local)) bySource.get(source).add(trimmed);
    }
  }
  const written = new Set();
  return text.replace(line, (_, __, source) => {
    if (written.has(source)) return "";
    written.add(source);
    const names = [...bySource.get(source)];
    return names.length ? `import { ${names.join(", ")} } from ${source};\n` : `import ${source};\n`;
  });
}

// 2b. A layer holds and exports only the bindings that other files of dist/node import from it
//     (it was every binding of every module it holds: code nothing uses, compiled by every cold
//     start, and an export each to link). The layers are built again from the top down, each with
//     the names that the files above it (the entries, the lazy modules, the upper layers as just
//     rebuilt) import: what a layer no longer uses is then left out of the layers below.
const rest = restBuild.outputFiles.map((file) => ({ path: file.path, text: mergeImports(file.text) }));
const layerOutputs = [];
for (let index = LAYERS.length - 1; index >= 0; index--) {
  const target = `${LAYERS[index].out}.js`;
  const wanted = new Set();
  for (const { text } of [...rest, ...layerOutputs.filter(Boolean)]) {
    for (const [, list, from] of text.matchAll(/^import \{([^}]*)\} from "asyncaws-node:([^"]+)";$/gm)) {
      if (from !== target) continue;
      for (const specifier of list.split(",")) {
        if (specifier.trim()) wanted.add(specifier.trim().split(/\s+as\s+/)[0]);
      }
    }
  }
  const rebuilt = (await buildLayer(index, wanted)).outputFiles[0];
  layerOutputs[index] = { path: rebuilt.path, text: mergeImports(rebuilt.text) };
}
const outputs = [...layerOutputs, ...rest];

// 3. Write everything, with the placeholders made relative to each file's place.
for (const file of outputs) {
  const from = dirname(file.path);
  const text = file.text.replace(/(["'])asyncaws-node:([^"']+)\1/g, (_, quote, target) => {
    let path = posix(relative(from, join(out, target)));
    if (!path.startsWith(".")) path = `./${path}`;
    return `${quote}${path}${quote}`;
  });
  if (text.includes("asyncaws-node:")) throw new Error(`${file.path}: a placeholder was left`);
  mkdirSync(from, { recursive: true });
  writeFileSync(file.path, text);
}

// 3b. Each entry point of dist/node exports what tsc's entry exports, and a name that two entry
//     points export is the same binding in both (one class, one cache, whatever a program imports).
{
  const seen = new Map();
  for (const entry of ENTRIES) {
    const built = await import(pathToFileURL(join(out, `${entry.out}.js`)).href);
    const typed = await import(
      pathToFileURL(join(root, "dist", entry.in.slice("src/".length).replace(/\.ts$/, ".js"))).href
    );
    if (Object.keys(built).sort().join() !== Object.keys(typed).sort().join())
      throw new Error(`dist/node/${entry.out}.js does not export what ${entry.in} exports`);
    for (const [name, value] of Object.entries(built)) {
      if (seen.has(name) && seen.get(name) !== value)
        throw new Error(`dist/node/${entry.out}.js: ${name} is not the binding other entry points export`);
      seen.set(name, value);
    }
  }
}

// 4. The bin: src/cli bundled alone, the library imported from dist/node/index.js.
const cliLibrary = {
  name: "cli-library",
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      const file = sourceOf(args.importer, args.path);
      if (file === "src/index.ts") return { path: "../node/index.js", external: true };
      if (!file.startsWith("src/cli/"))
        throw new Error(`${args.importer} imports ${file}: the CLI uses the library's public entry only`);
      return undefined;
    });
  },
};
const cliFile = join(root, "dist", "cli", "asyncaws.js");
const cliBuild = await build({
  ...common,
  platform: "node",
  entryPoints: ["src/cli/bin.ts"],
  outfile: cliFile,
  plugins: [cliLibrary],
});
mkdirSync(dirname(cliFile), { recursive: true });
for (const file of cliBuild.outputFiles) writeFileSync(file.path, file.text);
chmodSync(cliFile, 0o755);

// 5. dist/worker/: what the `workerd` and `worker` export conditions name (scripts/build-worker.mjs).
await buildWorkerTree(root);
