// Standard Schema v1 support: the codec with zod, valibot and arktype (sync and async schemas),
// and typed messages in the Lambda handlers (no network).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import { isValidationError, type ValidationError } from "../../src/core/errors.js";
import type { StandardSchemaV1 } from "../../src/core/standard-schema.js";
import { isStandardSchema } from "../../src/core/typed.js";
import { decodeTyped, encodeTyped, issuePath, validate } from "../../src/core/typed-codec.js";
import { snsHandler, sqsHandler } from "../../src/lambda/index.js";
import type { Message } from "../../src/sqs/types.js";
import {
  fakeContext,
  fifoRecord,
  snsEnvelope,
  snsEvent,
  snsRecord,
  sqsEvent,
  sqsRecord,
} from "../lambda/fixtures.js";

const context = { operation: "test", resource: "orders" };

const zodOrder = z.object({
  id: z.number().int(),
  sku: z.string().min(1),
  tags: z.array(z.string()).optional(),
});
const valibotOrder = v.object({ id: v.number(), sku: v.pipe(v.string(), v.minLength(1)) });
const arkOrder = type({ id: "number", sku: "string > 0" });
/** zod with an asynchronous refinement: its ~standard.validate answers with a promise. */
const asyncZod = z.object({ id: z.number(), sku: z.string().refine(async (sku) => !sku.startsWith("X")) });
/** valibot's asynchronous pipeline. */
const asyncValibot = v.objectAsync({
  id: v.number(),
  sku: v.pipeAsync(
    v.string(),
    v.checkAsync(async (sku) => !sku.startsWith("X"), "no X skus"),
  ),
});
/** A hand-written schema whose answer is a thenable that is not a Promise. */
const thenableSchema: StandardSchemaV1<{ id: number }> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: (value) =>
      ({
        // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, on purpose
        then(resolve: (result: StandardSchemaV1.Result<{ id: number }>) => void) {
          const ok = typeof (value as { id?: unknown })?.id === "number";
          resolve(
            ok
              ? { value: value as { id: number } }
              : { issues: [{ message: "id must be a number", path: [{ key: "id" }] }] },
          );
        },
      }) as unknown as Promise<StandardSchemaV1.Result<{ id: number }>>,
  },
};

const schemas: [string, StandardSchemaV1][] = [
  ["zod", zodOrder],
  ["valibot", valibotOrder],
  ["arktype", arkOrder as unknown as StandardSchemaV1],
];

describe("Standard Schema codec", () => {
  for (const [name, schema] of schemas) {
    it(`${name}: a Standard Schema v1 schema, validated synchronously`, () => {
      assert.ok(isStandardSchema(schema));
      const value = validate(schema, { id: 1, sku: "A" }, "value", context);
      assert.deepEqual(value, { id: 1, sku: "A" });
      assert.equal(encodeTyped(schema, { id: 1, sku: "A" }, "value", context), '{"id":1,"sku":"A"}');
      assert.deepEqual(decodeTyped(schema, '{"id":2,"sku":"B"}', "Body", context), { id: 2, sku: "B" });
    });

    it(`${name}: a rejected value is a ValidationError carrying the issues and their paths`, () => {
      assert.throws(
        () => encodeTyped(schema, { id: "one", sku: "" }, "value", context),
        (error: unknown) => {
          assert.ok(isValidationError(error));
          assert.equal(error.field, "value");
          assert.ok(error.issues && error.issues.length >= 1);
          const paths = error.issues.map(issuePath);
          assert.ok(paths.includes("id"), `paths ${paths.join(",")}`);
          assert.match(error.message, /^test \(orders\): invalid value: must be valid for the schema \(/);
          assert.match(error.message, /id: /);
          return true;
        },
      );
    });
  }

  it("a body that is not JSON is a ValidationError naming the field, with the parse error as cause", () => {
    assert.throws(
      () => decodeTyped(zodOrder, "{not json", "Body", context),
      (error: unknown) =>
        isValidationError(error) &&
        error.field === "Body" &&
        error.rule === "JSON text" &&
        error.cause instanceof SyntaxError,
    );
  });

  it("nested paths read as items[2].sku", () => {
    const schema = z.object({ items: z.array(z.object({ sku: z.string() })) });
    assert.throws(
      () => validate(schema, { items: [{ sku: "a" }, { sku: "b" }, { sku: 3 }] }, "value", context),
      (error: unknown) => isValidationError(error) && error.issues?.map(issuePath)[0] === "items[2].sku",
    );
  });

  it("strings are JSON-encoded too, so that they decode back", () => {
    const schema = z.string();
    assert.equal(encodeTyped(schema, "hello", "value", context), '"hello"');
    assert.equal(decodeTyped(schema, '"hello"', "Body", context), "hello");
  });

  for (const [name, schema] of [
    ["zod (async refine)", asyncZod],
    ["valibot (pipeAsync)", asyncValibot],
    ["a thenable that is not a Promise", thenableSchema],
  ] as [string, StandardSchemaV1][]) {
    it(`${name}: an asynchronous schema's answer is awaited`, async () => {
      const good = validate(schema, { id: 1, sku: "A" }, "value", context);
      assert.ok(good instanceof Promise);
      assert.equal(((await good) as { id: number }).id, 1);
      const bad = name.startsWith("a thenable") ? { id: "1" } : { id: 1, sku: "XL" };
      await assert.rejects(
        Promise.resolve(validate(schema, bad, "value", context)),
        (error: unknown) => isValidationError(error) && (error.issues?.length ?? 0) >= 1,
      );
    });
  }

  it("the schema's output type is what a typed handler gets (compile-time)", () => {
    const handler = sqsHandler(
      async (message) => {
        const id: number = message.value.id;
        const sku: string = message.value.sku;
        const raw: Message = message;
        void [id, sku, raw];
      },
      { schema: zodOrder },
    );
    assert.equal(typeof handler, "function");
  });

  it("an arktype schema types the Lambda handlers without a cast (was TS2589, excessively deep)", async () => {
    const received: number[] = [];
    const plain = sqsHandler(
      async (message) => {
        const id: number = message.value.id;
        received.push(id);
      },
      { schema: arkOrder },
    );
    const unwrapped = sqsHandler(
      async (message) => {
        const sku: string = message.value.sku;
        void sku;
      },
      { schema: arkOrder, unwrapSns: true },
    );
    const fromSns = snsHandler(
      async (message) => {
        const sku: string = message.value.sku;
        void sku;
      },
      { schema: arkOrder },
    );
    assert.deepEqual(
      await plain(sqsEvent([sqsRecord(1, { body: JSON.stringify({ id: 7, sku: "A" }) })]), fakeContext()),
      { batchItemFailures: [] },
    );
    assert.deepEqual(received, [7]);
    assert.equal(typeof unwrapped, "function");
    assert.equal(typeof fromSns, "function");
  });
});

describe("sqsHandler with a schema", () => {
  const body = (value: unknown) => JSON.stringify(value);

  for (const [name, schema] of [...schemas, ["zod (async)", asyncZod] as [string, StandardSchemaV1]]) {
    it(`${name}: hands the handler message.value; bad JSON and rejected values are failed messages`, async () => {
      const values: unknown[] = [];
      const handler = sqsHandler(
        async (message) => {
          values.push(message.value);
          assert.equal(typeof message.Body, "string");
        },
        { schema },
      );
      const failures: ValidationError[] = [];
      handler.on("failed", (_message, error) => failures.push(error as ValidationError));
      const records = [
        sqsRecord(1, { body: body({ id: 1, sku: "A" }) }),
        sqsRecord(2, { body: "{oops" }),
        sqsRecord(3, { body: body({ id: "3", sku: "C" }) }),
        sqsRecord(4, { body: body({ id: 4, sku: "D" }) }),
      ];
      const response = await handler(sqsEvent(records), fakeContext());
      assert.deepEqual(
        response.batchItemFailures.map((f) => f.itemIdentifier),
        [records[1]!.messageId, records[2]!.messageId],
      );
      assert.deepEqual(values, [
        { id: 1, sku: "A" },
        { id: 4, sku: "D" },
      ]);
      assert.equal(failures.length, 2);
      for (const failure of failures) assert.ok(isValidationError(failure));
      assert.equal(failures.find((f) => f.rule === "JSON text")?.field, "Body");
      assert.ok(failures.some((f) => f.issues?.map(issuePath).includes("id")));
    });
  }

  it('onInvalid: "delete" reports invalid messages as succeeded (Lambda deletes them)', async () => {
    let calls = 0;
    const handler = sqsHandler(
      () => {
        calls++;
      },
      { schema: zodOrder, onInvalid: "delete" },
    );
    const response = await handler(
      sqsEvent([sqsRecord(1, { body: "[]" }), sqsRecord(2, { body: body({ id: 2, sku: "B" }) })]),
      fakeContext(),
    );
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.equal(calls, 1);
  });

  it("onInvalid: a function gets the message and the error; resolving counts as handled, throwing fails", async () => {
    const routed: [string, string][] = [];
    const handler = sqsHandler(() => undefined, {
      schema: valibotOrder,
      onInvalid: async (message, error) => {
        routed.push([(message as Message).Body, error.field]);
        if ((message as Message).Body === "[]") throw new Error("cannot route");
      },
    });
    const records = [sqsRecord(1, { body: "{}" }), sqsRecord(2, { body: "[]" })];
    const response = await handler(sqsEvent(records), fakeContext());
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: records[1]!.messageId }]);
    assert.deepEqual(routed, [
      ["{}", "Body"],
      ["[]", "Body"],
    ]);
  });

  it("with unwrapSns, the message published to SNS is what is decoded", async () => {
    const values: unknown[] = [];
    const handler = sqsHandler(
      (message) => {
        values.push([message.value.id, message.Envelope?.Subject, message.SqsMessage.MessageId]);
      },
      { schema: zodOrder, unwrapSns: true },
    );
    const record = sqsRecord(1, { body: JSON.stringify(snsEnvelope(body({ id: 7, sku: "G" }))) });
    assert.deepEqual(await handler(sqsEvent([record]), fakeContext()), { batchItemFailures: [] });
    assert.deepEqual(values, [[7, "example subject", record.messageId]]);
  });

  it("on a FIFO queue, a message that fails validation fails the later records (fifo: stop)", async () => {
    const handler = sqsHandler(() => undefined, { schema: zodOrder });
    const records = [
      fifoRecord(0, "g", { body: body({ id: 0, sku: "A" }) }),
      fifoRecord(1, "g", { body: body({ id: "bad" }) }),
      fifoRecord(2, "g", { body: body({ id: 2, sku: "C" }) }),
    ];
    const response = await handler(sqsEvent(records), fakeContext());
    assert.deepEqual(
      response.batchItemFailures.map((f) => f.itemIdentifier),
      [records[1]!.messageId, records[2]!.messageId],
    );
  });
});

describe("snsHandler with a schema", () => {
  it("decodes each notification's message; an invalid one fails the invocation unless onInvalid says otherwise", async () => {
    const values: unknown[] = [];
    const handler = snsHandler(
      (message) => {
        values.push(message.value.sku);
      },
      { schema: asyncValibot },
    );
    await handler(snsEvent([snsRecord('{"id":1,"sku":"A"}')]), fakeContext());
    assert.deepEqual(values, ["A"]);
    await assert.rejects(
      handler(snsEvent([snsRecord('{"id":1,"sku":"XL"}')]), fakeContext()),
      (error: unknown) => isValidationError((error as Error).cause),
    );
    const lenient = snsHandler(() => undefined, { schema: asyncValibot, onInvalid: "delete" });
    await lenient(snsEvent([snsRecord("not json")]), fakeContext());
    assert.equal(lenient.status.succeeded, 1);
  });
});
