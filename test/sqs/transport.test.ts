// Abort, timeouts and broken answers, end to end through the SQS client, on both transports (the
// default one, and an injected `fetch`). Every failure is a typed error, and nothing hangs.
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  isAbortError,
  isNetworkError,
  isResponseError,
  isServiceError,
  isTimeoutError,
} from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, type Reply, startLoopback, xml } from "../helpers/loopback.js";
import { caught, delay, md5, queryXml } from "../helpers/sqs.js";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue";
/** Guard of every test here: a hang fails the test instead of the run. */
const GUARD = { timeout: 15_000 };

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

let handler: Handler = (_req, res) => res.end();
let server: Loopback;
/** Requests received and not yet answered (a never-answering server keeps them). */
let arrived: () => void = () => {};

before(async () => {
  server = await startLoopback(
    (): Reply => ({
      raw: (req, res) => {
        arrived();
        handler(req, res, server.requests.length);
      },
    }),
  );
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

/**
 * The number of requests the server has recorded, read once it has seen `expected` of them (or
 * 2 s passed) and a little after: on a loaded machine the client can time out before the server's
 * side of the loopback has read the request.
 */
async function requestsSeen(expected: number): Promise<number> {
  for (let waited = 0; server.requests.length < expected && waited < 2000; waited += 20) await delay(20);
  await delay(100);
  return server.requests.length;
}

/** Resolves when the next request reaches the server. */
function nextArrival(): Promise<void> {
  return new Promise((resolve) => {
    arrived = () => {
      arrived = () => {};
      resolve();
    };
  });
}

function reply(res: ServerResponse, r: Reply): void {
  res.writeHead(r.status ?? 200, r.headers ?? {});
  res.end(r.body ?? "");
}

const sendOk = (body: string) =>
  json({ MessageId: "5fea7756-0ea4-451a-a703-a558b933e274", MD5OfMessageBody: md5(body) });
const html502 = (res: ServerResponse) =>
  reply(res, {
    status: 502,
    headers: { "content-type": "text/html" },
    body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
  });

const transports = [
  ["default transport", {}],
  ["injected fetch", { fetch: (input: string, init: RequestInit) => fetch(input, init) }],
] as const;

for (const [label, transportOptions] of transports) {
  /** A fresh client (fresh connections) for each test. */
  const client = (options: { maxAttempts?: number; requestTimeoutMs?: number; protocol?: "query" } = {}) =>
    new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      ...transportOptions,
      ...options,
    });
  const send = (sqs: SQS, options?: { signal?: AbortSignal; timeoutMs?: number }) =>
    sqs.sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "hello" }, options);

  describe(`abort and timeouts (${label})`, () => {
    it("aborts a 20 s long poll at once with an AbortError, and does not retry", GUARD, async () => {
      handler = () => {}; // never answers
      const controller = new AbortController();
      const arrival = nextArrival();
      const pending = client().receiveMessage(
        { QueueUrl: QUEUE_URL, WaitTimeSeconds: 20 },
        { signal: controller.signal },
      );
      await arrival;
      const reason = new Error("shutting down");
      controller.abort(reason);
      const error = await caught(() => pending);
      assert.ok(isAbortError(error), String(error));
      assert.equal(error.name, "AbortError");
      assert.equal(error.operation, "ReceiveMessage");
      assert.equal(error.resource, QUEUE_URL);
      assert.equal(error.cause, reason);
      await delay(200);
      assert.equal(server.requests.length, 1, "no retry after abort");
    });

    it("sends nothing with an already-aborted signal", GUARD, async () => {
      handler = (_req, res) => reply(res, sendOk("hello"));
      const error = await caught(() => send(client(), { signal: AbortSignal.abort() }));
      assert.ok(isAbortError(error), String(error));
      await delay(50);
      assert.equal(server.requests.length, 0);
    });

    it("gives a TimeoutError after the call's timeoutMs", GUARD, async () => {
      handler = () => {};
      const error = await caught(() => send(client({ maxAttempts: 1 }), { timeoutMs: 300 }));
      assert.ok(isTimeoutError(error), String(error));
      assert.equal(error.name, "TimeoutError");
      assert.equal(error.timeoutMs, 300);
      assert.equal(error.operation, "SendMessage");
      assert.match(error.message, /timed out after 300 ms/);
      assert.equal(await requestsSeen(1), 1);
    });

    it("gives a TimeoutError after the client's requestTimeoutMs, retrying timeouts", GUARD, async () => {
      handler = () => {};
      const error = await caught(() => send(client({ requestTimeoutMs: 300, maxAttempts: 2 })));
      assert.ok(isTimeoutError(error), String(error));
      assert.equal(error.timeoutMs, 300);
      assert.equal(await requestsSeen(2), 2);
    });

    it("gives a ReceiveMessage long poll at least its wait time plus 5 s", GUARD, async () => {
      handler = (_req, res) => setTimeout(() => reply(res, json({ Messages: [] })), 600);
      const out = await client({ requestTimeoutMs: 200, maxAttempts: 1 }).receiveMessage({
        QueueUrl: QUEUE_URL,
        WaitTimeSeconds: 1,
      });
      assert.deepEqual(out, { Messages: [] });
      const viaCall = await client({ maxAttempts: 1 }).receiveMessage(
        { QueueUrl: QUEUE_URL, WaitTimeSeconds: 1 },
        { timeoutMs: 200 },
      );
      assert.deepEqual(viaCall, { Messages: [] });
      assert.equal(server.requests.length, 2);
    });

    it("still times out other actions at requestTimeoutMs", GUARD, async () => {
      handler = (_req, res) => setTimeout(() => reply(res, json({ QueueUrls: [] })), 600);
      const error = await caught(() => client({ requestTimeoutMs: 200, maxAttempts: 1 }).listQueues({}));
      assert.ok(isTimeoutError(error), String(error));
      // The client gave up after 200 ms, but on a loaded machine its request can still be on its
      // way: wait for it here, or the next test counts it among its own.
      await requestsSeen(1);
    });
  });

  describe(`broken answers (${label})`, () => {
    it("cut response: content-length longer than the body, then the socket destroyed", GUARD, async () => {
      handler = (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": "500" });
        res.write('{"MessageId":"5fea7756-0ea4');
        setTimeout(() => res.socket?.destroy(), 20);
      };
      const error = await caught(() => send(client()));
      assert.ok(isNetworkError(error) || isResponseError(error), String(error));
      assert.equal(error.operation, "SendMessage");
      assert.ok(
        server.requests.length >= 1 && server.requests.length <= 3,
        `${server.requests.length} requests: ${server.requests.map((r) => r.headers["x-amz-target"]).join(", ")}`,
      );
    });

    it("syntactically truncated JSON: a ResponseError, not retried", GUARD, async () => {
      handler = (_req, res) =>
        reply(res, {
          headers: { "content-type": "application/x-amz-json-1.0" },
          body: '{"MessageId":"5fea7756-0',
        });
      const error = await caught(() => send(client()));
      assert.ok(isResponseError(error), String(error));
      assert.equal(error.statusCode, 200);
      assert.match(error.message, /unreadable JSON/);
      assert.equal(server.requests.length, 1);
    });

    it("an HTML 502 page: retried, then a ResponseError with statusCode 502", GUARD, async () => {
      handler = (_req, res) => html502(res);
      const error = await caught(() => send(client()));
      assert.ok(isResponseError(error), String(error));
      assert.equal(error.statusCode, 502);
      assert.ok(!error.message.includes("<html>"), "the page is summarized, not quoted");
      assert.equal(server.requests.length, 3);
    });

    it("an empty body for SendMessage: a ResponseError", GUARD, async () => {
      handler = (_req, res) =>
        reply(res, { headers: { "content-type": "application/x-amz-json-1.0" }, body: "" });
      const error = await caught(() => send(client()));
      assert.ok(isResponseError(error), String(error));
      assert.match(error.message, /empty body/);
    });

    it("a 200 with the wrong content type (text/html): a ResponseError", GUARD, async () => {
      handler = (_req, res) =>
        reply(res, {
          headers: { "content-type": "text/html" },
          body: "<html><body>Welcome to nginx!</body></html>",
        });
      const error = await caught(() => send(client()));
      assert.ok(isResponseError(error), String(error));
      assert.equal(error.statusCode, 200);
      assert.match(error.message, /expected JSON/);
      assert.equal(server.requests.length, 1);
    });

    it("invalid XML in Query mode: a ResponseError", GUARD, async () => {
      handler = (_req, res) =>
        reply(res, xml("<SendMessageResponse><SendMessageResult><MessageId>x</MessageId></SendMessage"));
      const error = await caught(() => send(client({ protocol: "query" })));
      assert.ok(isResponseError(error), String(error));
      assert.match(error.message, /unreadable XML/);
      assert.equal(server.requests.length, 1);
    });

    it("a connection reset before any answer: retried, each attempt a request", GUARD, async () => {
      handler = (req) => req.socket.destroy();
      const error = await caught(() => send(client()));
      assert.ok(isNetworkError(error), String(error));
      assert.equal(error.beforeResponse, true);
      assert.equal(server.requests.length, 3);

      server.requests.length = 0;
      const once = await caught(() => send(client({ maxAttempts: 1 })));
      assert.ok(isNetworkError(once));
      assert.equal(server.requests.length, 1);
    });

    it("a connection reset, then an answer: succeeds on the retry", GUARD, async () => {
      handler = (req, res, attempt) => (attempt === 1 ? req.socket.destroy() : reply(res, sendOk("hello")));
      const out = await send(client());
      assert.equal(out.MessageId, "5fea7756-0ea4-451a-a703-a558b933e274");
      assert.equal(server.requests.length, 2);
    });

    it("a 500, then success: retried once, succeeds", GUARD, async () => {
      handler = (_req, res, attempt) =>
        reply(
          res,
          attempt === 1
            ? json({ __type: "com.amazonaws.sqs#InternalError", message: "oops" }, 500)
            : sendOk("hello"),
        );
      const out = await send(client());
      assert.equal(out.MD5OfMessageBody, md5("hello"));
      assert.equal(server.requests.length, 2);
      assert.equal(server.requests[0]!.body, server.requests[1]!.body, "the same request, sent again");
      assert.ok(server.requests.every((r) => r.signatureValid));
    });

    it("a 502, then success: retried, succeeds", GUARD, async () => {
      handler = (_req, res, attempt) => (attempt === 1 ? html502(res) : reply(res, sendOk("hello")));
      await send(client());
      assert.equal(server.requests.length, 2);
    });

    it("a 400 is not retried", GUARD, async () => {
      handler = (_req, res) =>
        reply(res, json({ __type: "com.amazonaws.sqs#InvalidParameterValue", message: "no" }, 400));
      const error = await caught(() => send(client()));
      assert.ok(isServiceError(error), String(error));
      assert.equal(error.statusCode, 400);
      assert.equal(server.requests.length, 1);
    });

    it("a 400 without a readable error body: a ResponseError, not retried", GUARD, async () => {
      handler = (_req, res) =>
        reply(res, { status: 400, headers: { "content-type": "text/plain" }, body: "Bad Request" });
      const error = await caught(() => send(client()));
      assert.ok(isResponseError(error), String(error));
      assert.equal(error.statusCode, 400);
      assert.equal(server.requests.length, 1);
    });

    it("a JSON array or null instead of an object: a ResponseError", GUARD, async () => {
      for (const body of ["[]", "null", '"text"']) {
        handler = (_req, res) =>
          reply(res, { headers: { "content-type": "application/x-amz-json-1.0" }, body });
        const error = await caught(() => send(client()));
        assert.ok(isResponseError(error), `${body}: ${String(error)}`);
      }
    });

    it("a connection refused: a NetworkError after the attempts", GUARD, async () => {
      const closed = await startLoopback(() => ({}));
      const endpoint = closed.endpoint;
      await closed.close();
      const sqs = new SQS({
        endpoint,
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
        ...transportOptions,
      });
      const error = await caught(() => send(sqs));
      assert.ok(isNetworkError(error), String(error));
      assert.equal(error.beforeResponse, true);
      assert.equal(error.operation, "SendMessage");
    });
  });
}

describe("HTTP framing of the default transport", () => {
  const client = () =>
    new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });

  it("reads a chunked answer", GUARD, async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "transfer-encoding": "chunked" });
      res.write('{"QueueUrls":["https://sqs.us-east-1.amazonaws.com/1/a",');
      setTimeout(() => res.end('"https://sqs.us-east-1.amazonaws.com/1/b"]}'), 10);
    };
    const out = await client().listQueues({});
    assert.deepEqual(out.QueueUrls, [
      "https://sqs.us-east-1.amazonaws.com/1/a",
      "https://sqs.us-east-1.amazonaws.com/1/b",
    ]);
  });

  it("reads an answer framed by the end of the connection", GUARD, async () => {
    handler = (req) => {
      const body = JSON.stringify({ QueueUrls: ["https://sqs.us-east-1.amazonaws.com/1/é"] });
      req.socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    const out = await client().listQueues({});
    assert.deepEqual(out.QueueUrls, ["https://sqs.us-east-1.amazonaws.com/1/é"]);
  });

  it("turns a non-HTTP answer into a NetworkError", GUARD, async () => {
    handler = (req) => req.socket.end("SSH-2.0-OpenSSH_9.6\r\n\r\n");
    const error = await caught(() => client().listQueues({}));
    assert.ok(isNetworkError(error) || isResponseError(error), String(error));
  });

  it(
    "keeps working on the same client after failures (fresh connections replace broken ones)",
    GUARD,
    async () => {
      const sqs = client();
      handler = (req) => req.socket.destroy();
      await caught(() => send(sqs));
      handler = (_req, res) => reply(res, sendOk("hello"));
      const out = await send(sqs);
      assert.equal(out.MD5OfMessageBody, md5("hello"));
      const again = await send(sqs);
      assert.equal(again.MD5OfMessageBody, md5("hello"));
    },
  );

  function send(sqs: SQS) {
    return sqs.sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "hello" });
  }
});

describe("Query mode answers", () => {
  it("an HTML 502, then a valid XML answer: retried, succeeds", GUARD, async () => {
    handler = (_req, res, attempt) =>
      attempt === 1
        ? html502(res)
        : reply(
            res,
            xml(
              queryXml("ListQueues", "    <QueueUrl>https://sqs.us-east-1.amazonaws.com/1/a</QueueUrl>", "r"),
            ),
          );
    const sqs = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      protocol: "query",
    });
    const out = await sqs.listQueues({});
    assert.deepEqual(out.QueueUrls, ["https://sqs.us-east-1.amazonaws.com/1/a"]);
    assert.equal(server.requests.length, 2);
  });
});
