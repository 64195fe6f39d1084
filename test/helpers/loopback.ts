// A small HTTP server on 127.0.0.1 that records each request, checks its SigV4 signature with the
// known test secret, and answers as the test scripts it. For what the emulator lacks: actions it
// doesn't support, faults, broken responses, pagination.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "../../src/core/signer.js";
import { TEST_CREDENTIALS } from "./fauxqs.js";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** True when the Authorization header matched a signature recomputed with the test secret. */
  signatureValid: boolean;
}

/** What a handler answers: a status, headers and a body; or a function that takes over the socket. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Take over: destroy the socket, write a partial body, never answer... */
  raw?: (req: IncomingMessage, res: ServerResponse) => void;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface Loopback {
  endpoint: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function checkSignature(headers: Record<string, string>, method: string, url: string, body: string): boolean {
  const auth = headers.authorization;
  const date = headers["x-amz-date"];
  if (!auth || !date) return false;
  const match =
    /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})/.exec(
      auth,
    );
  if (!match) return false;
  const [, region, service, signedHeaders, signature] = match;
  const signed: Record<string, string> = {};
  for (const name of signedHeaders!.split(";"))
    if (name !== "x-amz-date" && name !== "x-amz-security-token") signed[name] = headers[name] ?? "";
  const [path, query = ""] = url.split("?");
  const when = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const credentials = headers["x-amz-security-token"]
    ? { ...TEST_CREDENTIALS, sessionToken: headers["x-amz-security-token"] }
    : TEST_CREDENTIALS;
  const again = signRequest(
    { method, host: headers.host ?? "", path: path!, query, headers: signed, body },
    { credentials, region: region!, service: service!, date: when },
  );
  return again.authorization === auth && auth.endsWith(signature!);
}

/** Starts a loopback server that answers each request with `handler`. */
export async function startLoopback(handler: Handler): Promise<Loopback> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        headers[name] = Array.isArray(value) ? value.join(",") : (value ?? "");
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "/",
        headers,
        body,
        signatureValid: checkSignature(headers, req.method ?? "", req.url ?? "/", body),
      };
      requests.push(recorded);
      try {
        const reply = await handler(recorded);
        if (reply.raw) return reply.raw(req, res);
        res.writeHead(reply.status ?? 200, reply.headers ?? {});
        res.end(reply.body ?? "");
      } catch (error) {
        res.writeHead(599, { "content-type": "text/plain" });
        res.end(`test handler failed: ${String(error)}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON 1.0 success reply. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "req-test-1", ...headers },
    body: JSON.stringify(body),
  };
}

/** An XML reply. */
export function xml(body: string, status = 200, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": "req-test-1", ...headers },
    body,
  };
}
