// The `asyncaws` command line (usage, exit codes, queues, purge, watch), run as a user runs it (the compiled bin in a
// child process) against fauxqs on loopback: outputs parsed in their formats, exit codes, stdin.
// The commands are split over a few files so that each gets its own emulator and time budget.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { commandHelp } from "../../src/cli/args.js";
import { COMMANDS } from "../../src/cli/main.js";
import { plain } from "../../src/cli/style.js";
import { TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { startLoopback, xml } from "../helpers/loopback.js";
import { cli, counts, createQueue, ndjson, runCli, sqs, useEmulator } from "./helpers.js";

useEmulator();

describe("usage and help", () => {
  it("lists the commands, and each command has --help with an example", async () => {
    const main = await runCli(["--help"]);
    assert.equal(main.code, 0);
    assert.equal(COMMANDS.length, 13);
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
    assert.match(lines[0]!, /^QUEUE\s+VISIBLE\s+IN FLIGHT\s+DELAYED\s+OLDEST\s+FIFO\s+DEAD-LETTER$/);
    // No CloudWatch beside an emulator: the age is unknown.
    assert.match(
      lines[2]!,
      new RegExp(`^${prefix}-main\\s+3\\s+0\\s+1\\s+-\\s+→ ${prefix}-dlq \\(after 3\\)$`),
    );
    assert.doesNotMatch(table.stdout, /\u001b\[/, "no colour when not a terminal");
    const raw = await cli(["queues", prefix, "-o", "raw"]);
    assert.equal(raw.stdout.trim().split("\n").length, 2);
    assert.match(raw.stdout, /^http:\/\/.*-dlq$/m);
  });
});

describe("queues: the age of the oldest message", () => {
  it("comes from CloudWatch's ApproximateAgeOfOldestMessage (a signed GetMetricStatistics), the latest value", async () => {
    const name = uniqueName("aged");
    await sqs.createQueue({ QueueName: name });
    const empty = uniqueName("quiet");
    await sqs.createQueue({ QueueName: empty });
    const cloudwatch = await startLoopback((request) => {
      const params = new URLSearchParams(request.body);
      if (params.get("Action") !== "GetMetricStatistics") return xml("<ErrorResponse/>", 400);
      const queue = params.get("Dimensions.member.1.Value");
      const points =
        queue === name
          ? "<member><Timestamp>2026-12-05T10:00:00Z</Timestamp><Maximum>40.0</Maximum><Unit>Seconds</Unit></member>" +
            "<member><Timestamp>2026-12-05T10:01:00Z</Timestamp><Maximum>95.0</Maximum><Unit>Seconds</Unit></member>"
          : "";
      return xml(
        `<GetMetricStatisticsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricStatisticsResult><Label>ApproximateAgeOfOldestMessage</Label><Datapoints>${points}</Datapoints></GetMetricStatisticsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetMetricStatisticsResponse>`,
      );
    });
    try {
      const env = { AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint };
      const json = await cli(["queues", name, "-o", "json"], { env });
      assert.equal(json.code, 0, json.stderr);
      assert.equal((JSON.parse(json.stdout) as { oldestAgeSeconds?: number }[])[0]?.oldestAgeSeconds, 95);
      const table = await cli(["queues", empty, "-o", "table"], { env });
      assert.match(table.stdout.split("\n")[1]!, new RegExp(`^${empty}\\s+0\\s+0\\s+0\\s+-`));
      assert.equal(cloudwatch.requests.length, 2);
      for (const request of cloudwatch.requests) {
        assert.ok(request.signatureValid, "signed for CloudWatch");
        assert.match(request.headers.authorization!, /\/us-east-1\/monitoring\/aws4_request/);
        const params = new URLSearchParams(request.body);
        assert.equal(params.get("Namespace"), "AWS/SQS");
        assert.equal(params.get("MetricName"), "ApproximateAgeOfOldestMessage");
        assert.equal(params.get("Dimensions.member.1.Name"), "QueueName");
        assert.equal(params.get("Statistics.member.1"), "Maximum");
      }
      // CloudWatch refusing (no permission): the age is unknown, the list is still shown.
      const refusing = await startLoopback(() =>
        xml(
          "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>",
          403,
        ),
      );
      try {
        const denied = await cli(["queues", name, "-o", "json"], {
          env: { AWS_ENDPOINT_URL_CLOUDWATCH: refusing.endpoint },
        });
        assert.equal(denied.code, 0, denied.stderr);
        assert.equal(
          (JSON.parse(denied.stdout) as { oldestAgeSeconds?: number }[])[0]?.oldestAgeSeconds,
          undefined,
        );
      } finally {
        await refusing.close();
      }
    } finally {
      await cloudwatch.close();
    }
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
