// The topic handle against a loopback server: name resolution (an ARN built from the caller's
// account, from STS GetCallerIdentity once per access key, or from accountId with no call; or
// CreateTopic once with create: true), publish and publishBatch failures entry by entry, FIFO order on
// failure; and the queue policy merge on its own.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { clearCallerAccounts } from "../../src/core/account.js";
import { isAsyncAwsError, isServiceError, isValidationError } from "../../src/core/errors.js";
import { mergeQueuePolicy, topicStatement } from "../../src/sns/policy.js";
import { SNS } from "../../src/sns/sns.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { type Loopback, type RecordedRequest, type Reply, startLoopback, xml } from "../helpers/loopback.js";

const ACCOUNT = "123456789012";
let server: Loopback;
let handler: (request: RecordedRequest, params: URLSearchParams) => Reply | Promise<Reply>;

const ok = (action: string, result = "") =>
  xml(
    `<${action}Response><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`,
  );
const error = (code: string, status: number, type = "Sender") =>
  xml(
    `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${code} happened</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    status,
  );

/** Answers PublishBatch with every entry successful. */
function batchOk(params: URLSearchParams): Reply {
  const ids = [...params.entries()]
    .filter(([key]) => /^PublishBatchRequestEntries\.member\.\d+\.Id$/.test(key))
    .map(([, v]) => v);
  return ok(
    "PublishBatch",
    `<Successful>${ids.map((id) => `<member><Id>${id}</Id><MessageId>m-${id}</MessageId></member>`).join("")}</Successful><Failed/>`,
  );
}

const actions = () => server.requests.map((r) => new URLSearchParams(r.body).get("Action"));
const client = (region = "us-east-1") =>
  new SNS({ endpoint: server.endpoint, region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });

before(async () => {
  server = await startLoopback((request) => handler(request, new URLSearchParams(request.body)));
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  clearCallerAccounts();
  handler = (_request, params) => {
    const action = params.get("Action")!;
    if (action === "GetCallerIdentity")
      return ok(
        action,
        `<Arn>arn:aws:iam::${ACCOUNT}:user/u</Arn><UserId>AIDA</UserId><Account>${ACCOUNT}</Account>`,
      );
    if (action === "CreateTopic")
      return ok(action, `<TopicArn>arn:aws:sns:us-east-1:${ACCOUNT}:${params.get("Name")}</TopicArn>`);
    if (action === "Publish") return ok(action, "<MessageId>m1</MessageId>");
    if (action === "PublishBatch") return batchOk(params);
    return error("InvalidAction", 400);
  };
});

describe("resolving a topic name", () => {
  it("gives the same handle for the same name, and takes an ARN as it is", async () => {
    const sns = client();
    assert.equal(sns.topic("orders"), sns.topic("orders"));
    const arn = `arn:aws:sns:us-east-1:${ACCOUNT}:orders`;
    const handle = sns.topic(arn);
    assert.equal(handle.name, "orders");
    assert.equal(await handle.arn(), arn);
    assert.equal(server.requests.length, 0);
  });

  it("resolves a name once, from the caller's account, creating nothing; shared by concurrent calls", async () => {
    const topic = client().topic("orders");
    assert.equal(server.requests.length, 0, "making a handle sends nothing");
    await Promise.all([topic.publish("a"), topic.publish("b"), topic.publish({ c: 3 })]);
    assert.deepEqual(actions(), ["GetCallerIdentity", "Publish", "Publish", "Publish"]);
    assert.equal(server.requests[0]!.body, "Action=GetCallerIdentity&Version=2011-06-15");
    assert.match(server.requests[0]!.headers.authorization ?? "", /\/us-east-1\/sts\/aws4_request/);
    assert.ok(server.requests[0]!.signatureValid);
    const messages = server.requests.slice(1).map((r) => new URLSearchParams(r.body));
    assert.deepEqual(messages.map((p) => p.get("Message")).sort(), ["a", "b", '{"c":3}']);
    assert.ok(messages.every((p) => p.get("TopicArn") === `arn:aws:sns:us-east-1:${ACCOUNT}:orders`));
    await topic.publish("d");
    assert.ok(!actions().includes("CreateTopic"));
  });

  it("asks STS once per access key, whatever the client or the handle", async () => {
    await client().topic("one").publish("x");
    await client().topic("two").publish("x");
    await client("eu-west-1").topic("three").publish("x");
    assert.equal(actions().filter((a) => a === "GetCallerIdentity").length, 1);
    const other = new SNS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { ...TEST_CREDENTIALS, accessKeyId: "AKIDOTHER" },
    });
    await other
      .topic("four")
      .publish("x")
      .catch(() => undefined);
    assert.equal(actions().filter((a) => a === "GetCallerIdentity").length, 2);
    assert.equal(
      new URLSearchParams(server.requests.at(-3)!.body).get("TopicArn"),
      `arn:aws:sns:eu-west-1:${ACCOUNT}:three`,
    );
  });

  it("fails a missing topic with SNS's NotFound, and never creates it", async () => {
    const base = handler;
    handler = (request, params) =>
      params.get("Action") === "Publish" ? error("NotFound", 404) : base(request, params);
    const topic = client().topic("typo");
    await assert.rejects(topic.publish("x"), (e: unknown) => isServiceError(e) && e.code === "NotFound");
    assert.deepEqual(actions(), ["GetCallerIdentity", "Publish"]);
  });

  it("says what to do when STS cannot tell the account", async () => {
    const base = handler;
    handler = (request, params) =>
      params.get("Action") === "GetCallerIdentity" ? error("AccessDenied", 403) : base(request, params);
    const topic = client().topic("orders");
    await assert.rejects(topic.publish("x"), (e: unknown) => {
      assert.ok(isAsyncAwsError(e));
      assert.match(e.message, /GetCallerIdentity/);
      assert.match(e.message, /accountId/);
      assert.ok(isServiceError(e.cause) && e.cause.code === "AccessDenied");
      return true;
    });
    handler = base;
    await topic.publish("x");
    assert.deepEqual(actions(), ["GetCallerIdentity", "GetCallerIdentity", "Publish"]);
  });

  it("resolves a name with CreateTopic once with create: true", async () => {
    const topic = client().topic("orders", { create: true });
    await Promise.all([topic.publish("a"), topic.publish("b")]);
    assert.deepEqual(actions(), ["CreateTopic", "Publish", "Publish"]);
    assert.equal(server.requests[0]!.body, "Action=CreateTopic&Version=2010-03-31&Name=orders");
  });

  it("a CreateTopic answer without TopicArn fails the call with an error naming CreateTopic and the topic", async () => {
    handler = (_request, params) => ok(params.get("Action")!);
    await assert.rejects(client().topic("orders", { create: true }).publish("x"), (e: unknown) => {
      assert.ok(isValidationError(e));
      assert.equal(e.operation, "CreateTopic");
      assert.equal(e.resource, "orders");
      assert.match(e.message, /^CreateTopic \(orders\): invalid TopicArn: must be returned by CreateTopic/);
      return true;
    });
  });

  it("creates a FIFO name as a FIFO topic", async () => {
    await client().topic("orders.fifo", { create: true }).publish("x", { MessageGroupId: "g" });
    assert.equal(
      server.requests[0]!.body,
      "Action=CreateTopic&Version=2010-03-31&Name=orders.fifo&Attributes.entry.1.key=FifoTopic&Attributes.entry.1.value=true",
    );
  });

  it("retries a failed lookup at the next call", async () => {
    let fail = true;
    const base = handler;
    handler = (request, params) => {
      if (params.get("Action") === "CreateTopic" && fail) {
        fail = false;
        return error("AuthorizationError", 403);
      }
      return base(request, params);
    };
    const topic = client().topic("orders", { create: true });
    await assert.rejects(
      topic.publish("x"),
      (e: unknown) => isServiceError(e) && e.code === "AuthorizationError",
    );
    await topic.publish("x");
    assert.deepEqual(actions(), ["CreateTopic", "CreateTopic", "Publish"]);
  });

  it("builds the ARN from accountId with no call, in the region's partition", async () => {
    const topic = client().topic("orders", { accountId: ACCOUNT });
    assert.equal(await topic.arn(), `arn:aws:sns:us-east-1:${ACCOUNT}:orders`);
    await topic.publish("x");
    assert.deepEqual(actions(), ["Publish"]);
    assert.equal(
      await client("cn-north-1").topic("t", { accountId: ACCOUNT }).arn(),
      `arn:aws-cn:sns:cn-north-1:${ACCOUNT}:t`,
    );
    assert.equal(
      await client("us-gov-west-1").topic("t", { accountId: ACCOUNT }).arn(),
      `arn:aws-us-gov:sns:us-gov-west-1:${ACCOUNT}:t`,
    );
  });

  it("checks the message before resolving anything", async () => {
    const topic = client().topic("orders");
    await assert.rejects(
      topic.publish(undefined),
      (e: unknown) => isValidationError(e) && e.field === "message",
    );
    await assert.rejects(topic.publish(""), (e: unknown) => isValidationError(e) && e.field === "Message");
    await assert.rejects(
      topic.publish(() => 1),
      isValidationError,
    );
    await assert.rejects(
      client().topic("t.fifo").publish("x"),
      (e: unknown) => isValidationError(e) && e.field === "MessageGroupId",
    );
    assert.equal(server.requests.length, 0);
  });
});

describe("publishBatch failures, entry by entry", () => {
  it("reports AWS's failed entries, and the entries of a failed request, with their indexes", async () => {
    let call = 0;
    handler = (_request, params) => {
      if (params.get("Action") !== "PublishBatch") return error("InvalidAction", 400);
      call++;
      const first = params.get("PublishBatchRequestEntries.member.1.Id");
      if (first === "0") {
        return ok(
          "PublishBatch",
          "<Successful><member><Id>0</Id><MessageId>m0</MessageId></member><member><Id>2</Id><MessageId>m2</MessageId></member></Successful>" +
            "<Failed><member><Id>1</Id><Code>InternalError</Code><Message>try again</Message><SenderFault>false</SenderFault></member></Failed>",
        );
      }
      return error("InternalFailure", 500, "Receiver");
    };
    const topic = client().topic(`arn:aws:sns:us-east-1:${ACCOUNT}:orders`);
    const messages = Array.from({ length: 13 }, (_, i) => `m${i}`);
    const result = await topic.publishBatch(messages);
    assert.equal(call, 2);
    assert.deepEqual(
      result.Successful.map((e) => [e.index, e.Id, e.MessageId]),
      [
        [0, "0", "m0"],
        [2, "2", "m2"],
      ],
    );
    const failed = result.Failed.map((e) => e.index);
    assert.deepEqual(failed, [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.equal(result.Failed[0]!.Code, "InternalError");
    assert.equal(result.Failed[0]!.error, undefined);
    // Entries 3..9 got no answer in the first response: they failed too, saying so.
    assert.match(result.Failed[1]!.Message ?? "", /did not mention this entry/);
    const whole = result.Failed.find((e) => e.index === 10)!;
    assert.equal(whole.Code, "InternalFailure");
    assert.equal(whole.SenderFault, false);
    assert.ok(isServiceError(whole.error));
  });

  it("on a FIFO topic, sends nothing after a failed request, so order holds", async () => {
    handler = (_request, params) => {
      if (params.get("PublishBatchRequestEntries.member.1.Id") === "10")
        return error("InternalFailure", 500, "Receiver");
      return batchOk(params);
    };
    const topic = client().topic(`arn:aws:sns:us-east-1:${ACCOUNT}:orders.fifo`);
    const result = await topic.publishBatch(
      Array.from({ length: 35 }, (_, i) => ({ Message: `m${i}`, MessageGroupId: "g" })),
    );
    assert.equal(server.requests.length, 2, "the third and fourth requests were never sent");
    assert.equal(result.Successful.length, 10);
    assert.equal(result.Failed.length, 25);
    assert.match(result.Failed[24]!.Message ?? "", /not sent: an earlier request/);
    assert.ok(isAsyncAwsError(result.Failed[24]!.error));
  });

  it("sends a standard topic's requests a few at a time, all of them", async () => {
    const topic = client().topic(`arn:aws:sns:us-east-1:${ACCOUNT}:orders`);
    const result = await topic.publishBatch(Array.from({ length: 95 }, (_, i) => `m${i}`));
    assert.equal(server.requests.length, 10);
    assert.equal(result.Successful.length, 95);
    assert.deepEqual(
      result.Successful.map((e) => e.index),
      Array.from({ length: 95 }, (_, i) => i),
    );
  });
});

describe("mergeQueuePolicy", () => {
  const queue = "arn:aws:sqs:us-east-1:123456789012:q";
  const topic = "arn:aws:sns:us-east-1:123456789012:t";

  it("creates a policy when there is none", () => {
    for (const none of [undefined, "", "  "]) {
      const merged = mergeQueuePolicy(none, queue, topic);
      assert.equal(merged.changed, true);
      assert.deepEqual(JSON.parse(merged.policy), {
        Version: "2012-10-17",
        Statement: [topicStatement(queue, topic)],
      });
    }
  });

  it("keeps every other statement and member, and a single-statement object", () => {
    const policy = JSON.stringify({
      Version: "2008-10-17",
      Id: "x",
      Statement: { Sid: "Other", Effect: "Deny", Principal: "*", Action: "sqs:*" },
    });
    const merged = JSON.parse(mergeQueuePolicy(policy, queue, topic).policy);
    assert.equal(merged.Version, "2008-10-17");
    assert.equal(merged.Id, "x");
    assert.deepEqual(merged.Statement, [
      { Sid: "Other", Effect: "Deny", Principal: "*", Action: "sqs:*" },
      topicStatement(queue, topic),
    ]);
  });

  it("is idempotent", () => {
    const once = mergeQueuePolicy(undefined, queue, topic).policy;
    assert.deepEqual(mergeQueuePolicy(once, queue, topic), { policy: once, changed: false });
  });

  it("does not count statements that do not grant this topic", () => {
    const grant = topicStatement(queue, topic);
    for (const statement of [
      { ...grant, Effect: "Deny" },
      { ...grant, Condition: { ArnEquals: { "aws:SourceArn": `${topic}-other` } } },
      { ...grant, Action: "sqs:ReceiveMessage" },
      { ...grant, Resource: "arn:aws:sqs:us-east-1:123456789012:other" },
      { ...grant, Principal: { AWS: "arn:aws:iam::123456789012:root" } },
      { ...grant, Condition: undefined },
    ]) {
      const merged = mergeQueuePolicy(JSON.stringify({ Statement: [statement] }), queue, topic);
      assert.equal(merged.changed, true, JSON.stringify(statement));
      const statements = JSON.parse(merged.policy).Statement;
      assert.equal(statements.length, 2);
    }
    const sameSid = mergeQueuePolicy(
      JSON.stringify({ Statement: [{ ...grant, Effect: "Deny" }] }),
      queue,
      topic,
    );
    const [a, b] = JSON.parse(sameSid.policy).Statement;
    assert.notEqual(a.Sid, b.Sid, "Sids stay unique");
  });

  it("refuses to touch a policy it cannot read", () => {
    for (const bad of ["{", "[]", '"text"', '{"Statement":"x"}']) {
      assert.throws(
        () => mergeQueuePolicy(bad, queue, topic),
        (e: unknown) => isAsyncAwsError(e) && /leaving it unchanged/.test(e.message),
      );
    }
  });
});
