// The `asyncaws` command line (move and tail), run as a user runs it (the compiled bin in a
// child process) against fauxqs on loopback: outputs parsed in their formats, exit codes, stdin.
// The commands are split over a few files so that each gets its own emulator and time budget.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MessageRecord } from "../../src/cli/messages.js";
import { uniqueName } from "../helpers/fauxqs.js";
import { json, type RecordedRequest, startLoopback } from "../helpers/loopback.js";
import { cli, counts, createQueue, ndjson, runCli, sns, useEmulator } from "./helpers.js";

useEmulator();

/**
 * A loopback SQS that has the move task (fauxqs lacks it): one dead-letter queue, `tasks` as
 * ListMessageMoveTasks answers them one call after another (the last one repeated).
 */
async function moveServer(tasks: Record<string, unknown>[][]) {
  const arn = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";
  let listed = 0;
  const server = await startLoopback((request: RecordedRequest) => {
    const action = (request.headers["x-amz-target"] ?? "").replace("AmazonSQS.", "");
    const body = JSON.parse(request.body || "{}") as Record<string, unknown>;
    switch (action) {
      case "GetQueueUrl":
        return json({ QueueUrl: `http://127.0.0.1/123456789012/${body.QueueName}` });
      case "GetQueueAttributes":
        return json({ Attributes: { QueueArn: arn, ApproximateNumberOfMessages: "3" } });
      case "ListMessageMoveTasks":
        return json({ Results: tasks[Math.min(listed++, tasks.length - 1)] });
      case "StartMessageMoveTask":
        return json({ TaskHandle: "task-1" });
      case "CancelMessageMoveTask":
        return json({ ApproximateNumberOfMessagesMoved: 2 });
      default:
        return json({ __type: "com.amazonaws.sqs#InvalidAction", message: action }, 400);
    }
  });
  const actions = () =>
    server.requests.map((r) => (r.headers["x-amz-target"] ?? "").replace("AmazonSQS.", ""));
  const body = (action: string) =>
    JSON.parse(
      server.requests.find((r) => r.headers["x-amz-target"] === `AmazonSQS.${action}`)?.body ?? "null",
    );
  return { server, arn, actions, body };
}

describe("move with SQS's move task (a loopback server that has it)", () => {
  const task = (status: string, moved: number, extra: Record<string, unknown> = {}) => ({
    TaskHandle: "task-1",
    Status: status,
    SourceArn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
    ApproximateNumberOfMessagesMoved: moved,
    ApproximateNumberOfMessagesToMove: 3,
    ...extra,
  });

  it("starts the task with the rate and follows it to the end", async () => {
    const { server, arn, actions, body } = await moveServer([
      [],
      [task("RUNNING", 0)],
      [task("RUNNING", 2)],
      [task("COMPLETED", 3)],
    ]);
    try {
      const result = await runCli([
        "move",
        "orders-dlq",
        "--rate",
        "50",
        "--interval",
        "0.05",
        "-o",
        "json",
        "--endpoint",
        server.endpoint,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), {
        mode: "service",
        TaskHandle: "task-1",
        Status: "COMPLETED",
        moved: 3,
        toMove: 3,
      });
      assert.deepEqual(body("StartMessageMoveTask"), { SourceArn: arn, MaxNumberOfMessagesPerSecond: 50 });
      assert.deepEqual(actions().slice(0, 4), [
        "GetQueueUrl",
        "GetQueueAttributes",
        "ListMessageMoveTasks",
        "StartMessageMoveTask",
      ]);
      assert.ok(
        server.requests.every((r) => r.signatureValid),
        "every request signed",
      );
      assert.equal(actions().filter((a) => a === "ReceiveMessage").length, 0, "nothing moved client-side");
    } finally {
      await server.close();
    }
  });

  it("reports a failed task with exit code 1, refuses a rate the task cannot take", async () => {
    const { server } = await moveServer([
      [],
      [task("FAILED", 1, { FailureReason: "AccessDenied on the destination" })],
    ]);
    try {
      const result = await runCli([
        "move",
        "orders-dlq",
        "--interval",
        "0.05",
        "-o",
        "table",
        "--endpoint",
        server.endpoint,
      ]);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^FAILED: 1 of 3 messages moved from orders-dlq to their source queues$/m);
      assert.match(result.stderr, /AccessDenied on the destination/);
      const rate = await runCli(["move", "orders-dlq", "--rate", "1000", "--endpoint", server.endpoint]);
      assert.equal(rate.code, 2);
      assert.match(rate.stderr, /--rate of a service move task is a whole number from 1 to 500/);
    } finally {
      await server.close();
    }
  });

  it("cancels the running task with --cancel", async () => {
    const { server, body } = await moveServer([[task("RUNNING", 2)]]);
    try {
      const result = await runCli([
        "move",
        "orders-dlq",
        "--cancel",
        "-o",
        "json",
        "--endpoint",
        server.endpoint,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { cancelled: "task-1", moved: 2 });
      assert.deepEqual(body("CancelMessageMoveTask"), { TaskHandle: "task-1" });
    } finally {
      await server.close();
    }
  });
});

describe("move", () => {
  it("redrives a dead-letter queue back to its source (client-side where the emulator lacks the task)", async () => {
    const dlq = await createQueue("mv-dlq");
    const main = await createQueue("mv-main", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    await dlq.queue.sendBatch(
      Array.from({ length: 25 }, (_, i) => ({
        MessageBody: `dead ${i}`,
        MessageAttributes: { i: { DataType: "Number", StringValue: String(i) } },
      })),
    );
    const moved = await cli(["move", dlq.name, "-o", "json"]);
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stderr, /move task does not apply here \(InvalidAction\): moving client-side/);
    assert.deepEqual(JSON.parse(moved.stdout), {
      mode: "client",
      moved: 25,
      failed: 0,
      destinations: { [main.name]: 25 },
    });
    assert.deepEqual(await counts(dlq.queue), { visible: 0, inFlight: 0 });
    assert.deepEqual(await counts(main.queue), { visible: 25, inFlight: 0 });
    const [m] = await main.queue.receive({ WaitTimeSeconds: 0, MaxNumberOfMessages: 1 });
    assert.equal(m?.Body, `dead ${m?.MessageAttributes?.i?.StringValue}`, "attributes kept");
    // To a named queue, with a limit.
    const other = await createQueue("mv-other");
    const some = await cli(["move", main.name, other.name, "--max", "5", "-o", "json"]);
    assert.equal(JSON.parse(some.stdout).moved, 5);
    assert.deepEqual(await counts(other.queue), { visible: 5, inFlight: 0 });
  });

  it("tells which destination to name when no queue uses the source as its dead-letter queue", async () => {
    const lonely = await createQueue("mv-lonely");
    await lonely.queue.send("x");
    const result = await cli(["move", lonely.name]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no queue uses .* as its dead-letter queue: name the destination/);
    assert.deepEqual(await counts(lonely.queue), { visible: 1, inFlight: 0 }, "nothing lost");
  });
});

describe("tail", () => {
  it("prints what is there and stops, filters, and releases what it held", async () => {
    const { name, queue } = await createQueue("tail");
    await queue.sendBatch([
      JSON.stringify({ kind: "order", id: 1 }),
      JSON.stringify({ kind: "notice", id: 2 }),
      "plain text order",
      JSON.stringify({ kind: "order", id: 3, nested: { ok: true } }),
    ]);
    const all = await cli(["tail", name, "-o", "ndjson"]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(ndjson(all.stdout).length, 4);
    assert.match(all.stderr, /4 shown, 4 released/);
    assert.deepEqual(await counts(queue), { visible: 4, inFlight: 0 }, "all released");
    const where = await cli([
      "tail",
      name,
      "--where",
      "kind=order",
      "--where",
      "nested.ok=true",
      "-o",
      "raw",
    ]);
    assert.equal(where.stdout, `${JSON.stringify({ kind: "order", id: 3, nested: { ok: true } })}\n`);
    const grep = await cli(["tail", name, "--grep", "order", "--delete", "-o", "json"]);
    assert.equal((JSON.parse(grep.stdout) as unknown[]).length, 3);
    assert.match(grep.stderr, /3 shown, 1 skipped by the filter, 3 deleted, 1 released/);
    assert.deepEqual(await counts(queue), { visible: 1, inFlight: 0 }, "only the skipped one stays");
  });

  it("follows with -f until Ctrl-C, then releases the held messages and exits 0", async () => {
    const { name, queue } = await createQueue("follow");
    await queue.send("first");
    const result = await cli(["tail", name, "-f", "--wait", "1", "-o", "ndjson"], {
      started: (child, output) => {
        const poll = setInterval(() => {
          if (output.stdout.includes("first")) {
            clearInterval(poll);
            void queue.send("second").then(() =>
              setTimeout(function check() {
                if (output.stdout.includes("second")) child.kill("SIGINT");
                else setTimeout(check, 50);
              }, 50),
            );
          }
        }, 50);
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      ndjson(result.stdout).map((r) => r.Body),
      ["first", "second"],
    );
    assert.match(result.stderr, /2 shown, 2 released/);
    // fauxqs: a long poll aborted by Ctrl-C may still take a message; none was left to take.
    assert.deepEqual(await counts(queue), { visible: 2, inFlight: 0 });
  });

  it("unwraps SNS envelopes with --unwrap-sns", async () => {
    const { name, queue } = await createQueue("tail-sns");
    const topic = await sns.createTopic({ Name: uniqueName("tail-topic") });
    await sns.topic(topic.TopicArn!).subscribeQueue(queue);
    await sns.topic(topic.TopicArn!).publish(
      { hello: "world" },
      {
        Subject: "greeting",
        MessageAttributes: { kind: { DataType: "String", StringValue: "hi" } },
      },
    );
    const result = await cli(["tail", name, "--unwrap-sns", "--wait", "2", "-n", "1", "-o", "json"]);
    assert.equal(result.code, 0, result.stderr);
    const [record] = JSON.parse(result.stdout) as MessageRecord[];
    assert.equal(record!.Body, '{"hello":"world"}');
    assert.equal(record!.Sns?.TopicArn, topic.TopicArn);
    assert.equal(record!.Sns?.Subject, "greeting");
    assert.equal(record!.MessageAttributes?.kind?.StringValue, "hi");
  });
});
