import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { utf8Length } from "../../src/core/bytes.js";

describe("utf8Length", () => {
  it("is the length of the UTF-8 encoding, lone surrogates as the 3 bytes of U+FFFD", () => {
    const encoder = new TextEncoder();
    for (const text of [
      "",
      "a",
      "\u007f\u0080",
      "\u07ff\u0800",
      "\ud83d\ude00",
      "\ud800",
      "\udc00",
      "x\ud800y",
      "\ud800\ud800\udc00",
      "\ufffd\uffff",
    ]) {
      assert.equal(utf8Length(text), encoder.encode(text).length, JSON.stringify(text));
    }
  });
});
