// The `asyncaws` command line, every command run as a user runs it (the compiled bin in a child
// process) against fauxqs on loopback: outputs parsed in their formats, exit codes, stdin.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { commandHelp } from "../../src/cli/args.js";
import { COMMANDS } from "../../src/cli/main.js";
import type { MessageRecord } from "../../src/cli/messages.js";
import { plain } from "../../src/cli/style.js";
import { SNS, SQS } from "../../src/index.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { makeSigner, signSnsMessage } from "../helpers/x509.js";
import { ndjson, runCli } from "./helpers.js";

let emulator: Emulator;
let sqs: SQS;
let sns: SNS;
let dir: string;
/** Runs the CLI against the emulator. */
const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
  runCli([...args, "--endpoint", emulator.endpoint], options);

before(async () => {
  emulator = await startEmulator();
  const options = { endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
  sqs = new SQS(options);
  sns = new SNS(options);
  dir = mkdtempSync(join(tmpdir(), "asyncaws-cli-"));
});
after(() => emulator.stop());

async function createQueue(prefix: string, attributes: Record<string, string> = {}) {
  const fifo = prefix.endsWith(".fifo");
  const name = fifo ? `${uniqueName(prefix.slice(0, -5))}.fifo` : uniqueName(prefix);
  const { QueueUrl } = await sqs.createQueue({
    QueueName: name,
    Attributes: fifo ? { FifoQueue: "true", ...attributes } : attributes,
  });
  const queue = sqs.queue(QueueUrl!);
  const arn = (await queue.attributes(["QueueArn"])).QueueArn!;
  return { name, url: QueueUrl!, queue, arn };
}

async function counts(queue: ReturnType<SQS["queue"]>) {
  const a = await queue.attributes(["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
  };
}

describe("usage and help", () => {
  it("lists the commands, and each command has --help with an example", async () => {
    const main = await runCli(["--help"]);
    assert.equal(main.code, 0);
    assert.equal(COMMANDS.length, 12);
    for (const command of COMMANDS) assert.match(main.stdout, new RegExp(`^  ${command.name} +\\S`, "m"));
    const peek = await runCli(["peek", "--help"]);
    assert.equal(peek.code, 0);
    assert.equal(peek.stdout.trimEnd(), commandHelp(COMMANDS.find((c) => c.name === "peek")!, plain));
    const viaHelp = await runCli(["help", "send"]);
    assert.match(viaHelp.stdout, /^usage: asyncaws send <queue>/);
    for (const command of COMMANDS) {
      const help = commandHelp(command, plain);
      assert.match(help, new RegExp(`^usage: asyncaws ${command.name}`), command.name);
      assert.match(help, /\nexamples?:\n( {2}# .*\n)? {2}\$ asyncaws /, command.name);
      assert.match(help, /--endpoint <url>/);
      assert.ok(command.description.length > 40, command.name);
      for (const example of command.examples.filter((e) => !e.startsWith("#")))
        assert.match(example, new RegExp(`asyncaws ${command.name}\\b`), example);
    }
  });

  it("exits 2 with the usage line on bad usage, before any request", async () => {
    const missing = await runCli(["peek"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error: missing arguments\nusage: asyncaws peek <queue>/);
    const unknown = await runCli(["peak", "q"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "peak" \(did you mean peek\?\)/);
    const option = await runCli(["queues", "--frobnicate"]);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /--frobnicate/);
    const format = await runCli(["queues", "-o", "xml"]);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--output takes json, ndjson, table, raw, not "xml"/);
    const number = await runCli(["peek", "q", "-n", "ten"]);
    assert.equal(number.code, 2);
    assert.match(number.stderr, /-n|--number/);
    const none = await runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /usage: asyncaws <command>/);
    assert.equal(
      (await runCli(["--version"])).stdout.trim(),
      JSON.parse(readFileSync("package.json", "utf8")).version,
    );
  });

  it("exits 1 on an AWS error with the library's message, a stack trace only with --debug", async () => {
    const missing = uniqueName("missing");
    const result = await cli(["peek", missing]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`^error: GetQueueUrl \\(${missing}\\): .*QueueDoesNotExist|NonExistentQueue`, "m"),
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    assert.ok(!result.stderr.includes(TEST_CREDENTIALS.secretAccessKey));
    const debug = await cli(["peek", missing, "--debug"]);
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /debug: POST http:\/\/127\.0\.0\.1:\d+\/ GetQueueUrl -> 400/);
    assert.match(debug.stderr, /\n\s+at /, "a stack trace");
  });
});

describe("queues", () => {
  it("lists counts and dead-letter links as a table, JSON and ndjson (the default when piped)", async () => {
    const prefix = uniqueName("ls");
    const { QueueUrl: dlqUrl } = await sqs.createQueue({ QueueName: `${prefix}-dlq` });
    const dlqArn = (await sqs.queue(dlqUrl!).attributes(["QueueArn"])).QueueArn;
    await sqs.createQueue({
      QueueName: `${prefix}-main`,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
    });
    await sqs.queue(`${prefix}-main`).sendBatch(["a", "b", "c"]);
    await sqs.queue(`${prefix}-main`).send("later", { DelaySeconds: 60 });
    const json = await cli(["queues", prefix, "-o", "json"]);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((r) => [
        r.name,
        r.visible,
        r.inFlight,
        r.delayed,
        r.deadLetterQueue,
        r.maxReceiveCount,
        r.sources,
      ]),
      [
        [`${prefix}-dlq`, 0, 0, 0, undefined, undefined, [`${prefix}-main`]],
        [`${prefix}-main`, 3, 0, 1, `${prefix}-dlq`, 3, undefined],
      ],
    );
    const piped = await cli(["queues", prefix]);
    assert.deepEqual(
      ndjson(piped.stdout).map((r) => r.name),
      [`${prefix}-dlq`, `${prefix}-main`],
    );
    const table = await cli(["queues", prefix, "-o", "table"]);
    const lines = table.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^QUEUE\s+VISIBLE\s+IN FLIGHT\s+DELAYED\s+FIFO\s+DEAD-LETTER$/);
    assert.match(lines[2]!, new RegExp(`^${prefix}-main\\s+3\\s+0\\s+1\\s+→ ${prefix}-dlq \\(after 3\\)$`));
    assert.doesNotMatch(table.stdout, /\u001b\[/, "no colour when not a terminal");
    const raw = await cli(["queues", prefix, "-o", "raw"]);
    assert.equal(raw.stdout.trim().split("\n").length, 2);
    assert.match(raw.stdout, /^http:\/\/.*-dlq$/m);
  });
});

describe("send and peek", () => {
  it("sends a body with typed attributes; peek shows it without consuming it, and warns", async () => {
    const { name, queue } = await createQueue("send");
    const sent = await cli([
      "send",
      name,
      '{"id":42}',
      "--attr",
      "kind=order",
      "--attr",
      "priority:Number=7",
      "--attr",
      "blob:Binary=AQID",
      "--attr",
      "n:Number.int=3",
      "-o",
      "json",
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    const { MessageId } = JSON.parse(sent.stdout) as { MessageId: string };
    assert.match(MessageId, /^[0-9a-f-]{36}$/);
    const peeked = await cli(["peek", name, "-o", "json"]);
    assert.equal(peeked.code, 0, peeked.stderr);
    const [message] = JSON.parse(peeked.stdout) as MessageRecord[];
    assert.equal(message!.MessageId, MessageId);
    assert.equal(message!.Body, '{"id":42}');
    assert.deepEqual(message!.MessageAttributes, {
      kind: { DataType: "String", StringValue: "order" },
      priority: { DataType: "Number", StringValue: "7" },
      blob: { DataType: "Binary", BinaryValue: "AQID" },
      n: { DataType: "Number.int", StringValue: "3" },
    });
    assert.match(
      peeked.stderr,
      /1 message received and released: each peek raised their receive count by one/,
    );
    assert.deepEqual(await counts(queue), { visible: 1, inFlight: 0 }, "still on the queue, visible");
    const again = await cli(["peek", name, "-o", "ndjson"]);
    assert.equal(
      ndjson<{ Attributes: Record<string, string> }>(again.stdout)[0]!.Attributes.ApproximateReceiveCount,
      "2",
    );
    const table = await cli(["peek", name, "-o", "table"]);
    assert.match(table.stdout, new RegExp(`^● ${MessageId}  received 3× · sent `, "m"));
    assert.match(table.stdout, /kind=order {2}priority=7 \(Number\) {2}blob=<3 bytes> \(Binary\)/);
    assert.match(table.stdout, /^ {2}\{\n {4}"id": 42\n {2}\}$/m, "a JSON body pretty-printed");
    const consumed = await cli(["peek", name, "--delete", "-o", "raw"]);
    assert.equal(consumed.stdout, '{"id":42}\n');
    assert.deepEqual(await counts(queue), { visible: 0, inFlight: 0 });
  });

  it("rejects bad attributes and missing FIFO ids with exit code 2", async () => {
    const { name } = await createQueue("bad");
    const bad = await cli(["send", name, "x", "--attr", "n:Number=abc"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /a Number attribute takes a number, not "abc"/);
    const type = await cli(["send", name, "x", "--attr", "n:Float=1"]);
    assert.equal(type.code, 2);
    const fifo = await createQueue("bad.fifo");
    const noGroup = await cli(["send", fifo.name, "x"]);
    assert.equal(noGroup.code, 2, noGroup.stderr);
    assert.match(noGroup.stderr, /MessageGroupId/);
    const ok = await cli(["send", fifo.name, "x", "--group-id", "g1", "--dedup-id", "d1", "-o", "json"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(String(JSON.parse(ok.stdout).SequenceNumber), /^\d+$/);
    const [m] = await fifo.queue.receive({ WaitTimeSeconds: 0 });
    assert.equal(m?.Attributes?.MessageGroupId, "g1");
    assert.equal(m?.Attributes?.MessageDeduplicationId, "d1");
  });

  it("sends stdin line by line, and --file as one message", async () => {
    const { name, queue } = await createQueue("stdin");
    const result = await cli(["send", name, "-o", "json", "--attr", "src=stdin"], {
      input: "one\ntwo\n\nthree\n",
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).sent, 3);
    const file = join(dir, "multi.txt");
    writeFileSync(file, "line 1\nline 2\n");
    assert.equal((await cli(["send", name, "--file", file])).code, 0);
    const bodies: string[] = [];
    for (;;) {
      const messages = await queue.receive({ WaitTimeSeconds: 0 });
      if (!messages.length) break;
      for (const m of messages) {
        bodies.push(m.Body!);
        if (m.Body !== "line 1\nline 2\n") assert.equal(m.MessageAttributes?.src?.StringValue, "stdin");
      }
    }
    assert.deepEqual(bodies.sort(), ["line 1\nline 2\n", "one", "three", "two"]);
  });
});

describe("send --ndjson and dump", () => {
  it("round-trips 10,000 messages: nothing lost, nothing duplicated", async () => {
    const { name, queue } = await createQueue("bulk");
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i % 3 === 0) lines.push(`plain ${i}`);
      else if (i % 3 === 1) lines.push(JSON.stringify({ order: i, note: "a JSON body, sent as it is" }));
      else
        lines.push(
          JSON.stringify({
            Body: `record ${i}`,
            MessageAttributes: { i: { DataType: "Number", StringValue: String(i) } },
          }),
        );
    }
    const file = join(dir, "bulk.ndjson");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const sent = await cli(["send", name, "--ndjson", file, "-o", "json"]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(JSON.parse(sent.stdout).sent, 10_000);
    assert.equal(JSON.parse(sent.stdout).failed, 0);
    const out = join(dir, "bulk-dump.ndjson");
    const dumped = await cli(["dump", name, "--out", out, "-o", "json"]);
    assert.equal(dumped.code, 0, dumped.stderr);
    assert.equal(JSON.parse(dumped.stdout).written, 10_000);
    assert.equal(JSON.parse(dumped.stdout).deleted, 10_000);
    const records = ndjson<MessageRecord>(readFileSync(out, "utf8"));
    assert.equal(records.length, 10_000);
    assert.equal(new Set(records.map((r) => r.MessageId)).size, 10_000, "no message twice");
    const expected = lines.map((line, i) => (i % 3 === 2 ? `record ${i}` : line)).sort();
    assert.deepEqual(records.map((r) => r.Body).sort(), expected, "every body once");
    for (const r of records.filter((r) => r.Body.startsWith("record ")))
      assert.equal(r.MessageAttributes?.i?.StringValue, r.Body.slice(7));
    assert.deepEqual(await counts(queue), { visible: 0, inFlight: 0 }, "drained");
  });

  it("dump --keep copies and releases; send --ndjson restores it elsewhere, attributes kept", async () => {
    const source = await createQueue("keep");
    await source.queue.sendBatch([
      { MessageBody: "a", MessageAttributes: { k: { DataType: "String", StringValue: "1" } } },
      {
        MessageBody: "b",
        MessageAttributes: { bin: { DataType: "Binary", BinaryValue: new Uint8Array([9, 8]) } },
      },
      "c",
    ]);
    const copied = await cli(["dump", source.name, "--keep"]);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stderr, /3 messages copied .*; 3 released/);
    assert.equal(ndjson(copied.stdout).length, 3);
    assert.deepEqual(await counts(source.queue), { visible: 3, inFlight: 0 }, "all back on the queue");
    const target = await createQueue("restore");
    const restored = await cli(["send", target.name, "--ndjson", "-", "-o", "json"], {
      input: copied.stdout,
    });
    assert.equal(JSON.parse(restored.stdout).sent, 3);
    const messages = await target.queue.receive({ WaitTimeSeconds: 0 });
    const byBody = new Map(messages.map((m) => [m.Body, m]));
    assert.equal(byBody.get("a")?.MessageAttributes?.k?.StringValue, "1");
    assert.deepEqual([...(byBody.get("b")?.MessageAttributes?.bin?.BinaryValue ?? [])], [9, 8]);
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

describe("purge", () => {
  it("refuses without confirmation, purges once the name is typed back", async () => {
    const { name, queue } = await createQueue("purge");
    await queue.sendBatch(["a", "b"]);
    const silent = await cli(["purge", name]);
    assert.equal(silent.code, 2);
    assert.match(silent.stderr, /not purged: confirm by typing the queue's name .* or pass --yes/);
    const wrong = await cli(["purge", name], { input: "orders\n" });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /not purged: "orders" is not/);
    assert.deepEqual(await counts(queue), { visible: 2, inFlight: 0 }, "nothing deleted");
    const typed = await cli(["purge", name, "-o", "json"], { input: `${name}\n` });
    assert.equal(typed.code, 0, typed.stderr);
    assert.deepEqual(JSON.parse(typed.stdout), { purged: name, visible: 2, inFlight: 0, delayed: 0 });
    assert.deepEqual(await counts(queue), { visible: 0, inFlight: 0 });
    await queue.send("c");
    assert.equal((await cli(["purge", name, "--yes"])).code, 0);
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

describe("watch", () => {
  it("writes one JSON line per queue per refresh when piped", async () => {
    const { name, queue } = await createQueue("watch");
    await queue.sendBatch(["a", "b"]);
    const result = await cli(["watch", name, "--count", "2", "--interval", "0.2"]);
    assert.equal(result.code, 0, result.stderr);
    const rows = ndjson(result.stdout);
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.name, name);
    assert.equal(rows[0]!.visible, 2);
    assert.equal(rows[1]!.visibleRate, 0);
    assert.equal(typeof rows[1]!.time, "string");
  });
});

describe("topics, publish, subscribe", () => {
  it("subscribes a queue (policy merged), publishes with attributes, lists topics", async () => {
    const topicName = uniqueName("events");
    const { TopicArn } = await sns.createTopic({ Name: topicName });
    const { name, queue } = await createQueue("sub");
    await queue.setAttributes({
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "keep-me", Effect: "Allow", Principal: "*", Action: "sqs:ReceiveMessage", Resource: "*" },
        ],
      }),
    });
    const subscribed = await cli([
      "subscribe",
      topicName,
      name,
      "--raw",
      "--filter",
      '{"kind":["order"]}',
      "-o",
      "json",
    ]);
    assert.equal(subscribed.code, 0, subscribed.stderr);
    const sub = JSON.parse(subscribed.stdout);
    assert.equal(sub.TopicArn, TopicArn);
    assert.equal(sub.policyChanged, true);
    const policy = JSON.parse((await queue.attributes(["Policy"])).Policy!);
    assert.equal(policy.Statement.length, 2);
    assert.equal(policy.Statement[0].Sid, "keep-me");
    const again = await cli([
      "subscribe",
      topicName,
      name,
      "--raw",
      "--filter",
      '{"kind":["order"]}',
      "-o",
      "json",
    ]);
    assert.equal(JSON.parse(again.stdout).policyChanged, false);
    const published = await cli(["publish", topicName, '{"id":1}', "--attr", "kind=order", "-o", "json"]);
    assert.equal(published.code, 0, published.stderr);
    assert.match(JSON.parse(published.stdout).MessageId, /\S/);
    const skipped = await cli(["publish", topicName, "noise", "--attr", "kind=notice"]);
    assert.equal(skipped.code, 0);
    const batch = await cli(["publish", topicName, "-o", "json", "--attr", "kind=order"], {
      input: "b1\nb2\nb3\n",
    });
    assert.equal(JSON.parse(batch.stdout).published, 3);
    const bodies: string[] = [];
    for (let empty = 0; empty < 2 && bodies.length < 4; ) {
      const messages = await queue.receive({ WaitTimeSeconds: 1 });
      if (!messages.length) empty++;
      for (const m of messages) bodies.push(m.Body!);
    }
    assert.deepEqual(bodies.sort(), ['{"id":1}', "b1", "b2", "b3"].sort(), "raw delivery, filter applied");
    const topics = await cli(["topics", topicName, "-o", "json"]);
    assert.deepEqual(JSON.parse(topics.stdout), [
      { name: topicName, arn: TopicArn, fifo: false, subscriptions: 1 },
    ]);
    const missing = await cli(["publish", uniqueName("nope"), "x"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no topic named "nope-.*" \(asyncaws topics lists them\)/);
  });
});

describe("verify-sns", () => {
  it("accepts a genuine notification and rejects a tampered one, with the reason", async () => {
    const signer = makeSigner();
    const certFile = join(dir, "cert.pem");
    writeFileSync(certFile, signer.pem);
    const message = signSnsMessage(
      {
        Type: "Notification",
        MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        TopicArn: "arn:aws:sns:us-east-1:123456789012:events",
        Subject: "hello",
        Message: "Hello, World!",
        Timestamp: new Date().toISOString(),
      },
      signer,
      "2",
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem",
    );
    const file = join(dir, "notification.json");
    writeFileSync(file, JSON.stringify(message));
    const valid = await runCli(["verify-sns", file, "--cert", certFile, "-o", "json"]);
    assert.equal(valid.code, 0, valid.stderr);
    assert.deepEqual(JSON.parse(valid.stdout), {
      valid: true,
      Type: "Notification",
      TopicArn: message.TopicArn,
      MessageId: message.MessageId,
      Timestamp: message.Timestamp,
      SignatureVersion: "2",
      Subject: "hello",
    });
    const tampered = await runCli(["verify-sns", "-", "--cert", certFile, "-o", "json"], {
      input: JSON.stringify({ ...message, Message: "Goodbye" }),
    });
    assert.equal(tampered.code, 1);
    const rejected = JSON.parse(tampered.stdout);
    assert.equal(rejected.valid, false);
    assert.equal(typeof rejected.reason, "string");
    const otherTopic = await runCli([
      "verify-sns",
      file,
      "--cert",
      certFile,
      "--topic-arn",
      "arn:aws:sns:us-east-1:123456789012:other",
      "-o",
      "table",
    ]);
    assert.equal(otherTopic.code, 1);
    assert.match(otherTopic.stdout, /^not valid: /);
  });
});
