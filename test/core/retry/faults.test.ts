// A fault proxy on loopback in front of the fauxqs emulator: it resets connections, stalls,
// truncates bodies, answers 500/503/429 and the throttling codes, and can run its clock an hour
// ahead or behind (refusing requests signed more than 5 minutes away from it, as AWS does). Each
// call must succeed within its attempts or fail with the error of its last attempt, never hang.
import assert from "node:assert/strict";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  isAbortError,
  isNetworkError,
  isResponseError,
  isServiceError,
  isTimeoutError,
} from "../../../src/core/errors.js";
import { adaptiveRetry } from "../../../src/core/retry.js";
import { SQS } from "../../../src/sqs/sqs.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../../helpers/fauxqs.js";
import { withEnv } from "../credentials/helpers.js";

type Fault =
  | "ok"
  | "reset"
  | "stall"
  | "truncate"
  | "500"
  | "503"
  | "429"
  | "429-html"
  | "AccessDenied"
  | `throttle:${string}`;

interface Proxy {
  url: string;
  /** What each call (keyed by its MessageBody) was served, attempt after attempt. */
  served: Map<string, Fault[]>;
  /** Requests seen. */
  count: number;
  /** Requests refused for a skewed clock. */
  skewRefusals: number;
  /** The keys of the requests refused for a skewed clock, in order. */
  refused: string[];
  /** Scripts the faults of a call; the last one repeats. */
  plan(key: string, faults: Fault[]): void;
  /** The fault for calls without a plan. */
  defaultFault: Fault;
  /** The proxy's clock offset (a server an hour ahead: +3600000). */
  skewMs: number;
  /** Called when a request arrives (to abort a call deterministically). */
  onRequest: ((key: string) => void) | undefined;
  close(): Promise<void>;
}

const SKEW_CODES = [
  "RequestTimeTooSkewed",
  "RequestExpired",
  "SignatureDoesNotMatch",
  "InvalidSignatureException",
  "AuthFailure",
];

function amzDate(value: string): number {
  return Date.UTC(
    Number(value.slice(0, 4)),
    Number(value.slice(4, 6)) - 1,
    Number(value.slice(6, 8)),
    Number(value.slice(9, 11)),
    Number(value.slice(11, 13)),
    Number(value.slice(13, 15)),
  );
}

function keyOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { MessageBody?: unknown; QueueName?: unknown };
    return String(parsed.MessageBody ?? parsed.QueueName ?? "?");
  } catch {
    return "?";
  }
}

async function startProxy(target: string): Promise<Proxy> {
  const plans = new Map<string, Fault[]>();
  const sockets = new Set<import("node:net").Socket>();
  const upstream = new URL(target);
  const proxy: Proxy = {
    url: "",
    served: new Map(),
    count: 0,
    skewRefusals: 0,
    refused: [],
    plan: (key, faults) => void plans.set(key, faults),
    defaultFault: "ok",
    skewMs: 0,
    onRequest: undefined,
    close: () => Promise.resolve(),
  };
  const answerJson = (
    res: ServerResponse,
    status: number,
    type: string,
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": `fault-${proxy.count}`,
      date: new Date(Date.now() + proxy.skewMs).toUTCString(),
      ...extra,
    });
    res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message: `injected ${type}` }));
  };
  const forward = (req: IncomingMessage, body: string, res: ServerResponse, truncate: boolean) => {
    const out = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const data = Buffer.concat(chunks);
          const headers = { ...answer.headers, date: new Date(Date.now() + proxy.skewMs).toUTCString() };
          delete headers["transfer-encoding"];
          headers["content-length"] = String(data.length);
          res.writeHead(answer.statusCode ?? 502, headers);
          if (truncate) {
            res.write(data.subarray(0, Math.floor(data.length / 2)));
            setImmediate(() => res.socket?.destroy());
          } else res.end(data);
        });
      },
    );
    out.on("error", () => res.socket?.destroy());
    out.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      proxy.count++;
      const body = Buffer.concat(chunks).toString("utf8");
      const key = keyOf(body);
      proxy.onRequest?.(key);
      // A server clock off by skewMs refuses requests signed more than 5 minutes away from it.
      const signedAt = amzDate(String(req.headers["x-amz-date"] ?? ""));
      if (Math.abs(signedAt - (Date.now() + proxy.skewMs)) > 5 * 60_000) {
        const code = SKEW_CODES[proxy.skewRefusals++ % SKEW_CODES.length]!;
        proxy.refused.push(key);
        return answerJson(res, code === "AuthFailure" || code === "SignatureDoesNotMatch" ? 403 : 400, code);
      }
      const plan = plans.get(key);
      const served = proxy.served.get(key) ?? [];
      proxy.served.set(key, served);
      const fault: Fault = plan
        ? (plan[Math.min(served.length, plan.length - 1)] ?? "ok")
        : proxy.defaultFault;
      served.push(fault);
      switch (fault) {
        case "ok":
          return forward(req, body, res, false);
        case "truncate":
          return forward(req, body, res, true);
        case "reset":
          return void req.socket.destroy();
        case "stall":
          return; // never answers; the client's timeout ends it
        case "500":
          return answerJson(res, 500, "InternalError");
        case "503":
          return answerJson(res, 503, "ServiceUnavailable");
        case "429":
          return answerJson(res, 429, "TooManyRequests");
        case "429-html":
          res.writeHead(429, { "content-type": "text/html" });
          return void res.end("<html><body>Too Many Requests</body></html>");
        case "AccessDenied":
          return answerJson(res, 403, "AccessDenied");
        default:
          return answerJson(res, 400, fault.slice("throttle:".length));
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

/** The typed error a call must end with when its last attempt met this fault. */
function matches(fault: Fault, error: unknown): boolean {
  switch (fault) {
    case "reset":
    case "truncate":
      return isNetworkError(error);
    case "stall":
      return isTimeoutError(error);
    case "500":
      return isServiceError(error) && error.statusCode === 500 && error.code === "InternalError";
    case "503":
      return isServiceError(error) && error.statusCode === 503 && error.code === "ServiceUnavailable";
    case "429":
      return isServiceError(error) && error.statusCode === 429;
    case "429-html":
      return isResponseError(error) && error.statusCode === 429;
    case "AccessDenied":
      return isServiceError(error) && error.code === "AccessDenied";
    case "ok":
      return false;
    default:
      return isServiceError(error) && error.code === fault.slice("throttle:".length);
  }
}

const THROTTLING = [
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "TransactionInProgressException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "SlowDown",
  "PriorRequestNotComplete",
  "EC2ThrottledException",
  "RequestThrottled",
  "KmsThrottled",
];

describe("fault proxy", () => {
  let emulator: Emulator;
  let proxy: Proxy;
  let queueUrl: string;
  const restore: (() => void)[] = [];

  before(async () => {
    emulator = await startEmulator();
    proxy = await startProxy(emulator.endpoint);
    const direct = new SQS({
      endpoint: emulator.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
    });
    queueUrl = (await direct.createQueue({ QueueName: uniqueName("faults") })).QueueUrl!;
    // No AWS_* variable or profile of the machine changes retry settings here.
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
    process.env.AWS_CONFIG_FILE = "/nonexistent/asyncaws-config";
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/asyncaws-credentials";
    restore.push(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    });
  });
  after(async () => {
    for (const undo of restore) undo();
    await proxy.close();
    await emulator.stop();
  });

  // Only a stall needs the request timeout to end it. Every other answer comes at once, but on a
  // loaded machine "at once" can take seconds (the proxy and the emulator share this process):
  // a short timeout there would cut answers the test counts on, and leave requests on their way
  // that arrive during a later test. So the timeout is a generous safety net, except for the
  // calls that meet a stall.
  const client = (extra: Partial<ConstructorParameters<typeof SQS>[0]> = {}) =>
    new SQS({
      endpoint: proxy.url,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      requestTimeoutMs: 30_000,
      ...extra,
    });
  /** The request timeout of the calls that meet a stall: what they wait before a retry. */
  const STALL_TIMEOUT_MS = 2500;

  it("every call succeeds within its attempts or fails with its last attempt's error", async () => {
    proxy.skewMs = 0;
    const patterns: Fault[][] = [
      ["ok"],
      ["reset", "ok"],
      ["stall", "ok"],
      ["truncate", "ok"],
      ["500", "503", "ok"],
      ["429", "ok"],
      ["429-html", "ok"],
      ["503", "503", "503"],
      ["reset", "reset", "reset"],
      ["stall", "stall", "stall"],
      ["truncate", "500", "truncate"],
      ["throttle:SlowDown", "throttle:RequestLimitExceeded", "throttle:Throttling"],
      ["AccessDenied", "ok"],
      ...THROTTLING.map((code): Fault[] => [`throttle:${code}`, "ok"]),
    ];
    const sqs = client({ maxAttempts: 3 });
    const stalling = client({ maxAttempts: 3, requestTimeoutMs: STALL_TIMEOUT_MS });
    const calls = patterns.map((faults, i) => {
      const key = `call-${i}-${faults.join(",")}`;
      proxy.plan(key, faults);
      return { key, faults };
    });
    const results = await Promise.all(
      calls.map(({ key, faults }) =>
        (faults.includes("stall") ? stalling : sqs)
          .sendMessage({ QueueUrl: queueUrl, MessageBody: key })
          .then(
            (output) => ({ key, output, error: undefined as unknown }),
            (error: unknown) => ({ key, output: undefined, error }),
          ),
      ),
    );
    for (const { key, output, error } of results) {
      const served = proxy.served.get(key)!;
      const last = served.at(-1)!;
      if (last === "ok") {
        assert.equal(error, undefined, `${key}: served ${served.join(",")} but failed with ${String(error)}`);
        assert.ok(output?.MessageId, key);
      } else {
        assert.ok(matches(last, error), `${key}: served ${served.join(",")}, got ${String(error)}`);
      }
      // 3 attempts, each of which the transport may send once more when a reused connection was reset.
      assert.ok(served.length <= 6, `${key}: ${served.length} requests`);
    }
    // The patterns that end well all succeeded; AccessDenied was not retried.
    const byKey = new Map(results.map((r) => [r.key, r]));
    for (const { key, faults } of calls) {
      if (faults.at(-1) === "ok" && faults.length <= 3 && faults[0] !== "AccessDenied") {
        assert.equal(byKey.get(key)!.error, undefined, key);
      }
    }
    assert.deepEqual(proxy.served.get(calls.find((c) => c.faults[0] === "AccessDenied")!.key), [
      "AccessDenied",
    ]);
  });

  it("50 parallel requests under a clock an hour behind, and 50 an hour ahead, all succeed", async () => {
    for (const skew of [-3600_000, 3600_000]) {
      proxy.skewMs = skew;
      // This test's own refusals: a request an earlier test gave up on (a stall's timeout) may
      // still arrive now, and be refused too.
      const refusals = () => proxy.refused.filter((key) => key.startsWith(`skew-${skew}-`)).length;
      const sqs = client({ maxAttempts: 1 });
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: `skew-${skew}-${i}` }),
        ),
      );
      const failed = results.filter((r) => r.status === "rejected");
      assert.deepEqual(failed, [], `skew ${skew}`);
      assert.ok(refusals() >= 1 && refusals() <= 50, `refusals: ${refusals()}`);
      // The offset is kept: the next request is signed right the first time.
      const before = refusals();
      await sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: `skew-${skew}-after` });
      assert.equal(refusals(), before);
    }
    proxy.skewMs = 0;
  });

  it("does not retry a signature error when the clocks agree", async () => {
    proxy.skewMs = 0;
    proxy.plan("bad-signature", ["throttle:SignatureDoesNotMatch"]);
    await assert.rejects(
      client().sendMessage({ QueueUrl: queueUrl, MessageBody: "bad-signature" }),
      (e: unknown) => isServiceError(e) && e.code === "SignatureDoesNotMatch",
    );
    assert.equal(proxy.served.get("bad-signature")?.length, 1);
  });

  it("the retry quota stops a retry storm", async () => {
    proxy.defaultFault = "503";
    try {
      const sqs = client({ maxAttempts: 5 });
      const calls = 150;
      const results = await Promise.allSettled(
        Array.from({ length: calls }, (_, i) =>
          sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: `storm-${i}` }),
        ),
      );
      for (const r of results) {
        assert.ok(
          r.status === "rejected" && isServiceError(r.reason) && r.reason.statusCode === 503,
          String(r.status === "rejected" ? r.reason : r.status),
        );
      }
      // This test's own requests (not one an earlier test gave up on, arriving late).
      let sent = 0;
      for (const [key, served] of proxy.served) if (key.startsWith("storm-")) sent += served.length;
      // Without a quota: 150 × 5 = 750 requests. With it: 150 first attempts + at most 500 / 5 retries.
      assert.ok(sent <= calls + 100, `requests sent: ${sent}`);
      assert.ok(sent > calls, "some retries happened");
    } finally {
      proxy.defaultFault = "ok";
    }
  });

  it("never retries after the caller's signal aborts, even mid-backoff", async () => {
    const sqs = client({ maxAttempts: 5 });
    for (const fault of ["stall", "503"] as const) {
      const key = `abort-${fault}`;
      proxy.plan(key, [fault]);
      const controller = new AbortController();
      proxy.onRequest = (seen) => {
        if (seen === key) setImmediate(() => controller.abort(new Error("caller gave up")));
      };
      await assert.rejects(
        sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: key }, { signal: controller.signal }),
        (e: unknown) => isAbortError(e),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(proxy.served.get(key)?.length, 1, fault);
    }
    proxy.onRequest = undefined;
  });

  it("a long poll is not cut by the request timeout", async () => {
    const out = await client({ requestTimeoutMs: 200 }).receiveMessage({
      QueueUrl: queueUrl,
      WaitTimeSeconds: 1,
      MaxNumberOfMessages: 1,
      VisibilityTimeout: 0,
    });
    assert.ok(out);
  });

  it("adaptive mode given as adaptiveRetry gets through throttling the same way", async () => {
    await withEnv({}, async () => {
      const sqs = client({ retryMode: adaptiveRetry, maxAttempts: 3 });
      proxy.plan("adaptive-object-0", ["throttle:ThrottlingException", "ok"]);
      for (let i = 0; i < 3; i++) {
        const out = await sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: `adaptive-object-${i}` });
        assert.ok(out.MessageId);
      }
      assert.deepEqual(proxy.served.get("adaptive-object-0"), ["throttle:ThrottlingException", "ok"]);
    });
  });

  it("adaptive mode slows down after throttling and still gets through", async () => {
    await withEnv({}, async () => {
      const sqs = client({ retryMode: "adaptive", maxAttempts: 3 });
      proxy.plan("adaptive-0", ["throttle:ThrottlingException", "ok"]);
      for (let i = 0; i < 3; i++) {
        const out = await sqs.sendMessage({ QueueUrl: queueUrl, MessageBody: `adaptive-${i}` });
        assert.ok(out.MessageId);
      }
      assert.deepEqual(proxy.served.get("adaptive-0"), ["throttle:ThrottlingException", "ok"]);
    });
  });
});
