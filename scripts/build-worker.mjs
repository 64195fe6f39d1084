// Builds dist/worker/: the package as Cloudflare Workers (and other `worker` runtimes) take it,
// through the `workerd` and `worker` export conditions. Called by scripts/build.mjs once tsc has
// written dist/.
//
// Why a tree of its own: Workers' bundlers (wrangler: esbuild's browser platform with the
// conditions workerd, worker, browser) apply package.json's `browser` field, as browsers' do; but
// a Worker with `nodejs_compat` has an environment (`process.env`) and `node:diagnostics_channel`,
// which a browser has not. So the browser twins may leave out the environment lookups and the
// tracing channels, and Workers take, for the modules of WORKERS below, another module instead.
// Since a module names its imports by relative paths, every module that reaches one of those
// (statically or with import()) is written again under dist/worker/, at the same relative place,
// with its imports of modules that reach none pointing back into dist/: the modules that are the
// same for Workers and browsers (most of the core: errors, signing, protocols, validation...) are
// shared, and Workers' bundlers still apply the `browser` field to them. Only the modules written
// again are duplicated (tsc's output without its comments; the types stay dist/*.d.ts for every
// condition).
import { readFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

/**
 * What Workers take instead of the browser field's twin (paths under dist/): the Worker twins
 * (`*.worker.ts`), and the modules whose browser twin a Worker must not take (the module itself).
 */
const WORKERS = {
  // The environment's settings (the browser twin reads none).
  "core/config/profile.js": "core/config/profile.worker.js",
  // The environment's keys before the browser chain (the browser twin asks for credentials).
  "core/credentials/default.js": "core/credentials/default.worker.js",
  // The tracing channels (the browser twin has none).
  "observability/channels.js": "observability/channels.js",
};

const posix = (path) => path.split(sep).join("/");
const relativeSpec = (fromDir, to) => {
  const path = posix(relative(fromDir, to));
  return path.startsWith(".") ? path : `./${path}`;
};

/**
 * Builds dist/worker/ for the export entries of package.json; returns the modules written. With
 * `verify` (the build), imports each entry of both trees to compare their exports (which needs
 * the optional peer dependency of asyncaws/opentelemetry installed).
 */
export async function buildWorkerTree(root, { verify = true } = {}) {
  const dist = join(root, "dist");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const inDist = (path) => posix(relative(dist, join(root, path)));
  /** dist-relative module path -> the dist-relative file a Worker's bundler takes for it. */
  const browser = new Map(Object.entries(pkg.browser ?? {}).map(([from, to]) => [inDist(from), inDist(to)]));
  const workerFile = (module) => WORKERS[module] ?? browser.get(module) ?? module;

  // The entries: each export's `default` file, which its `workerd` and `worker` files mirror.
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== "object" || target.default === undefined) continue;
    const module = inDist(target.default);
    const expected = `./dist/worker/${module}`;
    for (const condition of ["workerd", "worker"]) {
      if (target[condition] !== expected)
        throw new Error(`package.json exports["${subpath}"].${condition} must be "${expected}"`);
    }
    entries.push(module);
  }

  // The module graph as Workers resolve it: file -> [[specifier, module it names]].
  const graph = new Map();
  const names = new Map(); // file -> the module path it is written under in dist/worker/
  const nameFile = (module, file) => {
    const known = names.get(file);
    if (known !== undefined && known !== module)
      throw new Error(
        `dist/${file} is imported both as ${known} and as ${module}: it needs one name in dist/worker/`,
      );
    names.set(file, module);
  };
  // One esbuild pass over the entries, resolving as a Worker's bundler does, gives every file's imports.
  const probe = await build({
    absWorkingDir: root,
    entryPoints: entries.map((module) => join(dist, workerFile(module))),
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "neutral",
    splitting: true,
    outdir: join(root, ".worker-probe"),
    logLevel: "silent",
    plugins: [
      {
        name: "worker-resolve",
        setup: (b) =>
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === "entry-point") return undefined;
            if (!args.path.startsWith(".")) return { external: true };
            const module = posix(relative(dist, join(args.resolveDir, args.path)));
            return { path: join(dist, workerFile(module)) };
          }),
      },
    ],
  });
  for (const [path, input] of Object.entries(probe.metafile.inputs)) {
    const file = posix(relative(dist, join(root, path)));
    const edges = [];
    for (const edge of input.imports) {
      const spec = edge.original ?? edge.path;
      if (!spec.startsWith(".")) continue;
      edges.push([spec, posix(relative(dist, join(dist, dirname(file), spec)))]);
    }
    graph.set(file, edges);
  }
  for (const module of entries) nameFile(module, workerFile(module));
  const queue = [...graph.values()].flat().map(([, target]) => [target, workerFile(target)]);

  // The files written again: those that reach a module of WORKERS (the entries always are).
  const reaches = new Set(Object.keys(WORKERS).map(workerFile));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [file, edges] of graph) {
      if (!reaches.has(file) && edges.some(([, target]) => reaches.has(workerFile(target)))) {
        reaches.add(file);
        grew = true;
      }
    }
  }
  for (const module of entries) reaches.add(workerFile(module));
  for (const [module, file] of queue) if (reaches.has(file)) nameFile(module, file);

  const out = join(dist, "worker");
  rmSync(out, { recursive: true, force: true });
  const written = [...reaches].map((file) => names.get(file)).filter((module) => module !== undefined);
  await Promise.all(
    [...reaches]
      .filter((file) => names.has(file))
      .map(async (file) => {
        const module = names.get(file);
        const place = join(out, dirname(module));
        const specs = new Map(
          graph.get(file).map(([spec, target]) => {
            const targetFile = workerFile(target);
            return [
              spec,
              reaches.has(targetFile)
                ? relativeSpec(place, join(out, names.get(targetFile)))
                : relativeSpec(place, join(dist, target)),
            ];
          }),
        );
        const rewritten = await build({
          absWorkingDir: root,
          entryPoints: [join(dist, file)],
          bundle: true,
          write: false,
          format: "esm",
          platform: "neutral",
          target: "es2022",
          legalComments: "none",
          logLevel: "warning",
          plugins: [
            {
              name: "rewrite",
              setup: (b) =>
                b.onResolve({ filter: /.*/ }, (args) =>
                  args.kind === "entry-point"
                    ? undefined
                    : { path: specs.get(args.path) ?? args.path, external: true },
                ),
            },
          ],
        });
        await mkdir(place, { recursive: true });
        // esbuild names the source file in a first comment line: the place is enough.
        await writeFile(join(out, module), rewritten.outputFiles[0].text.replace(/^\/\/ .*\n/, ""));
      }),
  );

  // The Worker twins now live in dist/worker/ under their modules' names: not published twice.
  for (const twin of Object.values(WORKERS)) {
    if (twin in WORKERS) continue;
    rmSync(join(dist, twin), { force: true });
    rmSync(join(dist, twin.replace(/\.js$/, ".d.ts")), { force: true });
  }

  // Each Worker entry exports what its dist/ entry exports.
  for (const module of verify ? entries : []) {
    const worker = Object.keys(await import(pathToFileURL(join(out, module)).href)).sort();
    const shared = Object.keys(await import(pathToFileURL(join(dist, module)).href)).sort();
    if (worker.join() !== shared.join())
      throw new Error(`dist/worker/${module} does not export what dist/${module} does`);
  }
  return written.sort();
}
