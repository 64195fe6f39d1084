// Error decoding: AWS JSON (`__type`, `x-amzn-query-error`), AWS Query (`<ErrorResponse>`, legacy codes
// mapped to the model's), what the error carries, and that no secret or signature ever shows in an
// error or a client, however it is printed.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { inspect } from "node:util";
import {
  type AsyncAwsError,
  isAsyncAwsError,
  isChecksumError,
  isNetworkError,
  isResponseError,
  isServiceError,
  isTimeoutError,
  isValidationError,
  ServiceError,
} from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, type Reply, startLoopback, xml } from "../helpers/loopback.js";
import { caught, queryErrorXml, TEST_SECRET } from "../helpers/sqs.js";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue";
const NOT_FOUND = "The specified queue does not exist.";

let reply: () => Reply = () => json({});
let server: Loopback;

before(async () => {
  server = await startLoopback(() => reply());
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function client(
  options: { protocol?: "json" | "query"; maxAttempts?: number; checksums?: boolean } = {},
): SQS {
  return new SQS({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    ...options,
  });
}

async function serviceError(sqs: SQS, call: (sqs: SQS) => Promise<unknown>): Promise<ServiceError> {
  const error = await caught(() => call(sqs));
  assert.ok(isServiceError(error), `expected a ServiceError, got ${String(error)}`);
  assert.ok(error instanceof ServiceError);
  return error;
}

const send = (sqs: SQS) => sqs.sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "hello" });

describe("AWS JSON errors", () => {
  it("reads the code from __type, with the x-amzn-query-error header alongside", async () => {
    reply = () =>
      json({ __type: "com.amazonaws.sqs#QueueDoesNotExist", message: NOT_FOUND }, 400, {
        "x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender",
        "x-amzn-requestid": "c8a1f1b4-7c1d-5a8e-9a8c-8e1c1d1e1f10",
      });
    const error = await serviceError(client(), send);
    assert.equal(error.name, "ServiceError");
    assert.equal(error.code, "QueueDoesNotExist");
    assert.equal(error.statusCode, 400);
    assert.equal(error.requestId, "c8a1f1b4-7c1d-5a8e-9a8c-8e1c1d1e1f10");
    assert.equal(error.operation, "SendMessage");
    assert.equal(error.resource, QUEUE_URL);
    assert.equal(error.fault, "client");
    assert.equal(error.retryable, false);
    assert.equal(
      error.message,
      `SendMessage (${QUEUE_URL}): QueueDoesNotExist: ${NOT_FOUND} [HTTP 400, request id c8a1f1b4-7c1d-5a8e-9a8c-8e1c1d1e1f10]`,
    );
    assert.equal(server.requests.length, 1, "a 400 is not retried");
  });

  it("reads the legacy code of the x-amzn-query-error header alone, mapped to the model's code", async () => {
    reply = () =>
      json({ message: NOT_FOUND }, 400, {
        "x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender",
      });
    const error = await serviceError(client(), send);
    assert.equal(error.code, "QueueDoesNotExist");
    assert.equal(error.fault, "client");
    assert.equal(error.requestId, "req-test-1");
    assert.match(error.message, /does not exist/);
  });

  it("reads the header alone with an empty body", async () => {
    reply = () => ({
      status: 400,
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender",
        "x-amzn-requestid": "rid-9",
      },
      body: "",
    });
    const error = await serviceError(client(), send);
    assert.equal(error.code, "QueueDoesNotExist");
    assert.equal(error.requestId, "rid-9");
  });

  it("drops the namespace and any ':detail' suffix of __type", async () => {
    reply = () =>
      json(
        {
          __type: "com.amazonaws.sqs#InvalidAttributeName:http://internal.amazon.com/coral/",
          message: "bad",
        },
        400,
      );
    const error = await serviceError(client(), (sqs) =>
      sqs.getQueueAttributes({ QueueUrl: QUEUE_URL, AttributeNames: ["All"] }),
    );
    assert.equal(error.code, "InvalidAttributeName");
    assert.equal(error.operation, "GetQueueAttributes");
  });

  it("reads a Message member as the message", async () => {
    reply = () => json({ __type: "com.amazonaws.sqs#OverLimit", Message: "too many" }, 403);
    const error = await serviceError(client(), send);
    assert.equal(error.code, "OverLimit");
    assert.equal(error.statusCode, 403);
    assert.match(error.message, /OverLimit: too many/);
  });

  it("marks a 5xx as a server fault, retryable, and retries it", async () => {
    reply = () =>
      json({ __type: "com.amazonaws.sqs#InternalError", message: "oops" }, 500, {
        "x-amzn-query-error": "InternalError;Receiver",
      });
    const error = await serviceError(client(), send);
    assert.equal(error.code, "InternalError");
    assert.equal(error.fault, "server");
    assert.equal(error.retryable, true);
    assert.equal(server.requests.length, 3, "3 attempts by default");
  });

  it("marks throttling as retryable and retries it", async () => {
    reply = () =>
      json({ __type: "com.amazonaws.sqs#RequestThrottled", message: "slow down" }, 400, {
        "x-amzn-query-error": "AWS.SimpleQueueService.RequestThrottled;Sender",
      });
    const error = await serviceError(client({ maxAttempts: 2 }), send);
    assert.equal(error.code, "RequestThrottled");
    assert.equal(error.retryable, true);
    assert.equal(server.requests.length, 2);
  });

  it("names the operation and the queue name for queue-name actions", async () => {
    reply = () => json({ __type: "com.amazonaws.sqs#QueueNameExists", message: "exists" }, 400);
    const error = await serviceError(client(), (sqs) => sqs.createQueue({ QueueName: "jobs" }));
    assert.equal(error.operation, "CreateQueue");
    assert.equal(error.resource, "jobs");
    assert.match(error.message, /^CreateQueue \(jobs\): QueueNameExists/);
  });
});

describe("AWS Query errors", () => {
  it("maps the legacy code AWS.SimpleQueueService.NonExistentQueue to QueueDoesNotExist", async () => {
    reply = () =>
      xml(
        queryErrorXml(
          "Sender",
          "AWS.SimpleQueueService.NonExistentQueue",
          "The specified queue does not exist for this wsdl version.",
          "42d59b56-7407-4c4a-be0f-4c88daeea257",
        ),
        400,
      );
    const error = await serviceError(client({ protocol: "query" }), send);
    assert.equal(error.code, "QueueDoesNotExist");
    assert.equal(error.statusCode, 400);
    assert.equal(error.requestId, "42d59b56-7407-4c4a-be0f-4c88daeea257");
    assert.equal(error.fault, "client");
    assert.equal(error.operation, "SendMessage");
    assert.equal(error.resource, QUEUE_URL);
    assert.match(
      error.message,
      /QueueDoesNotExist: The specified queue does not exist for this wsdl version\./,
    );
    assert.equal(server.requests.length, 1);
  });

  it("maps QueueAlreadyExists to QueueNameExists and keeps other codes as they are", async () => {
    reply = () => xml(queryErrorXml("Sender", "QueueAlreadyExists", "exists", "r1"), 400);
    const exists = await serviceError(client({ protocol: "query" }), (sqs) =>
      sqs.createQueue({ QueueName: "jobs" }),
    );
    assert.equal(exists.code, "QueueNameExists");
    reply = () => xml(queryErrorXml("Sender", "InvalidParameterValue", "Value (x) is invalid.", "r2"), 400);
    const invalid = await serviceError(client({ protocol: "query" }), send);
    assert.equal(invalid.code, "InvalidParameterValue");
    assert.equal(invalid.requestId, "r2");
  });

  it("reads a Receiver fault of a 5xx, and retries it", async () => {
    reply = () =>
      xml(queryErrorXml("Receiver", "InternalError", "We encountered an internal error.", "r3"), 500);
    const error = await serviceError(client({ protocol: "query" }), send);
    assert.equal(error.fault, "server");
    assert.equal(error.retryable, true);
    assert.equal(server.requests.length, 3);
  });
});

/** Every way an error or a client can be printed or serialized. */
function renderings(value: unknown): string[] {
  const out = [
    String(value),
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(value) ?? "",
  ];
  for (let e: unknown = value; e instanceof Error; e = e.cause) {
    out.push(
      e.message,
      e.stack ?? "",
      inspect(e.cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    );
  }
  return out;
}

function assertNoSecrets(value: unknown): void {
  for (const text of renderings(value)) {
    assert.ok(!text.includes(TEST_SECRET), `the secret shows in: ${text.slice(0, 300)}`);
    assert.ok(!text.includes("Signature="), `a signature shows in: ${text.slice(0, 300)}`);
    assert.ok(!/[0-9a-f]{64}/.test(text), `a 64-hex digest shows in: ${text.slice(0, 300)}`);
    assert.ok(!/authorization/i.test(text), `an authorization header shows in: ${text.slice(0, 300)}`);
  }
}

describe("broken answers", () => {
  it("a binary attribute value that is not base64 is a ResponseError naming the operation, not a TypeError", async () => {
    reply = () =>
      json({
        Messages: [
          {
            MessageId: "m-1",
            ReceiptHandle: "r-1",
            Body: "x",
            MD5OfBody: "9dd4e461268c8034f5c8564e155c67a6",
            MessageAttributes: { a: { DataType: "Binary", BinaryValue: "not base64!" } },
          },
        ],
      });
    const error = await caught(() =>
      client({ maxAttempts: 1, checksums: false }).receiveMessage({ QueueUrl: QUEUE_URL }),
    );
    assert.ok(isResponseError(error), `expected a ResponseError, got ${String(error)}`);
    assert.equal((error as AsyncAwsError).operation, "ReceiveMessage");
    assert.equal((error as AsyncAwsError).resource, QUEUE_URL);
  });

  it("a received message whose attribute value is null is a ResponseError while the digests are checked, not a TypeError", async () => {
    reply = () =>
      json({
        Messages: [
          {
            MessageId: "m-1",
            ReceiptHandle: "r-1",
            Body: "x",
            MD5OfBody: "9dd4e461268c8034f5c8564e155c67a6",
            MessageAttributes: { a: null },
            MD5OfMessageAttributes: "0".repeat(32),
          },
        ],
      });
    const error = await caught(() => client({ maxAttempts: 1 }).receiveMessage({ QueueUrl: QUEUE_URL }));
    assert.ok(isResponseError(error), `expected a ResponseError, got ${String(error)}`);
    assert.equal((error as AsyncAwsError).operation, "ReceiveMessage");
  });
});

describe("no secret in errors or clients", () => {
  it("keeps the secret and the signature out of the client, however it is printed", () => {
    for (const protocol of ["json", "query"] as const) {
      const sqs = client({ protocol });
      assertNoSecrets(sqs);
      const text = inspect(sqs, { depth: Number.POSITIVE_INFINITY, showHidden: true });
      assert.ok(!text.includes("AKIDEXAMPLE"), "not even the access key id");
      assert.deepEqual(JSON.parse(JSON.stringify(sqs)), { region: "us-east-1", endpoint: server.endpoint });
    }
    const withToken = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { ...TEST_CREDENTIALS, sessionToken: "secret-session-token" },
    });
    assert.ok(!inspect(withToken, { showHidden: true }).includes("secret-session-token"));
  });

  it("keeps them out of every kind of error", async () => {
    const errors: AsyncAwsError[] = [];
    const push = (error: unknown) => {
      assert.ok(isAsyncAwsError(error), String(error));
      errors.push(error);
    };

    // The server echoes the whole request, headers included, in its error message.
    reply = () => json({ __type: "com.amazonaws.sqs#AccessDenied", message: "denied" }, 403);
    push(await caught(() => send(client())));
    reply = () => xml(queryErrorXml("Sender", "AccessDenied", "denied", "r"), 403);
    push(await caught(() => send(client({ protocol: "query" }))));
    // Broken answers.
    reply = () => ({
      status: 502,
      headers: { "content-type": "text/html" },
      body: "<html>Bad Gateway</html>",
    });
    push(await caught(() => send(client({ maxAttempts: 1 }))));
    reply = () => json({ MessageId: "m", MD5OfMessageBody: "0".repeat(32) });
    push(await caught(() => send(client())));
    // A connection reset and a timeout.
    reply = () => ({ raw: (req) => req.socket.destroy() });
    push(await caught(() => send(client({ maxAttempts: 1 }))));
    reply = () => ({ raw: () => undefined });
    push(
      await caught(() =>
        client({ maxAttempts: 1 }).sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "x" }, { timeoutMs: 50 }),
      ),
    );
    // Bad input.
    push(await caught(() => client().sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "" })));

    assert.ok(isServiceError(errors[0]) && isServiceError(errors[1]));
    assert.ok(isResponseError(errors[2]));
    assert.ok(isChecksumError(errors[3]));
    assert.ok(isNetworkError(errors[4]));
    assert.ok(isTimeoutError(errors[5]));
    assert.ok(isValidationError(errors[6]));
    for (const error of errors) {
      assertNoSecrets(error);
      assert.equal(error.operation, "SendMessage");
      assert.equal(error.resource, QUEUE_URL);
    }
  });

  it("keeps credentials given by a provider out of errors too", async () => {
    reply = () => json({ __type: "com.amazonaws.sqs#AccessDenied", message: "denied" }, 403);
    const sqs = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: async () => ({ ...TEST_CREDENTIALS, sessionToken: "provider-token" }),
    });
    const error = await caught(() => send(sqs));
    assertNoSecrets(error);
    assert.ok(!inspect(error, { showHidden: true, depth: 10 }).includes("provider-token"));
    assertNoSecrets(sqs);
  });
});
