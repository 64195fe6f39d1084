// MD5 checks: a server answering wrong digests for SendMessage, a batch entry or a received message
// gives a ChecksumError naming the field (and nothing is retried); `checksums: false` accepts them.
// Known answers of md5OfMessageAttributes against the algorithm of the SQS Developer Guide.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { ChecksumError, isChecksumError } from "../../src/core/errors.js";
import { md5OfMessageAttributes } from "../../src/sqs/checksums.js";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, type Reply, startLoopback, xml } from "../helpers/loopback.js";
import { type Attr, caught, md5, queryXml, referenceMd5OfAttributes } from "../helpers/sqs.js";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue";
const WRONG = "0123456789abcdef0123456789abcdef";
const ATTRIBUTES: Record<string, Attr> = {
  color: { DataType: "String", StringValue: "blue" },
  size: { DataType: "Number", StringValue: "42" },
  blob: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) },
};
const TRACE: Record<string, Attr> = {
  AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793" },
};

let reply: () => Reply = () => json({});
let server: Loopback;

before(async () => {
  server = await startLoopback(() => reply());
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const client = (checksums?: boolean, protocol?: "query") =>
  new SQS({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    ...(checksums === undefined ? {} : { checksums }),
    ...(protocol ? { protocol } : {}),
  });

async function checksumError(call: () => Promise<unknown>, field: string): Promise<ChecksumError> {
  const error = await caught(call);
  assert.ok(isChecksumError(error), `expected a ChecksumError, got ${String(error)}`);
  assert.ok(error instanceof ChecksumError);
  assert.equal(error.name, "ChecksumError");
  assert.equal(error.field, field);
  assert.ok(error.message.includes(field), error.message);
  assert.ok(error.message.includes(error.expected) && error.message.includes(error.received), error.message);
  assert.equal(server.requests.length, 1, "a checksum error is not retried");
  return error;
}

describe("SendMessage digests", () => {
  const send = (sqs: SQS) =>
    sqs.sendMessage({
      QueueUrl: QUEUE_URL,
      MessageBody: "hello",
      MessageAttributes: ATTRIBUTES,
      MessageSystemAttributes: TRACE,
    });
  const good = {
    MessageId: "m-1",
    MD5OfMessageBody: md5("hello"),
    MD5OfMessageAttributes: referenceMd5OfAttributes(ATTRIBUTES),
    MD5OfMessageSystemAttributes: referenceMd5OfAttributes(TRACE),
  };

  it("accepts the right digests (uppercase hex too)", async () => {
    reply = () => json(good);
    assert.deepEqual(await send(client()), good);
    reply = () => json({ ...good, MD5OfMessageBody: good.MD5OfMessageBody.toUpperCase() });
    await send(client());
  });

  it("rejects a wrong MD5OfMessageBody", async () => {
    reply = () => json({ ...good, MD5OfMessageBody: WRONG });
    const error = await checksumError(() => send(client()), "MD5OfMessageBody");
    assert.equal(error.expected, md5("hello"));
    assert.equal(error.received, WRONG);
    assert.equal(error.operation, "SendMessage");
    assert.equal(error.resource, QUEUE_URL);
  });

  it("rejects a wrong MD5OfMessageAttributes", async () => {
    reply = () => json({ ...good, MD5OfMessageAttributes: WRONG });
    const error = await checksumError(() => send(client()), "MD5OfMessageAttributes");
    assert.equal(error.expected, referenceMd5OfAttributes(ATTRIBUTES));
  });

  it("rejects a wrong MD5OfMessageSystemAttributes", async () => {
    reply = () => json({ ...good, MD5OfMessageSystemAttributes: WRONG });
    await checksumError(() => send(client()), "MD5OfMessageSystemAttributes");
  });

  it("rejects a digest that is not a string", async () => {
    reply = () => json({ ...good, MD5OfMessageBody: 12345 });
    await checksumError(() => send(client()), "MD5OfMessageBody");
  });

  it("accepts an answer without digests (some emulators send none)", async () => {
    reply = () => json({ MessageId: "m-1" });
    assert.deepEqual(await send(client()), { MessageId: "m-1" });
  });

  it("accepts wrong digests with checksums: false", async () => {
    reply = () =>
      json({
        MessageId: "m-1",
        MD5OfMessageBody: WRONG,
        MD5OfMessageAttributes: WRONG,
        MD5OfMessageSystemAttributes: WRONG,
      });
    const out = await send(client(false));
    assert.equal(out.MD5OfMessageBody, WRONG);
  });

  it("checks over the Query protocol too", async () => {
    reply = () =>
      xml(
        queryXml(
          "SendMessage",
          `    <MD5OfMessageBody>${WRONG}</MD5OfMessageBody>\n    <MessageId>m-1</MessageId>`,
          "r",
        ),
      );
    await checksumError(
      () => client(undefined, "query").sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "hello" }),
      "MD5OfMessageBody",
    );
  });
});

describe("SendMessageBatch digests", () => {
  const sendBatch = (sqs: SQS) =>
    sqs.sendMessageBatch({
      QueueUrl: QUEUE_URL,
      Entries: [
        { Id: "a", MessageBody: "first" },
        { Id: "b", MessageBody: "second", MessageAttributes: ATTRIBUTES },
      ],
    });

  it("rejects a wrong digest in one entry, naming the field and the entry", async () => {
    reply = () =>
      json({
        Successful: [
          { Id: "a", MessageId: "m-a", MD5OfMessageBody: md5("first") },
          {
            Id: "b",
            MessageId: "m-b",
            MD5OfMessageBody: WRONG,
            MD5OfMessageAttributes: referenceMd5OfAttributes(ATTRIBUTES),
          },
        ],
      });
    const error = await checksumError(() => sendBatch(client()), "MD5OfMessageBody");
    assert.equal(error.operation, "SendMessageBatch");
    assert.match(error.resource ?? "", /entry b/);
    assert.equal(error.expected, md5("second"));
  });

  it("rejects a wrong attributes digest of an entry", async () => {
    reply = () =>
      json({
        Successful: [
          { Id: "a", MessageId: "m-a", MD5OfMessageBody: md5("first") },
          { Id: "b", MessageId: "m-b", MD5OfMessageBody: md5("second"), MD5OfMessageAttributes: WRONG },
        ],
      });
    await checksumError(() => sendBatch(client()), "MD5OfMessageAttributes");
  });

  it("matches entries by Id when the answer lists them in another order (uppercase hex too)", async () => {
    const attributes = referenceMd5OfAttributes(ATTRIBUTES);
    reply = () =>
      json({
        Successful: [
          { Id: "b", MessageId: "m-b", MD5OfMessageBody: md5("second"), MD5OfMessageAttributes: attributes },
          { Id: "a", MessageId: "m-a", MD5OfMessageBody: md5("first").toUpperCase() },
        ],
      });
    const out = await sendBatch(client());
    assert.deepEqual(
      out.Successful?.map((entry) => entry.MessageId),
      ["m-b", "m-a"],
    );
    server.requests.length = 0;
    reply = () =>
      json({
        Successful: [
          { Id: "b", MessageId: "m-b", MD5OfMessageBody: md5("second"), MD5OfMessageAttributes: attributes },
          { Id: "a", MessageId: "m-a", MD5OfMessageBody: md5("second") },
        ],
      });
    const error = await checksumError(() => sendBatch(client()), "MD5OfMessageBody");
    assert.match(error.resource ?? "", /entry a/);
    assert.equal(error.expected, md5("first"));
  });

  it("checks only successful entries, and accepts wrong digests with checksums: false", async () => {
    reply = () =>
      json({
        Successful: [{ Id: "a", MessageId: "m-a", MD5OfMessageBody: md5("first") }],
        Failed: [{ Id: "b", SenderFault: true, Code: "InvalidMessageContents", Message: "bad" }],
      });
    const out = await sendBatch(client());
    assert.equal(out.Failed?.[0]?.Id, "b");
    reply = () => json({ Successful: [{ Id: "a", MessageId: "m-a", MD5OfMessageBody: WRONG }] });
    const unchecked = await sendBatch(client(false));
    assert.equal(unchecked.Successful?.[0]?.MD5OfMessageBody, WRONG);
  });
});

describe("ReceiveMessage digests", () => {
  const wire = (overrides: Record<string, unknown>) => ({
    Messages: [
      {
        MessageId: "m-ok",
        ReceiptHandle: "rh-ok",
        Body: "fine",
        MD5OfBody: md5("fine"),
      },
      {
        MessageId: "m-2",
        ReceiptHandle: "rh-2",
        Body: "hello",
        MD5OfBody: md5("hello"),
        MessageAttributes: {
          color: { DataType: "String", StringValue: "blue" },
          size: { DataType: "Number", StringValue: "42" },
          blob: { DataType: "Binary", BinaryValue: "AQID" },
        },
        MD5OfMessageAttributes: referenceMd5OfAttributes(ATTRIBUTES),
        ...overrides,
      },
    ],
  });
  const receive = (sqs: SQS) =>
    sqs.receiveMessage({ QueueUrl: QUEUE_URL, MessageAttributeNames: ["All"], WaitTimeSeconds: 0 });

  it("accepts right digests", async () => {
    reply = () => json(wire({}));
    const out = await receive(client());
    assert.equal(out.Messages?.length, 2);
  });

  it("rejects a wrong MD5OfBody, naming the message", async () => {
    reply = () => json(wire({ MD5OfBody: WRONG }));
    const error = await checksumError(() => receive(client()), "MD5OfBody");
    assert.equal(error.operation, "ReceiveMessage");
    assert.match(error.resource ?? "", /message m-2/);
  });

  it("rejects a wrong MD5OfMessageAttributes", async () => {
    reply = () => json(wire({ MD5OfMessageAttributes: WRONG }));
    await checksumError(() => receive(client()), "MD5OfMessageAttributes");
  });

  it("rejects a body changed in transit", async () => {
    reply = () => json(wire({ Body: "hellO" }));
    await checksumError(() => receive(client()), "MD5OfBody");
  });

  it("accepts wrong digests with checksums: false", async () => {
    reply = () => json(wire({ MD5OfBody: WRONG, MD5OfMessageAttributes: WRONG }));
    const out = await receive(client(false));
    assert.equal(out.Messages?.[1]?.MD5OfBody, WRONG);
  });
});

describe("md5OfMessageAttributes known answers", () => {
  // Published test vectors of other SQS implementations' suites, all computed with SQS's algorithm.
  const vectors: [string, Record<string, Attr>, string][] = [
    [
      "two String attributes, given out of order",
      {
        test_attribute_name_2: { DataType: "String", StringValue: "test_attribute_value_2" },
        test_attribute_name_1: { DataType: "String", StringValue: "test_attribute_value_1" },
      },
      "d53f3b558fe951154770f25cb63dbba9",
    ],
    [
      "one Binary attribute",
      {
        test_attribute_name: {
          DataType: "Binary",
          BinaryValue: new TextEncoder().encode("test_attribute_value"),
        },
      },
      "23f6bd27ea87aab7dfeadcc9aebee495",
    ],
    [
      "one Number attribute",
      { timestamp: { DataType: "Number", StringValue: "1493147359900" } },
      "235c5c510d26fb653d073faed50ae77c",
    ],
    [
      "a Number and a String",
      {
        ordinal: { DataType: "Number", StringValue: "1" },
        category: { DataType: "String", StringValue: "test" },
      },
      "d21ae90c49061e927f57df5f5d72be1f",
    ],
  ];

  for (const [name, attributes, digest] of vectors) {
    it(name, () => {
      assert.equal(md5OfMessageAttributes(attributes), digest);
      assert.equal(referenceMd5OfAttributes(attributes), digest, "the reference agrees");
    });
  }

  it("matches the algorithm of the Developer Guide on varied attributes", () => {
    const samples: Record<string, Attr>[] = [
      { a: { DataType: "String", StringValue: "x" } },
      { "ünïcödé.name": { DataType: "String.custom-label", StringValue: "värde €100 \u{1F600}" } },
      { big: { DataType: "Binary", BinaryValue: new Uint8Array(70_000).map((_, i) => i % 251) } },
      {
        z: { DataType: "Number", StringValue: "-1.5e10" },
        A: { DataType: "String", StringValue: "upper sorts first" },
        _: { DataType: "Binary.gzip", BinaryValue: new Uint8Array([0]) },
        "m.n": { DataType: "String", StringValue: "\t\n\r" },
      },
    ];
    for (const sample of samples)
      assert.equal(md5OfMessageAttributes(sample), referenceMd5OfAttributes(sample));
  });

  it("agrees with the reference on both sides of the one-string path's limits (lengths, UTF-8, lone surrogates)", () => {
    // String values are hashed as one string when every length prefix byte is below 0x80; a
    // length of 128-255 bytes (or 0x80 in any byte) takes the byte-buffer path.
    for (const n of [0, 1, 127, 128, 200, 255, 256, 300, 383, 384, 32_768, 33_000]) {
      const attributes = {
        n: { DataType: "String", StringValue: "v".repeat(n) },
        [`k${"é".repeat(n % 97)}`]: { DataType: "Number", StringValue: String(n) },
      };
      assert.equal(md5OfMessageAttributes(attributes), referenceMd5OfAttributes(attributes), `length ${n}`);
    }
    const odd = {
      lone: { DataType: "String", StringValue: "a\uD800b\uDC00c" },
      nul: { DataType: "String", StringValue: "\u0000\u0001\u007f\u0080" },
      ["€".repeat(43)]: { DataType: "String", StringValue: "\u{1F600}".repeat(40) },
    };
    assert.equal(md5OfMessageAttributes(odd), referenceMd5OfAttributes(odd));
  });

  it("agrees with the reference on generated attributes (unicode, every type, binary, sizes past the reused buffer)", () => {
    // A seeded generator: the same inputs on every run.
    let seed = 0x2545f491;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const units = [
      "a",
      "Z",
      "0",
      "_",
      "-",
      ".",
      " ",
      "\t",
      "é",
      "ß",
      "€",
      "中",
      "\u{1F600}",
      "\uD800",
      "\uDC00",
      "\u007f",
      "\u0080",
      "\u0000",
    ];
    const text = (length: number) => {
      let out = "";
      while (out.length < length) out += random(3) === 0 ? units[random(units.length)]! : units[random(4)]!;
      return out;
    };
    const types = [
      "String",
      "Number",
      "Binary",
      "String.custom",
      "Number.float",
      "Binary.gzip",
      "String.ünï",
    ];
    // Sizes around the reused buffer (2,048 bytes) and the largest kept (64 KiB).
    const sizes = [0, 1, 5, 30, 127, 128, 255, 256, 700, 2_000, 2_100, 22_000, 70_000];
    for (let round = 0; round < 300; round++) {
      const attributes: Record<string, Attr> = {};
      const count = 1 + random(10);
      for (let i = 0; i < count; i++) {
        const name = `${text(1 + random(6))}${i}`;
        const type = types[random(types.length)]!;
        const size = round % 25 === 0 ? sizes[random(sizes.length)]! : random(40);
        attributes[name] = type.startsWith("Binary")
          ? { DataType: type, BinaryValue: new Uint8Array(size).map(() => random(256)) }
          : { DataType: type, StringValue: text(size) };
      }
      assert.equal(
        md5OfMessageAttributes(attributes),
        referenceMd5OfAttributes(attributes),
        `round ${round}`,
      );
    }
  });

  it("sorts names by code unit, not by locale", () => {
    const attributes = {
      b: { DataType: "String", StringValue: "1" },
      B: { DataType: "String", StringValue: "2" },
      a: { DataType: "String", StringValue: "3" },
    };
    assert.equal(md5OfMessageAttributes(attributes), referenceMd5OfAttributes(attributes));
    const reordered = { a: attributes.a, B: attributes.B, b: attributes.b };
    assert.equal(md5OfMessageAttributes(reordered), md5OfMessageAttributes(attributes));
  });

  it("distinguishes a String from a Binary of the same bytes (the transport byte)", () => {
    const asString = md5OfMessageAttributes({ k: { DataType: "String", StringValue: "abc" } });
    const asBinary = md5OfMessageAttributes({
      k: { DataType: "String", BinaryValue: new TextEncoder().encode("abc") },
    });
    assert.notEqual(asString, asBinary);
  });
});
