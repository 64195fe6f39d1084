// The parts of the command line that only a terminal shows (progress bar, watch screen, message
// blocks, colours) and the parsing of arguments, tested through their functions.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Command, GLOBAL_OPTIONS, parseCommand, splitCommand, UsageError } from "../../src/cli/args.js";
import { buildFilter, pathValue } from "../../src/cli/commands/tail.js";
import { nextRows, renderWatch, sparkline, type WatchRow } from "../../src/cli/commands/watch.js";
import { lineToEntry, parseAttributes, prettyBody, renderMessage } from "../../src/cli/messages.js";
import { Output, RecordStream, renderTable, truncate } from "../../src/cli/output.js";
import { Progress, renderProgress } from "../../src/cli/progress.js";
import {
  ansi,
  colorEnabled,
  colored,
  displayWidth,
  hasStyleText,
  plain,
  stripAnsi,
} from "../../src/cli/style.js";

/** A sink that keeps what is written. */
function sink(isTTY = false) {
  const sink = {
    text: "",
    isTTY,
    columns: 60,
    write(chunk: string) {
      sink.text += chunk;
      return true;
    },
  };
  return sink;
}

describe("progress", () => {
  it("draws a bar with a count, a rate and failures, within the width", () => {
    const line = renderProgress({ label: "sending", done: 250, total: 1000, rate: 1234.5, failed: 2 }, 80);
    assert.match(line, /^sending █+░+ {2}25% {2}250\/1000 messages · 1,235\/s · 2 failed$/);
    assert.ok(displayWidth(line) <= 80, line);
    assert.equal((line.match(/█/g) ?? []).length / ((line.match(/[█░]/g) ?? []).length || 1), 0.25);
    const unknown = renderProgress({ label: "sending", done: 42, rate: 3.25 });
    assert.equal(unknown, "sending 42 messages · 3.3/s");
    const byBytes = renderProgress({ label: "sending", done: 10, fraction: 0.5 }, 60);
    assert.match(byBytes, / {2}50% {2}10 messages$/);
    const narrow = renderProgress({ label: "moving", done: 1, total: 1 }, 20);
    assert.match(narrow, /^moving █{10} 100%/, "a bar of at least 10 cells");
    const colouredLine = renderProgress({ label: "x", done: 1, total: 2, failed: 1 }, 80, ansi);
    assert.equal(stripAnsi(colouredLine), renderProgress({ label: "x", done: 1, total: 2, failed: 1 }, 80));
  });

  it("draws on a terminal only, in place, and clears its line", () => {
    const off = sink(false);
    new Progress(off, false, { label: "a", done: 0 }).update({ done: 5 }, true);
    assert.equal(off.text, "");
    const tty = sink(true);
    const progress = new Progress(tty, true, { label: "a", done: 0, total: 10 });
    progress.update({ done: 5 }, true);
    progress.update({ done: 6 }); // within 100 ms of the last draw: not drawn
    assert.match(tty.text, /^\r\u001b\[2Ka .* 50% {2}5\/10 messages/);
    assert.equal(tty.text.split("\r").length, 2);
    progress.clear();
    assert.ok(tty.text.endsWith("\r\u001b[2K"));
  });
});

describe("tables and formats", () => {
  const columns = [
    { title: "NAME", value: (r: { n: string; v: number }) => r.n },
    { title: "COUNT", value: (r: { n: string; v: number }) => String(r.v), right: true },
  ];
  it("aligns columns, right-aligns numbers, cuts long cells", () => {
    const text = renderTable(
      [
        { n: "a", v: 1 },
        { n: "longer", v: 1000 },
      ],
      columns,
    );
    assert.equal(text, "NAME    COUNT\na           1\nlonger   1000");
    assert.equal(truncate("abcdefgh", 5), "abcd…");
    assert.equal(truncate("abc", 5), "abc");
    assert.equal(displayWidth("日本"), 4);
  });

  it("writes json, ndjson, raw and table; a stream of records stays valid JSON", () => {
    const rows = [{ n: "a", v: 1, bytes: new Uint8Array([1, 2, 3]) }];
    const run = (format: "json" | "ndjson" | "raw" | "table") => {
      const out = sink();
      const err = sink();
      new Output({ format, quiet: false, paint: plain, paintErr: plain, out, err }).records(
        rows,
        columns,
        (r) => r.n,
      );
      return out.text;
    };
    assert.deepEqual(JSON.parse(run("json")), [{ n: "a", v: 1, bytes: "AQID" }]);
    assert.equal(run("ndjson"), '{"n":"a","v":1,"bytes":"AQID"}\n');
    assert.equal(run("raw"), "a\n");
    assert.equal(run("table"), "NAME  COUNT\na         1\n");
    const out = sink();
    const output = new Output({
      format: "json",
      quiet: true,
      paint: plain,
      paintErr: plain,
      out,
      err: sink(),
    });
    const stream = new RecordStream<{ a: number }>(output, String, String);
    stream.end();
    assert.deepEqual(JSON.parse(out.text), []);
    const out2 = sink();
    const output2 = new Output({
      format: "json",
      quiet: true,
      paint: plain,
      paintErr: plain,
      out: out2,
      err: sink(),
    });
    const stream2 = new RecordStream<{ a: number }>(output2, String, String);
    stream2.write({ a: 1 });
    stream2.write({ a: 2 });
    stream2.end();
    stream2.end();
    assert.deepEqual(JSON.parse(out2.text), [{ a: 1 }, { a: 2 }]);
  });

  it("--quiet silences notes and warnings, never errors", () => {
    const err = sink();
    const output = new Output({
      format: "table",
      quiet: true,
      paint: plain,
      paintErr: plain,
      out: sink(),
      err,
    });
    output.note("note");
    output.warn("warn");
    output.error("bad");
    assert.equal(err.text, "error: bad\n");
  });
});

describe("colours", () => {
  it("colours only a terminal, never with --no-color, NO_COLOR or TERM=dumb; FORCE_COLOR forces", () => {
    assert.equal(colorEnabled({ isTTY: true }, {}, false), true);
    assert.equal(colorEnabled({ isTTY: false }, {}, false), false);
    assert.equal(colorEnabled({ isTTY: true }, {}, true), false);
    assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: "1" }, false), false);
    assert.equal(colorEnabled({ isTTY: true }, { TERM: "dumb" }, false), false);
    assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" }, false), true);
    assert.equal(colorEnabled({ isTTY: true }, { FORCE_COLOR: "0" }, false), false);
  });

  it("uses styleText where Node has it (>= 20.12), the same ANSI codes otherwise", () => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    assert.equal(hasStyleText, major > 20 || (major === 20 && minor >= 12));
    assert.equal(colored("red", "x"), ansi("red", "x"));
    assert.equal(colored("bold", "x"), "\u001b[1mx\u001b[22m");
    assert.equal(plain("red", "x"), "x");
    assert.equal(stripAnsi(colored("green", "ok")), "ok");
  });
});

describe("messages", () => {
  it("parses typed --attr values", () => {
    assert.deepEqual(parseAttributes(["a=1", "b:Number=2.5", "c:Binary=AQI=", "d:String.json={}", "e=x=y"]), {
      a: { DataType: "String", StringValue: "1" },
      b: { DataType: "Number", StringValue: "2.5" },
      c: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2]) },
      d: { DataType: "String.json", StringValue: "{}" },
      e: { DataType: "String", StringValue: "x=y" },
    });
    assert.equal(parseAttributes([]), undefined);
    for (const bad of ["novalue", "=v", "n:Number=x", "b:Binary=!!", "t:Date=1"])
      assert.throws(() => parseAttributes([bad]), UsageError, bad);
  });

  it("reads ndjson lines: records as dump writes them, anything else as the body", () => {
    assert.deepEqual(lineToEntry("plain", {}, "line 1"), { MessageBody: "plain" });
    assert.equal(lineToEntry("   ", {}, "line 1"), undefined);
    assert.deepEqual(lineToEntry('{"order":1}', { MessageGroupId: "g" }, "line 1"), {
      MessageBody: '{"order":1}',
      MessageGroupId: "g",
    });
    assert.deepEqual(
      lineToEntry(
        JSON.stringify({
          MessageId: "m",
          Body: "b",
          MessageAttributes: { x: { DataType: "Binary", BinaryValue: "AQ==" } },
          Attributes: { MessageGroupId: "g1", MessageDeduplicationId: "d1", SentTimestamp: "1" },
        }),
        { MessageAttributes: { y: { DataType: "String", StringValue: "v" } }, MessageGroupId: "other" },
        "line 1",
      ),
      {
        MessageBody: "b",
        MessageAttributes: {
          x: { DataType: "Binary", BinaryValue: new Uint8Array([1]) },
          y: { DataType: "String", StringValue: "v" },
        },
        MessageGroupId: "g1",
        MessageDeduplicationId: "d1",
      },
    );
    assert.throws(() => lineToEntry('{"Body":"b","MessageAttributes":{"x":{}}}', {}, "line 7"), /line 7/);
  });

  it("shows a message as a block: id, receive count, attributes, a JSON body pretty-printed", () => {
    const text = renderMessage({
      MessageId: "id-1",
      Body: '{"a":[1,2]}',
      MessageAttributes: {
        kind: { DataType: "String", StringValue: "order" },
        blob: { DataType: "Binary", BinaryValue: "AQID" },
      },
      Attributes: { ApproximateReceiveCount: "2", SentTimestamp: "0", MessageGroupId: "g" },
    });
    assert.equal(
      text,
      [
        "● id-1  received 2× · sent 1970-01-01 00:00:00.000 · group g",
        "  kind=order  blob=<3 bytes> (Binary)",
        "  {",
        '    "a": [',
        "      1,",
        "      2",
        "    ]",
        "  }",
      ].join("\n"),
    );
    assert.equal(prettyBody("not json {"), "not json {");
    assert.equal(prettyBody("{broken"), "{broken");
  });

  it("filters with --grep and --where (dotted paths into JSON bodies)", () => {
    assert.equal(pathValue({ a: { b: [5, 6] } }, "a.b.1"), 6);
    const filter = buildFilter("ord", ["kind=order", "n.x=1"])!;
    assert.equal(filter({ Body: '{"kind":"order","n":{"x":1}}' }), true);
    assert.equal(filter({ Body: '{"kind":"order","n":{"x":2}}' }), false);
    assert.equal(filter({ Body: "order, not JSON" }), false);
    assert.equal(buildFilter(undefined, []), undefined);
    assert.throws(() => buildFilter("(", []), UsageError);
    assert.throws(() => buildFilter(undefined, ["nope"]), UsageError);
  });
});

describe("watch screen", () => {
  const info = (name: string, visible: number, inFlight = 0) => ({
    name,
    url: `http://q/${name}`,
    visible,
    inFlight,
    delayed: 0,
    fifo: false,
  });
  it("computes rates and history between refreshes", () => {
    let rows: WatchRow[] = nextRows([], [info("a", 10)], 0);
    assert.equal(rows[0]!.visibleRate, undefined);
    rows = nextRows(rows, [info("a", 30, 4)], 2);
    assert.equal(rows[0]!.visibleRate, 10);
    assert.equal(rows[0]!.inFlightRate, 2);
    assert.deepEqual(rows[0]!.history, [10, 30]);
    assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█");
    assert.equal(sparkline([0, 0]), "▁▁");
    assert.equal(
      sparkline(
        Array.from({ length: 50 }, (_, i) => i),
        10,
      ).length,
      10,
    );
  });

  it("renders a screen with the table and the key help, cut to the width", () => {
    const rows = nextRows(
      nextRows([], [info("orders", 5), info("orders-dlq", 0)], 0),
      [info("orders", 9), info("orders-dlq", 1)],
      2,
    );
    const screen = renderWatch(rows, { time: new Date("2026-12-05T10:00:00Z"), interval: 2 });
    const lines = screen.split("\n");
    assert.equal(lines[0], "asyncaws watch  2 queues · every 2 s · 10:00:00 UTC");
    assert.match(
      lines[2]!,
      /^QUEUE\s+VISIBLE\s+Δ\/s\s+IN FLIGHT\s+Δ\/s\s+DELAYED\s+DLQ\s+VISIBLE, LAST REFRESHES$/,
    );
    assert.match(lines[3]!, /^orders\s+9\s+\+2\.0\s+0\s+0\s+0\s+▅█$/);
    assert.equal(lines.at(-1), "q quits");
    const narrow = renderWatch(rows, { time: new Date(), interval: 2, width: 30, paint: ansi });
    for (const line of narrow.split("\n")) assert.ok(displayWidth(line) <= 30, line);
    const failing = renderWatch([], { time: new Date(), interval: 2, error: "AccessDenied" });
    assert.match(failing, /\(no queues\)[\s\S]*AccessDenied$/);
  });
});

describe("arguments", () => {
  const command: Command = {
    name: "x",
    summary: "",
    usage: "x <a>",
    description: "",
    options: { n: { type: "string", help: "" }, flag: { type: "boolean", help: "" } },
    positionals: [1, 1],
    examples: [],
    run: async () => 0,
  };
  it("finds the command after global options with values, and parses both kinds of option", () => {
    assert.deepEqual(splitCommand(["--region", "eu-west-1", "-o", "json", "x", "a"]), {
      name: "x",
      rest: ["--region", "eu-west-1", "-o", "json", "a"],
    });
    assert.deepEqual(splitCommand(["--quiet"]), { name: undefined, rest: ["--quiet"] });
    const parsed = parseCommand(command, ["a", "--n", "3", "--flag", "--endpoint", "http://127.0.0.1:1"]);
    assert.deepEqual(parsed.positionals, ["a"]);
    assert.equal(parsed.values.n, "3");
    assert.equal(parsed.values.endpoint, "http://127.0.0.1:1");
    assert.ok("no-color" in GLOBAL_OPTIONS);
    assert.throws(() => parseCommand(command, []), /missing arguments/);
    assert.throws(() => parseCommand(command, ["a", "b"]), /unexpected argument: "b"/);
    assert.throws(
      () => parseCommand(command, ["a", "--nope"]),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(error.command, command);
        assert.doesNotMatch(error.message, /ERR_PARSE_ARGS/);
        return true;
      },
    );
  });
});
