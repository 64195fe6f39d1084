// The SendMessageBatch body that the batch targets write straight from their entries
// (src/sqs/producer-batch.ts) equals the generic JSON encoding of the same input, on generated
// entries: unicode and characters JSON escapes, attributes of every type (binary included), FIFO
// ids, delays, system attributes; the lazily made `Entries` equal the copies the generic path made;
// the digest check accepts what matches and names the entry that does not, as SQS's check does.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isChecksumError } from "../../src/core/errors.js";
import { jsonProtocol } from "../../src/core/protocol/json.js";
import { md5OfMessageAttributes } from "../../src/sqs/checksums.js";
import { SendMessageBatch } from "../../src/sqs/operations.js";
import {
  loadSentDigests,
  SEND_CHECKED_BATCH,
  sendBatchInput,
  writeSendBatchBody,
} from "../../src/sqs/producer-batch.js";
import type {
  MessageAttributeValue,
  SendMessageBatchRequestEntry,
  SendMessageBatchResult,
} from "../../src/sqs/types.js";
import { seededRandom } from "../helpers/fault-proxy.js";
import { md5 } from "../helpers/sqs.js";

type Entry = Omit<SendMessageBatchRequestEntry, "Id">;
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo";
const ENDPOINT = new URL("https://sqs.us-east-1.amazonaws.com/");
const PIECES = [
  "a",
  "Z",
  "0",
  " ",
  '"',
  "\\",
  "/",
  "\n",
  "\t",
  "\u0001",
  "é",
  "日本",
  "😀",
  "\u2028",
  "<&>",
  "{}",
  "%",
];

function text(random: () => number, most: number): string {
  let out = "";
  const length = Math.floor(random() * most);
  for (let i = 0; i < length; i++) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

function attribute(random: () => number): MessageAttributeValue {
  switch (Math.floor(random() * 5)) {
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
    case 3:
      return { DataType: "String.custom", StringValue: text(random, 6) || "y" };
    default:
      return { DataType: "Number.float", StringValue: (random() * 100).toFixed(3) };
  }
}

/** An entry as a producer holds it: members in any order, some absent, some undefined. */
function entry(random: () => number): Entry {
  const out: Record<string, unknown> = {};
  const members: [string, () => unknown][] = [
    ["MessageBody", () => text(random, 40) || "body"],
    ["DelaySeconds", () => Math.floor(random() * 900)],
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
    [
      "MessageSystemAttributes",
      () => ({ AWSTraceHeader: { DataType: "String", StringValue: `Root=1-${Math.floor(random() * 1e8)}` } }),
    ],
  ];
  // The body first or not, as `{ ...params, MessageBody }` and `{ MessageBody }` make them.
  if (random() < 0.5) out.MessageBody = members[0]![1]();
  for (const [key, make] of members.slice(1)) {
    const roll = random();
    if (roll < 0.4) out[key] = make();
    else if (roll < 0.5) out[key] = undefined;
  }
  if (out.MessageBody === undefined) out.MessageBody = members[0]![1]();
  return out as Entry;
}

/** The body the generic JSON encoding writes for the input the targets used to build. */
function generic(items: readonly { entry: Entry }[], ids: readonly string[]): string {
  const input = { QueueUrl: QUEUE_URL, Entries: items.map((item, i) => ({ ...item.entry, Id: ids[i]! })) };
  const { body } = jsonProtocol("AmazonSQS").encode(SendMessageBatch, input, ENDPOINT as never);
  return body as string;
}

describe("SendMessageBatch bodies written from the entries", () => {
  it("equal the generic JSON encoding on 2,000 generated batches", () => {
    const random = seededRandom(20);
    for (let round = 0; round < 2000; round++) {
      const count = 1 + Math.floor(random() * 10);
      const items = Array.from({ length: count }, () => ({ entry: entry(random) }));
      const ids =
        random() < 0.8
          ? items.map((_, i) => String(i))
          : items.map((_, i) => `given-${i}_${Math.floor(random() * 100)}`);
      const input = sendBatchInput(QUEUE_URL, items, ids);
      const written = writeSendBatchBody(input, "json");
      assert.equal(written, generic(items, ids), `round ${round}`);
      // What the protocol sends is that body.
      const { body } = jsonProtocol("AmazonSQS").encode(SEND_CHECKED_BATCH, input, ENDPOINT as never);
      assert.equal(body, written);
    }
  });

  it("make Entries only when read, equal to the copies with their ids, once", () => {
    const items = [{ entry: { MessageBody: "a", DelaySeconds: 3 } }, { entry: { MessageBody: "b" } }];
    const input = sendBatchInput(QUEUE_URL, items, ["0", "1"]);
    assert.deepEqual(input.Entries, [
      { MessageBody: "a", DelaySeconds: 3, Id: "0" },
      { MessageBody: "b", Id: "1" },
    ]);
    assert.equal(input.Entries, input.Entries);
    assert.deepEqual(Object.keys(input), ["QueueUrl", "Entries"]);
    // An observer's copy (OpenTelemetry writes the trace into a copy) is encoded the generic way.
    const copy = {
      ...input,
      Entries: input.Entries.map((e) => ({ ...e, MessageBody: `${e.MessageBody}!` })),
    };
    assert.equal(writeSendBatchBody(copy, "json"), undefined);
    const { body } = jsonProtocol("AmazonSQS").encode(SEND_CHECKED_BATCH, copy, ENDPOINT as never);
    assert.equal(JSON.parse(body as string).Entries[0].MessageBody, "a!");
  });

  it("leave to the generic encoding an entry with an Id of its own, and the Query protocol", () => {
    const items = [{ entry: { MessageBody: "a", Id: "mine" } as Entry }];
    const input = sendBatchInput(QUEUE_URL, items, ["0"]);
    assert.equal(writeSendBatchBody(input, "json"), undefined);
    assert.equal(JSON.parse(generic(items, ["0"])).Entries[0].Id, "0");
    assert.equal(
      writeSendBatchBody(sendBatchInput(QUEUE_URL, [{ entry: { MessageBody: "a" } }], ["0"]), "query"),
      undefined,
    );
  });

  it("equal the generic encoding for unusual entries: null, booleans, unknown members, objects, prototypes", () => {
    const inherited = Object.create({ Inherited: "not sent" }) as Record<string, unknown>;
    inherited.MessageBody = "own";
    const entries: Record<string, unknown>[] = [
      { MessageBody: "a", DelaySeconds: null },
      { MessageBody: "a", Flag: true, 'odd"key': "v" },
      { MessageBody: "a", Extra: { nested: [1, "x"] }, DelaySeconds: 2 },
      { MessageBody: "a", DelaySeconds: Number.NaN },
      { MessageBody: "a", later: undefined, fn: () => 1 },
      { MessageBody: "a", toJSON: () => ({ MessageBody: "b" }) },
      inherited,
    ];
    for (const entry of entries) {
      const items = [{ entry: entry as Entry }, { entry: { MessageBody: "next" } }];
      const written = writeSendBatchBody(sendBatchInput(QUEUE_URL, items, ["0", "1"]), "json");
      if (written !== undefined) assert.equal(written, generic(items, ["0", "1"]), JSON.stringify(entry));
    }
    // An entry with no member is left to the generic encoding (which the validator refuses).
    const empty = sendBatchInput(QUEUE_URL, [{ entry: {} as Entry }], ["0"]);
    assert.equal(writeSendBatchBody(empty, "json"), undefined);
  });

  it("have their bodies' digests checked many at once as one at a time: accepted when all match, the differing entry named", async () => {
    await loadSentDigests();
    const random = seededRandom(21);
    const context = { operation: "SendMessageBatch", resource: "orders.fifo" };
    for (let round = 0; round < 300; round++) {
      const count = 2 + Math.floor(random() * 9);
      const items = Array.from({ length: count }, () => {
        const made = entry(random);
        // Most entries without attributes (the many-at-once path), some with (one at a time).
        if (random() < 0.8) {
          delete made.MessageAttributes;
          delete made.MessageSystemAttributes;
        }
        return { entry: made };
      });
      const ids = items.map((_, i) => String(i));
      const input = sendBatchInput(QUEUE_URL, items, ids);
      const upper = random() < 0.2;
      const good: SendMessageBatchResult = {
        Successful: items.map(({ entry: sent }, i) => ({
          Id: ids[i]!,
          MessageId: `m${i}`,
          MD5OfMessageBody: upper ? md5(sent.MessageBody).toUpperCase() : md5(sent.MessageBody),
          ...(sent.MessageAttributes && Object.keys(sent.MessageAttributes).length
            ? { MD5OfMessageAttributes: md5OfMessageAttributes(sent.MessageAttributes) }
            : {}),
          ...(sent.MessageSystemAttributes
            ? { MD5OfMessageSystemAttributes: md5OfMessageAttributes(sent.MessageSystemAttributes) }
            : {}),
        })),
        Failed: [],
      };
      SEND_CHECKED_BATCH.check(input, good, context);
      const wrong = Math.floor(random() * count);
      const bad: SendMessageBatchResult = {
        ...good,
        Successful: good.Successful.map((result, i) =>
          i === wrong ? { ...result, MD5OfMessageBody: md5(`${items[i]!.entry.MessageBody}x`) } : result,
        ),
      };
      assert.throws(
        () => SEND_CHECKED_BATCH.check(input, bad, context),
        (error: unknown) =>
          isChecksumError(error) &&
          /MD5OfMessageBody/.test(error.message) &&
          new RegExp(`entry ${wrong}\\b`).test(error.message),
        `round ${round}`,
      );
    }
  });

  it("have their answers' digests checked against the entries, naming the entry that differs", () => {
    const attributes: Record<string, MessageAttributeValue> = {
      kind: { DataType: "String", StringValue: "order" },
      raw: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) },
    };
    const items = [
      { entry: { MessageBody: "héllo" } },
      { entry: { MessageBody: "b", MessageAttributes: attributes } },
    ];
    const input = sendBatchInput(QUEUE_URL, items, ["0", "1"]);
    const good: SendMessageBatchResult = {
      Successful: [
        { Id: "0", MessageId: "m0", MD5OfMessageBody: md5("héllo") },
        {
          Id: "1",
          MessageId: "m1",
          MD5OfMessageBody: md5("b"),
          MD5OfMessageAttributes: md5OfMessageAttributes(attributes),
        },
      ],
      Failed: [],
    };
    const context = { operation: "SendMessageBatch", resource: "orders.fifo" };
    SEND_CHECKED_BATCH.check(input, good, context);
    // Out of order: matched by id.
    SEND_CHECKED_BATCH.check(input, { ...good, Successful: [...good.Successful].reverse() }, context);
    const bad: SendMessageBatchResult = {
      ...good,
      Successful: [good.Successful[0]!, { ...good.Successful[1]!, MD5OfMessageAttributes: md5("x") }],
    };
    for (const output of [bad, { ...bad, Successful: [...bad.Successful].reverse() }]) {
      assert.throws(
        () => SEND_CHECKED_BATCH.check(input, output, context),
        (error: unknown) =>
          isChecksumError(error) &&
          /MD5OfMessageAttributes/.test(error.message) &&
          /entry 1/.test(error.message),
      );
    }
  });
});
