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
//   - The entry points (asyncaws, asyncaws/sqs, asyncaws/sqs/client, asyncaws/sqs/query,
//     asyncaws/sns, asyncaws/sts, asyncaws/s3, asyncaws/lambda) and the code they share beyond the core are bundled with
//     shared chunks, as usual. Where their code imports a core module, it gets a few lines that
//     re-export that module's bindings from core.js instead, so a class or a cache exists once
//     however many entry points a program imports.
//   - Code loaded on first use (the credential chain; SQS's Query protocol, also the entry point
//     asyncaws/sqs/query) is bundled the same way (dist/node/lazy/, dist/node/sqs/query.js);
//     core.js imports it with `import()` when it is first needed.
//   The core's modules are those esbuild reaches from that entry point; their binding names come
//   from importing tsc's output of each. The build stops if a lazy module is imported statically.
// - dist/cli/asyncaws.js: the `asyncaws` bin (src/cli/), bundled for Node. It imports the library
//   from the package's own entry (dist/node/index.js), as a user would, so it adds nothing to the
//   library's files and chunks; the build stops if it imports anything of the library but
//   src/index.ts. tsc leaves src/cli/ out of dist/ (tsconfig.json): the bin has no types to publish.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

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
const CORE_SPEC = "asyncaws-node:core.js";
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

// 1. The core: what the core entry reaches by static imports. Modules it reaches only through
//    `import()` (the node:net transport) are bundled into core.js too, but behind esbuild's lazy
//    wrapper, evaluated on first use; nothing outside the core may import them.
const probe = await build({ ...common, entryPoints: [CORE_ENTRY], metafile: true, plugins: [lazyExternal] });
const inputs = probe.metafile.inputs;
const reached = new Set([CORE_ENTRY]);
for (const file of reached) {
  for (const edge of inputs[file]?.imports ?? []) {
    if (edge.kind !== "dynamic-import" && !edge.external && edge.path.startsWith("src/"))
      reached.add(edge.path);
  }
}
const core = [...reached].filter((file) => file !== CORE_ENTRY).sort();
const lazyInCore = new Set(
  Object.keys(inputs).filter((file) => file.startsWith("src/") && !reached.has(file)),
);
// Each binding gets one name in core.js, `m<module number>$<name>` of the module that first
// exports it: a binding that another core module re-exports keeps that one name, so that
// `export *` of both modules elsewhere does not find two different bindings of the same name.
const coreIndex = new Map(core.map((file, i) => [file, i]));
const names = new Map(); // file -> [[name, mangled name]]
const nameOf = new Map(); // binding value -> mangled name
const barrelLines = [];
for (const file of core) {
  const url = pathToFileURL(join(root, "dist", file.slice("src/".length).replace(/\.ts$/, ".js"))).href;
  const mod = await import(url);
  const own = [];
  const list = [];
  for (const name of Object.keys(mod).sort()) {
    let mangled = nameOf.get(mod[name]);
    if (mangled === undefined) {
      mangled = `m${coreIndex.get(file)}$${name}`;
      nameOf.set(mod[name], mangled);
      own.push(`${name} as ${mangled}`);
    }
    list.push([name, mangled]);
  }
  names.set(file, list);
  if (own.length) barrelLines.push(`export { ${own.join(", ")} } from ${JSON.stringify(`./${file}`)};`);
}
const barrel = barrelLines.join("\n");
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
      if (lazyInCore.has(file)) {
        throw new Error(`${file} is loaded lazily inside core.js; ${args.importer} may not import it`);
      }
      if (!coreIndex.has(file)) return undefined;
      // One re-export module per importer, so that it lands in the importer's own file rather
      // than in a chunk of its own (each extra file costs a cold start about a millisecond).
      return { path: `${file}?from=${posix(relative(root, args.importer))}`, namespace: "core-shim" };
    });
    b.onResolve({ filter: /^asyncaws-node:/ }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: "core-shim" }, (args) => {
      const file = args.path.slice(0, args.path.indexOf("?from="));
      const list = names
        .get(file)
        .map(([name, mangled]) => `${mangled} as ${name}`)
        .join(", ");
      return { contents: `export { ${list} } from ${JSON.stringify(CORE_SPEC)};`, loader: "js" };
    });
  },
};
const restBuild = await build({
  ...common,
  entryPoints: [...ENTRIES, ...Object.entries(LAZY).map(([file, name]) => ({ in: file, out: name }))],
  outdir: out,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [coreShim],
});

// 3. Write everything, with the placeholders made relative to each file's place.
for (const file of [...coreBuild.outputFiles, ...restBuild.outputFiles]) {
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
