// The `asyncaws` command line (move and tail), run as a user runs it (the compiled bin in a
// child process) against fauxqs on loopback: outputs parsed in their formats, exit codes, stdin.
// The commands are split over a few files so that each gets its own emulator and time budget.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MessageRecord } from "../../src/cli/messages.js";
import { uniqueName } from "../helpers/fauxqs.js";
import { cli, counts, createQueue, ndjson, sns, useEmulator } from "./helpers.js";

useEmulator();

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
