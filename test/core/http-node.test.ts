// The lean HTTP/1.1 transport against raw node:net servers on loopback: framing, reuse, faults.
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, describe, test } from "node:test";
import { createServer as createTlsServer } from "node:tls";
import { isAbortError, isNetworkError, isTimeoutError } from "../../src/core/errors.js";
import { defaultTransport, type HttpRequest } from "../../src/core/http.js";
import { netTransport } from "../../src/core/http-node.js";
import { failNextImport, isSimulatedLoadFailure } from "../helpers/failing-import.js";
import { makeSigner } from "../helpers/x509.js";

interface RawServer {
  port: number;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

/** A server that hands each complete request (head + content-length body) to `answer`. */
async function rawServer(
  answer: (socket: Socket, request: string, index: number) => void,
): Promise<RawServer> {
  const state = { connections: 0, requests: [] as string[] };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
        if (Buffer.byteLength(buffer.slice(end + 4)) < length) return;
        const request = buffer.slice(0, end + 4 + length);
        buffer = buffer.slice(end + 4 + length);
        state.requests.push(request);
        answer(socket, request, state.requests.length - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get connections() {
      return state.connections;
    },
    requests: state.requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function requestTo(port: number, body = "{}"): HttpRequest {
  return {
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: String(port),
    path: "/",
    headers: { host: `127.0.0.1:${port}`, "content-type": "application/x-amz-json-1.0" },
    body,
  };
}

const context = { operation: "Test" };
const servers: RawServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

describe("net transport", () => {
  test("reads a content-length body and reuses the connection", async () => {
    const server = await rawServer((socket) => {
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}',
      );
    });
    servers.push(server);
    const send = netTransport();
    for (let i = 0; i < 5; i++) {
      const response = await send(requestTo(server.port), undefined, 5000, context);
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"ok":true}');
      assert.equal(response.headers["content-type"], "application/json");
    }
    assert.equal(server.connections, 1);
    assert.match(server.requests[0]!, /^POST \/ HTTP\/1\.1\r\n/);
    assert.match(server.requests[0]!, /content-length: 2\r\n/);
  });

  test("sends the UTF-8 byte length and reads multibyte text split across packets", async () => {
    const text = JSON.stringify({ v: "héllo wörld ✓ 😀" });
    const bytes = Buffer.from(text);
    const server = await rawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\n\r\n`);
      // one byte at a time, splitting every multibyte character
      let i = 0;
      const tick = () => {
        if (i < bytes.length) {
          socket.write(bytes.subarray(i, i + 1));
          i++;
          setImmediate(tick);
        }
      };
      tick();
    });
    servers.push(server);
    const response = await netTransport()(requestTo(server.port, text), undefined, 5000, context);
    assert.equal(response.body, text);
    assert.match(server.requests[0]!, new RegExp(`content-length: ${bytes.length}\\r\\n`));
  });

  test("reads chunked bodies with extensions and trailers", async () => {
    const server = await rawServer((socket, _request, index) => {
      if (index === 0)
        socket.write(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\n\r\n",
        );
      else
        socket.write(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n",
        );
    });
    servers.push(server);
    const send = netTransport();
    assert.equal((await send(requestTo(server.port), undefined, 5000, context)).body, "hello world");
    assert.equal((await send(requestTo(server.port), undefined, 5000, context)).body, "abc");
    assert.equal(server.connections, 1);
  });

  test("reads a byte body that arrives in many pieces into an array of its own; and a cut one fails", async () => {
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
    const server = await rawServer((socket, _request, index) => {
      const length = index === 0 ? bytes.length : bytes.length + 10;
      const whole = Buffer.concat([
        Buffer.from(
          `HTTP/1.1 200 OK\r\nContent-Length: ${length}${index === 0 ? "" : "\r\nConnection: close"}\r\n\r\n`,
        ),
        bytes,
      ]);
      void (async () => {
        for (let pos = 0, i = 0; pos < whole.length; i++) {
          const size = 1 + ((i * 977) % 9000);
          socket.write(whole.subarray(pos, pos + size));
          pos += size;
          if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        if (index !== 0) socket.end();
      })();
    });
    servers.push(server);
    const send = netTransport();
    const response = await send(
      { ...requestTo(server.port), binaryResponse: true },
      undefined,
      10_000,
      context,
    );
    assert.equal(response.statusCode, 200);
    assert.ok(response.bytes);
    assert.equal(Buffer.compare(Buffer.from(response.bytes), bytes), 0);
    assert.equal(response.bytes.buffer.byteLength, bytes.length, "the body's own memory, not a shared pool");
    // 10 bytes fewer than announced, then the connection ends: an error, never a short body.
    await assert.rejects(
      send({ ...requestTo(server.port), binaryResponse: true }, undefined, 10_000, context),
      (error: unknown) => isNetworkError(error),
    );
  });

  test("reads a chunked body that arrives in many pieces, its frames cut anywhere", async () => {
    // 300 chunks of 1 to 4,000 bytes (with a multi-byte character cut by the framing), sent in
    // pieces of 1 to 700 bytes with pauses, so frames and size lines are split across reads.
    const chunks: Buffer[] = [];
    for (let i = 0; i < 300; i++) chunks.push(Buffer.from("é".repeat(1 + ((i * 37) % 2000)), "utf8"));
    chunks.push(Buffer.from("end"));
    const expected = Buffer.concat(chunks);
    const framed = Buffer.concat([
      Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
      ...chunks.flatMap((chunk) => [
        Buffer.from(`${chunk.length.toString(16)}\r\n`),
        chunk,
        Buffer.from("\r\n"),
      ]),
      Buffer.from("0\r\n\r\n"),
    ]);
    const server = await rawServer((socket) => {
      void (async () => {
        for (let pos = 0, i = 0; pos < framed.length; i++) {
          const size = 1 + ((i * 131) % 700);
          socket.write(framed.subarray(pos, pos + size));
          pos += size;
          if (i % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      })();
    });
    servers.push(server);
    const response = await netTransport()(requestTo(server.port), undefined, 10_000, context);
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, expected.toString("utf8"));
  });

  test("skips a 100 Continue and reads a body framed by the end of the connection", async () => {
    const server = await rawServer((socket) => {
      socket.write(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\nbusy",
      );
      socket.end();
    });
    servers.push(server);
    const response = await netTransport()(requestTo(server.port), undefined, 5000, context);
    assert.equal(response.statusCode, 503);
    assert.equal(response.body, "busy");
  });

  test("a reused connection closed by the server is retried once on a new one", async () => {
    const server = await rawServer((socket, _request, index) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      // After answering the first request, close the connection as an idle server would.
      if (index === 0) setTimeout(() => socket.destroy(), 20);
    });
    servers.push(server);
    const send = netTransport();
    await send(requestTo(server.port), undefined, 5000, context);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await send(requestTo(server.port), undefined, 5000, context);
    assert.equal(response.body, "ok");
    assert.equal(server.connections, 2);
  });

  test("a response cut in the middle is a NetworkError after the response began", async () => {
    const server = await rawServer((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"trunc');
    });
    servers.push(server);
    await assert.rejects(
      netTransport()(requestTo(server.port), undefined, 5000, context),
      (error: unknown) => {
        assert.ok(isNetworkError(error));
        assert.equal(error.beforeResponse, false);
        return true;
      },
    );
  });

  test("garbage instead of HTTP is a NetworkError", async () => {
    const server = await rawServer((socket) => {
      socket.write("SSH-2.0-OpenSSH_9.0\r\n\r\n");
    });
    servers.push(server);
    await assert.rejects(netTransport()(requestTo(server.port), undefined, 5000, context), (error: unknown) =>
      isNetworkError(error),
    );
  });

  test("a refused connection is a NetworkError before any response", async () => {
    const server = await rawServer(() => undefined);
    const port = server.port;
    await server.close();
    await assert.rejects(netTransport()(requestTo(port), undefined, 5000, context), (error: unknown) => {
      assert.ok(isNetworkError(error));
      assert.equal(error.beforeResponse, true);
      assert.equal(error.code, "ECONNREFUSED");
      return true;
    });
  });

  test("times out, and aborts at once", async () => {
    const server = await rawServer(() => undefined); // never answers
    servers.push(server);
    const send = netTransport();
    await assert.rejects(send(requestTo(server.port), undefined, 100, context), (error: unknown) =>
      isTimeoutError(error),
    );
    const controller = new AbortController();
    const pending = send(requestTo(server.port), controller.signal, 60_000, context);
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await assert.rejects(pending, (error: unknown) => isAbortError(error));
    await assert.rejects(
      send(requestTo(server.port), AbortSignal.abort(), 60_000, context),
      (error: unknown) => isAbortError(error),
    );
  });

  test("requests in flight time out each at its own deadline; one signal aborts all its requests, and a later one unsent", async () => {
    const server = await rawServer((socket, request) => {
      // Answers the requests whose body says so; the others wait forever.
      if (request.endsWith('{"answer":true}')) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    servers.push(server);
    const send = netTransport();
    const ended: string[] = [];
    const timed = (name: string, timeoutMs: number) =>
      send(requestTo(server.port), undefined, timeoutMs, context).then(
        () => assert.fail(`${name} was answered`),
        (error: unknown) => {
          assert.ok(isTimeoutError(error), `${name}: ${String(error)}`);
          ended.push(name);
        },
      );
    // The later deadline first, then an earlier one, and a request answered meanwhile.
    const late = timed("late", 400);
    const early = timed("early", 80);
    const answered = await send(requestTo(server.port, '{"answer":true}'), undefined, 60_000, context);
    assert.equal(answered.body, "ok");
    await Promise.all([late, early]);
    assert.deepEqual(ended, ["early", "late"]);

    const controller = new AbortController();
    const pending = [1, 2, 3].map(() => send(requestTo(server.port), controller.signal, 60_000, context));
    const answeredToo = await send(
      requestTo(server.port, '{"answer":true}'),
      controller.signal,
      60_000,
      context,
    );
    assert.equal(answeredToo.body, "ok");
    controller.abort(new Error("stop"));
    for (const request of pending) await assert.rejects(request, (error: unknown) => isAbortError(error));
    // The same signal, now aborted: a later request ends before it is sent.
    const sent = server.requests.length;
    await assert.rejects(send(requestTo(server.port), controller.signal, 60_000, context), (error: unknown) =>
      isAbortError(error),
    );
    assert.equal(server.requests.length, sent);
    // Nothing in flight: no timer holds the process.
    assert.equal(
      process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length,
      0,
      String(process.getActiveResourcesInfo()),
    );
  });

  test("a signal that aborts while the transport loads node:net still ends the request (no hang)", async () => {
    const server = await rawServer(() => undefined); // never answers
    servers.push(server);
    const controller = new AbortController();
    // Aborts in the microtask after the call began: after the transport checked the signal, while
    // its first request waits for node:net.
    queueMicrotask(() => controller.abort(new Error("stop")));
    const pending = netTransport()(requestTo(server.port), controller.signal, 0, context);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("hung"), 5000);
    });
    const outcome = await Promise.race([
      pending.then(
        () => "answered",
        (error: unknown) => (isAbortError(error) ? "aborted" : String(error)),
      ),
      hung,
    ]);
    clearTimeout(timer);
    assert.equal(outcome, "aborted");
  });

  test("concurrent requests each get their own connection and their own answer", async () => {
    const server = await rawServer((socket, request) => {
      const body = /\r\n\r\n(.*)$/s.exec(request)![1]!;
      setTimeout(
        () => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
        5,
      );
    });
    servers.push(server);
    const send = netTransport();
    const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify({ i }));
    const responses = await Promise.all(
      bodies.map((body) => send(requestTo(server.port, body), undefined, 5000, context)),
    );
    assert.deepEqual(
      responses.map((r) => r.body),
      bodies,
    );
    assert.ok(server.connections <= 20);
  });

  test("an answer followed by bytes beyond its framing is read, and its connection is not reused", async () => {
    // Each first answer comes with the start of a stale one after its end, in the same write: the
    // connection is out of step with the server, so the next request must go on a new one.
    const stale = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale";
    const cases: { name: string; answer: string; binary?: boolean; method?: string; body: string }[] = [
      {
        name: "content-length",
        answer: `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok${stale}`,
        body: "ok",
      },
      {
        name: "content-length, bytes",
        answer: `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok${stale}`,
        binary: true,
        body: "ok",
      },
      {
        name: "chunked",
        answer: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n${stale}`,
        body: "ok",
      },
      { name: "204", answer: `HTTP/1.1 204 No Content\r\n\r\n${stale}`, body: "" },
      {
        name: "HEAD",
        answer: `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n${stale}`,
        method: "HEAD",
        body: "",
      },
    ];
    for (const { name, answer, binary, method, body } of cases) {
      const server = await rawServer((socket, _request, index) => {
        socket.write(index === 0 ? answer : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
      });
      servers.push(server);
      const send = netTransport();
      const request = {
        ...requestTo(server.port),
        ...(method ? { method } : {}),
        binaryResponse: binary === true,
      };
      const first = await send(request, undefined, 5000, context);
      assert.equal(first.statusCode, name === "204" ? 204 : 200, name);
      assert.equal(binary ? Buffer.from(first.bytes!).toString() : first.body, body, name);
      const second = await send(requestTo(server.port), undefined, 5000, context);
      assert.equal(second.body, "fresh", name);
      assert.equal(server.connections, 2, `${name}: the connection with extra bytes was not reused`);
    }
  });

  test("an answer that arrives before the request is written is read, and its connection is not reused", async () => {
    // The server answers as soon as it has the head of the first request and reads no more of
    // it: the rest of the body, still being written, would be read as the next request.
    let connection = 0;
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      const index = connection++;
      sockets.add(socket);
      socket.on("error", () => undefined);
      let head = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        head += chunk;
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (index === 0) {
          socket.pause();
          socket.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\n\r\ntoo big!");
          return;
        }
        const length = Number(/content-length: (\d+)/i.exec(head.slice(0, end))?.[1] ?? 0);
        if (head.length - end - 4 < length) return;
        head = "";
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const send = netTransport();
      // More than the socket buffers of both ends hold while the server reads nothing.
      const big = { ...requestTo(port), body: new Uint8Array(16 * 1024 * 1024) };
      const first = await send(big, undefined, 5000, context);
      assert.equal(first.statusCode, 413);
      assert.equal(first.body, "too big!");
      const second = await send(requestTo(port), undefined, 5000, context);
      assert.equal(second.body, "ok");
      assert.equal(connection, 2);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test("the default transport on Node loads this one again after a failed load", async () => {
    const server = await rawServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    );
    servers.push(server);
    const send = defaultTransport();
    await failNextImport("/core/http-node.js");
    await assert.rejects(send(requestTo(server.port), undefined, 5000, context), (error: unknown) =>
      isSimulatedLoadFailure(error),
    );
    assert.equal((await send(requestTo(server.port), undefined, 5000, context)).body, "ok");
  });

  test("https: speaks TLS with the server (node:tls, loaded on first use) and reuses the connection", async () => {
    const signer = makeSigner({ commonName: "127.0.0.1" });
    let handshakes = 0;
    const open = new Set<{ destroy(): void }>();
    const server = createTlsServer(
      { key: signer.privateKey.export({ type: "pkcs8", format: "pem" }), cert: signer.pem },
      (socket) => {
        handshakes++;
        open.add(socket);
        let buffer = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => {
          buffer += chunk;
          const end = buffer.indexOf("\r\n\r\n");
          if (end < 0) return;
          const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
          if (Buffer.byteLength(buffer.slice(end + 4)) < length) return;
          const body = buffer.slice(end + 4);
          buffer = "";
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    // The certificate is the test's own: trust it for this test only.
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    const warnings = process.listeners("warning");
    process.removeAllListeners("warning");
    try {
      const send = netTransport();
      const first = await send(
        { ...requestTo(port, '{"n":1}'), protocol: "https:" },
        undefined,
        5000,
        context,
      );
      const second = await send(
        { ...requestTo(port, '{"n":2}'), protocol: "https:" },
        undefined,
        5000,
        context,
      );
      assert.equal(first.body, '{"n":1}');
      assert.equal(second.body, '{"n":2}');
      assert.equal(handshakes, 1);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
      for (const listener of warnings) process.on("warning", listener);
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
