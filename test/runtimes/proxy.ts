// The loopback proxy every runtime talks to: it forwards each request to fauxqs, checks its SigV4
// signature with the test secret (so a runtime whose fetch changes a signed header is caught even
// though fauxqs checks no signature), answers CORS for the browser, and serves the test page.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "../../src/core/signer.js";

/** What the proxy saw from one access key id (one runtime). */
export interface KeyStats {
  requests: number;
  /** One line per request whose signature did not verify. */
  badSignatures: string[];
  /** The distinct `user-agent` headers seen (which HTTP stack the runtime used). */
  userAgents: Set<string>;
}

/** A running proxy. */
export interface Proxy {
  /** `http://127.0.0.1:PORT`: the endpoint the runtimes are given. */
  endpoint: string;
  /** Per access key id. */
  stats(accessKeyId: string): KeyStats;
  close(): Promise<void>;
}

/** Static files for the page server: path → content type and body. */
export type Files = Record<string, { type: string; body: string | Uint8Array }>;

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(",") : (value ?? "");
  }
  return headers;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/** Recomputes the signature from what arrived. Returns the access key id and a problem, if any. */
export function verifySignature(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string,
  secret: string,
): { accessKeyId: string; problem?: string } {
  const auth = headers.authorization ?? "";
  const match = AUTH.exec(auth);
  if (!match)
    return { accessKeyId: "(none)", problem: `no SigV4 Authorization header: ${auth.slice(0, 40)}` };
  const [, accessKeyId, , region, service, signedHeaders] = match;
  const date = headers["x-amz-date"];
  if (!date) return { accessKeyId: accessKeyId!, problem: "no x-amz-date header" };
  const signed: Record<string, string> = {};
  for (const name of signedHeaders!.split(";")) {
    if (name === "x-amz-date" || name === "x-amz-security-token") continue;
    if (headers[name] === undefined)
      return { accessKeyId: accessKeyId!, problem: `signed header ${name} missing` };
    signed[name] = headers[name]!;
  }
  const [path = "/", query = ""] = url.split("?");
  const when = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const token = headers["x-amz-security-token"];
  const again = signRequest(
    { method, host: headers.host ?? "", path, query, headers: signed, body },
    {
      credentials: token
        ? { accessKeyId: accessKeyId!, secretAccessKey: secret, sessionToken: token }
        : { accessKeyId: accessKeyId!, secretAccessKey: secret },
      region: region!,
      service: service!,
      date: when,
    },
  );
  if (again.authorization !== auth) {
    const shown = signedHeaders!
      .split(";")
      .map((name) => `${name}=${JSON.stringify(headers[name] ?? "")}`)
      .join(" ");
    return {
      accessKeyId: accessKeyId!,
      problem: `${method} ${url}: signature mismatch; signed headers as received: ${shown}`,
    };
  }
  return { accessKeyId: accessKeyId! };
}

const CORS_ALLOWED_METHODS = "GET, POST, OPTIONS";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * Starts the proxy on 127.0.0.1, port 0, in front of `upstream` (fauxqs). Requests with an
 * `Origin` get CORS headers in the answer; `OPTIONS` preflights are answered here.
 */
export async function startProxy(upstream: string, secret: string): Promise<Proxy> {
  const target = new URL(upstream);
  const byKey = new Map<string, KeyStats>();
  const stats = (key: string): KeyStats => {
    let entry = byKey.get(key);
    if (!entry) {
      entry = { requests: 0, badSignatures: [], userAgents: new Set() };
      byKey.set(key, entry);
    }
    return entry;
  };
  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    const cors: Record<string, string> = origin
      ? {
          "access-control-allow-origin": origin,
          "access-control-expose-headers": "*",
          vary: "Origin",
        }
      : {};
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...cors,
        "access-control-allow-methods": CORS_ALLOWED_METHODS,
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const headers = headersOf(req);
      const verdict = verifySignature(
        req.method ?? "",
        req.url ?? "/",
        headers,
        body.toString("utf8"),
        secret,
      );
      const entry = stats(verdict.accessKeyId);
      entry.requests++;
      entry.userAgents.add(headers["user-agent"] ?? "(no user-agent)");
      if (verdict.problem) entry.badSignatures.push(verdict.problem);
      const upstreamReq = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, "content-length": String(body.length) },
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, { ...upstreamRes.headers, ...cors });
          upstreamRes.pipe(res);
        },
      );
      upstreamReq.on("error", (error) => {
        if (res.headersSent) res.destroy();
        else {
          res.writeHead(502, { "content-type": "text/plain", ...cors });
          res.end(`proxy: upstream failed: ${error.message}`);
        }
      });
      // A client that goes away (an aborted long poll) ends the upstream request too.
      res.on("close", () => {
        if (!res.writableFinished) upstreamReq.destroy();
      });
      upstreamReq.end(body);
    });
  });
  server.keepAliveTimeout = 5_000;
  const endpoint = await listen(server);
  return { endpoint, stats, close: () => closeServer(server) };
}

/** Serves `files` on 127.0.0.1, port 0 (another origin than the proxy's): the browser's test page. */
export async function startPageServer(files: Files): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const file = files[path];
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
    res.end(file.body);
  });
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}
