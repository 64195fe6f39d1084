// Issue 22, point 1: when the signing certificate cannot be fetched (the host refuses, never
// answers, answers 503), the message is not verified *yet*: the endpoints answer 503 so that SNS
// delivers it again (SNS does not retry a 4xx), and the rejection says `retryable: true`. A bad
// signature, a 404 for the certificate, a disallowed topic keep their 4xx. The certificate host
// is a node:http server of the test's own on 127.0.0.1, reached through the `fetch` option.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { after, before, describe, it } from "node:test";
import { isSignatureVerificationError, SignatureVerificationError } from "../../src/core/errors.js";
import { snsFetchHandler, snsNodeHandler } from "../../src/sns/verify/handlers.js";
import { type CertificateFetch, SnsVerifier, verifySnsMessage } from "../../src/sns/verify/verifier.js";
import { makeSigner, signSnsMessage, type TestSigner } from "../helpers/x509.js";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:orders";

type Mode = "refuse" | "hang" | "503" | "404" | "ok";

let signer: TestSigner;
let certHost: Server;
let certPort: number;
let mode: Mode = "ok";
const sockets = new Set<Socket>();

/** A host that drops every connection at once (a closed port could be reused by another test). */
let refusing: NetServer;
let refusedPort: number;

/** Sends SNS's certificate URL to the loopback host, as the runtime's fetch would to SNS. */
const certificateFetch: CertificateFetch = (url, init) => {
  const port = mode === "refuse" ? refusedPort : certPort;
  return fetch(`http://127.0.0.1:${port}/${encodeURIComponent(url)}`, init);
};

before(async () => {
  signer = makeSigner();
  refusing = createNetServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
  refusedPort = (refusing.address() as AddressInfo).port;
  certHost = createServer((_req, res) => {
    if (mode === "hang") return; // accepts and never answers
    if (mode === "503") return void res.writeHead(503).end("slow down");
    if (mode === "404") return void res.writeHead(404).end("no such certificate");
    res.writeHead(200, { "content-type": "application/x-pem-file" }).end(signer.pem);
  });
  certHost.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => certHost.listen(0, "127.0.0.1", resolve));
  certPort = (certHost.address() as AddressInfo).port;
});
after(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => certHost.close(resolve));
  await new Promise((resolve) => refusing.close(resolve));
});

/** A notification signed with a certificate URL of its own (so that no cache hides a fetch). */
function notification(message = "Hello from SNS", topic = TOPIC) {
  const url = `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;
  return signSnsMessage(
    {
      Type: "Notification",
      MessageId: `m-${randomBytes(4).toString("hex")}`,
      TopicArn: topic,
      Message: message,
      Timestamp: "2024-05-01T12:00:00.000Z",
      UnsubscribeURL: "http://127.0.0.1:1/unsubscribe",
    },
    signer,
    "2",
    url,
  );
}

describe("verifySnsMessage tells 'not verified yet' from 'forged'", () => {
  it("retryable: true when the certificate host refuses, hangs or answers 503; false for 404 and forgeries", async () => {
    const options = { topicArns: [TOPIC], fetch: certificateFetch, timeoutMs: 500 };
    const reject = async (m: Mode, payload: unknown) => {
      mode = m;
      try {
        await verifySnsMessage(payload, options);
      } catch (error) {
        assert.ok(isSignatureVerificationError(error), String(error));
        return error;
      } finally {
        mode = "ok";
      }
      assert.fail(`verified in mode ${m}`);
    };
    for (const m of ["refuse", "hang", "503"] as const) {
      const error = await reject(m, notification());
      assert.equal(error.retryable, true, `${m}: ${error.reason}`);
      assert.match(error.reason, /^certificate-(fetch-failed|timeout)$/);
    }
    const missing = await reject("404", notification());
    assert.equal(missing.reason, "certificate-fetch-failed");
    assert.equal(missing.retryable, false);
    const forged = await reject("ok", { ...notification(), Message: "tampered" });
    assert.equal(forged.reason, "bad-signature");
    assert.equal(forged.retryable, false);
    const other = await reject("ok", notification("x", "arn:aws:sns:us-east-1:999999999999:theirs"));
    assert.equal(other.reason, "topic-not-allowed");
    assert.equal(other.retryable, false);
    // The same message verifies once the host is back: the failure was not cached.
    const message = notification();
    await reject("refuse", message);
    assert.equal((await verifySnsMessage(message, options)).Type, "Notification");
  });

  it("an error built by hand follows its reason", () => {
    assert.equal(new SignatureVerificationError("certificate-timeout", "t").retryable, true);
    assert.equal(new SignatureVerificationError("bad-signature", "b").retryable, false);
  });
});

describe("the endpoints answer 503 when a message could not be verified, so that SNS delivers it again", () => {
  const seen: string[] = [];
  const errors: unknown[] = [];
  const options = {
    topicArns: [TOPIC],
    verifier: new SnsVerifier({ topicArns: [TOPIC], fetch: certificateFetch, timeoutMs: 500 }),
    onNotification: (message: { Message: string }) => {
      seen.push(message.Message);
    },
    onError: (error: unknown) => {
      errors.push(error);
    },
  };

  it("snsNodeHandler on a node:http server", async () => {
    const handler = snsNodeHandler(options);
    const server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
    const post = async (body: unknown) => {
      const response = await fetch(url, { method: "POST", body: JSON.stringify(body) });
      return { status: response.status, text: await response.text() };
    };
    try {
      seen.length = 0;
      const message = notification("delivered twice");
      for (const [m, reason] of [
        ["refuse", "certificate-fetch-failed"],
        ["hang", "certificate-timeout"],
        ["503", "certificate-fetch-failed"],
      ] as const) {
        mode = m;
        assert.deepEqual(await post(message), { status: 503, text: reason }, m);
      }
      mode = "404";
      assert.equal((await post(notification())).status, 403);
      mode = "ok";
      // SNS delivers again: now it verifies and reaches the callback.
      assert.deepEqual(await post(message), { status: 200, text: "OK" });
      assert.deepEqual(await post({ ...notification(), Message: "tampered" }), {
        status: 403,
        text: "bad-signature",
      });
      assert.deepEqual(seen, ["delivered twice"]);
    } finally {
      mode = "ok";
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("snsFetchHandler", async () => {
    const handler = snsFetchHandler(options);
    const post = async (body: unknown) => {
      const response = await handler(
        new Request("http://127.0.0.1/sns", { method: "POST", body: JSON.stringify(body) }),
      );
      return { status: response.status, text: await response.text() };
    };
    seen.length = 0;
    const message = notification("fetch-style");
    mode = "hang";
    assert.deepEqual(await post(message), { status: 503, text: "certificate-timeout" });
    mode = "503";
    assert.deepEqual(await post(message), { status: 503, text: "certificate-fetch-failed" });
    mode = "ok";
    assert.deepEqual(await post(message), { status: 200, text: "OK" });
    assert.deepEqual(await post({ ...notification(), Message: "tampered" }), {
      status: 403,
      text: "bad-signature",
    });
    assert.deepEqual(seen, ["fetch-style"]);
  });
});
