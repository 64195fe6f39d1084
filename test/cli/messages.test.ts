// The `asyncaws` command line (send, peek, dump (the 10,000-message round trip)), run as a user runs it (the compiled bin in a
// child process) against fauxqs on loopback: outputs parsed in their formats, exit codes, stdin.
// The commands are split over a few files so that each gets its own emulator and time budget.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { MessageRecord } from "../../src/cli/messages.js";
import { cli, counts, createQueue, dir, ndjson, useEmulator } from "./helpers.js";

useEmulator();

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
