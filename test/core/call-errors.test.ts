// Every error of a call is an AsyncAwsError (issue 14): a credentials provider that throws, a
// provider or an option with the wrong keys (STS's PascalCase names), and the caller's own
// AbortSignal.timeout() firing. Against a loopback server that records what reached it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Endpoint } from "../../src/core/config.js";
import {
  isAbortError,
  isAsyncAwsError,
  isCredentialsError,
  isTimeoutError,
  TimeoutError,
} from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, startLoopback } from "../helpers/loopback.js";
import { caught } from "../helpers/sqs.js";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue";
let server: Loopback;
/** Answers at once, or never (for the timeout), by the queue URL's last letter. */
before(async () => {
  server = await startLoopback((request) => {
    if (request.body.includes("Hang")) return { raw: () => {} };
    return json({ MessageId: "m", MD5OfMessageBody: "6f4f2d6f0a3a2f1c1b1e1d6d3c9c2e1a" });
  });
});
after(() => server.close());

function client(options: { credentials: unknown }) {
  return new SQS({
    endpoint: server.endpoint,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: options.credentials as never,
  });
}

describe("a credentials provider that throws", () => {
  it("surfaces as a CredentialsError naming the operation, the provider's error as cause", async () => {
    const failure = new Error("vault unreachable");
    const sqs = client({
      credentials: async () => {
        throw failure;
      },
    });
    const before = server.requests.length;
    const error = await caught(() => sqs.getQueueUrl({ QueueName: "jobs" }));
    assert.ok(isCredentialsError(error), String(error));
    assert.ok(isAsyncAwsError(error));
    assert.equal(error.operation, "GetQueueUrl");
    assert.equal(error.cause, failure);
    assert.match(error.message, /^GetQueueUrl \(jobs\): .*vault unreachable/);
    assert.equal(server.requests.length, before, "nothing was sent");
  });

  it("keeps the sources a chain tried", async () => {
    const { CredentialsError } = await import("../../src/core/errors.js");
    const chainError = new CredentialsError("no credentials", [{ source: "env", reason: "not set" }]);
    const sqs = client({
      credentials: async () => {
        throw chainError;
      },
    });
    const error = await caught(() => sqs.sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "x" }));
    assert.ok(isCredentialsError(error));
    assert.equal(error.operation, "SendMessage");
    assert.equal(error.cause, chainError);
    assert.deepEqual(error.attempts, [{ source: "env", reason: "not set" }]);
  });
});

describe("credentials with the wrong keys", () => {
  const sts = {
    AccessKeyId: "ASIAEXAMPLE",
    SecretAccessKey: "SUPERSECRET-VALUE",
    SessionToken: "TOKEN-VALUE",
  };

  it("an option: names the keys received (never the values) and the PascalCase mistake", () => {
    assert.throws(
      () => client({ credentials: sts as never }),
      (error: unknown) => {
        assert.ok(isCredentialsError(error));
        assert.match(
          error.message,
          /AccessKeyId \(string\), SecretAccessKey \(string\), SessionToken \(string\)/,
        );
        assert.match(error.message, /PascalCase/);
        assert.match(error.message, /accessKeyId: c\.AccessKeyId/);
        assert.ok(!error.message.includes("SUPERSECRET") && !error.message.includes("TOKEN-VALUE"));
        return true;
      },
    );
  });

  it("a provider's result: the same, naming the operation", async () => {
    const sqs = client({ credentials: async () => sts as never });
    const error = await caught(() => sqs.getQueueUrl({ QueueName: "jobs" }));
    assert.ok(isCredentialsError(error));
    assert.equal(error.operation, "GetQueueUrl");
    assert.match(error.message, /AccessKeyId \(string\)/);
    assert.match(error.message, /PascalCase/);
    assert.ok(!error.message.includes("SUPERSECRET"));
  });

  it("names what it got when it is not an object", () => {
    assert.throws(() => client({ credentials: "AKID:SECRET" as never }), /received string/);
  });
});

describe("the caller's AbortSignal.timeout()", () => {
  it("gives an AbortError for which isTimeoutError is true too", async () => {
    const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
    const error = await caught(() =>
      sqs.sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "Hang" }, { signal: AbortSignal.timeout(100) }),
    );
    assert.ok(isAbortError(error), String(error));
    assert.ok(isTimeoutError(error), "isTimeoutError");
    assert.equal((error.cause as Error).name, "TimeoutError");
    assert.match(error.message, /timed out/);
  });

  it("a plain abort is not a timeout", async () => {
    const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
    const controller = new AbortController();
    const pending = caught(() =>
      sqs.sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "Hang" }, { signal: controller.signal }),
    );
    controller.abort();
    const error = await pending;
    assert.ok(isAbortError(error));
    assert.equal(isTimeoutError(error), false);
    assert.ok(isTimeoutError(new TimeoutError(5)));
  });
});

describe("a protocol that sends a query", () => {
  it("must give its canonical form (signedQuery), which is what is signed; without it, nothing is sent", async () => {
    const protocol = (signedQuery: string | undefined) => ({
      encode: (_op: unknown, _input: unknown, endpoint: Endpoint) => ({
        method: "POST",
        headers: {},
        body: "{}",
        target: {
          path: "/?b=2&a=1",
          canonicalUri: "/",
          signedQuery: signedQuery as string,
          hostname: endpoint.hostname,
          host: endpoint.host,
        },
      }),
      decode: () => ({}),
    });
    const before = server.requests.length;
    const missing = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      protocol: protocol(undefined),
      checksums: false,
    });
    const error = await caught(() => missing.getQueueUrl({ QueueName: "q" }));
    assert.ok(isAsyncAwsError(error));
    assert.match(error.message, /signedQuery/);
    assert.equal(server.requests.length, before, "nothing was sent");

    const given = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      protocol: protocol("a=1&b=2"),
      checksums: false,
    });
    await given.getQueueUrl({ QueueName: "q" });
    const sent = server.requests.at(-1)!;
    assert.equal(sent.url, "/?b=2&a=1");
    assert.ok(sent.signatureValid, "signed over the canonical query");
  });
});
