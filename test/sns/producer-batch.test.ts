// The PublishBatch form body that the batch targets write straight from their entries
// (src/sns/producer-batch.ts) equals the generic Query encoding of the same input, on generated
// entries: unicode and characters the form escapes, attributes of every type (binary included),
// FIFO ids, subjects and message structures; the lazily made `PublishBatchRequestEntries` equal
// the copies the generic path made, and an observer's copy is encoded the generic way. The answer
// read without an element tree equals the generic reader's output on generated answers (compact
// and indented, failures, sequence numbers), and anything unusual is left to the generic reader.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { queryProtocol } from "../../src/core/protocol/aws-query.js";
import { decodeQueryResponse, encodeQuery } from "../../src/core/protocol/query.js";
import { PublishBatch } from "../../src/sns/operations.js";
import {
  PUBLISH_CHECKED_BATCH,
  publishBatchInput,
  readPublishBatchAnswer,
  writePublishBatchBody,
} from "../../src/sns/producer-batch.js";
import type { MessageAttributeValue, PublishBatchRequestEntry } from "../../src/sns/types.js";
import { seededRandom } from "../helpers/fault-proxy.js";

type Entry = Omit<PublishBatchRequestEntry, "Id">;
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:orders.fifo";
const VERSION = "2010-03-31";
const PIECES = [
  "a",
  "Z",
  "0",
  " ",
  '"',
  "&",
  "=",
  "+",
  "/",
  "\n",
  "é",
  "日本",
  "😀",
  "!'()*",
  "~-._",
  "%20",
  "{}",
];

function text(random: () => number, most: number): string {
  let out = "";
  const length = Math.floor(random() * most);
  for (let i = 0; i < length; i++) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

function attribute(random: () => number): MessageAttributeValue {
  switch (Math.floor(random() * 4)) {
    case 0:
      return { DataType: "String", StringValue: text(random, 12) || "x" };
    case 1:
      return { DataType: "Number", StringValue: String(Math.floor(random() * 1e6) - 5e5) };
    case 2:
      return {
        DataType: "Binary",
        BinaryValue: Uint8Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
          Math.floor(random() * 256),
        ),
      };
    default:
      return { DataType: "String.Array", StringValue: JSON.stringify([text(random, 4), 1]) };
  }
}

/** An entry as a producer holds it: the message first, then params in any order, some undefined. */
function entry(random: () => number): Entry {
  const out: Record<string, unknown> = { Message: text(random, 40) || "message" };
  const members: [string, () => unknown][] = [
    ["Subject", () => text(random, 10) || "subject"],
    ["MessageStructure", () => "json"],
    ["MessageGroupId", () => `group-${Math.floor(random() * 5)}`],
    ["MessageDeduplicationId", () => `dedup-${Math.floor(random() * 1e9)}`],
    [
      "MessageAttributes",
      () => {
        const attributes: Record<string, MessageAttributeValue> = {};
        const count = Math.floor(random() * 4);
        for (let i = 0; i < count; i++) attributes[`attr${i}${text(random, 2)}`] = attribute(random);
        return attributes;
      },
    ],
  ];
  for (let i = members.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [members[i], members[j]] = [members[j]!, members[i]!];
  }
  for (const [key, make] of members) {
    const roll = random();
    if (roll < 0.4) out[key] = make();
    else if (roll < 0.5) out[key] = undefined;
  }
  return out as Entry;
}

/** The body the generic Query encoding writes for the input the targets used to build. */
function generic(items: readonly { entry: Entry }[], ids: readonly string[]): string {
  const input = {
    TopicArn: TOPIC_ARN,
    PublishBatchRequestEntries: items.map((item, i) => ({ ...item.entry, Id: ids[i]! })),
  };
  return encodeQuery(PublishBatch, input, VERSION);
}

describe("PublishBatch bodies written from the entries", () => {
  it("equal the generic Query encoding on 2,000 generated batches", () => {
    const random = seededRandom(20);
    for (let round = 0; round < 2000; round++) {
      const count = 1 + Math.floor(random() * 10);
      const items = Array.from({ length: count }, () => ({ entry: entry(random) }));
      const ids =
        random() < 0.8
          ? items.map((_, i) => String(i))
          : items.map((_, i) => `given-${i}_${Math.floor(random() * 100)}`);
      const input = publishBatchInput(TOPIC_ARN, items, ids);
      assert.notEqual(writePublishBatchBody(input, "query"), undefined);
      assert.equal(encodeQuery(PUBLISH_CHECKED_BATCH, input, VERSION), generic(items, ids), `round ${round}`);
    }
  });

  it("make the entries only when read, equal to the copies with their ids, once", () => {
    const items = [{ entry: { Message: "a", Subject: "s" } }, { entry: { Message: "b" } }];
    const input = publishBatchInput(TOPIC_ARN, items, ["0", "1"]);
    assert.deepEqual(input.PublishBatchRequestEntries, [
      { Message: "a", Subject: "s", Id: "0" },
      { Message: "b", Id: "1" },
    ]);
    assert.equal(input.PublishBatchRequestEntries, input.PublishBatchRequestEntries);
    assert.deepEqual(Object.keys(input), ["TopicArn", "PublishBatchRequestEntries"]);
    // An observer's copy (OpenTelemetry writes the trace into a copy) is encoded the generic way.
    const copy = {
      ...input,
      PublishBatchRequestEntries: input.PublishBatchRequestEntries.map((e) => ({
        ...e,
        Message: `${e.Message}!`,
      })),
    };
    assert.equal(writePublishBatchBody(copy, "query"), undefined);
    const body = new URLSearchParams(encodeQuery(PUBLISH_CHECKED_BATCH, copy, VERSION));
    assert.equal(body.get("PublishBatchRequestEntries.member.1.Message"), "a!");
  });

  it("leave to the generic encoding an entry with an Id of its own, and the JSON protocol", () => {
    const items = [{ entry: { Message: "a", Id: "mine" } as Entry }];
    const input = publishBatchInput(TOPIC_ARN, items, ["0"]);
    assert.equal(writePublishBatchBody(input, "query"), undefined);
    assert.equal(
      new URLSearchParams(encodeQuery(PUBLISH_CHECKED_BATCH, input, VERSION)).get(
        "PublishBatchRequestEntries.member.1.Id",
      ),
      "0",
    );
    assert.equal(
      writePublishBatchBody(publishBatchInput(TOPIC_ARN, [{ entry: { Message: "a" } }], ["0"]), "json"),
      undefined,
    );
  });
});

/** A PublishBatch answer: compact or indented as SNS writes it, lists in either order. */
function answer(random: () => number): { xml: string; usual: boolean } {
  const pretty = random() < 0.5;
  const nl = (depth: number) => (pretty ? `\n${"  ".repeat(depth)}` : "");
  const field = (name: string, value: string, depth: number) => `${nl(depth)}<${name}>${value}</${name}>`;
  const member = (fields: string[], depth: number) =>
    `${nl(depth)}<member>${fields.join("")}${nl(depth)}</member>`;
  const successful: string[] = [];
  const failed: string[] = [];
  const count = Math.floor(random() * 11);
  for (let i = 0; i < count; i++) {
    const id = random() < 0.9 ? String(i) : `given-${i}`;
    if (random() < 0.7) {
      const fields = [field("Id", id, 4), field("MessageId", `m-${Math.floor(random() * 1e9)}`, 4)];
      if (random() < 0.3) fields.push(field("SequenceNumber", String(Math.floor(random() * 1e15)), 4));
      if (random() < 0.5) fields.reverse();
      successful.push(member(fields, 3));
    } else {
      const fields = [
        field("Id", id, 4),
        field("Code", random() < 0.5 ? "InternalError" : "InvalidParameter", 4),
      ];
      if (random() < 0.8) fields.push(field("Message", text(random, 20).replace(/[&<]/g, "?"), 4));
      const fault = random();
      fields.push(
        field("SenderFault", fault < 0.4 ? "true" : fault < 0.8 ? "false" : pretty ? " true " : "", 4),
      );
      failed.push(member(fields, 3));
    }
  }
  const list = (name: string, members: string[]) =>
    members.length === 0 && random() < 0.7
      ? `${nl(2)}<${name}/>`
      : `${nl(2)}<${name}>${members.join("")}${nl(2)}</${name}>`;
  const lists = [list("Successful", successful), list("Failed", failed)];
  if (random() < 0.5) lists.reverse();
  let xml =
    `${random() < 0.3 ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ""}` +
    `<PublishBatchResponse${random() < 0.8 ? ' xmlns="http://sns.amazonaws.com/doc/2010-03-31/"' : ""}>` +
    `${nl(1)}<PublishBatchResult>${lists.join("")}${nl(1)}</PublishBatchResult>` +
    `${nl(1)}<ResponseMetadata>${nl(2)}<RequestId>${"r".repeat(8)}-1</RequestId>${nl(1)}</ResponseMetadata>` +
    `${nl(0)}</PublishBatchResponse>${pretty ? "\n" : ""}`;
  // Forms the fast reader leaves to the generic one, and broken documents.
  const odd = random();
  if (odd < 0.04) xml = xml.replace("<Id>", "<Id>&#48;");
  else if (odd < 0.08) xml = xml.replace("</RequestId>", "</RequestId><!-- note -->");
  else if (odd < 0.12) xml = xml.replace("<member>", "<member><Extra>x</Extra>");
  else if (odd < 0.16) xml = xml.replace("<member>", "<member><Nested><Id>x</Id></Nested>");
  else if (odd < 0.2) xml = xml.replace(/\n/g, "\r\n");
  else if (odd < 0.24) xml = xml.slice(0, Math.floor(random() * xml.length));
  else if (odd < 0.28) xml = xml.replace("</member>", "</membre>");
  else if (odd < 0.3) xml = xml.replace("<MessageId>", "<![CDATA[x]]><MessageId>");
  else if (odd < 0.32) xml = `${xml}<extra/>`;
  else if (odd < 0.34) xml = xml.replace("PublishBatchResult>", "sns:PublishBatchResult>");
  return { xml, usual: odd >= 0.34 };
}

describe("PublishBatch answers read without an element tree", () => {
  it("equal the generic reader's output on 3,000 generated answers, and leave it the rest", () => {
    const random = seededRandom(7);
    let fast = 0;
    for (let round = 0; round < 3000; round++) {
      const { xml, usual } = answer(random);
      let generic: unknown;
      try {
        generic = decodeQueryResponse(PublishBatch, xml).output;
      } catch {
        generic = "refused";
      }
      const read = readPublishBatchAnswer(xml);
      if (usual) assert.notEqual(read, undefined, `round ${round}: ${xml}`);
      if (read !== undefined) {
        fast++;
        assert.deepEqual(read, generic, `round ${round}: ${xml}`);
        assert.deepEqual(Object.keys(read), Object.keys(generic as object));
      }
    }
    assert.ok(fast > 1500, `${fast} read fast`);
  });

  it("give the same output through the protocol, and the generic errors for broken answers", async () => {
    const protocol = queryProtocol(VERSION);
    const context = { operation: "PublishBatch", resource: "t" };
    const ok = `<PublishBatchResponse><PublishBatchResult><Successful><member><Id>0</Id><MessageId>m</MessageId></member></Successful><Failed/></PublishBatchResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishBatchResponse>`;
    const response = (body: string) => ({ statusCode: 200, headers: { "content-type": "text/xml" }, body });
    assert.deepEqual(protocol.decode(PUBLISH_CHECKED_BATCH, response(ok), context), {
      Successful: [{ Id: "0", MessageId: "m" }],
      Failed: [],
    });
    assert.throws(
      () => protocol.decode(PUBLISH_CHECKED_BATCH, response(ok.slice(0, 60)), context),
      (error: unknown) => error instanceof Error && /unreadable XML/.test(error.message),
    );
  });
});
