// The SQS Query protocol checked against AWS's Smithy model of SQS (test/fixtures/smithy), not
// against the generated tables: a small reference serializer here follows the awsQuery rules over
// the model itself (each member's `xmlName`, `xmlFlattened`, list item and map key/value names),
// a sample input fills EVERY input member of EVERY action, and a loopback server checks that the
// form body the client sends is exactly the reference's. The errors' Query codes
// (`aws.protocols#awsQueryError`) are checked the same way, over Query and over JSON.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { isServiceError } from "../../src/core/errors.js";
import { encodeQuery } from "../../src/core/protocol/query.js";
import type { OperationShape } from "../../src/core/schema.js";
import { SQSClient } from "../../src/sqs/client.js";
import * as functions from "../../src/sqs/functions.js";
// SQS's shapes get their Query names when the Query protocol is made (sqs/query.ts): the encoder
// is called directly below.
import "../../src/sqs/query.js";
import * as schema from "../../src/sqs/schema.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, startLoopback, xml } from "../helpers/loopback.js";
import { caught, queryErrorXml, queryXml } from "../helpers/sqs.js";

// ---------------------------------------------------------------------------------------------
// The model

interface SmithyRef {
  target: string;
  traits?: Record<string, unknown>;
}
interface SmithyShape {
  type: string;
  members?: Record<string, SmithyRef>;
  member?: SmithyRef;
  key?: SmithyRef;
  value?: SmithyRef;
  input?: SmithyRef;
  output?: SmithyRef;
  traits?: Record<string, unknown>;
}

const MODEL_URL = new URL("../../../test/fixtures/smithy/sqs-2012-11-05.json", import.meta.url);
const SHARED_URL = new URL("../../../../shared/aws-models/sqs/smithy/sqs-2012-11-05.json", import.meta.url);
const modelText = readFileSync(MODEL_URL, "utf8");
const model = JSON.parse(modelText) as { shapes: Record<string, SmithyShape> };

function shapeOf(id: string): SmithyShape {
  const shape = model.shapes[id];
  if (!shape) throw new Error(`no shape ${id} in the model`);
  return shape;
}
const local = (id: string) => id.slice(id.indexOf("#") + 1);
const xmlName = (ref: SmithyRef | undefined) => ref?.traits?.["smithy.api#xmlName"] as string | undefined;
const flattened = (ref: SmithyRef) => ref.traits?.["smithy.api#xmlFlattened"] !== undefined;

const actions = Object.entries(model.shapes)
  .filter(([, shape]) => shape.type === "operation")
  .map(([id, shape]) => ({ name: local(id), input: shape.input!.target }))
  .sort((a, b) => (a.name < b.name ? -1 : 1));

// ---------------------------------------------------------------------------------------------
// The reference serializer: the awsQuery rules, read from the model

function scalarText(type: string, value: unknown): string {
  if (type === "blob") return Buffer.from(value as Uint8Array).toString("base64");
  if (type === "timestamp") return (value as Date).toISOString().replace(".000Z", "Z");
  return String(value);
}

/**
 * Serializes a value of shape `id` under `name` into [key, value] pairs. A structure member is
 * named by its `xmlName` (else its own name); a list is `name.member.N` (the item's `xmlName`
 * instead of `member`), or `name.N` when the member is flattened; a map is `name.entry.N.key` /
 * `.value` (key and value `xmlName`s), or `name.N.key` when flattened. Lists that share a name in
 * one structure continue one numbering (the client's documented rule for ReceiveMessage).
 */
function serialize(id: string, value: unknown, name: string, isFlat: boolean, out: [string, string][]): void {
  const shape = shapeOf(id);
  if (shape.type === "structure") {
    const counts = new Map<string, number>();
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      const item = (value as Record<string, unknown>)[member];
      if (item === undefined) continue;
      const wire = `${name ? `${name}.` : ""}${xmlName(ref) ?? member}`;
      const target = shapeOf(ref.target);
      if (target.type === "list") {
        const start = counts.get(wire) ?? 0;
        counts.set(wire, serializeList(target, item as unknown[], wire, flattened(ref), start, out));
      } else {
        serialize(ref.target, item, wire, flattened(ref), out);
      }
    }
  } else if (shape.type === "list") {
    serializeList(shape, value as unknown[], name, isFlat, 0, out);
  } else if (shape.type === "map") {
    let n = 0;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const entry = isFlat ? `${name}.${++n}` : `${name}.entry.${++n}`;
      out.push([`${entry}.${xmlName(shape.key) ?? "key"}`, key]);
      serialize(shape.value!.target, item, `${entry}.${xmlName(shape.value) ?? "value"}`, false, out);
    }
  } else {
    out.push([name, scalarText(shape.type, value)]);
  }
}

function serializeList(
  shape: SmithyShape,
  items: unknown[],
  name: string,
  isFlat: boolean,
  start: number,
  out: [string, string][],
): number {
  let n = start;
  const prefix = isFlat ? name : `${name}.${xmlName(shape.member) ?? "member"}`;
  for (const item of items) serialize(shape.member!.target, item, `${prefix}.${++n}`, false, out);
  if (n === 0) out.push([name, ""]);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Sample inputs: every member of every input filled

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/177715257436/My-Queue_1";
const FIFO_QUEUE_URL = `${QUEUE_URL}.fifo`;
const ARN = "arn:aws:sqs:us-east-1:177715257436:My-Queue_1";

/** Values the client's validation needs (a URL, a queue name, a data type...), by member name. */
const BY_MEMBER: Record<string, (n: number) => unknown> = {
  QueueUrl: () => QUEUE_URL,
  QueueName: () => "My-Queue_1",
  QueueNamePrefix: () => "My-",
  Label: () => "Label_1",
  Id: (n) => `entry-${n}`,
  SourceArn: () => ARN,
  DestinationArn: () => `${ARN}-dlq`,
  AWSAccountIds: () => ["177715257436", "111122223333"],
  Actions: () => ["SendMessage", "ReceiveMessage"],
  QueueOwnerAWSAccountId: () => "177715257436",
  DataType: () => "String.custom_type",
  MessageAttributeNames: () => ["city", "size.*"],
  MaxNumberOfMessages: () => 5,
  WaitTimeSeconds: () => 0,
  MessageGroupId: (n) => `group-${n}`,
  MessageDeduplicationId: (n) => `dedup-${n}`,
  ReceiveRequestAttemptId: (n) => `attempt-${n}`,
  // Queue attributes whose values validation accepts.
  Attributes: () => ({ DelaySeconds: "45", VisibilityTimeout: "60" }),
};

/** Strings that need percent-encoding, so that the encoding is checked too. */
const TEXT = " +/=&%~*é😀";

let counter = 0;

const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function enumValues(shape: SmithyShape): string[] {
  return Object.values(shape.members ?? {}).map((m) => m.traits?.["smithy.api#enumValue"] as string);
}

function sample(id: string, memberName: string): unknown {
  const shape = shapeOf(id);
  const n = ++counter;
  const special = BY_MEMBER[memberName];
  if (special) return special(n);
  switch (shape.type) {
    case "structure": {
      const value: Record<string, unknown> = {};
      for (const [member, ref] of Object.entries(shape.members ?? {}))
        value[member] = sample(ref.target, member);
      return value;
    }
    case "list":
      return [sample(shape.member!.target, memberName), sample(shape.member!.target, memberName)];
    case "map": {
      const keyShape = shapeOf(shape.key!.target);
      const keys = keyShape.type === "enum" ? enumValues(keyShape).slice(0, 1) : [`key-${n}`, `key.${n}_b`];
      const value: Record<string, unknown> = {};
      for (const key of keys) value[key] = sample(shape.value!.target, memberName);
      return value;
    }
    case "enum":
      return enumValues(shape)[n % enumValues(shape).length];
    case "string":
      return `${memberName}-${n}${TEXT}`;
    case "integer":
    case "long":
      return (n % 7) + 1;
    case "boolean":
      return n % 2 === 0;
    case "blob":
      return new Uint8Array([n & 255, 0, 250, 255]);
    default:
      throw new Error(`no sample for a ${shape.type} (${id})`);
  }
}

/** Every member of `id` (structures, list items, map values) is present in `value`. */
function assertComplete(id: string, value: unknown, path: string): number {
  const shape = shapeOf(id);
  let count = 0;
  if (shape.type === "structure") {
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      const item = (value as Record<string, unknown>)[member];
      assert.notEqual(item, undefined, `${path}.${member} is filled`);
      count += 1 + assertComplete(ref.target, item, `${path}.${member}`);
    }
  } else if (shape.type === "list") {
    for (const item of value as unknown[]) count += assertComplete(shape.member!.target, item, `${path}[]`);
  } else if (shape.type === "map") {
    for (const item of Object.values(value as object))
      count += assertComplete(shape.value!.target, item, `${path}{}`);
  }
  return count;
}

/**
 * Attribute values as validation takes them: without the list members that SQS reserves, the
 * first a String (no BinaryValue), the others Binary (no StringValue).
 */
function reservedOut(attributes: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [i, [name, value]] of Object.entries(
    attributes as Record<string, Record<string, unknown>>,
  ).entries()) {
    // In the model's member order, which the reference serializer follows.
    out[name] =
      i === 0
        ? { StringValue: value.StringValue, DataType: value.DataType }
        : { BinaryValue: value.BinaryValue, DataType: "Binary" };
  }
  return out;
}

/**
 * The calls that together send what the client's validation lets through of `input`: one call,
 * except for the sends, where `DelaySeconds` is for standard queues only and
 * `MessageDeduplicationId` for FIFO queues only, and attribute values lose their reserved lists
 * (those are checked by the encoder alone, below).
 */
function calls(action: string, input: Record<string, unknown>): Record<string, unknown>[] {
  if (action !== "SendMessage" && action !== "SendMessageBatch") return [input];
  const variant = (fifo: boolean) => {
    const strip = (message: Record<string, unknown>) => {
      const copy: Record<string, unknown> = {
        ...message,
        MessageAttributes: reservedOut(message.MessageAttributes),
      };
      if (copy.MessageSystemAttributes)
        copy.MessageSystemAttributes = reservedOut(message.MessageSystemAttributes);
      if (fifo) delete copy.DelaySeconds;
      else delete copy.MessageDeduplicationId;
      return copy;
    };
    const url = fifo ? FIFO_QUEUE_URL : QUEUE_URL;
    if (action === "SendMessage") return { ...strip(input), QueueUrl: url };
    return { ...input, QueueUrl: url, Entries: (input.Entries as Record<string, unknown>[]).map(strip) };
  };
  return [variant(false), variant(true)];
}

// ---------------------------------------------------------------------------------------------

let server: Loopback;
let client: SQSClient;

before(async () => {
  server = await startLoopback((request) => {
    const action = new URLSearchParams(request.body).get("Action") ?? "";
    // An answer with no result: each output member is optional, and only the request is checked.
    return xml(queryXml(action, "", "req-model"));
  });
  client = new SQSClient({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    protocol: "query",
    checksums: false,
  });
});
after(() => server.close());

describe("SQS Query encoding against AWS's Smithy model", () => {
  it("uses the same model file as the generator", (t) => {
    if (!existsSync(SHARED_URL)) return t.skip("no ../shared/aws-models here");
    assert.equal(modelText, readFileSync(SHARED_URL, "utf8"));
  });

  it("covers the 23 actions", () => {
    assert.equal(actions.length, 23);
  });

  for (const action of actions) {
    it(`${action.name}: every input member, under its Query name`, async () => {
      const input = sample(action.input, action.input) as Record<string, unknown>;
      assertComplete(action.input, input, action.name);
      const call = (functions as unknown as Record<string, (c: SQSClient, i: unknown) => Promise<unknown>>)[
        action.name[0]!.toLowerCase() + action.name.slice(1)
      ]!;
      // The encoder alone, with every member (the reserved ones too).
      const all: [string, string][] = [
        ["Action", action.name],
        ["Version", "2012-11-05"],
      ];
      serialize(action.input, input, "", false, all);
      const op = (schema as unknown as Record<string, OperationShape>)[`${action.name}Op`]!;
      assert.equal(
        encodeQuery(op, input, "2012-11-05"),
        all.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join("&"),
      );
      // The client, over the wire.
      for (const one of calls(action.name, input)) {
        const expected: [string, string][] = [
          ["Action", action.name],
          ["Version", "2012-11-05"],
        ];
        serialize(action.input, one, "", false, expected);
        const before = server.requests.length;
        await call(client, one);
        assert.equal(server.requests.length, before + 1);
        const request = server.requests.at(-1)!;
        assert.equal(request.signatureValid, true);
        assert.deepEqual([...new URLSearchParams(request.body)], expected);
        // The exact bytes: RFC 3986 percent-encoding, as the AWS SDKs write it.
        assert.equal(request.body, expected.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join("&"));
      }
    });
  }

  it("sends ReceiveMessage's MessageSystemAttributeNames as AttributeName.N, as the model names it", async () => {
    await functions.receiveMessage(client, {
      QueueUrl: QUEUE_URL,
      MessageSystemAttributeNames: ["SenderId", "SentTimestamp"],
      WaitTimeSeconds: 0,
    });
    const body = server.requests.at(-1)!.body;
    assert.match(body, /&AttributeName\.1=SenderId&AttributeName\.2=SentTimestamp&/);
    assert.doesNotMatch(body, /MessageSystemAttributeName/);
  });

  it("numbers AttributeNames and MessageSystemAttributeNames as one list", async () => {
    await functions.receiveMessage(client, {
      QueueUrl: QUEUE_URL,
      AttributeNames: ["All"],
      MessageSystemAttributeNames: ["SenderId"],
      WaitTimeSeconds: 0,
    });
    const pairs = [...new URLSearchParams(server.requests.at(-1)!.body)].filter(([k]) =>
      k.startsWith("Attr"),
    );
    assert.deepEqual(pairs, [
      ["AttributeName.1", "All"],
      ["AttributeName.2", "SenderId"],
    ]);
  });
});

describe("SQS error codes against AWS's Smithy model", () => {
  const errors = Object.entries(model.shapes)
    .filter(([, shape]) => shape.traits?.["smithy.api#error"] !== undefined)
    .map(([id, shape]) => ({
      name: local(id),
      query:
        (shape.traits?.["aws.protocols#awsQueryError"] as { code?: string } | undefined)?.code ?? local(id),
    }));

  it("has error shapes with Query codes", () => {
    assert.ok(errors.length >= 20);
    assert.ok(errors.some((e) => e.query !== e.name));
  });

  for (const protocol of ["query", "json"] as const) {
    it(`reports each Query code under the model's error name (${protocol})`, async () => {
      const errorServer = await startLoopback((request) => {
        // The queue name says which error to answer with.
        const form = new URLSearchParams(request.body);
        const name =
          form.get("QueueName") ?? (JSON.parse(request.body || "{}") as { QueueName?: string }).QueueName;
        const code = errors[Number(name?.slice(1))]?.query ?? "";
        if (protocol === "query") return xml(queryErrorXml("Sender", code, "no", "req-error"), 400);
        // A JSON answer that names the error only by its Query code, as awsQueryCompatible allows.
        return json({ message: "no" }, 400, { "x-amzn-query-error": `${code};Sender` });
      });
      try {
        const errorClient = new SQSClient({
          endpoint: errorServer.endpoint,
          region: "us-east-1",
          credentials: TEST_CREDENTIALS,
          protocol,
          maxAttempts: 1,
        });
        for (const [i, { query, name }] of errors.entries()) {
          const error = await caught(() => functions.getQueueUrl(errorClient, { QueueName: `e${i}` }));
          assert.ok(isServiceError(error), String(error));
          assert.equal(error.code, name, `${query} -> ${name}`);
        }
      } finally {
        await errorServer.close();
      }
    });
  }
});
