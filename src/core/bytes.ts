/**
 * Byte-level helpers shared by the services.
 *
 * @module
 */

import { utf8Encode } from "./crypto-pure.js";

const NodeBuffer = (globalThis as { Buffer?: { byteLength(text: string, encoding: "utf8"): number } }).Buffer;

/** The length of a string encoded as UTF-8 (lone surrogates count as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  if (NodeBuffer) return NodeBuffer.byteLength(text, "utf8");
  return utf8Encode(text).length;
}
