// src/sqs/md5-many.ts, the digests of many inputs in one WebAssembly call, and checkReceived's use
// of it: every digest equal to node:crypto's on generated inputs (lengths around the 64-byte
// blocks, ASCII, other BMP characters, astral characters, lone surrogates, bytes), and
// checkReceived equal to the one-digest-at-a-time path: nothing thrown for right digests, the same
// ChecksumError for the first wrong one.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import { ChecksumError } from "../../src/core/errors.js";
import {
  type AttributeValue,
  checkReceived,
  loadManyDigests,
  md5OfMessageAttributes,
} from "../../src/sqs/checksums.js";
import { type Md5Many, md5Many } from "../../src/sqs/md5-many.js";

const md5 = (data: string | Uint8Array) => createHash("md5").update(data).digest("hex");

/** A deterministic generator (the same inputs every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function text(next: () => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    const r = next();
    if (r < 0.75) out += String.fromCharCode(32 + Math.floor(next() * 95));
    else if (r < 0.85) out += String.fromCharCode(0x80 + Math.floor(next() * 0x7000));
    else if (r < 0.93) out += String.fromCodePoint(0x1f600 + Math.floor(next() * 80));
    else out += String.fromCharCode(0xd800 + Math.floor(next() * 0x800)); // a lone surrogate
  }
  return out;
}

/** Lengths around the block edges (55/56 bytes: the length field's room), and longer ones. */
const LENGTHS = [0, 1, 3, 54, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 200, 1000, 5000];

let digester: Md5Many;
before(async () => {
  const made = md5Many();
  assert.ok(made, "WebAssembly with SIMD compiles on Node");
  digester = made;
  await loadManyDigests();
});

describe("md5Many", () => {
  it("gives node:crypto's digest of each text (as UTF-8, lone surrogates as U+FFFD)", () => {
    const next = random(1);
    for (let round = 0; round < 60; round++) {
      digester.reset();
      const inputs: string[] = [];
      const count = 1 + (round % 23);
      for (let i = 0; i < count; i++) {
        const length = round < 20 ? LENGTHS[(round + i) % LENGTHS.length]! : Math.floor(next() * 300);
        const value = round % 3 === 0 ? "a".repeat(length) : text(next, length);
        inputs.push(value);
        assert.equal(digester.text(value), i);
      }
      digester.run();
      inputs.forEach((value, i) => {
        const want = md5(value);
        assert.equal(digester.hex(i), want, JSON.stringify(value));
        assert.ok(digester.matches(i, want));
        assert.ok(digester.matches(i, want.toUpperCase()));
      });
    }
  });

  it("gives node:crypto's digest of written bytes", () => {
    const next = random(2);
    digester.reset();
    const inputs: Uint8Array[] = [];
    for (const length of LENGTHS) {
      const bytes = Uint8Array.from({ length }, () => Math.floor(next() * 256));
      inputs.push(bytes);
      const at = digester.reserve(length);
      digester.bytes.set(bytes, at);
      digester.commit(at + length);
    }
    digester.run();
    for (const [i, bytes] of inputs.entries()) assert.equal(digester.hex(i), md5(bytes));
  });

  it("compares digests exactly: another digest, a short one, non-hex characters", () => {
    digester.reset();
    digester.text("hello");
    digester.run();
    const want = md5("hello");
    assert.ok(digester.matches(0, want));
    assert.ok(!digester.matches(0, md5("hellO")));
    assert.ok(!digester.matches(0, want.slice(0, 31)));
    assert.ok(!digester.matches(0, `${want}0`));
    assert.ok(!digester.matches(0, `${want.slice(0, 31)}g`));
    // A character whose low bits look like a hex digit's.
    assert.ok(
      !digester.matches(
        0,
        want.replace(/[0-9]/, (d) => String.fromCharCode(d.charCodeAt(0) + 0x100)),
      ),
    );
  });

  it("refuses inputs past its limits (256 per call), which callers digest otherwise", () => {
    digester.reset();
    for (let i = 0; i < 256; i++) assert.equal(digester.text(String(i)), i);
    assert.equal(digester.text("one more"), -1);
    assert.equal(digester.reserve(1), -1);
    digester.run();
    assert.equal(digester.hex(255), md5("255"));
    digester.reset();
    assert.equal(digester.text("x".repeat(6 * 1024 * 1024)), -1, "more than 16 MiB with its bound");
    assert.equal(digester.text("fits"), 0);
  });
});

/** Random message attributes: string, number and binary values, names of several scripts. */
function attributes(next: () => number): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  const count = 1 + Math.floor(next() * 5);
  for (let i = 0; i < count; i++) {
    const name = `${text(next, 1 + Math.floor(next() * 8)).replace(/[\ud800-\udfff]/g, "")}${i}`;
    const kind = next();
    if (kind < 0.2)
      out[name] = {
        DataType: "Binary",
        BinaryValue: Uint8Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)),
      };
    else if (kind < 0.4) out[name] = { DataType: "Number", StringValue: String(Math.floor(next() * 1e6)) };
    else out[name] = { DataType: "String", StringValue: text(next, Math.floor(next() * 150)) };
  }
  return out;
}

interface Received {
  MessageId: string;
  Body?: string;
  MD5OfBody?: string;
  MessageAttributes?: Record<string, AttributeValue>;
  MD5OfMessageAttributes?: string;
}

function messages(next: () => number, count: number): Received[] {
  return Array.from({ length: count }, (_, i) => {
    const body = text(next, Math.floor(next() * 400));
    const message: Received = { MessageId: `m-${i}`, Body: body, MD5OfBody: md5(body) };
    if (next() < 0.8) {
      message.MessageAttributes = attributes(next);
      message.MD5OfMessageAttributes = md5OfMessageAttributes(message.MessageAttributes);
    }
    if (next() < 0.1) delete message.MD5OfBody;
    return message;
  });
}

/** The error of checking the messages one at a time (the general path: one message per call). */
function oneByOne(list: Received[], context: { operation: string; resource: string }): unknown {
  for (const message of list) {
    try {
      checkReceived([message], context);
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

describe("checkReceived with the digester of many inputs", () => {
  const context = { operation: "ReceiveMessage", resource: "https://sqs.example/1/q" };

  it("accepts right digests, and gives the general path's ChecksumError for the first wrong one", () => {
    const next = random(3);
    for (let round = 0; round < 200; round++) {
      const list = messages(next, 2 + (round % 9));
      assert.doesNotThrow(() => checkReceived(list, context));
      if (round % 2 === 0) {
        const upper = list[Math.floor(next() * list.length)]!;
        if (upper.MD5OfBody) upper.MD5OfBody = upper.MD5OfBody.toUpperCase();
        assert.doesNotThrow(() => checkReceived(list, context));
      }
      // Spoil one digest (or two), then compare with the one-at-a-time path.
      const spoiled = list[Math.floor(next() * list.length)]!;
      const field = next() < 0.5 && spoiled.MD5OfMessageAttributes ? "MD5OfMessageAttributes" : "MD5OfBody";
      spoiled[field] = next() < 0.2 ? "short" : md5(`not ${spoiled.MessageId}`);
      if (next() < 0.3) list[list.length - 1]!.MD5OfBody = md5("also wrong");
      const expected = oneByOne(list, context);
      assert.ok(expected instanceof ChecksumError);
      assert.throws(
        () => checkReceived(list, context),
        (error: unknown) => {
          assert.ok(error instanceof ChecksumError);
          assert.equal(error.field, expected.field);
          assert.equal(error.expected, expected.expected);
          assert.equal(error.received, expected.received);
          assert.equal(error.resource, expected.resource);
          assert.equal(error.message, expected.message);
          return true;
        },
      );
    }
  });

  it("checks a digest that is not a string as the general path does", () => {
    const list = messages(random(4), 3) as unknown as Record<string, unknown>[];
    list[1]!.MD5OfBody = 12345;
    const expected = oneByOne(list as unknown as Received[], context);
    assert.ok(expected instanceof ChecksumError);
    assert.throws(() => checkReceived(list as never, context), { field: "MD5OfBody", received: "12345" });
  });

  it("checks more messages than the digester takes at once (the general path)", () => {
    const list = messages(random(5), 200);
    assert.doesNotThrow(() => checkReceived(list, context));
    list[150]!.MD5OfBody = md5("wrong");
    assert.throws(() => checkReceived(list, context), {
      field: "MD5OfBody",
      resource: `${context.resource} message m-150`,
    });
  });
});
