/**
 * The `asyncaws ui` server: `node:http` on 127.0.0.1 (and ::1) by default, the safety rules of
 * security.ts on every request, the JSON endpoints of api.ts, and the page (HTML that lists the
 * queues and topics without JavaScript, a script that adds the rest).
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isAsyncAwsError, isServiceError, isValidationError } from "../../index.js";
import { UsageError } from "../args.js";
import {
  type ApiContext,
  ApiError,
  deleteFromQueue,
  listQueues,
  listTopics,
  peekQueue,
  publishToTopic,
  purgeQueue,
  redriveQueue,
  redriveStatus,
  sendToQueue,
  stopMoves,
  subscribeQueue,
} from "./api.js";
import { APP_CSS, APP_JS, renderIndex } from "./page.js";
import {
  allowedHosts,
  allowedOrigins,
  cookieName,
  newToken,
  refusal,
  SECURITY_HEADERS,
  TOKEN_HEADER,
  tokenCookie,
} from "./security.js";

/** Options of the server. */
export interface UiOptions {
  /** Where to listen. @default "127.0.0.1" (and "::1" on the same port when it can) */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  readOnly?: boolean;
  /** The token (a random one when absent). */
  token?: string;
  /** How often the page polls the queues' counts (GetQueueAttributes), in milliseconds. @default 3000 */
  intervalMs?: number;
}

/** A running server. */
export interface UiServer {
  /** The address to open, with its token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, "request too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, ...headers });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));

/** Starts the server. */
export async function startUi(api: ApiContext, options: UiOptions = {}): Promise<UiServer> {
  const token = options.token ?? newToken();
  const host = options.host ?? "127.0.0.1";
  let rules: { token: string; cookie: string; hosts: Set<string>; origins: Set<string> } | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://ui.invalid");
    const refused = refusal(
      {
        method: req.method ?? "GET",
        host: req.headers.host,
        origin: req.headers.origin,
        cookie: req.headers.cookie,
        headerToken: req.headers[TOKEN_HEADER] as string | undefined,
        queryToken: url.searchParams.get("token") ?? undefined,
      },
      rules!,
    );
    if (refused) {
      if (url.pathname.startsWith("/api/") || req.method === "POST")
        return sendJson(res, refused.status, { error: refused.reason });
      return send(res, refused.status, "text/plain; charset=utf-8", `${refused.reason}\n`);
    }
    // The token of the printed URL goes into the cookie, and out of the address bar.
    if (req.method === "GET" && url.searchParams.has("token")) {
      url.searchParams.delete("token");
      return send(res, 303, "text/plain; charset=utf-8", "", {
        "set-cookie": tokenCookie(token, rules!.cookie),
        location: `${url.pathname}${url.search}`,
      });
    }
    const path = url.pathname;
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    try {
      if (req.method === "GET" || req.method === "HEAD") {
        if (path === "/") {
          const [queues, topics] = await Promise.all([listQueues(api, undefined, true), listTopics(api)]);
          return send(
            res,
            200,
            "text/html; charset=utf-8",
            renderIndex({
              queues,
              topics,
              token,
              readOnly: api.readOnly,
              ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
            }),
          );
        }
        if (path === "/app.js") return send(res, 200, "text/javascript; charset=utf-8", APP_JS);
        if (path === "/app.css") return send(res, 200, "text/css; charset=utf-8", APP_CSS);
        if (path === "/api/queues")
          return sendJson(res, 200, await listQueues(api, url.searchParams.get("prefix") ?? undefined));
        if (path === "/api/topics") return sendJson(res, 200, await listTopics(api));
        if (parts[0] === "api" && parts[1] === "queues" && parts.length === 4) {
          const name = parts[2]!;
          if (parts[3] === "peek") {
            const n = Math.min(100, Math.max(1, Number(url.searchParams.get("n") ?? 10) || 10));
            return sendJson(res, 200, await peekQueue(api, name, n, url.searchParams.get("unwrap") === "1"));
          }
          if (parts[3] === "redrive") return sendJson(res, 200, await redriveStatus(api, name));
        }
        return sendJson(res, 404, { error: "not found" });
      }
      // POST
      let input: Record<string, unknown>;
      try {
        const text = await readBody(req);
        input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiError(400, "the body must be JSON");
      }
      if (input === null || typeof input !== "object" || Array.isArray(input))
        throw new ApiError(400, "the body must be a JSON object");
      if (parts[0] === "api" && parts.length === 4) {
        const name = parts[2]!;
        const action = parts[3]!;
        if (parts[1] === "queues") {
          if (action === "send") return sendJson(res, 200, await sendToQueue(api, name, input));
          if (action === "delete") return sendJson(res, 200, await deleteFromQueue(api, name, input));
          if (action === "purge") return sendJson(res, 200, await purgeQueue(api, name, input));
          if (action === "redrive") return sendJson(res, 200, await redriveQueue(api, name, input));
        }
        if (parts[1] === "topics") {
          if (action === "publish") return sendJson(res, 200, await publishToTopic(api, name, input));
          if (action === "subscribe") return sendJson(res, 200, await subscribeQueue(api, name, input));
        }
      }
      return sendJson(res, 404, { error: "not found" });
    } catch (error) {
      if (error instanceof ApiError) return sendJson(res, error.status, { error: error.message });
      if (error instanceof UsageError || isValidationError(error))
        return sendJson(res, 400, { error: error.message });
      if (isServiceError(error)) return sendJson(res, 502, { error: error.message, code: error.code });
      if (isAsyncAwsError(error)) return sendJson(res, 502, { error: error.message });
      return sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  const servers: Server[] = [];
  const listen = (address: string, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((req, res) => {
        handle(req, res).catch(() => {
          if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
          else res.destroy();
        });
      });
      server.once("error", reject);
      server.listen(port, address, () => resolve(server));
    });
  const first = await listen(host, options.port ?? 0);
  servers.push(first);
  const port = (first.address() as AddressInfo).port;
  if (host === "127.0.0.1" && options.host === undefined) {
    // The IPv6 loopback on the same port, where the machine has it.
    await listen("::1", port).then(
      (server) => servers.push(server),
      () => undefined,
    );
  }
  rules = { token, cookie: cookieName(port), hosts: allowedHosts(port, options.host), origins: new Set() };
  rules.origins = allowedOrigins(rules.hosts);
  const shown = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      Promise.all([
        stopMoves(api),
        ...servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      ]).then(() => undefined),
  };
}
