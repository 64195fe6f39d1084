// The Worker module run by workerd (through miniflare): bundled with the library and the smoke
// suite by esbuild. POST / with {"endpoint", "accessKeyId"} runs the suite with the Worker's own
// fetch and answers the results as JSON. The library is imported by the package's name, so the
// bundler resolves its exports with Workers' conditions (`workerd`, `worker`: dist/worker/).
import * as lib from "asyncaws";
import { runSmoke, TEST_SECRET } from "../smoke.ts";

/**
 * What Workers keep that the browser build leaves out: with `nodejs_compat`, the environment's
 * settings and the tracing channels. Skipped where the runtime has neither (no `process`).
 */
async function workerChecks(endpoint, accessKeyId) {
  const results = [];
  const run = async (name, body) => {
    try {
      const skipped = await body();
      results.push(
        typeof skipped === "string"
          ? { name, status: "skip", detail: skipped, ms: 0 }
          : { name, status: "pass", ms: 0 },
      );
    } catch (error) {
      results.push({ name, status: "fail", detail: String(error?.message ?? error), ms: 0 });
    }
  };
  const env = globalThis.process?.env;
  await run("worker.environment", async () => {
    if (env === undefined) return "no process.env without nodejs_compat";
    env.AWS_REGION = "eu-south-2";
    try {
      const region = new lib.SQSClient({ endpoint }).region;
      if (region !== "eu-south-2") throw new Error(`AWS_REGION was not read: region ${region}`);
    } finally {
      delete env.AWS_REGION;
    }
  });
  await run("worker.channels", async () => {
    const dc = globalThis.process?.getBuiltinModule?.("node:diagnostics_channel");
    if (typeof dc?.tracingChannel !== "function") return "no node:diagnostics_channel without nodejs_compat";
    const seen = [];
    const subscriber = { start: (context) => seen.push(context.operation) };
    const channel = dc.tracingChannel(lib.REQUEST_CHANNEL);
    channel.subscribe(subscriber);
    try {
      const sqs = new lib.SQS({
        region: "us-east-1",
        endpoint,
        credentials: { accessKeyId, secretAccessKey: TEST_SECRET },
      });
      await sqs.listQueues({ MaxResults: 1 });
    } finally {
      channel.unsubscribe(subscriber);
    }
    if (!seen.includes("ListQueues")) throw new Error(`the request channel saw ${JSON.stringify(seen)}`);
  });
  return results;
}

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("POST the options", { status: 405 });
    const { endpoint, accessKeyId, useGlobalFetch } = await request.json();
    const lines = [];
    const results = await runSmoke({
      lib,
      endpoint,
      accessKeyId,
      // The library's default (no fetch option) is tested; with useGlobalFetch the Worker's
      // fetch is also handed in explicitly, as users of other libraries often do.
      ...(useGlobalFetch ? { fetch: (input, init) => fetch(input, init) } : {}),
      log: (line) => lines.push(line),
    });
    results.push(...(await workerChecks(endpoint, accessKeyId)));
    return Response.json({ results, lines });
  },
};
