// observe(hooks): the hooks of the bare SQSClient, made ready by observe so that a program without
// hooks carries none of the observation's code. The bare client refuses the plain object when it
// is made; the classes with methods (SQS, SNS, STS, S3) take both forms, and pass the hooks on to
// the clients they make (STS for SNS's account lookup). The tracing channel sees every client's
// calls, bare or not, hooks or not, with one context shared with the hooks. Against a loopback
// server that answers SQS (JSON), SNS and STS (Query).
import assert from "node:assert/strict";
import { tracingChannel } from "node:diagnostics_channel";
import { after, before, beforeEach, describe, it } from "node:test";
import { clearCallerAccounts } from "../../src/core/account.js";
import { isValidationError, ValidationError } from "../../src/core/errors.js";
import * as root from "../../src/index.js";
import { REQUEST_CHANNEL } from "../../src/observability/channels.js";
import { type ClientHooks, observe, type RequestContext } from "../../src/observability/request.js";
import { S3 } from "../../src/s3/s3.js";
import { SNS } from "../../src/sns/sns.js";
import { SQSClient, type SQSClientOptions, type SQSOptions } from "../../src/sqs/client.js";
import * as sqsClientEntry from "../../src/sqs/client-entry.js";
import { sendMessage } from "../../src/sqs/functions.js";
import * as sqsEntry from "../../src/sqs/index.js";
import { SQS } from "../../src/sqs/sqs.js";
import { STS } from "../../src/sts/sts.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, startLoopback, xml } from "../helpers/loopback.js";

const ACCOUNT = "123456789012";
const HELLO_MD5 = "5d41402abc4b2a76b9719d911017c592";
let server: Loopback;

const queryOk = (action: string, result: string) =>
  xml(
    `<${action}Response><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`,
  );

before(async () => {
  server = await startLoopback((request) => {
    const target = request.headers["x-amz-target"];
    if (target === "AmazonSQS.SendMessage") return json({ MessageId: "m-1", MD5OfMessageBody: HELLO_MD5 });
    const action = new URLSearchParams(request.body).get("Action");
    if (action === "GetCallerIdentity") {
      return queryOk(
        action,
        `<Arn>arn:aws:iam::${ACCOUNT}:user/u</Arn><UserId>AIDA</UserId><Account>${ACCOUNT}</Account>`,
      );
    }
    if (action === "Publish") return queryOk(action, "<MessageId>p-1</MessageId>");
    return json({ __type: "InvalidAction", message: `unexpected ${target ?? action}` }, 400);
  });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  clearCallerAccounts();
});

const base = () => ({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
const queueUrl = () => `${server.endpoint}/${ACCOUNT}/jobs`;

/** Hooks that record each call of each hook as `[hook, operation]`, and the contexts. */
function recording(): { hooks: ClientHooks; log: [string, string][]; contexts: RequestContext[] } {
  const log: [string, string][] = [];
  const contexts: RequestContext[] = [];
  const on = (name: string) => (call: RequestContext) => {
    log.push([name, call.operation]);
    if (!contexts.includes(call)) contexts.push(call);
  };
  return {
    hooks: {
      onRequest: on("onRequest"),
      onResponse: on("onResponse"),
      onRetry: on("onRetry"),
      onError: on("onError"),
    },
    log,
    contexts,
  };
}

/** Subscribes to asyncaws:request, recording the start and asyncEnd contexts. */
function subscribe(): { starts: RequestContext[]; ends: RequestContext[]; stop(): void } {
  const starts: RequestContext[] = [];
  const ends: RequestContext[] = [];
  const channel = tracingChannel(REQUEST_CHANNEL);
  const handlers = {
    start: (message: unknown) => void starts.push(message as RequestContext),
    end: () => {},
    asyncStart: () => {},
    asyncEnd: (message: unknown) => void ends.push(message as RequestContext),
    error: () => {},
  };
  channel.subscribe(handlers);
  return { starts, ends, stop: () => channel.unsubscribe(handlers) };
}

const SEND_ATTRIBUTES = (url: string) => ({
  "rpc.system": "aws-api",
  "rpc.service": "SQS",
  "rpc.method": "SendMessage",
  "cloud.region": "us-east-1",
  "server.address": "127.0.0.1",
  "messaging.system": "aws_sqs",
  "aws.sqs.queue.url": url,
  "messaging.destination.name": "jobs",
  "messaging.operation.name": "send",
  "messaging.operation.type": "send",
  "messaging.message.id": "m-1",
  "aws.request_id": "req-test-1",
  "http.response.status_code": 200,
});

describe("observe", () => {
  it("checks the hooks as the hooks option does: the object, then each hook", () => {
    for (const value of [undefined, null, "log", 5]) {
      assert.throws(
        () => observe(value as never),
        (error: unknown) =>
          isValidationError(error) &&
          error.field === "hooks" &&
          error.rule === "an object of onRequest, onResponse, onRetry, onError functions",
        String(value),
      );
    }
    assert.throws(
      () => observe({ onRetry: 5 as never }),
      (error: unknown) =>
        isValidationError(error) && error.field === "hooks.onRetry" && error.rule === "a function",
    );
  });

  it("is exported by asyncaws and by the entries of the bare SQSClient, as one function", () => {
    for (const entry of [root, sqsEntry, sqsClientEntry]) {
      assert.equal(entry.observe, observe);
    }
  });

  it("gives back an observer it is given", () => {
    const observer = observe({ onError: () => {} });
    assert.equal(observe(observer as never), observer);
  });
});

describe("the bare SQSClient's hooks", () => {
  it("refuses the plain object when it is made, saying to use observe or the SQS class", () => {
    for (const value of [{ onError: () => {} }, {}, null, "log"]) {
      assert.throws(
        () => new SQSClient({ ...base(), hooks: value as never }),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.equal(error.field, "hooks");
          assert.equal(
            error.rule,
            'made by observe({ ... }) from "asyncaws/sqs" (the SQS class takes the plain object)',
          );
          assert.equal(error.value, value);
          assert.match(
            error.message,
            /^invalid hooks: must be made by observe\(\{ \.\.\. \}\) from "asyncaws\/sqs"/,
          );
          return true;
        },
      );
    }
    assert.equal(server.requests.length, 0);
  });

  it("says so in its type: SQSClientOptions takes an observer, SQSOptions (the class's) both", () => {
    const options: SQSOptions = { ...base(), hooks: { onError: () => {} } };
    assert.ok(new SQS(options));
    // @ts-expect-error the bare client's hooks are made by observe
    assert.throws(() => new SQSClient(options), { name: "ValidationError", field: "hooks" });
    // @ts-expect-error the bare client's hooks are made by observe
    const plain: SQSClientOptions = { hooks: { onError: () => {} } };
    const bare: SQSClientOptions = { ...base(), hooks: observe({ onError: () => {} }) };
    assert.ok(new SQSClient(bare) && new SQS(bare) && plain);
  });

  it("calls the hooks of observe with the call's context, attributes and all", async () => {
    const { hooks, log, contexts } = recording();
    const client = new SQSClient({ ...base(), hooks: observe(hooks) });
    const out = await sendMessage(client, { QueueUrl: queueUrl(), MessageBody: "hello" });
    assert.equal(out.MessageId, "m-1");
    assert.deepEqual(log, [
      ["onRequest", "SendMessage"],
      ["onResponse", "SendMessage"],
    ]);
    const [call] = contexts;
    assert.equal(contexts.length, 1);
    assert.equal(call!.spanName, "send jobs");
    assert.equal(call!.spanKind, "producer");
    assert.equal(call!.resource, queueUrl());
    assert.deepEqual(call!.attributes, SEND_ATTRIBUTES(queueUrl()));
    assert.deepEqual(call!.result, out);
  });

  it("is seen by the tracing channel without hooks (nothing to do for the user)", async () => {
    const channel = subscribe();
    try {
      const client = new SQSClient(base());
      await sendMessage(client, { QueueUrl: queueUrl(), MessageBody: "hello" });
      assert.equal(channel.starts.length, 1);
      assert.equal(channel.ends[0], channel.starts[0]);
      assert.deepEqual(channel.ends[0]!.attributes, SEND_ATTRIBUTES(queueUrl()));
    } finally {
      channel.stop();
    }
  });

  it("shares one context between the channel and the hooks", async () => {
    const channel = subscribe();
    try {
      const { hooks, contexts } = recording();
      const client = new SQSClient({ ...base(), hooks: observe(hooks) });
      await sendMessage(client, { QueueUrl: queueUrl(), MessageBody: "hello" });
      assert.equal(channel.starts.length, 1);
      assert.deepEqual(contexts, [channel.starts[0]]);
    } finally {
      channel.stop();
    }
  });
});

describe("the classes' hooks", () => {
  it("one observer serves several clients, bare or not", async () => {
    const { hooks, log } = recording();
    const observer = observe(hooks);
    await sendMessage(new SQSClient({ ...base(), hooks: observer }), {
      QueueUrl: queueUrl(),
      MessageBody: "hello",
    });
    await new SQS({ ...base(), hooks: observer }).sendMessage({ QueueUrl: queueUrl(), MessageBody: "hello" });
    await new SNS({ ...base(), hooks: observer }).publish({
      TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:t`,
      Message: "hi",
    });
    assert.deepEqual(log, [
      ["onRequest", "SendMessage"],
      ["onResponse", "SendMessage"],
      ["onRequest", "SendMessage"],
      ["onResponse", "SendMessage"],
      ["onRequest", "Publish"],
      ["onResponse", "Publish"],
    ]);
  });

  it("SNS passes plain hooks on to the STS client of its account lookup", async () => {
    const { hooks, log, contexts } = recording();
    const sns = new SNS({ ...base(), hooks });
    await sns.topic("orders").publish("hello");
    assert.deepEqual(log, [
      ["onRequest", "GetCallerIdentity"],
      ["onResponse", "GetCallerIdentity"],
      ["onRequest", "Publish"],
      ["onResponse", "Publish"],
    ]);
    assert.equal(contexts[0]!.service, "sts");
    assert.equal(contexts[1]!.attributes["messaging.destination.name"], "orders");
  });

  it("STS and S3 take the plain object and the observer", async () => {
    for (const given of [(h: ClientHooks) => h, observe]) {
      const { hooks, log } = recording();
      const sts = new STS({ ...base(), hooks: given(hooks) });
      assert.equal((await sts.getCallerIdentity({})).Account, ACCOUNT);
      assert.deepEqual(log, [
        ["onRequest", "GetCallerIdentity"],
        ["onResponse", "GetCallerIdentity"],
      ]);
      new S3({ ...base(), hooks: given(hooks) });
    }
    assert.throws(
      () => new S3({ ...base(), hooks: { onError: 5 as never } }),
      (error: unknown) => isValidationError(error) && error.field === "hooks.onError",
    );
  });

  it("an object without hooks is taken, as before", async () => {
    const sqs = new SQS({ ...base(), hooks: {} });
    assert.equal((await sqs.sendMessage({ QueueUrl: queueUrl(), MessageBody: "hello" })).MessageId, "m-1");
  });
});
