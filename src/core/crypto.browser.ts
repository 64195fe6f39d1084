/**
 * The browser build's stand-in for `crypto.ts` (package.json's `browser` field maps one to the
 * other): the same functions, on the pure code alone, since browsers and Workers have no
 * synchronous `node:crypto` (Web Crypto is asynchronous and has no MD5).
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

/** Standard base64 (RFC 4648 section 4) with padding. */
export const toBase64: (bytes: Uint8Array) => string = toBase64Pure;

/**
 * Decodes standard base64 (RFC 4648 section 4): padding optional but complete when present;
 * whitespace, the URL-safe alphabet and any other character are rejected with a TypeError.
 */
export const fromBase64: (text: string) => Uint8Array = fromBase64Pure;

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
