// The browser build: package.json's `browser` field maps the Node-only modules (the node:net
// transport, the full default credential chain, the shared-file reader) to small browser modules,
// and the client's signer to its Web Crypto twin (no SHA-256 code of the package's own).
// These tests bundle programs with esbuild for the browser, as users' bundlers do, and check from
// the metafile that none of the Node-only modules is in; then run one such bundle (in Node, which
// the browser build must also survive: Electron renderers, test runners with a DOM) against a
// loopback server.
//
// The package is laid out in a temporary node_modules/asyncaws: the repository's package.json and
// the compiled sources (.build/src) as its dist/, so the tests need no `npm run build`.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { build, type Metafile } from "esbuild";
import * as browserLoad from "../../src/batch/load.browser.js";
import type * as RealLoad from "../../src/batch/load.js";
import * as browserProfile from "../../src/core/config/profile.browser.js";
import type * as RealProfile from "../../src/core/config/profile.js";
import * as workerProfile from "../../src/core/config/profile.worker.js";
import * as browserChain from "../../src/core/credentials/chain.browser.js";
import type * as RealChain from "../../src/core/credentials/chain.js";
import * as browserDefault from "../../src/core/credentials/default.browser.js";
import type * as RealDefault from "../../src/core/credentials/default.js";
import * as workerDefault from "../../src/core/credentials/default.worker.js";
import * as browserCrypto from "../../src/core/crypto.browser.js";
import type * as RealCrypto from "../../src/core/crypto.js";
import { isCredentialsError } from "../../src/core/errors.js";
import * as browserHttp from "../../src/core/http.browser.js";
import type * as RealHttp from "../../src/core/http.js";
import * as browserHttpNode from "../../src/core/http-node.browser.js";
import type * as RealHttpNode from "../../src/core/http-node.js";
import * as browserRetryByName from "../../src/core/retry-by-name.browser.js";
import type * as RealRetryByName from "../../src/core/retry-by-name.js";
import * as browserOwn from "../../src/core/signer/own.browser.js";
import type * as RealOwn from "../../src/core/signer/own.js";
import * as browserChannels from "../../src/observability/channels.browser.js";
import type * as RealChannels from "../../src/observability/channels.js";
import * as browserLazy from "../../src/sqs/lazy.browser.js";
import type * as RealLazy from "../../src/sqs/lazy.js";
import * as browserProducerLoad from "../../src/sqs/producer-load.browser.js";
import type * as RealProducerLoad from "../../src/sqs/producer-load.js";
import * as browserQueryByName from "../../src/sqs/query-by-name.browser.js";
import type * as RealQueryByName from "../../src/sqs/query-by-name.js";
import { withEnv } from "../core/credentials/helpers.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, startLoopback } from "../helpers/loopback.js";

// Each browser (and Workers) module offers what its Node twin offers to the rest of the library (a
// type error here means one of them changed without the other). `arrange` is used by the file
// reader's tests only.
const _profile: Omit<typeof RealProfile, "arrange"> = browserProfile;
const _workerProfile: Omit<typeof RealProfile, "arrange"> = workerProfile;
const _workerDefault: typeof RealDefault = workerDefault;
const _channels: typeof RealChannels = browserChannels;
const _chain: typeof RealChain = browserChain;
const _httpNode: typeof RealHttpNode = browserHttpNode;
const _crypto: typeof RealCrypto = browserCrypto;
const _queryByName: typeof RealQueryByName = browserQueryByName;
const _http: typeof RealHttp = browserHttp;
const _default: typeof RealDefault = browserDefault;
const _own: typeof RealOwn = browserOwn;
const _retryByName: typeof RealRetryByName = browserRetryByName;
const _lazy: typeof RealLazy = browserLazy;
const _producerLoad: typeof RealProducerLoad = browserProducerLoad;
const _load: typeof RealLoad = browserLoad;
void [
  _profile,
  _workerProfile,
  _workerDefault,
  _channels,
  _chain,
  _httpNode,
  _crypto,
  _queryByName,
  _http,
  _default,
  _own,
  _retryByName,
  _lazy,
  _producerLoad,
  _load,
];

/** Modules that must never be in a browser bundle of the package (paths under dist/). */
const NODE_ONLY = [
  "core/http-node.js",
  "core/crypto.js",
  "core/credentials/chain.js",
  "core/config/profile.js",
  "core/config/ini.js",
  "core/credentials/shared.js",
  "core/credentials/imds.js",
  "core/credentials/sso.js",
  "core/credentials/sts.js",
  "core/credentials/container.js",
  "core/credentials/process.js",
  "sts/client.js",
  "sts/sts.js",
];

const root = new URL("../../../", import.meta.url).pathname;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "asyncaws-browser-"));
  const pkg = join(dir, "node_modules/asyncaws");
  mkdirSync(pkg, { recursive: true });
  cpSync(join(root, "package.json"), join(pkg, "package.json"));
  cpSync(join(root, ".build/src"), join(pkg, "dist"), {
    recursive: true,
    filter: (source) => !source.endsWith(".map"),
  });
  // Workers' tree (the `workerd` and `worker` export conditions), made as `npm run build` makes it.
  const { buildWorkerTree } = (await import(pathToFileURL(join(root, "scripts/build-worker.mjs")).href)) as {
    buildWorkerTree(root: string, options: { verify: boolean }): Promise<string[]>;
  };
  await buildWorkerTree(pkg, { verify: false });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Bundles `source` (an ES module importing asyncaws) for the browser (or, with `worker`, as
 * wrangler bundles a Worker: the browser platform with the conditions workerd, worker, browser);
 * the code, the package files it reaches (`inputs`) and those with code left in the output after
 * tree shaking (`kept`).
 */
async function bundle(
  source: string,
  { worker = false } = {},
): Promise<{ code: string; inputs: string[]; kept: string[]; wrappedByImport: string[] }> {
  const entry = join(dir, `entry-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(entry, source);
  const result = await build({
    absWorkingDir: dir,
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    ...(worker ? { conditions: ["workerd", "worker", "browser"] } : {}),
    format: "esm",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys((result.metafile as Metafile).inputs)
    .filter((path) => path.startsWith("node_modules/asyncaws/dist/"))
    .map((path) => path.slice("node_modules/asyncaws/dist/".length));
  const output = Object.values((result.metafile as Metafile).outputs)[0]!;
  const kept = Object.entries(output.inputs)
    .filter(([path, use]) => path.startsWith("node_modules/asyncaws/dist/") && use.bytesInOutput > 0)
    .map(([path]) => path.slice("node_modules/asyncaws/dist/".length));
  // The package's import() targets that import modules statically: esbuild wraps those modules
  // (and the targets) for lazy initialization in a single-file bundle.
  const metaInputs = (result.metafile as Metafile).inputs;
  const wrappedByImport = Object.entries(metaInputs)
    .filter(([path]) => path.startsWith("node_modules/asyncaws/dist/"))
    .flatMap(([path, input]) =>
      input.imports
        .filter((i) => i.kind === "dynamic-import")
        .filter((i) => metaInputs[i.path]?.imports.some((x) => x.kind === "import-statement"))
        .map((i) => `${path} -> ${i.path}`),
    );
  return { code: result.outputFiles[0]!.text, inputs, kept, wrappedByImport };
}

function nodeOnlyIn(inputs: string[]): string[] {
  return inputs.filter((path) => NODE_ONLY.includes(path));
}

/** The modules of SQS's Query protocol and its XML reader (paths under dist/). */
const QUERY_CODE = [
  "core/protocol/aws-query.js",
  "core/protocol/query.js",
  "core/protocol/xml.js",
  "sqs/query.js",
];

describe("browser bundles", () => {
  it("a JSON program carries no Query or XML code; one that imports sqsQuery does", async () => {
    const json = await bundle(
      `import { SQSClient, sendMessage } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`,
    );
    assert.deepEqual(
      json.kept.filter((path) => QUERY_CODE.includes(path)),
      [],
    );
    assert.ok(json.kept.includes("sqs/query-by-name.browser.js"));
    const query = await bundle(
      `import { SQSClient, sendMessage } from "asyncaws/sqs";
       import { sqsQuery } from "asyncaws/sqs/query";
       const client = new SQSClient({ region: "eu-west-1", protocol: sqsQuery });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`,
    );
    for (const path of QUERY_CODE) assert.ok(query.kept.includes(path), `${path} is not in the bundle`);
  });

  it('the deprecated protocol: "query" fails its first call in a browser bundle, saying what to import', async () => {
    const { code } = await bundle(
      `import { SQSClient, sendMessage } from "asyncaws/sqs";
       export function send(endpoint, credentials) {
         const client = new SQSClient({ region: "eu-west-1", endpoint, credentials, protocol: "query" });
         return sendMessage(client, { QueueUrl: endpoint + "/123456789012/jobs", MessageBody: "Hello" });
       }`,
    );
    const out = join(dir, "send-query.bundle.mjs");
    writeFileSync(out, code);
    const { send } = (await import(pathToFileURL(out).href)) as {
      send(endpoint: string, credentials: object): Promise<unknown>;
    };
    const server = await startLoopback(() => json({}));
    try {
      await assert.rejects(
        send(server.endpoint, TEST_CREDENTIALS),
        /import \{ sqsQuery \} from "asyncaws\/sqs\/query"/,
      );
      assert.equal(server.requests.length, 0, "nothing was sent");
    } finally {
      await server.close();
    }
  });

  it("the adaptive retry mode's limiter is bundled only when the program imports adaptiveRetry; the string is refused", async () => {
    const send = `import { SQSClient, sendMessage } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`;
    const plain = await bundle(send);
    assert.ok(!plain.code.includes("#fillRate"), "no rate limiter (its #fillRate) in the bundle");
    assert.ok(plain.kept.includes("core/retry-by-name.browser.js"));
    const adaptive = await bundle(
      `import { SQSClient, adaptiveRetry } from "asyncaws/sqs";
       export const client = new SQSClient({ region: "eu-west-1", retryMode: adaptiveRetry });`,
    );
    assert.ok(adaptive.code.includes("#fillRate"), "the rate limiter comes with adaptiveRetry");
    const program = `import { SQSClient, adaptiveRetry } from "asyncaws/sqs";
       export const make = (retryMode) => new SQSClient({ region: "eu-west-1", retryMode });
       export { adaptiveRetry };`;
    type Bundled = { make(retryMode?: unknown): { region: string }; adaptiveRetry: unknown };
    const load = async (name: string, worker: boolean): Promise<Bundled> => {
      const out = join(dir, name);
      writeFileSync(out, (await bundle(program, { worker })).code);
      return (await import(pathToFileURL(out).href)) as Bundled;
    };
    const bundled = await load("adaptive.bundle.mjs", false);
    const workerBundled = await load("adaptive.worker.mjs", true);
    for (const { make, adaptiveRetry } of [bundled, workerBundled]) {
      assert.equal(make(adaptiveRetry).region, "eu-west-1");
      assert.throws(
        () => make("adaptive"),
        (error: Error & { field?: string }) => {
          assert.equal(error.name, "ValidationError");
          assert.equal(error.field, "retryMode");
          assert.match(error.message, /adaptiveRetry imported from "asyncaws"/);
          return true;
        },
      );
    }
    await withEnv({ AWS_RETRY_MODE: "adaptive" }, () => {
      // A Worker reads the environment (nodejs_compat); a browser has none and reads none.
      assert.throws(() => workerBundled.make(), { name: "ValidationError", field: "AWS_RETRY_MODE" });
      assert.equal(bundled.make().region, "eu-west-1");
    });
  });

  it("the paging code is bundled only with a program that pages", async () => {
    const marker = "the service returned the same page token twice";
    const send = await bundle(
      `import { SQSClient, sendMessage } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`,
    );
    assert.ok(!send.code.includes(marker), "no paging code in the bundle");
    const pages = await bundle(
      `import { SQSClient, paginateListQueues } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       for await (const page of paginateListQueues(client, {})) console.log(page.QueueUrls);`,
    );
    assert.ok(pages.code.includes(marker), "the paging code comes with paginateListQueues");
  });

  it("a program sending one message takes the browser modules and none of the Node-only ones", async () => {
    const { inputs } = await bundle(
      `import { SQSClient, sendMessage } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`,
    );
    assert.deepEqual(nodeOnlyIn(inputs), []);
    for (const path of [
      "core/http.browser.js",
      "core/credentials/default.browser.js",
      "core/credentials/chain.browser.js",
      "core/config/profile.browser.js",
      "core/crypto.browser.js",
      "core/signer/own.browser.js",
    ]) {
      assert.ok(inputs.includes(path), `${path} is not in the bundle`);
    }
  });

  it("a browser program reads no environment and looks for no tracing channel; a Worker's does both", async () => {
    const program = `import { SQSClient, sendMessage } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`;
    const browser = await bundle(program);
    const worker = await bundle(program, { worker: true });
    for (const marker of [
      "AWS_DEFAULT_REGION",
      "AWS_PROFILE",
      "AWS_ACCESS_KEY_ID",
      "node:diagnostics_channel",
    ]) {
      assert.ok(!browser.code.includes(marker), `${marker} is in the browser bundle`);
      assert.ok(worker.code.includes(marker), `${marker} is not in the Worker bundle`);
    }
    assert.ok(worker.inputs.includes("worker/core/client.js"), "the Worker takes dist/worker/");
    assert.ok(worker.inputs.includes("core/signer/webcrypto.js"), "and shares the rest with dist/");
  });

  it("a program without hooks carries no observation code in a browser; one that calls observe does, and runs it; a Worker's has the channel's", async () => {
    const send = `import { SQSClient, sendMessage } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`;
    // The observation's code: its class, the attributes it sets, the messaging services' data.
    const markers = ["RequestObservation", "messaging.operation.name", "rpc.system", "aws_sqs"];
    const plain = await bundle(send);
    for (const marker of markers) assert.ok(!plain.code.includes(marker), `${marker} is in the bundle`);
    assert.ok(!plain.kept.includes("observability/request.js"));
    // Workers (nodejs_compat) have tracing channels: every client is observed when they have subscribers.
    const worker = await bundle(send, { worker: true });
    assert.ok(worker.kept.includes("observability/request.js"), "the Worker bundle has the observation");
    assert.ok(worker.inputs.includes("worker/observability/channels.js"));
    for (const marker of markers)
      assert.ok(worker.code.includes(marker), `${marker} is not in the Worker bundle`);
    // A program that calls observe has it, and the hooks see the call.
    const program = `import { SQSClient, observe, sendMessage } from "asyncaws/sqs";
       export async function send(endpoint, credentials, seen) {
         const hooks = observe({ onResponse: (call) => seen.push(call) });
         const client = new SQSClient({ region: "eu-west-1", endpoint, credentials, hooks });
         return sendMessage(client, { QueueUrl: endpoint + "/123456789012/jobs", MessageBody: "Hello" });
       }
       export function plain(hooks) {
         return new SQSClient({ region: "eu-west-1", hooks });
       }`;
    const observed = await bundle(program);
    for (const marker of markers) assert.ok(observed.code.includes(marker), `${marker} is not in the bundle`);
    const out = join(dir, "observe.bundle.mjs");
    writeFileSync(out, observed.code);
    const bundled = (await import(pathToFileURL(out).href)) as {
      send(
        endpoint: string,
        credentials: object,
        seen: { attributes: Record<string, unknown> }[],
      ): Promise<unknown>;
      plain(hooks: object): unknown;
    };
    assert.throws(() => bundled.plain({ onError: () => {} }), { name: "ValidationError", field: "hooks" });
    const md5 = createHash("md5").update("Hello").digest("hex");
    const server = await startLoopback(() => json({ MessageId: "m-1", MD5OfMessageBody: md5 }));
    try {
      const seen: { attributes: Record<string, unknown> }[] = [];
      await bundled.send(server.endpoint, TEST_CREDENTIALS, seen);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.attributes["messaging.operation.name"], "send");
      assert.equal(seen[0]!.attributes["messaging.destination.name"], "jobs");
    } finally {
      await server.close();
    }
  });

  it("a program of asyncaws/sqs reaches no import() of code that imports the core: nothing is wrapped for lazy initialization", async () => {
    // esbuild wraps every module an import() reaches (in a single file, each behind a lazy
    // initializer), deciding it before it leaves out the modules the program does not use:
    // asyncaws/sqs exports the consumer, the producers and the SQS class, whose engines the
    // Node build loads with import(); the browser twins (sqs/lazy, batch/load) import them. An
    // import() of a module that imports nothing (the WebAssembly MD5 of checksums.ts) wraps
    // nothing.
    const { code, kept, wrappedByImport } = await bundle(
      `import { SQSClient, sendMessage } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`,
    );
    assert.deepEqual(wrappedByImport, []);
    assert.ok(!code.includes("__esm("), "no module is wrapped");
    for (const path of ["sqs/consumer/consumer.js", "batch/engine.js", "payloads/sqs.js"]) {
      assert.ok(!kept.includes(path), `${path} is left out`);
    }
  });

  it("a program sending one message signs with Web Crypto: no SHA-256 code of its own, the pure MD5 only", async () => {
    const { code, kept } = await bundle(
      `import { SQSClient, sendMessage } from "asyncaws/sqs";
       const client = new SQSClient({ region: "eu-west-1" });
       await sendMessage(client, { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });`,
    );
    assert.ok(kept.includes("core/signer/webcrypto.js"));
    assert.ok(!kept.includes("core/signer/key.js"), "the synchronous signing key is not in the bundle");
    assert.ok(!code.includes("function sha256Block"), "no pure SHA-256 in the bundle");
    assert.ok(code.includes("function md5Block"), "the pure MD5 (SQS checksums) is in the bundle");
    // The signer of users' own requests (signRequest) still works in browsers, on the pure code.
    const general = await bundle(`export { signRequest } from "asyncaws";`);
    assert.ok(general.code.includes("function sha256Block"));
  });

  it("the whole API bundles, explicit providers included, without the Node transport, chain or file reader", async () => {
    const { inputs } = await bundle(`export * from "asyncaws"; export * from "asyncaws/sqs";`);
    for (const path of [
      "core/http-node.js",
      "core/crypto.js",
      "core/credentials/chain.js",
      "core/config/profile.js",
      "core/config/ini.js",
    ]) {
      assert.ok(!inputs.includes(path), `${path} is in the bundle`);
    }
    assert.ok(inputs.includes("core/credentials/sts.js"), "fromWebIdentity is importable in browsers");
    assert.ok(inputs.includes("core/credentials/container.js"), "fromContainer is importable in browsers");
  });

  it("runs: without credentials, says to pass them; with them, signs and sends with fetch", async () => {
    const program = `import { fromEnv } from "asyncaws";
       import { SQSClient, sendMessage } from "asyncaws/sqs";
       export async function send(endpoint, credentials) {
         const client = new SQSClient({
           region: "eu-west-1",
           endpoint,
           ...(credentials === "env" ? { credentials: fromEnv() } : credentials ? { credentials } : {}),
         });
         return sendMessage(client, { QueueUrl: endpoint + "/123456789012/jobs", MessageBody: "Hello" });
       }`;
    type Send = (endpoint: string, credentials?: object | "env") => Promise<{ MessageId?: string }>;
    const load = async (name: string, worker: boolean): Promise<Send> => {
      const out = join(dir, name);
      writeFileSync(out, (await bundle(program, { worker })).code);
      return ((await import(pathToFileURL(out).href)) as { send: Send }).send;
    };
    const send = await load("send.bundle.mjs", false);
    const workerSend = await load("send.worker.mjs", true);
    const md5 = createHash("md5").update("Hello").digest("hex");
    const server = await startLoopback(() => json({ MessageId: "m-1", MD5OfMessageBody: md5 }));
    const keys = {
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    };
    try {
      // No credentials anywhere (a browser): a clear error, and nothing sent.
      await withEnv({}, async () => {
        for (const sender of [send, workerSend]) {
          await assert.rejects(sender(server.endpoint), (error: Error & { attempts?: unknown[] }) => {
            assert.equal(error.name, "CredentialsError");
            assert.match(error.message, /pass the credentials option/);
            return true;
          });
        }
      });
      assert.equal(server.requests.length, 0, "nothing was sent without credentials");

      assert.equal((await send(server.endpoint, TEST_CREDENTIALS)).MessageId, "m-1");
      await withEnv(keys, async () => {
        assert.equal((await send(server.endpoint, "env")).MessageId, "m-1");
        // Where there is an environment with keys (a Worker with nodejs_compat, which wrangler
        // bundles for the browser platform with Workers' conditions), the default takes them, as
        // the full chain does; a browser's default reads no environment and asks for credentials.
        assert.equal((await workerSend(server.endpoint)).MessageId, "m-1");
        await assert.rejects(send(server.endpoint), /pass the credentials option/);
      });
      assert.equal(server.requests.length, 3);
      assert.ok(server.requests.every((request) => request.signatureValid));
    } finally {
      await server.close();
    }
  });
});

describe("browser modules", () => {
  it("the shared files are empty, and profile settings resolve as in the full build", async () => {
    const files = browserProfile.loadSharedFilesSync();
    assert.deepEqual(Object.keys(files.profiles), []);
    assert.equal(files.profiles.constructor, undefined);
    assert.deepEqual(await browserProfile.loadSharedFiles(), files);
    assert.equal(browserProfile.setting({ region: "eu-west-1", sqs: { a: "b" } }, "region"), "eu-west-1");
    assert.equal(browserProfile.setting({ region: "" }, "region"), undefined);
    assert.deepEqual(browserProfile.subSection({ sqs: { endpoint_url: "x" } }, "sqs"), { endpoint_url: "x" });
    await withEnv({ AWS_PROFILE: "dev", AWS_REGION: "eu-south-2", AWS_MAX_ATTEMPTS: "7" }, () => {
      // Workers read the environment; a browser has none and reads none.
      assert.equal(workerProfile.profileName(), "dev");
      assert.equal(workerProfile.profileName("ops"), "ops");
      assert.deepEqual(workerProfile.lookupRegion(undefined), ["eu-south-2", "AWS_REGION"]);
      assert.equal(workerProfile.lookupAttempts(undefined), 7);
      assert.equal(browserProfile.profileName(), "default");
      assert.equal(browserProfile.profileName("ops"), "ops");
      assert.equal(browserProfile.lookupRegion(undefined), undefined);
      assert.equal(browserProfile.lookupAttempts(undefined), undefined);
    });
  });

  it("the default chain has no source: it asks for the credentials option", async () => {
    await withEnv({ AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "env-secret" }, async () => {
      await assert.rejects(browserChain.defaultCredentials()(), (error: unknown) => {
        assert.ok(isCredentialsError(error));
        assert.match(error.message, /pass the credentials option/);
        assert.deepEqual(error.attempts, []);
        return true;
      });
    });
  });
});
