// The PublishBatch form body that the batch targets write straight from their entries
// (src/sns/producer-batch.ts) equals the generic Query encoding of the same input, on generated
// entries: unicode and characters the form escapes, attributes of every type (binary included),
// FIFO ids, subjects and message structures; the lazily made `PublishBatchRequestEntries` equal
// the copies the generic path made, and an observer's copy is encoded the generic way.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeQuery } from "../../src/core/protocol/query.js";
import { PublishBatch } from "../../src/sns/operations.js";
import {
  PUBLISH_CHECKED_BATCH,
  publishBatchInput,
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
