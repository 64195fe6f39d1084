// A fault-injecting HTTP proxy on 127.0.0.1 in front of fauxqs (AWS JSON). At `faultRate` of the
// requests it resets the connection (before or after forwarding), stalls briefly, truncates the
// response, or answers 500, 503 or a throttling error. It reports each request to `onRequest` at
// arrival, before any fault, with its action and parsed body: tests record deletes there.
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** The faults the proxy injects. */
export type FaultKind =
  | "reset-before"
  | "reset-after"
  | "stall"
  | "truncate"
  | "error-500"
  | "error-503"
  | "throttle";

export const ALL_FAULTS: readonly FaultKind[] = [
  "reset-before",
  "reset-after",
  "stall",
  "truncate",
  "error-500",
  "error-503",
  "throttle",
];

/** One request as it arrived. */
export interface ProxiedRequest {
  /** The SQS action, from `X-Amz-Target` (`ReceiveMessage`), or "" when there is none. */
  action: string;
  /** The parsed JSON body (an empty object when it does not parse). */
  body: Record<string, unknown>;
  /** Its arrival order, from 0. */
  index: number;
}

export interface FaultProxyOptions {
  /** Where to forward: the emulator's endpoint. */
  target: string;
  /** Share of requests that get a fault, 0 to 1. @default 0.2 */
  faultRate?: number;
  /** Which faults to draw from. @default all */
  faults?: readonly FaultKind[];
  /** Seed of the fault draws (printed by the tests, for replay). */
  seed?: number;
  /** Actions never faulted (such as CreateQueue in a setup). @default none */
  spare?: readonly string[];
  /** Called at each request's arrival, before any fault. */
  onRequest?: (request: ProxiedRequest) => void;
}

export interface FaultProxy {
  endpoint: string;
  /** Requests by action. */
  readonly actions: Map<string, number>;
  /** Faults injected, by kind. */
  readonly injected: Map<FaultKind, number>;
  /** Changes the fault rate from now on. */
  setFaultRate(rate: number): void;
  close(): Promise<void>;
}

/** A small seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function errorReply(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: type, message });
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "x-amzn-requestid": `fault-${Math.random().toString(36).slice(2)}`,
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Starts the proxy. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const random = seededRandom(options.seed ?? 1);
  const faults = options.faults ?? ALL_FAULTS;
  const spare = new Set(options.spare ?? []);
  let rate = options.faultRate ?? 0.2;
  let index = 0;
  const actions = new Map<string, number>();
  const injected = new Map<FaultKind, number>();

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    onResponse: (
      status: number,
      headers: Record<string, string | string[] | undefined>,
      body: Buffer,
    ) => void,
    onError: () => void,
  ) => {
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, "content-length": String(body.length) },
        agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          onResponse(response.statusCode ?? 502, response.headers, Buffer.concat(chunks)),
        );
        response.on("error", onError);
      },
    );
    upstream.on("error", onError);
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let upstreamGone = false;
    // The client gave up (an aborted long poll): stop answering.
    res.once("close", () => {
      upstreamGone = true;
    });
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const targetHeader = String(req.headers["x-amz-target"] ?? "");
      const action = targetHeader.includes(".") ? targetHeader.slice(targetHeader.lastIndexOf(".") + 1) : "";
      actions.set(action, (actions.get(action) ?? 0) + 1);
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      options.onRequest?.({ action, body: parsed, index: index++ });
      const faulty = !spare.has(action) && random() < rate;
      const kind = faulty ? faults[Math.floor(random() * faults.length)]! : undefined;
      if (kind) injected.set(kind, (injected.get(kind) ?? 0) + 1);
      const stallMs = kind === "stall" ? 100 + Math.floor(random() * 500) : 0;
      const cut = random();
      const fail = () => {
        if (!res.headersSent) errorReply(res, 502, "BadGateway", "upstream failed");
        else res.destroy();
      };
      switch (kind) {
        case "reset-before":
          req.socket.destroy();
          return;
        case "error-500":
          return errorReply(
            res,
            500,
            "com.amazon.coral.service#InternalFailure",
            "injected internal failure",
          );
        case "error-503":
          return errorReply(
            res,
            503,
            "com.amazon.coral.service#ServiceUnavailable",
            "injected unavailability",
          );
        case "throttle":
          return errorReply(res, 400, "com.amazon.coral.availability#ThrottlingException", "Rate exceeded");
        default:
          break;
      }
      setTimeout(() => {
        if (upstreamGone) return;
        forward(
          req,
          body,
          (status, headers, answer) => {
            if (kind === "reset-after") {
              req.socket.destroy();
              return;
            }
            if (kind === "truncate" && answer.length > 1) {
              res.writeHead(status, { ...headers, "content-length": String(answer.length) });
              res.write(answer.subarray(0, Math.max(1, Math.floor(answer.length * cut))));
              setTimeout(() => req.socket.destroy(), 5);
              return;
            }
            res.writeHead(status, { ...headers, "content-length": String(answer.length) });
            res.end(answer);
          },
          fail,
        );
      }, stallMs);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions,
    injected,
    setFaultRate(value: number) {
      rate = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
