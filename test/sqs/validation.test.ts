// Bad input is rejected before anything is sent: each case asserts a ValidationError with the field,
// a rule and the value received, a message naming the three, and that the loopback server received
// nothing at all.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SQS } from "../../src/sqs/sqs.js";
import type { MessageAttributeValue } from "../../src/sqs/types.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, startLoopback } from "../helpers/loopback.js";
import { type ExpectedValidation, expectValidation } from "../helpers/sqs.js";

const URL_STD = "https://sqs.us-east-1.amazonaws.com/177715257436/jobs";
const URL_FIFO = "https://sqs.us-east-1.amazonaws.com/177715257436/jobs.fifo";
const MiB = 1_048_576;

let server: Loopback;
let sqs: SQS;

before(async () => {
  server = await startLoopback(() => json({}));
  sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(async () => {
  assert.equal(server.requests.length, 0, "no request at all reached the server");
  await server.close();
});

type Attrs = Record<string, MessageAttributeValue & { DataType: string }>;
const send = (MessageBody: unknown, more: object = {}, QueueUrl = URL_STD) =>
  sqs.sendMessage({ QueueUrl, MessageBody, ...more } as never);
const withAttributes = (MessageAttributes: unknown) => send("body", { MessageAttributes });
const sendBatch = (Entries: unknown, QueueUrl = URL_STD) =>
  sqs.sendMessageBatch({ QueueUrl, Entries } as never);
const str = (StringValue: string, DataType = "String") => ({ DataType, StringValue });
const elevenAttributes: Attrs = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, str("v")]));

interface Case extends ExpectedValidation {
  name: string;
  call: () => unknown;
}

const cases: Case[] = [
  // Queue names and URLs.
  {
    name: "empty queue name",
    call: () => sqs.createQueue({ QueueName: "" }),
    field: "QueueName",
    rule: "non-empty",
    value: "",
  },
  {
    name: "81-character queue name",
    call: () => sqs.createQueue({ QueueName: "q".repeat(81) }),
    field: "QueueName",
    rule: "1 to 80",
    value: "q".repeat(81),
  },
  {
    name: "queue name with bad characters",
    call: () => sqs.createQueue({ QueueName: "my queue!" }),
    field: "QueueName",
    rule: "A-Z a-z 0-9 _ -",
    value: "my queue!",
  },
  {
    name: "FIFO queue name of 81 characters with .fifo",
    call: () => sqs.createQueue({ QueueName: `${"f".repeat(76)}.fifo`, Attributes: { FifoQueue: "true" } }),
    field: "QueueName",
    value: `${"f".repeat(76)}.fifo`,
  },
  {
    name: "FIFO queue name without the FifoQueue attribute",
    call: () => sqs.createQueue({ QueueName: "jobs.fifo" }),
    field: "Attributes.FifoQueue",
    rule: '"true"',
    value: undefined,
  },
  {
    name: "FifoQueue attribute on a name without .fifo",
    call: () => sqs.createQueue({ QueueName: "jobs", Attributes: { FifoQueue: "true" } }),
    field: "QueueName",
    rule: "ending in .fifo",
    value: "jobs",
  },
  {
    name: "FifoQueue neither true nor false",
    call: () => sqs.createQueue({ QueueName: "jobs.fifo", Attributes: { FifoQueue: "yes" } }),
    field: "Attributes.FifoQueue",
    value: "yes",
  },
  {
    name: "queue VisibilityTimeout above 43200",
    call: () => sqs.createQueue({ QueueName: "jobs", Attributes: { VisibilityTimeout: "43201" } }),
    field: "Attributes.VisibilityTimeout",
    rule: "0 to 43200",
    value: "43201",
  },
  {
    name: "queue MaximumMessageSize above 1 MiB",
    call: () => sqs.setQueueAttributes({ QueueUrl: URL_STD, Attributes: { MaximumMessageSize: "1048577" } }),
    field: "Attributes.MaximumMessageSize",
    value: "1048577",
  },
  {
    name: "RedrivePolicy that is not JSON",
    call: () => sqs.createQueue({ QueueName: "jobs", Attributes: { RedrivePolicy: "{maxReceiveCount: 5" } }),
    field: "Attributes.RedrivePolicy",
    rule: "JSON",
    value: "{maxReceiveCount: 5",
  },
  {
    name: "51 tags",
    call: () =>
      sqs.createQueue({
        QueueName: "jobs",
        tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])),
      }),
    field: "tags",
    rule: "at most 50",
    value: "51 tags",
  },
  {
    name: "GetQueueUrl with a slash in the name",
    call: () => sqs.getQueueUrl({ QueueName: "a/b" }),
    field: "QueueName",
    value: "a/b",
  },
  {
    name: "queue URL that is not a URL",
    call: () => sqs.deleteQueue({ QueueUrl: "jobs" }),
    field: "QueueUrl",
    rule: "URL",
    value: "jobs",
  },
  {
    name: "missing queue URL",
    call: () => sqs.purgeQueue({} as never),
    field: "QueueUrl",
    value: undefined,
  },

  // Message bodies.
  { name: "empty body", call: () => send(""), field: "MessageBody", rule: "non-empty", value: "" },
  { name: "body not a string", call: () => send(42), field: "MessageBody", value: 42 },
  {
    name: "body over 1 MiB once its attributes are counted",
    call: () => send("x".repeat(MiB - 10), { MessageAttributes: { note: str("0123456789") } }),
    field: "MessageBody",
    rule: `at most ${MiB} bytes`,
    value: `${MiB - 10 + 4 + 6 + 10} bytes`,
  },
  {
    name: "body over 1 MiB by multi-byte characters",
    call: () => send("é".repeat(MiB / 2 + 1)),
    field: "MessageBody",
    value: `${MiB + 2} bytes`,
  },
  {
    name: "body with U+0000",
    call: () => send("a\u0000b"),
    field: "MessageBody",
    rule: "U+0000",
    value: "a\u0000b",
  },
  {
    name: "body with U+FFFE",
    call: () => send("a\uFFFEb"),
    field: "MessageBody",
    rule: "U+FFFE",
    value: "a\uFFFEb",
  },
  {
    name: "body with a lone surrogate",
    call: () => send("a\uD800b"),
    field: "MessageBody",
    rule: "U+D800",
    value: "a\uD800b",
  },
  { name: "body with U+0008", call: () => send("back\bspace"), field: "MessageBody", rule: "U+0008" },

  // Message attributes.
  {
    name: "11 attributes",
    call: () => withAttributes(elevenAttributes),
    field: "MessageAttributes",
    rule: "at most 10",
    value: "11 attributes",
  },
  ...["AWS.x", "amazon.x", ".a", "a.", "a..b", "a b", "n".repeat(257)].map(
    (name): Case => ({
      name: `attribute name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 5)}…` : name)}`,
      call: () => withAttributes({ [name]: str("v") }),
      field: "MessageAttributes name",
      value: name,
    }),
  ),
  {
    name: "attribute data type not String, Number or Binary",
    call: () => withAttributes({ a: str("v", "Strin") }),
    field: "MessageAttributes.a.DataType",
    rule: "String, Number or Binary",
    value: "Strin",
  },
  {
    name: "attribute without a data type",
    call: () => withAttributes({ a: { StringValue: "v" } }),
    field: "MessageAttributes.a.DataType",
    value: undefined,
  },
  {
    name: "empty string attribute value",
    call: () => withAttributes({ a: str("") }),
    field: "MessageAttributes.a.StringValue",
    rule: "non-empty",
    value: "",
  },
  {
    name: "Number attribute that is not numeric",
    call: () => withAttributes({ n: str("12abc", "Number") }),
    field: "MessageAttributes.n.StringValue",
    rule: "a number",
    value: "12abc",
  },
  {
    name: "Binary attribute that is not a Uint8Array",
    call: () => withAttributes({ b: { DataType: "Binary", BinaryValue: "AAEC" } }),
    field: "MessageAttributes.b.BinaryValue",
    rule: "Uint8Array",
    value: "AAEC",
  },
  {
    name: "empty Binary attribute",
    call: () => withAttributes({ b: { DataType: "Binary", BinaryValue: new Uint8Array(0) } }),
    field: "MessageAttributes.b.BinaryValue",
    rule: "non-empty",
  },
  {
    name: "attribute value with U+0000",
    call: () => withAttributes({ a: str("x\u0000") }),
    field: "MessageAttributes.a.StringValue",
    rule: "U+0000",
  },
  {
    name: "system attribute other than AWSTraceHeader",
    call: () => send("body", { MessageSystemAttributes: { Foo: str("v") } }),
    field: "MessageSystemAttributes.Foo",
    rule: "AWSTraceHeader",
    value: "Foo",
  },

  // Batches.
  { name: "batch of 0 entries", call: () => sendBatch([]), field: "Entries", rule: "1 to 10", value: [] },
  {
    name: "batch of 11 entries",
    call: () => sendBatch(Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: "b" }))),
    field: "Entries",
    rule: "1 to 10",
  },
  { name: "batch entries not an array", call: () => sendBatch("m1"), field: "Entries", value: "m1" },
  {
    name: "batch entry id with a space",
    call: () => sendBatch([{ Id: "my id", MessageBody: "b" }]),
    field: "Entries[0].Id",
    rule: "A-Z a-z 0-9 _ -",
    value: "my id",
  },
  {
    name: "batch entry id of 81 characters",
    call: () => sendBatch([{ Id: "i".repeat(81), MessageBody: "b" }]),
    field: "Entries[0].Id",
    value: "i".repeat(81),
  },
  {
    name: "duplicate batch entry ids",
    call: () =>
      sendBatch([
        { Id: "same", MessageBody: "a" },
        { Id: "same", MessageBody: "b" },
      ]),
    field: "Entries[1].Id",
    rule: "unique",
    value: "same",
  },
  {
    name: "batch over 1 MiB in total",
    call: () =>
      sendBatch([
        { Id: "a", MessageBody: "x".repeat(600_000) },
        { Id: "b", MessageBody: "y".repeat(600_000) },
      ]),
    field: "Entries",
    rule: `at most ${MiB} bytes in total`,
    value: "1200000 bytes",
  },
  {
    name: "batch entry with an empty body",
    call: () =>
      sendBatch([
        { Id: "a", MessageBody: "ok" },
        { Id: "b", MessageBody: "" },
      ]),
    field: "Entries[1].MessageBody",
    value: "",
  },
  {
    name: "DeleteMessageBatch entry without a receipt handle",
    call: () => sqs.deleteMessageBatch({ QueueUrl: URL_STD, Entries: [{ Id: "a", ReceiptHandle: "" }] }),
    field: "Entries[0].ReceiptHandle",
    value: "",
  },
  {
    name: "ChangeMessageVisibilityBatch entry with VisibilityTimeout 43201",
    call: () =>
      sqs.changeMessageVisibilityBatch({
        QueueUrl: URL_STD,
        Entries: [{ Id: "a", ReceiptHandle: "rh", VisibilityTimeout: 43_201 }],
      }),
    field: "Entries[0].VisibilityTimeout",
    rule: "0 to 43200",
    value: 43_201,
  },

  // Numbers.
  {
    name: "DelaySeconds 901",
    call: () => send("b", { DelaySeconds: 901 }),
    field: "DelaySeconds",
    rule: "0 to 900",
    value: 901,
  },
  { name: "DelaySeconds -1", call: () => send("b", { DelaySeconds: -1 }), field: "DelaySeconds", value: -1 },
  {
    name: "DelaySeconds 1.5",
    call: () => send("b", { DelaySeconds: 1.5 }),
    field: "DelaySeconds",
    rule: "integer",
    value: 1.5,
  },
  {
    name: "DelaySeconds as a string",
    call: () => send("b", { DelaySeconds: "5" }),
    field: "DelaySeconds",
    value: "5",
  },
  {
    name: "VisibilityTimeout 43201",
    call: () =>
      sqs.changeMessageVisibility({ QueueUrl: URL_STD, ReceiptHandle: "rh", VisibilityTimeout: 43_201 }),
    field: "VisibilityTimeout",
    rule: "0 to 43200",
    value: 43_201,
  },
  {
    name: "ChangeMessageVisibility without VisibilityTimeout",
    call: () => sqs.changeMessageVisibility({ QueueUrl: URL_STD, ReceiptHandle: "rh" } as never),
    field: "VisibilityTimeout",
    value: undefined,
  },
  {
    name: "WaitTimeSeconds 21",
    call: () => sqs.receiveMessage({ QueueUrl: URL_STD, WaitTimeSeconds: 21 }),
    field: "WaitTimeSeconds",
    rule: "0 to 20",
    value: 21,
  },
  {
    name: "MaxNumberOfMessages 0",
    call: () => sqs.receiveMessage({ QueueUrl: URL_STD, MaxNumberOfMessages: 0 }),
    field: "MaxNumberOfMessages",
    rule: "1 to 10",
    value: 0,
  },
  {
    name: "MaxNumberOfMessages 11",
    call: () => sqs.receiveMessage({ QueueUrl: URL_STD, MaxNumberOfMessages: 11 }),
    field: "MaxNumberOfMessages",
    value: 11,
  },
  {
    name: "ReceiveMessage VisibilityTimeout -1",
    call: () => sqs.receiveMessage({ QueueUrl: URL_STD, VisibilityTimeout: -1 }),
    field: "VisibilityTimeout",
    value: -1,
  },
  {
    name: "ListQueues MaxResults 1001",
    call: () => sqs.listQueues({ MaxResults: 1001 }),
    field: "MaxResults",
    rule: "1 to 1000",
    value: 1001,
  },
  {
    name: "ListMessageMoveTasks MaxResults 11",
    call: () => sqs.listMessageMoveTasks({ SourceArn: "arn:aws:sqs:us-east-1:1:dlq", MaxResults: 11 }),
    field: "MaxResults",
    value: 11,
  },
  {
    name: "StartMessageMoveTask rate 501",
    call: () =>
      sqs.startMessageMoveTask({
        SourceArn: "arn:aws:sqs:us-east-1:1:dlq",
        MaxNumberOfMessagesPerSecond: 501,
      }),
    field: "MaxNumberOfMessagesPerSecond",
    value: 501,
  },

  // FIFO.
  {
    name: "MessageGroupId of 129 characters",
    call: () => send("b", { MessageGroupId: "g".repeat(129) }, URL_FIFO),
    field: "MessageGroupId",
    rule: "1 to 128",
    value: "g".repeat(129),
  },
  {
    name: "MessageGroupId with a non-ASCII character",
    call: () => send("b", { MessageGroupId: "grüppe" }, URL_FIFO),
    field: "MessageGroupId",
    value: "grüppe",
  },
  {
    name: "FIFO send without a MessageGroupId",
    call: () => send("b", {}, URL_FIFO),
    field: "MessageGroupId",
    rule: "set for a FIFO queue",
    value: undefined,
  },
  {
    name: "FIFO batch entry without a MessageGroupId",
    call: () =>
      sendBatch(
        [
          { Id: "a", MessageBody: "b", MessageGroupId: "g" },
          { Id: "b", MessageBody: "b" },
        ],
        URL_FIFO,
      ),
    field: "Entries[1].MessageGroupId",
    value: undefined,
  },
  {
    name: "per-message DelaySeconds on a FIFO queue",
    call: () => send("b", { MessageGroupId: "g", DelaySeconds: 5 }, URL_FIFO),
    field: "DelaySeconds",
    rule: "FIFO",
    value: 5,
  },
  {
    name: "MessageDeduplicationId on a standard queue",
    call: () => send("b", { MessageDeduplicationId: "d1" }),
    field: "MessageDeduplicationId",
    value: "d1",
  },

  // Other actions.
  {
    name: "tag key of 129 characters",
    call: () => sqs.tagQueue({ QueueUrl: URL_STD, Tags: { ["k".repeat(129)]: "v" } }),
    field: "Tags key",
    value: "k".repeat(129),
  },
  {
    name: "tag value of 257 characters",
    call: () => sqs.tagQueue({ QueueUrl: URL_STD, Tags: { team: "v".repeat(257) } }),
    field: "Tags.team",
    value: "v".repeat(257),
  },
  {
    name: "UntagQueue with no keys",
    call: () => sqs.untagQueue({ QueueUrl: URL_STD, TagKeys: [] }),
    field: "TagKeys",
    value: [],
  },
  {
    name: "AddPermission label with bad characters",
    call: () =>
      sqs.addPermission({
        QueueUrl: URL_STD,
        Label: "my label",
        AWSAccountIds: ["1"],
        Actions: ["SendMessage"],
      }),
    field: "Label",
    value: "my label",
  },
  {
    name: "AddPermission without account ids",
    call: () => sqs.addPermission({ QueueUrl: URL_STD, Label: "L", Actions: ["SendMessage"] } as never),
    field: "AWSAccountIds",
    value: undefined,
  },
  {
    name: "input that is not an object",
    call: () => sqs.sendMessage(null as never),
    field: "input",
    value: null,
  },

  // Call options.
  {
    name: "call timeoutMs -1",
    call: () => sqs.listQueues({}, { timeoutMs: -1 }),
    field: "timeoutMs",
    rule: "positive",
    value: -1,
  },
  {
    name: "call signal that is not an AbortSignal",
    call: () => sqs.listQueues({}, { signal: "stop" as never }),
    field: "signal",
    value: "stop",
  },
];

/** Client options, each rejected by the constructor. */
const optionCases: (ExpectedValidation & { name: string; options: object })[] = [
  {
    name: "maxAttempts 0",
    options: { maxAttempts: 0 },
    field: "maxAttempts",
    rule: "positive integer",
    value: 0,
  },
  { name: "maxAttempts 1.5", options: { maxAttempts: 1.5 }, field: "maxAttempts", value: 1.5 },
  { name: "requestTimeoutMs -1", options: { requestTimeoutMs: -1 }, field: "requestTimeoutMs", value: -1 },
  { name: "requestTimeoutMs NaN", options: { requestTimeoutMs: Number.NaN }, field: "requestTimeoutMs" },
  {
    name: 'protocol "xml"',
    options: { protocol: "xml" },
    field: "protocol",
    rule: '"json" or "query"',
    value: "xml",
  },
  {
    name: 'endpoint "ftp://x"',
    options: { endpoint: "ftp://x" },
    field: "endpoint",
    rule: "http",
    value: "ftp://x",
  },
  {
    name: "endpoint not a URL",
    options: { endpoint: "localhost:4566" },
    field: "endpoint",
    value: "localhost:4566",
  },
  {
    name: 'region "EU WEST"',
    options: { region: "EU WEST" },
    field: "region",
    rule: "region",
    value: "EU WEST",
  },
  {
    name: 'checksums "yes"',
    options: { checksums: "yes" },
    field: "checksums",
    rule: "boolean",
    value: "yes",
  },
  { name: "fetch not a function", options: { fetch: "fetch" }, field: "fetch", value: "fetch" },
];

describe("validation before sending", () => {
  it(`has at least 40 distinct bad inputs (${cases.length + optionCases.length})`, () => {
    assert.ok(cases.length + optionCases.length >= 40);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const { name: _, call, ...expected } = c;
      const error = await expectValidation(call, expected, server);
      assert.equal(typeof error.operation, "string", "names the operation");
    });
  }

  for (const c of optionCases) {
    it(`client option: ${c.name}`, async () => {
      const { name: _, options, ...expected } = c;
      await expectValidation(
        () =>
          new SQS({
            endpoint: server.endpoint,
            region: "us-east-1",
            credentials: TEST_CREDENTIALS,
            ...options,
          }),
        expected,
        server,
      );
    });
  }

  it("names the operation and the queue in the message", async () => {
    const error = await expectValidation(
      () => send("", {}, URL_STD),
      { field: "MessageBody", value: "" },
      server,
    );
    assert.equal(error.operation, "SendMessage");
    assert.equal(error.resource, URL_STD);
    assert.equal(
      error.message,
      `SendMessage (${URL_STD}): invalid MessageBody: must be a non-empty string; received ""`,
    );
  });

  it("cuts long values in the message but keeps them whole on the error", async () => {
    const body = `${"x".repeat(300)}\u0000`;
    const error = await expectValidation(() => send(body), { field: "MessageBody", value: body }, server);
    assert.ok(error.message.length < 600, error.message);
    assert.match(error.message, /\(301 characters\)/);
  });

  it("accepts the limits themselves (nothing thrown before sending)", async () => {
    const accepted = [
      () => send("x".repeat(MiB)),
      () => send("b", { DelaySeconds: 900 }),
      () => send("b", { DelaySeconds: 0 }),
      () =>
        send("b", { MessageAttributes: Object.fromEntries(Object.entries(elevenAttributes).slice(0, 10)) }),
      () => sqs.createQueue({ QueueName: "q".repeat(80) }),
      () => sqs.createQueue({ QueueName: `${"f".repeat(75)}.fifo`, Attributes: { FifoQueue: "true" } }),
      () => send("b", { MessageGroupId: "g".repeat(128) }, URL_FIFO),
      () => sqs.receiveMessage({ QueueUrl: URL_STD, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }),
      () => send("\t\n\r \uD7FF\uE000\uFFFD\u{10000}\u{10FFFF}"),
    ];
    // A server that answers nothing useful: what matters is that these pass validation, so they
    // reach it; they are counted and removed so that the file's final check stays meaningful.
    for (const call of accepted) {
      const before = server.requests.length;
      await (async () => call())().catch((error: unknown) =>
        assert.ok(!(error as Error).name.includes("Validation"), String(error)),
      );
      assert.equal(server.requests.length, before + 1, "it was sent");
      server.requests.pop();
    }
  });
});
