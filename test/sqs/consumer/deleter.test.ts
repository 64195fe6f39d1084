// src/sqs/consumer/deleter.ts: the body of the consumer's DeleteMessageBatch, written from its
// parts, is the text JSON.stringify writes for the same input (generated receipt handles with
// quotes, backslashes, control characters, other scripts, lone surrogates); any other input or
// the Query protocol is left to the generic encoding.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { writeDeleteBody } from "../../../src/sqs/consumer/deleter.js";

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ODD = ['"', "\\", "\n", "\u0000", "\u001f", "\u007f", "é", "\u2028", "😀", "\ud800", "\udc00", "/"];

function handle(next: () => number): string {
  let out = "AQEB";
  const length = Math.floor(next() * 200);
  for (let i = 0; i < length; i++) {
    const r = next();
    out +=
      r < 0.97 ? String.fromCharCode(32 + Math.floor(next() * 95)) : ODD[Math.floor(next() * ODD.length)]!;
  }
  return out;
}

describe("writeDeleteBody", () => {
  it("writes what JSON.stringify writes", () => {
    const next = random(7);
    for (let round = 0; round < 500; round++) {
      const count = 1 + (round % 10);
      const input = {
        QueueUrl:
          round % 7 === 0
            ? `https://sqs.example/1/q"${handle(next)}`
            : "https://sqs.us-east-1.amazonaws.com/1/jobs",
        Entries: Array.from({ length: count }, (_, i) => ({
          Id: round % 11 === 0 ? handle(next) : String(i),
          ReceiptHandle: handle(next),
        })),
      };
      assert.equal(writeDeleteBody(input, "json"), JSON.stringify(input));
    }
  });

  it("leaves other inputs and the Query protocol to the generic encoding", () => {
    const input = { QueueUrl: "https://sqs.example/1/q", Entries: [{ Id: "0", ReceiptHandle: "h" }] };
    assert.equal(writeDeleteBody(input, "query"), undefined);
    assert.equal(writeDeleteBody({ ...input, QueueUrl: 1 }, "json"), undefined);
    assert.equal(writeDeleteBody({ QueueUrl: input.QueueUrl }, "json"), undefined);
    assert.equal(writeDeleteBody({ ...input, Entries: [{ Id: 0, ReceiptHandle: "h" }] }, "json"), undefined);
    assert.equal(
      writeDeleteBody({ ...input, Entries: [] }, "json"),
      JSON.stringify({ ...input, Entries: [] }),
    );
  });
});
