// Small pieces of the JSON protocol module: retry hints and the wire form of blobs and dates.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromJsonValue, retryAfterOf, toJsonValue } from "../../src/core/protocol/json.js";
import type { StructureShape } from "../../src/core/schema.js";

const response = (headers: Record<string, string>) => ({ statusCode: 503, headers, body: "" });

describe("retryAfterOf", () => {
  it("reads x-amz-retry-after in milliseconds and Retry-After in seconds", () => {
    assert.equal(retryAfterOf(response({ "x-amz-retry-after": "1500" })), 1500);
    assert.equal(retryAfterOf(response({ "retry-after": "3" })), 3000);
  });
  it("reads the HTTP-date form of Retry-After as a delay from now", () => {
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    const delay = retryAfterOf(response({ "retry-after": inTen }))!;
    assert.ok(delay > 0 && delay <= 10_000, String(delay));
    assert.equal(retryAfterOf(response({ "retry-after": new Date(0).toUTCString() })), 0);
  });
  it("ignores what it cannot read", () => {
    assert.equal(retryAfterOf(response({ "retry-after": "soon" })), undefined);
    assert.equal(retryAfterOf(response({})), undefined);
  });
});

describe("JSON wire values", () => {
  it("copies an object or list only when something in it is converted", () => {
    const listShape: StructureShape = {
      type: "structure",
      special: ["Entries"],
      members: {
        Entries: {
          shape: {
            type: "list",
            special: true,
            member: { type: "structure", special: ["B"], members: { B: { shape: "B" } } },
          },
        },
      },
    };
    const plain = { Entries: [{ Id: "0", Text: "a" }, { Id: "1" }] };
    assert.equal(toJsonValue(listShape, plain), plain);
    const mixed = { Entries: [{ Id: "0" }, { Id: "1", B: new Uint8Array([1]) }], Other: 1 };
    const wire = toJsonValue(listShape, mixed) as typeof mixed;
    assert.notEqual(wire, mixed);
    assert.equal(wire.Entries[0], mixed.Entries[0]);
    assert.deepEqual(JSON.parse(JSON.stringify(wire)), {
      Entries: [{ Id: "0" }, { Id: "1", B: "AQ==" }],
      Other: 1,
    });
    assert.ok(mixed.Entries[1]!.B instanceof Uint8Array, "the input is left as it was");
  });

  const shape: StructureShape = {
    type: "structure",
    special: ["Blob", "When", "Map"],
    members: {
      Blob: { shape: "B" },
      When: { shape: "t" },
      Map: {
        shape: {
          type: "map",
          special: true,
          value: { type: "structure", special: ["B"], members: { B: { shape: "B" } } },
        },
      },
      Plain: { shape: "s" },
    },
  };
  it("encodes blobs as base64 and dates as epoch seconds, and decodes them back", () => {
    const input = {
      Blob: new Uint8Array([1, 2, 255]),
      When: new Date(1_700_000_000_500),
      Map: { a: { B: new Uint8Array([7]) } },
      Plain: "x",
    };
    const wire = toJsonValue(shape, input) as Record<string, unknown>;
    assert.deepEqual(JSON.parse(JSON.stringify(wire)), {
      Blob: "AQL/",
      When: 1_700_000_000.5,
      Map: { a: { B: "Bw==" } },
      Plain: "x",
    });
    assert.ok(input.Blob instanceof Uint8Array && input.When instanceof Date, "the input is left as it was");
    assert.ok(input.Map.a.B instanceof Uint8Array);
    const back = fromJsonValue(shape, JSON.parse(JSON.stringify(wire))) as typeof input;
    assert.deepEqual(back.Blob, input.Blob);
    assert.equal(back.When.getTime(), input.When.getTime());
    assert.deepEqual(back.Map.a.B, new Uint8Array([7]));
  });
});
