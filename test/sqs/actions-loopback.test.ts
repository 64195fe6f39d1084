// The 6 SQS actions fauxqs lacks, over AWS JSON 1.0 against a loopback server that checks the exact
// request on the wire (method, path, target, content type, JSON body, SigV4 signature) and answers as
// AWS's API reference documents.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, type RecordedRequest, type Reply, startLoopback } from "../helpers/loopback.js";
import { targetOf } from "../helpers/sqs.js";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue";
const DLQ_ARN = "arn:aws:sqs:us-east-1:177715257436:MyDeadLetterQueue";
const SOURCE_ARN = "arn:aws:sqs:us-east-1:177715257436:MyQueue";
const TASK_HANDLE =
  "eyJ0YXNrSWQiOiJkYzE2OWUwNC0wZTU1LTQ0ZDItYWE5MC1jMDgwY2ExZjM2ZjciLCJzb3VyY2VBcm4iOiJhcm46YXdzOnNxczp1cy1lYXN0LTE6MTc3NzE1MjU3NDM2Ok15RGVhZExldHRlclF1ZXVlIn0=";

/** What AWS answers, by action (HTTP 200, empty body for actions without output). */
const answers: Record<string, () => Reply> = {
  AddPermission: () => ({
    status: 200,
    headers: { "x-amzn-requestid": "1b5b4b1a-ab3c-5b2c-9ba5-a0a6a1c1d1e1", "content-length": "0" },
    body: "",
  }),
  RemovePermission: () => json({}),
  ListDeadLetterSourceQueues: () =>
    json({
      queueUrls: [
        "https://sqs.us-east-1.amazonaws.com/177715257436/MySourceQueue",
        "https://sqs.us-east-1.amazonaws.com/177715257436/MyOtherSourceQueue",
      ],
    }),
  StartMessageMoveTask: () => json({ TaskHandle: TASK_HANDLE }),
  CancelMessageMoveTask: () => json({ ApproximateNumberOfMessagesMoved: 102 }),
  ListMessageMoveTasks: () =>
    json({
      Results: [
        {
          TaskHandle: TASK_HANDLE,
          Status: "RUNNING",
          SourceArn: DLQ_ARN,
          DestinationArn: SOURCE_ARN,
          MaxNumberOfMessagesPerSecond: 18,
          ApproximateNumberOfMessagesMoved: 29,
          ApproximateNumberOfMessagesToMove: 125,
          StartedTimestamp: 1442428276921,
        },
        {
          Status: "COMPLETED",
          SourceArn: DLQ_ARN,
          ApproximateNumberOfMessagesMoved: 1176,
          ApproximateNumberOfMessagesToMove: 1176,
          StartedTimestamp: 1342428272093,
        },
      ],
    }),
};

let server: Loopback;
let sqs: SQS;

before(async () => {
  server = await startLoopback((request) => {
    const answer = answers[targetOf(request)];
    return answer ? answer() : json({ __type: "com.amazonaws.sqs#UnsupportedOperation" }, 400);
  });
  sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

/** The one request sent, checked for everything AWS JSON 1.0 requires on the wire. */
function sentRequest(action: string): RecordedRequest {
  assert.equal(server.requests.length, 1, "exactly one request");
  const request = server.requests[0]!;
  assert.equal(request.method, "POST");
  assert.equal(request.url, "/");
  assert.equal(request.headers["x-amz-target"], `AmazonSQS.${action}`);
  assert.equal(request.headers["content-type"], "application/x-amz-json-1.0");
  assert.equal(request.headers.host, new URL(server.endpoint).host);
  assert.match(request.headers["x-amz-date"] ?? "", /^\d{8}T\d{6}Z$/);
  assert.match(
    request.headers.authorization ?? "",
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sqs\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
  );
  const signed = /SignedHeaders=([^,]+)/.exec(request.headers.authorization!)![1]!.split(";");
  for (const name of ["content-type", "host", "x-amz-date", "x-amz-target"]) {
    assert.ok(signed.includes(name), `${name} is signed`);
  }
  assert.equal(request.signatureValid, true, "the SigV4 signature checks out with the test secret");
  return request;
}

describe("actions fauxqs lacks, over JSON", () => {
  it("AddPermission", async () => {
    const input = {
      QueueUrl: QUEUE_URL,
      Label: "MyLabel",
      AWSAccountIds: ["177715257436", "111122223333"],
      Actions: ["SendMessage", "ReceiveMessage"],
    };
    assert.deepEqual(await sqs.addPermission(input), {});
    assert.deepEqual(JSON.parse(sentRequest("AddPermission").body), input);
  });

  it("RemovePermission", async () => {
    assert.deepEqual(await sqs.removePermission({ QueueUrl: QUEUE_URL, Label: "MyLabel" }), {});
    assert.deepEqual(JSON.parse(sentRequest("RemovePermission").body), {
      QueueUrl: QUEUE_URL,
      Label: "MyLabel",
    });
  });

  it("ListDeadLetterSourceQueues", async () => {
    const out = await sqs.listDeadLetterSourceQueues({ QueueUrl: QUEUE_URL, MaxResults: 10 });
    assert.deepEqual(out, {
      queueUrls: [
        "https://sqs.us-east-1.amazonaws.com/177715257436/MySourceQueue",
        "https://sqs.us-east-1.amazonaws.com/177715257436/MyOtherSourceQueue",
      ],
    });
    assert.deepEqual(JSON.parse(sentRequest("ListDeadLetterSourceQueues").body), {
      QueueUrl: QUEUE_URL,
      MaxResults: 10,
    });
  });

  it("StartMessageMoveTask", async () => {
    const input = { SourceArn: DLQ_ARN, DestinationArn: SOURCE_ARN, MaxNumberOfMessagesPerSecond: 50 };
    assert.deepEqual(await sqs.startMessageMoveTask(input), { TaskHandle: TASK_HANDLE });
    assert.deepEqual(JSON.parse(sentRequest("StartMessageMoveTask").body), input);
  });

  it("CancelMessageMoveTask", async () => {
    const out = await sqs.cancelMessageMoveTask({ TaskHandle: TASK_HANDLE });
    assert.deepEqual(out, { ApproximateNumberOfMessagesMoved: 102 });
    assert.equal(typeof out.ApproximateNumberOfMessagesMoved, "number");
    assert.deepEqual(JSON.parse(sentRequest("CancelMessageMoveTask").body), { TaskHandle: TASK_HANDLE });
  });

  it("ListMessageMoveTasks", async () => {
    const out = await sqs.listMessageMoveTasks({ SourceArn: DLQ_ARN, MaxResults: 2 });
    assert.equal(out.Results?.length, 2);
    assert.deepEqual(out.Results?.[0], {
      TaskHandle: TASK_HANDLE,
      Status: "RUNNING",
      SourceArn: DLQ_ARN,
      DestinationArn: SOURCE_ARN,
      MaxNumberOfMessagesPerSecond: 18,
      ApproximateNumberOfMessagesMoved: 29,
      ApproximateNumberOfMessagesToMove: 125,
      StartedTimestamp: 1442428276921,
    });
    assert.equal(out.Results?.[1]?.Status, "COMPLETED");
    assert.equal(out.Results?.[1]?.TaskHandle, undefined);
    assert.deepEqual(JSON.parse(sentRequest("ListMessageMoveTasks").body), {
      SourceArn: DLQ_ARN,
      MaxResults: 2,
    });
  });

  it("signs with the session token when the credentials have one", async () => {
    const withToken = new SQS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { ...TEST_CREDENTIALS, sessionToken: "session-token-example" },
    });
    await withToken.removePermission({ QueueUrl: QUEUE_URL, Label: "L" });
    const request = sentRequest("RemovePermission");
    assert.equal(request.headers["x-amz-security-token"], "session-token-example");
  });

  it("signs for the region given, with the endpoint's host", async () => {
    const elsewhere = new SQS({
      endpoint: server.endpoint,
      region: "eu-west-3",
      credentials: TEST_CREDENTIALS,
    });
    await elsewhere.removePermission({ QueueUrl: QUEUE_URL, Label: "L" });
    assert.equal(server.requests.length, 1);
    const request = server.requests[0]!;
    assert.match(request.headers.authorization ?? "", /\/eu-west-3\/sqs\/aws4_request/);
    assert.equal(request.signatureValid, true);
  });
});
