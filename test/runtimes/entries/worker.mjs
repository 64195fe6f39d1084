// The Worker module run by workerd (through miniflare): bundled with dist/index.js and the smoke
// suite by esbuild. POST / with {"endpoint", "accessKeyId"} runs the suite with the Worker's own
// fetch and answers the results as JSON.
import * as lib from "../../../dist/index.js";
import { runSmoke } from "../smoke.ts";

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
    return Response.json({ results, lines });
  },
};
