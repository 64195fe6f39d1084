/**
 * The browser build's stand-in for `crypto.ts` (package.json's `browser` field maps one to the
 * other): the same functions, on the pure code alone, since browsers and Workers have no
 * synchronous `node:crypto` (Web Crypto is asynchronous and has no MD5). The client's own requests
 * are signed with Web Crypto instead (`signer/own.browser.ts`), so a program that signs nothing
 * else carries only the pure MD5 (the SQS checksums) of this code.
 *
 * @module
 */

import { fromBase64Pure, hmacSha256Pure, md5Pure, sha256Pure, toBase64Pure, toHex } from "./crypto-pure.js";

export { toHex, utf8Encode } from "./crypto-pure.js";

/** SHA-256 digest; strings as UTF-8. */
export const sha256: (data: string | Uint8Array) => Uint8Array = sha256Pure;

/** SHA-256 digest as lowercase hex; strings as UTF-8. */
export function sha256Hex(data: string | Uint8Array): string {
  return toHex(sha256Pure(data));
}

/** HMAC-SHA-256 (RFC 2104); string keys and data as UTF-8. */
export const hmacSha256: (key: string | Uint8Array, data: string | Uint8Array) => Uint8Array = hmacSha256Pure;

/** HMAC-SHA-256 as lowercase hex. */
export function hmacSha256Hex(key: string | Uint8Array, data: string | Uint8Array): string {
  return toHex(hmacSha256Pure(key, data));
}

/** MD5 digest as lowercase hex; strings as UTF-8. */
export function md5Hex(data: string | Uint8Array): string {
  return toHex(md5Pure(data));
}

/** Standard base64 (RFC 4648 section 4) with padding, with the platform's `btoa`. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices, so that no call passes more arguments than an engine allows.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * What `base64DataLength` of crypto-pure.ts accepts, as a pattern (a browser bundle then carries
 * no lookup table): groups of 4 of the standard alphabet, then 2 or 3 more, padded or not.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Decodes standard base64 (RFC 4648 section 4) with the platform's `atob`, after the same checks
 * as crypto.ts: padding optional but complete when present; whitespace, the URL-safe alphabet and
 * any other character are rejected with a TypeError.
 */
export function fromBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new TypeError("Invalid base64 text");
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Always `"pure"` in the browser build. */
export function cryptoBackend(): "node" | "pure" {
  return "pure";
}

/**
 * The pure-TypeScript implementations (the same functions here), for tests that compare paths.
 *
 * @internal
 */
export const _pure = {
  sha256: sha256Pure,
  sha256Hex,
  hmacSha256: hmacSha256Pure,
  md5Hex,
  toBase64: toBase64Pure,
  fromBase64: fromBase64Pure,
} as const;
