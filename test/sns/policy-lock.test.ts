// Issue 22, point 2: subscribeQueue's read-modify-write of the queue policy loses no statement
// under concurrency: the lock is per queue ARN for the whole process (whatever handle or client
// names the queue), and the policy is read back after SetQueueAttributes and merged again when
// another writer replaced it. One loopback server plays SQS (JSON) and SNS (Query), with delays
// that make the calls interleave.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, type RecordedRequest, startLoopback, xml } from "../helpers/loopback.js";

const ACCOUNT = "123456789012";
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:shared`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: Loopback;
let policy: string | undefined;
/** Called after each SetQueueAttributes is applied (another process writing, in a test). */
let afterSet: ((count: number) => void) | undefined;
let sets = 0;

function sqsAnswer(request: RecordedRequest) {
  const action = request.headers["x-amz-target"]!.split(".")[1];
  const body = JSON.parse(request.body) as Record<string, unknown>;
  if (action === "GetQueueUrl") return json({ QueueUrl: `${server.endpoint}/${ACCOUNT}/shared` });
  if (action === "GetQueueAttributes") {
    const names = body.AttributeNames as string[];
    const Attributes: Record<string, string> = {};
    if (names.includes("QueueArn")) Attributes.QueueArn = QUEUE_ARN;
    if (names.includes("Policy") && policy !== undefined) Attributes.Policy = policy;
    return json({ Attributes });
  }
  if (action === "SetQueueAttributes") {
    policy = (body.Attributes as Record<string, string>).Policy;
    afterSet?.(++sets);
    return json({});
  }
  return json({ __type: "InvalidAction", message: action }, 400);
}

before(async () => {
  server = await startLoopback(async (request) => {
    // Random small delays: reads and writes of different calls interleave.
    await sleep(Math.random() * 8);
    if (request.headers["x-amz-target"]) return sqsAnswer(request);
    const params = new URLSearchParams(request.body);
    if (params.get("Action") === "Subscribe" && params.get("TopicArn")?.endsWith(":missing")) {
      return xml(
        "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>",
        404,
      );
    }
    if (params.get("Action") === "Subscribe" && params.get("TopicArn")?.endsWith(":flaky")) {
      return xml(
        "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code></Error><RequestId>r</RequestId></ErrorResponse>",
        500,
      );
    }
    if (params.get("Action") === "Subscribe") {
      return xml(
        `<SubscribeResponse><SubscribeResult><SubscriptionArn>${params.get("TopicArn")}:sub</SubscriptionArn></SubscribeResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SubscribeResponse>`,
      );
    }
    return xml("<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>", 400);
  });
});
after(() => server.close());
beforeEach(() => {
  policy = undefined;
  afterSet = undefined;
  sets = 0;
});

const statements = () =>
  (JSON.parse(policy ?? '{"Statement":[]}') as { Statement: { Sid: string }[] }).Statement;
const options = () => ({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });

describe("subscribeQueue keeps every statement under concurrency", () => {
  it("10 topics at once, the queue named by name and by URL through two SQS clients", async () => {
    const sqsA = new SQS(options());
    const sqsB = new SQS(options());
    const sns = new SNS(options());
    const url = `${server.endpoint}/${ACCOUNT}/shared`;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const sqs = i % 2 === 0 ? sqsA : sqsB;
        const queue = i % 4 < 2 ? sqs.queue("shared") : sqs.queue(url);
        return sns.topic(`arn:aws:sns:us-east-1:${ACCOUNT}:topic-${i}`).subscribeQueue(queue);
      }),
    );
    assert.ok(results.every((result) => result.policyChanged));
    assert.equal(statements().length, 10, "every topic's statement is in the policy");
    const sources = statements().map(
      (s) =>
        (s as unknown as { Condition: { ArnEquals: Record<string, string> } }).Condition.ArnEquals[
          "aws:SourceArn"
        ],
    );
    assert.deepEqual(
      [...sources].sort(),
      Array.from({ length: 10 }, (_, i) => `arn:aws:sns:us-east-1:${ACCOUNT}:topic-${i}`).sort(),
    );
  });

  it("reads the policy back and merges again when another writer replaced it meanwhile", async () => {
    const foreign = { Sid: "Theirs", Effect: "Allow", Principal: "*", Action: "sqs:GetQueueUrl" };
    // Another process did its own read-modify-write from the empty policy, after ours.
    afterSet = (count) => {
      if (count === 1) policy = JSON.stringify({ Version: "2012-10-17", Statement: [foreign] });
    };
    const sqs = new SQS(options());
    const sns = new SNS(options());
    const result = await sns
      .topic(`arn:aws:sns:us-east-1:${ACCOUNT}:late`)
      .subscribeQueue(sqs.queue("shared"));
    assert.equal(result.policyChanged, true);
    assert.equal(sets, 2, "set once, found missing, set again");
    assert.deepEqual(
      statements().map((s) => s.Sid),
      ["Theirs", statements()[1]!.Sid],
    );
    assert.match(statements()[1]!.Sid, /^AllowSnsTopic/);
  });

  it("gives up with an error when something keeps replacing the policy", async () => {
    afterSet = () => {
      policy = undefined;
    };
    const sqs = new SQS(options());
    const sns = new SNS(options());
    await assert.rejects(
      sns.topic(`arn:aws:sns:us-east-1:${ACCOUNT}:lost`).subscribeQueue(sqs.queue("shared")),
      /still lacks the topic's statement/,
    );
    assert.equal(sets, 3);
  });
});

describe("subscribeQueue when SNS refuses the subscription", () => {
  const foreign = { Sid: "Theirs", Effect: "Allow", Principal: "*", Action: "sqs:GetQueueUrl" };
  // Counts the SetQueueAttributes calls (sets is counted only with a listener).
  beforeEach(() => {
    afterSet = () => undefined;
  });

  it("takes back the statement it added when the topic does not exist; the others stay", async () => {
    policy = JSON.stringify({ Version: "2012-10-17", Statement: [foreign] });
    const sqs = new SQS(options());
    const sns = new SNS({ ...options(), maxAttempts: 1 });
    await assert.rejects(
      sns.topic(`arn:aws:sns:us-east-1:${ACCOUNT}:missing`).subscribeQueue(sqs.queue("shared")),
      (error: unknown) => (error as { code?: string }).code === "NotFound",
    );
    assert.deepEqual(statements(), [foreign], "only the statement subscribeQueue added is gone");
    assert.equal(sets, 2, "merged, then taken back");
  });

  it("removes the policy it created on a queue that had none", async () => {
    const sqs = new SQS(options());
    const sns = new SNS({ ...options(), maxAttempts: 1 });
    await assert.rejects(
      sns.topic(`arn:aws:sns:us-east-1:${ACCOUNT}:missing`).subscribeQueue(sqs.queue("shared")),
      (error: unknown) => (error as { code?: string }).code === "NotFound",
    );
    assert.equal(policy, "");
  });

  it("keeps the statement after a 5xx: the subscription may exist", async () => {
    const sqs = new SQS(options());
    const sns = new SNS({ ...options(), maxAttempts: 1 });
    await assert.rejects(
      sns.topic(`arn:aws:sns:us-east-1:${ACCOUNT}:flaky`).subscribeQueue(sqs.queue("shared")),
      (error: unknown) => (error as { code?: string }).code === "InternalError",
    );
    assert.equal(statements().length, 1);
    assert.equal(sets, 1);
  });

  it("leaves a policy that already granted the topic as it was", async () => {
    const sqs = new SQS(options());
    const sns = new SNS({ ...options(), maxAttempts: 1 });
    const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:missing`;
    const granted = {
      Sid: "Mine",
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: QUEUE_ARN,
      Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
    };
    policy = JSON.stringify({ Version: "2012-10-17", Statement: [granted] });
    await assert.rejects(sns.topic(topicArn).subscribeQueue(sqs.queue("shared")));
    assert.deepEqual(statements(), [granted]);
    assert.equal(sets, 0);
  });
});
