// The HTTP(S) endpoint helpers: snsNodeHandler on a real node:http server on loopback, and
// snsFetchHandler with Request objects. Messages are signed with a key the test made; the SNS
// client that confirms subscriptions talks to a loopback server checking the form body.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { isSignatureVerificationError, isValidationError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { confirmSnsSubscription, snsFetchHandler, snsNodeHandler } from "../../src/sns/verify/handlers.js";
import type { CertificateFetch, SnsMessage } from "../../src/sns/verify/verifier.js";
import { failNextImport, isSimulatedLoadFailure } from "../helpers/failing-import.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { type Loopback, startLoopback, xml } from "../helpers/loopback.js";
import { makeSigner, signSnsMessage, type TestSigner } from "../helpers/x509.js";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:orders";
const CERT_URL = `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;

let signer: TestSigner;
let snsServer: Loopback;
let trap: Loopback;
let sns: SNS;
let certificateFetches: string[];
const certificateFetch: CertificateFetch = async (url) => {
  certificateFetches.push(url);
  return url === CERT_URL ? new Response(signer.pem, { status: 200 }) : new Response("no", { status: 404 });
};

before(async () => {
  signer = makeSigner();
  snsServer = await startLoopback(() =>
    xml(
      `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>${TOPIC}:sub-1</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`,
    ),
  );
  // SubscribeURL points here: the handlers must never fetch it.
  trap = await startLoopback(() => ({ status: 200, body: "confirmed by URL" }));
  sns = new SNS({ endpoint: snsServer.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(async () => {
  await snsServer.close();
  await trap.close();
});
beforeEach(() => {
  snsServer.requests.length = 0;
  trap.requests.length = 0;
  certificateFetches = [];
});

const notification = (message = "Hello from SNS") =>
  signSnsMessage(
    {
      Type: "Notification",
      MessageId: "m-1",
      TopicArn: TOPIC,
      Message: message,
      Timestamp: "2024-05-01T12:00:00.000Z",
      UnsubscribeURL: `${trap.endpoint}/unsubscribe`,
    },
    signer,
    "2",
    CERT_URL,
  );

const confirmation = (type: "SubscriptionConfirmation" | "UnsubscribeConfirmation", topic = TOPIC) =>
  signSnsMessage(
    {
      Type: type,
      MessageId: "c-1",
      Token: "token-2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d",
      TopicArn: topic,
      Message: "You have chosen to subscribe to the topic.",
      SubscribeURL: `${trap.endpoint}/?Action=ConfirmSubscription&Token=token`,
      Timestamp: "2024-05-01T12:00:01.000Z",
    },
    signer,
    "1",
    CERT_URL,
  );

describe("snsNodeHandler on a node:http server", () => {
  let server: Server;
  let url: string;
  const seen: SnsMessage[] = [];
  const errors: unknown[] = [];
  let failNext = false;

  before(async () => {
    const handler = snsNodeHandler({
      topicArns: [TOPIC],
      sns,
      fetch: certificateFetch,
      maxBodyBytes: 8192,
      onNotification: async (message) => {
        if (failNext) {
          failNext = false;
          throw new Error("the handler failed");
        }
        seen.push(message);
      },
      onUnsubscribeConfirmation: (message) => {
        seen.push(message);
      },
      onError: (error) => {
        errors.push(error);
      },
    });
    server = createServer((req, res) => {
      void handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    errors.length = 0;
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=UTF-8", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("hands a verified notification to onNotification and answers 200", async () => {
    const response = await post(notification(), { "x-amz-sns-message-type": "Notification" });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "OK");
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.Type, "Notification");
    assert.equal(seen[0]!.Message, "Hello from SNS");
    assert.deepEqual(errors, []);
  });

  it("answers 403 with the reason for a message that fails verification, and tells onError", async () => {
    const response = await post({ ...notification(), Message: "tampered" });
    assert.equal(response.status, 403);
    assert.equal(await response.text(), "bad-signature");
    assert.equal(seen.length, 0);
    assert.ok(isSignatureVerificationError(errors[0]));
    const other = await post(
      confirmation("SubscriptionConfirmation", "arn:aws:sns:us-east-1:999999999999:theirs"),
    );
    assert.equal(other.status, 403);
    assert.equal(await other.text(), "topic-not-allowed");
  });

  it("answers 400 for a body that is not an SNS message, or whose header disagrees", async () => {
    const response = await post("not json");
    assert.equal(response.status, 400);
    assert.equal(await response.text(), "malformed");
    const mismatch = await post(notification(), { "x-amz-sns-message-type": "SubscriptionConfirmation" });
    assert.equal(mismatch.status, 400);
    assert.equal(await mismatch.text(), "type-mismatch");
    assert.equal(seen.length, 0);
  });

  it("answers 405 to other methods and 413 to a body over the limit", async () => {
    assert.equal((await fetch(url)).status, 405);
    const big = await post(notification("x".repeat(10_000)));
    assert.equal(big.status, 413);
    assert.equal(seen.length, 0);
  });

  it("answers 500 when onNotification throws, so that SNS retries", async () => {
    failNext = true;
    const response = await post(notification());
    assert.equal(response.status, 500);
    assert.match(String(errors[0]), /the handler failed/);
  });

  it("confirms a subscription with ConfirmSubscription, never by fetching SubscribeURL", async () => {
    const message = confirmation("SubscriptionConfirmation");
    const response = await post(message, { "x-amz-sns-message-type": "SubscriptionConfirmation" });
    assert.equal(response.status, 200);
    assert.equal(snsServer.requests.length, 1);
    assert.equal(
      snsServer.requests[0]!.body,
      `Action=ConfirmSubscription&Version=2010-03-31&TopicArn=${encodeURIComponent(TOPIC)}&Token=${message.Token}`,
    );
    assert.ok(snsServer.requests[0]!.signatureValid);
    assert.equal(trap.requests.length, 0, "SubscribeURL was not fetched");
    assert.ok(certificateFetches.every((fetched) => fetched === CERT_URL));
  });

  it("hands an unsubscribe confirmation to its callback, and confirms nothing", async () => {
    const response = await post(confirmation("UnsubscribeConfirmation"));
    assert.equal(response.status, 200);
    assert.equal(seen[0]?.Type, "UnsubscribeConfirmation");
    assert.equal(snsServer.requests.length, 0);
    assert.equal(trap.requests.length, 0);
  });
});

describe("snsNodeHandler with a body a framework already read", () => {
  it("uses req.body, as Express's parsers leave it", async () => {
    const seen: string[] = [];
    const handler = snsNodeHandler({
      fetch: certificateFetch,
      onNotification: (m) => void seen.push(m.Message),
    });
    let status = 0;
    let text = "";
    const response = {
      writeHead: (code: number) => {
        status = code;
      },
      end: (body: string) => {
        text = body;
      },
    };
    const empty = (async function* () {})();
    await handler(
      { method: "POST", headers: {}, body: notification(), [Symbol.asyncIterator]: () => empty },
      response,
    );
    assert.equal(status, 200);
    assert.equal(text, "OK");
    await handler(
      {
        method: "POST",
        headers: {},
        body: JSON.stringify(notification("as text")),
        [Symbol.asyncIterator]: () => empty,
      },
      response,
    );
    // Express 4 leaves `{}` when no parser matched: the stream is read instead.
    const bytes = new TextEncoder().encode(JSON.stringify(notification("from the stream")));
    const stream = (async function* () {
      yield bytes.subarray(0, 10);
      yield bytes.subarray(10);
    })();
    await handler({ method: "POST", headers: {}, body: {}, [Symbol.asyncIterator]: () => stream }, response);
    assert.equal(status, 200);
    assert.deepEqual(seen, ["Hello from SNS", "as text", "from the stream"]);
  });
});

describe("snsFetchHandler", () => {
  const request = (body: unknown, init: RequestInit = {}) =>
    new Request("https://example.com/sns", { method: "POST", body: JSON.stringify(body), ...init });

  it("verifies and dispatches like the node:http handler", async () => {
    const seen: SnsMessage[] = [];
    const confirmed: string[] = [];
    const handler = snsFetchHandler({
      topicArns: [TOPIC],
      fetch: certificateFetch,
      onNotification: (message) => {
        seen.push(message);
      },
      onSubscriptionConfirmation: async (message, confirm) => {
        confirmed.push(message.Token);
        await confirm().catch((error: unknown) => {
          assert.ok(isValidationError(error), "no sns client given: confirm() says so");
        });
      },
    });
    const response = await handler(request(notification()));
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "OK");
    assert.equal(seen[0]?.Message, "Hello from SNS");

    assert.equal((await handler(request(confirmation("SubscriptionConfirmation")))).status, 200);
    assert.equal(confirmed.length, 1);
    assert.equal(trap.requests.length, 0);

    const bad = await handler(request({ ...notification(), TopicArn: `${TOPIC}x` }));
    assert.equal(bad.status, 403);
    assert.equal(await bad.text(), "topic-not-allowed");
    assert.equal((await handler(new Request("https://example.com/sns"))).status, 405);
    const tooBig = snsFetchHandler({ fetch: certificateFetch, maxBodyBytes: 100, onNotification: () => {} });
    assert.equal((await tooBig(request(notification()))).status, 413);
    const streamed = new Request("https://example.com/sns", {
      method: "POST",
      body: new ReadableStream({
        pull(controller) {
          controller.enqueue(new Uint8Array(64));
        },
      }),
      duplex: "half",
    } as RequestInit);
    assert.equal((await tooBig(streamed)).status, 413);
  });

  it("confirms with the given client when there is no callback", async () => {
    const handler = snsFetchHandler({
      topicArns: [TOPIC],
      sns,
      fetch: certificateFetch,
      onNotification: () => {},
    });
    assert.equal((await handler(request(confirmation("SubscriptionConfirmation")))).status, 200);
    assert.equal(snsServer.requests.length, 1);
    assert.match(snsServer.requests[0]!.body, /^Action=ConfirmSubscription&/);
  });
});

describe("handler options", () => {
  it("refuses to confirm subscriptions automatically for any topic", () => {
    assert.throws(
      () => snsNodeHandler({ sns, onNotification: () => {} }),
      (error: unknown) => isValidationError(error) && error.field === "topicArns",
    );
    assert.throws(
      () => snsFetchHandler({} as never),
      (error: unknown) => isValidationError(error) && error.field === "onNotification",
    );
    assert.throws(() => snsFetchHandler({ onNotification: () => {}, maxBodyBytes: 0 }), isValidationError);
  });

  it("confirmSnsSubscription calls ConfirmSubscription with the TopicArn and Token", async () => {
    const output = await confirmSnsSubscription(sns, { TopicArn: TOPIC, Token: "tok" });
    assert.deepEqual(output, { SubscriptionArn: `${TOPIC}:sub-1` });
    assert.equal(
      snsServer.requests[0]!.body,
      `Action=ConfirmSubscription&Version=2010-03-31&TopicArn=${encodeURIComponent(TOPIC)}&Token=tok`,
    );
  });
});

describe("a serving side that fails to load", () => {
  it("snsNodeHandler answers 500 (SNS delivers again), tells onError, and loads it at the next request", async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const handler = snsNodeHandler({
      topicArns: [TOPIC],
      fetch: certificateFetch,
      onNotification: (message) => {
        seen.push(message.Message);
      },
      onError: (error) => {
        errors.push(error);
      },
    });
    const server = createServer((req, res) => {
      void handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
    try {
      const post = () =>
        fetch(url, {
          method: "POST",
          body: JSON.stringify(notification()),
          signal: AbortSignal.timeout(5000),
        });
      await failNextImport("/sns/verify/serve.js");
      const failed = await post();
      assert.equal(failed.status, 500);
      const text = await failed.text();
      assert.doesNotMatch(text, /simulated|serve\.js/, "no internals in the answer");
      assert.equal(errors.length, 1);
      assert.ok(isSimulatedLoadFailure(errors[0]), String(errors[0]));
      const next = await post();
      assert.equal(next.status, 200);
      assert.deepEqual(seen, ["Hello from SNS"]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("snsFetchHandler answers 500, tells onError, and loads it at the next request", async () => {
    const errors: unknown[] = [];
    const handler = snsFetchHandler({
      topicArns: [TOPIC],
      fetch: certificateFetch,
      onNotification: () => {},
      onError: (error) => {
        // A logger that throws does not change the answer.
        errors.push(error);
        throw new Error("the logger failed");
      },
    });
    const request = () =>
      new Request("https://example.com/sns", { method: "POST", body: JSON.stringify(notification()) });
    await failNextImport("/sns/verify/serve.js");
    const failed = await handler(request());
    assert.equal(failed.status, 500);
    assert.doesNotMatch(await failed.text(), /simulated|serve\.js/);
    assert.ok(isSimulatedLoadFailure(errors[0]), String(errors[0]));
    assert.equal((await handler(request())).status, 200);
  });
});
