/**
 * Synchronous hashing for the signer and the MD5 checks: SHA-256, HMAC-SHA-256, MD5, hex and base64.
 *
 * Where the runtime has `node:crypto` (Node, Bun, Deno) it is used, synchronously. It is reached
 * through `process.getBuiltinModule` (Node >= 20.16, Bun, Deno) or, failing that, a lazy dynamic
 * `import()` started at module load, so that nothing here statically imports a Node built-in and the
 * module bundles for browsers and Workers. Until that import resolves, and forever where there is no
 * `node:crypto`, the pure-TypeScript implementations below are used.
 *
 * @module
 */

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

type ProcessLike = { getBuiltinModule?: (id: string) => unknown };

let nodeCrypto: NodeCrypto | undefined = loadNodeCrypto();
const NodeBuffer: BufferStatic | undefined = (globalThis as { Buffer?: BufferStatic }).Buffer;

function isNodeCrypto(value: unknown): value is NodeCrypto {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as NodeCrypto).createHash === "function" &&
    typeof (value as NodeCrypto).createHmac === "function"
  );
}

function loadNodeCrypto(): NodeCrypto | undefined {
  try {
    const proc = (globalThis as { process?: ProcessLike }).process;
    const mod = proc?.getBuiltinModule?.("node:crypto");
    return isNodeCrypto(mod) ? mod : undefined;
  } catch {
    return undefined;
  }
}

if (nodeCrypto === undefined && typeof (globalThis as { process?: unknown }).process === "object") {
  // Older Node 20 and some runtimes: load it lazily. The specifier is in a variable so bundlers leave it.
  const spec = "node:crypto";
  import(/* webpackIgnore: true */ /* @vite-ignore */ spec).then(
    (mod: unknown) => {
      const candidate = isNodeCrypto(mod) ? mod : (mod as { default?: unknown }).default;
      if (isNodeCrypto(candidate)) nodeCrypto = candidate;
    },
    () => {},
  );
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers
// ---------------------------------------------------------------------------------------------

const encoder = new TextEncoder();

/**
 * Encodes a string as UTF-8 (lone surrogates become U+FFFD), with one shared `TextEncoder`.
 *
 * @param s - The text.
 * @returns Its UTF-8 bytes.
 */
export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? "0" : "") + i.toString(16));

/**
 * Lowercase hexadecimal of some bytes.
 *
 * @param bytes - The bytes.
 * @returns Two lowercase hex digits per byte.
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

/** A Uint8Array view of a Node Buffer, so both paths return the same type. */
function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

// ---------------------------------------------------------------------------------------------
// Pure SHA-256 (FIPS 180-4)
// ---------------------------------------------------------------------------------------------

const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const H256 = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
/** The message schedule, reused by every block (the code is synchronous, so never shared). */
const W256 = new Int32Array(64);

/** Compresses the 64-byte block at `off` of `p` into `s`. */
function sha256Block(s: Int32Array, p: Uint8Array, off: number): void {
  const w = W256;
  for (let i = 0; i < 16; i++, off += 4) {
    w[i] = (p[off]! << 24) | (p[off + 1]! << 16) | (p[off + 2]! << 8) | p[off + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = s[0]!;
  let b = s[1]!;
  let c = s[2]!;
  let d = s[3]!;
  let e = s[4]!;
  let f = s[5]!;
  let g = s[6]!;
  let h = s[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K256[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  s[0] = (s[0]! + a) | 0;
  s[1] = (s[1]! + b) | 0;
  s[2] = (s[2]! + c) | 0;
  s[3] = (s[3]! + d) | 0;
  s[4] = (s[4]! + e) | 0;
  s[5] = (s[5]! + f) | 0;
  s[6] = (s[6]! + g) | 0;
  s[7] = (s[7]! + h) | 0;
}

/**
 * SHA-256 of `prefix` (0 or 64 bytes, the HMAC pad) followed by `data`, without concatenating them.
 */
function sha256Core(prefix: Uint8Array | undefined, data: Uint8Array): Uint8Array {
  const s = H256.slice();
  if (prefix !== undefined) sha256Block(s, prefix, 0);
  const len = data.length;
  const full = len & ~63;
  for (let off = 0; off < full; off += 64) sha256Block(s, data, off);
  const rest = len - full;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(data.subarray(full));
  tail[rest] = 0x80;
  // Total length in bits, 64-bit big-endian (lengths up to 2^53 bytes).
  const bytes = len + (prefix === undefined ? 0 : 64);
  const hi = Math.floor(bytes / 0x20000000);
  const lo = (bytes * 8) >>> 0;
  const t = tail.length;
  tail[t - 8] = hi >>> 24;
  tail[t - 7] = hi >>> 16;
  tail[t - 6] = hi >>> 8;
  tail[t - 5] = hi;
  tail[t - 4] = lo >>> 24;
  tail[t - 3] = lo >>> 16;
  tail[t - 2] = lo >>> 8;
  tail[t - 1] = lo;
  sha256Block(s, tail, 0);
  if (t === 128) sha256Block(s, tail, 64);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = s[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
}

function sha256Pure(data: string | Uint8Array): Uint8Array {
  return sha256Core(undefined, toBytes(data));
}

function hmacSha256Pure(key: string | Uint8Array, data: string | Uint8Array): Uint8Array {
  let k = toBytes(key);
  if (k.length > 64) k = sha256Core(undefined, k);
  const pad = new Uint8Array(64);
  pad.set(k);
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36;
  const inner = sha256Core(pad, toBytes(data));
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36 ^ 0x5c;
  return sha256Core(pad, inner);
}

// ---------------------------------------------------------------------------------------------
// Pure MD5 (RFC 1321)
// ---------------------------------------------------------------------------------------------

const MD5_T = new Int32Array(64);
for (let i = 0; i < 64; i++) MD5_T[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296);
/** Per-round rotation amounts: four per round, each used four times. */
const MD5_R = new Uint8Array([7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]);
const MD5_S = new Uint8Array(64);
for (let i = 0; i < 64; i++) MD5_S[i] = MD5_R[((i >> 4) << 2) | (i & 3)]!;
const MD5_M = new Int32Array(16);

function md5Block(s: Int32Array, p: Uint8Array, off: number): void {
  const m = MD5_M;
  for (let i = 0; i < 16; i++, off += 4) {
    m[i] = p[off]! | (p[off + 1]! << 8) | (p[off + 2]! << 16) | (p[off + 3]! << 24);
  }
  let a = s[0]!;
  let b = s[1]!;
  let c = s[2]!;
  let d = s[3]!;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const x = (a + f + MD5_T[i]! + m[g]!) | 0;
    const r = MD5_S[i]!;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << r) | (x >>> (32 - r)))) | 0;
  }
  s[0] = (s[0]! + a) | 0;
  s[1] = (s[1]! + b) | 0;
  s[2] = (s[2]! + c) | 0;
  s[3] = (s[3]! + d) | 0;
}

function md5Pure(data: string | Uint8Array): Uint8Array {
  const bytes = toBytes(data);
  const s = Int32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476);
  const len = bytes.length;
  const full = len & ~63;
  for (let off = 0; off < full; off += 64) md5Block(s, bytes, off);
  const rest = len - full;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(bytes.subarray(full));
  tail[rest] = 0x80;
  const t = tail.length;
  const lo = (len * 8) >>> 0;
  const hi = Math.floor(len / 0x20000000);
  tail[t - 8] = lo;
  tail[t - 7] = lo >>> 8;
  tail[t - 6] = lo >>> 16;
  tail[t - 5] = lo >>> 24;
  tail[t - 4] = hi;
  tail[t - 3] = hi >>> 8;
  tail[t - 2] = hi >>> 16;
  tail[t - 1] = hi >>> 24;
  md5Block(s, tail, 0);
  if (t === 128) md5Block(s, tail, 64);
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const v = s[i]!;
    out[i * 4] = v;
    out[i * 4 + 1] = v >>> 8;
    out[i * 4 + 2] = v >>> 16;
    out[i * 4 + 3] = v >>> 24;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pure base64 (RFC 4648, standard alphabet)
// ---------------------------------------------------------------------------------------------

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_LOOKUP[B64.charCodeAt(i)] = i;

function toBase64Pure(bytes: Uint8Array): string {
  let out = "";
  const len = bytes.length;
  const full = len - (len % 3);
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + B64[n & 63]!;
  }
  if (len - full === 1) {
    const n = bytes[full]! << 16;
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + "==";
  } else if (len - full === 2) {
    const n = (bytes[full]! << 16) | (bytes[full + 1]! << 8);
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + "=";
  }
  return out;
}

/** Length of the data part of valid base64 text, or -1 when the text is not valid base64. */
function base64DataLength(text: string): number {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) {
    end--;
    if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
    if (text.length % 4 !== 0) return -1;
  }
  if (end % 4 === 1) return -1;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || B64_LOOKUP[c]! < 0) return -1;
  }
  return end;
}

function fromBase64Pure(text: string): Uint8Array {
  const end = base64DataLength(text);
  if (end < 0) throw new TypeError("Invalid base64 text");
  const out = new Uint8Array((end * 3) >>> 2);
  let o = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const n =
      (B64_LOOKUP[text.charCodeAt(i)]! << 18) |
      (B64_LOOKUP[text.charCodeAt(i + 1)]! << 12) |
      (B64_LOOKUP[text.charCodeAt(i + 2)]! << 6) |
      B64_LOOKUP[text.charCodeAt(i + 3)]!;
    out[o++] = n >>> 16;
    out[o++] = n >>> 8;
    out[o++] = n;
  }
  const rest = end - i;
  if (rest >= 2) {
    const n = (B64_LOOKUP[text.charCodeAt(i)]! << 18) | (B64_LOOKUP[text.charCodeAt(i + 1)]! << 12);
    out[o++] = n >>> 16;
    if (rest === 3) out[o++] = (n | (B64_LOOKUP[text.charCodeAt(i + 2)]! << 6)) >>> 8;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Public API: node:crypto when present, else the pure code
// ---------------------------------------------------------------------------------------------

/**
 * SHA-256 digest. Strings are hashed as UTF-8.
 *
 * @param data - The text or bytes to hash.
 * @returns The 32-byte digest.
 */
export function sha256(data: string | Uint8Array): Uint8Array {
  const c = nodeCrypto;
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
  const c = nodeCrypto;
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
  const c = nodeCrypto;
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
  const c = nodeCrypto;
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
  const c = nodeCrypto;
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
 * `"pure"` otherwise (browsers, Workers, and older Node 20 until the lazy import resolves).
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
