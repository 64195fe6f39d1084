/**
 * Synchronous hashing for the signer and the MD5 checks: SHA-256, HMAC-SHA-256, MD5, hex and base64.
 *
 * Where the runtime has `node:crypto` (Node, Bun, Deno) it is used, synchronously, through
 * `process.getBuiltinModule` (Node >= 20.16, the package's floor; Bun; Deno), so that nothing
 * here imports a Node built-in, statically or by `import()`. Where there is no
 * `getBuiltinModule` the pure code serves. Browsers and Workers take `crypto.browser.ts` instead
 * (package.json's "browser" field), the pure code alone.
 *
 * The pure code (`crypto-pure.ts`) also serves a process's first hashes: loading `node:crypto`
 * costs a few milliseconds (it brings a dozen internal modules), more than hashing the first
 * requests of a short-lived process in pure code. So `node:crypto` is loaded once this module has
 * hashed 16 KB, or at once for a larger input: a Lambda that sends a few messages never loads it,
 * a long-running consumer switches after its first few requests.
 *
 * @module
 */

import {
  base64DataLength,
  fromBase64Pure,
  hmacSha256Pure,
  md5Pure,
  sha256Pure,
  toBase64Pure,
  toHex,
} from "./crypto-pure.js";
import { builtinSync, hasSyncBuiltins } from "./runtime.js";

export { toHex, utf8Encode } from "./crypto-pure.js";

/** The slice of a `node:crypto` Hash or Hmac object used here. */
interface NodeHash {
  update(data: string | Uint8Array): NodeHash;
  digest(): Uint8Array;
  digest(encoding: "hex"): string;
}

/** The slice of `node:crypto` used here. */
interface NodeCrypto {
  createHash(algorithm: string): NodeHash;
  createHmac(algorithm: string, key: string | Uint8Array): NodeHash;
  /** One-shot hashing, Node >= 20.12. */
  hash?: (algorithm: string, data: string | Uint8Array, outputEncoding?: "hex") => string;
}

/** The slice of Node's `Buffer` used here. */
interface BufferStatic {
  from(data: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: "base64"): string };
  from(data: string, encoding: "base64"): Uint8Array;
}

/** Bytes (UTF-16 units for text) hashed in pure code before `node:crypto` is loaded. */
const PURE_BYTES = 16 * 1024;

const syncBuiltins = hasSyncBuiltins();
let nodeCrypto: NodeCrypto | undefined;
/** Bytes hashed so far in pure code; `Infinity` once `node:crypto` is loaded or known absent. */
let hashedPure = syncBuiltins ? 0 : Number.POSITIVE_INFINITY;
const NodeBuffer: BufferStatic | undefined = (globalThis as { Buffer?: BufferStatic }).Buffer;

function isNodeCrypto(value: unknown): value is NodeCrypto {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as NodeCrypto).createHash === "function" &&
    typeof (value as NodeCrypto).createHmac === "function"
  );
}

/** `node:crypto` once it pays to load it (see the module comment), else `undefined` (pure code). */
function backend(size: number): NodeCrypto | undefined {
  if (hashedPure === Number.POSITIVE_INFINITY) return nodeCrypto;
  hashedPure += size;
  if (hashedPure <= PURE_BYTES) return undefined;
  hashedPure = Number.POSITIVE_INFINITY;
  try {
    const mod = builtinSync("node:crypto");
    if (isNodeCrypto(mod)) nodeCrypto = mod;
  } catch {
    // No node:crypto: the pure code it is.
  }
  return nodeCrypto;
}

/** A Uint8Array view of a Node Buffer, so both paths return the same type. */
function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

const sizeOf = (data: string | Uint8Array): number => data.length;

// ---------------------------------------------------------------------------------------------
// Public API: node:crypto when present (and worth loading), else the pure code
// ---------------------------------------------------------------------------------------------

/**
 * SHA-256 digest. Strings are hashed as UTF-8.
 *
 * @param data - The text or bytes to hash.
 * @returns The 32-byte digest.
 */
export function sha256(data: string | Uint8Array): Uint8Array {
  const c = backend(sizeOf(data));
  if (c !== undefined) return view(c.createHash("sha256").update(data).digest());
  return sha256Pure(data);
}

/**
 * SHA-256 digest as lowercase hex. Strings are hashed as UTF-8.
 *
 * @param data - The text or bytes to hash.
 * @returns 64 lowercase hex digits.
 */
export function sha256Hex(data: string | Uint8Array): string {
  const c = backend(sizeOf(data));
  if (c !== undefined) {
    return c.hash !== undefined ? c.hash("sha256", data) : c.createHash("sha256").update(data).digest("hex");
  }
  return toHex(sha256Pure(data));
}

/**
 * HMAC-SHA-256 (RFC 2104). String keys and data are taken as UTF-8.
 *
 * @param key - The key, of any length.
 * @param data - The message.
 * @returns The 32-byte MAC.
 */
export function hmacSha256(key: string | Uint8Array, data: string | Uint8Array): Uint8Array {
  const c = backend(sizeOf(data) + 128);
  if (c !== undefined) return view(c.createHmac("sha256", key).update(data).digest());
  return hmacSha256Pure(key, data);
}

/**
 * HMAC-SHA-256 as lowercase hex: the last step of a SigV4 signature.
 *
 * @param key - The key, of any length.
 * @param data - The message.
 * @returns 64 lowercase hex digits.
 */
export function hmacSha256Hex(key: string | Uint8Array, data: string | Uint8Array): string {
  const c = backend(sizeOf(data) + 128);
  if (c !== undefined) return c.createHmac("sha256", key).update(data).digest("hex");
  return toHex(hmacSha256Pure(key, data));
}

/**
 * MD5 digest as lowercase hex (the SQS message checksums). Strings are hashed as UTF-8.
 *
 * @param data - The text or bytes to hash.
 * @returns 32 lowercase hex digits.
 */
export function md5Hex(data: string | Uint8Array): string {
  const c = backend(sizeOf(data));
  if (c !== undefined) {
    return c.hash !== undefined ? c.hash("md5", data) : c.createHash("md5").update(data).digest("hex");
  }
  return toHex(md5Pure(data));
}

/**
 * Standard base64 (RFC 4648 section 4) with padding.
 *
 * @param bytes - The bytes to encode.
 * @returns The base64 text.
 */
export function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  }
  return toBase64Pure(bytes);
}

/**
 * Decodes standard base64 (RFC 4648 section 4). Padding is optional, but when present it must be
 * complete; whitespace, the URL-safe alphabet and any other character are rejected.
 *
 * @param text - The base64 text.
 * @returns The decoded bytes (a fresh array, never a view into a shared pool).
 * @throws TypeError when `text` is not valid base64.
 */
export function fromBase64(text: string): Uint8Array {
  if (NodeBuffer !== undefined) {
    if (base64DataLength(text) < 0) throw new TypeError("Invalid base64 text");
    const buf = NodeBuffer.from(text, "base64");
    return buf.byteLength === buf.buffer.byteLength ? view(buf) : new Uint8Array(buf);
  }
  return fromBase64Pure(text);
}

/**
 * Which implementation the hashing functions use right now: `"node"` once `node:crypto` is loaded,
 * `"pure"` otherwise (browsers, Workers, a Node process's first hashes, and older Node 20 until the
 * lazy import resolves).
 *
 * @returns The current backend.
 */
export function cryptoBackend(): "node" | "pure" {
  return nodeCrypto === undefined ? "pure" : "node";
}

/**
 * The pure-TypeScript implementations, whatever the runtime: for tests that compare both paths.
 *
 * @internal
 */
export const _pure = {
  sha256: sha256Pure,
  sha256Hex: (data: string | Uint8Array): string => toHex(sha256Pure(data)),
  hmacSha256: hmacSha256Pure,
  md5Hex: (data: string | Uint8Array): string => toHex(md5Pure(data)),
  toBase64: toBase64Pure,
  fromBase64: fromBase64Pure,
} as const;
