/**
 * SHA-256, HMAC-SHA-256, MD5 and base64 in plain TypeScript, for runtimes without `node:crypto`
 * (browsers, Workers) and for the first hashes of a Node process (see `crypto.ts`).
 *
 * @module
 */

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

/**
 * Lowercase hexadecimal of some bytes.
 *
 * @param bytes - The bytes.
 * @returns Two lowercase hex digits per byte.
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  // No table: the digests written here are short (Node hashes with node:crypto after its first
  // few kilobytes), and a bundle then carries no code that builds one.
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? "0" : "") + bytes[i]!.toString(16);
  return out;
}

/** Strings as UTF-8 bytes; bytes as they are. */
export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

// ---------------------------------------------------------------------------------------------
// Pure SHA-256 (FIPS 180-4)
// ---------------------------------------------------------------------------------------------

// FIPS 180-4 4.2.2 and 5.3.3: the first 32 bits of the fractional parts of the cube roots of the
// first 64 primes, and of the square roots of the first 8 (computed: the table of 72 hex numbers
// weighs more in a bundle; a test checks every value against the standard's, with margin to spare
// for any engine's rounding). Computed on the first hash, so that a bundle with no pure SHA-256
// (the browser build signs with Web Crypto) neither carries nor runs that code.
let K256!: Int32Array;
let H256!: Int32Array;
let tablesReady = false;
function tables(): void {
  const primes: number[] = [];
  for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  H256 = Int32Array.from(primes.slice(0, 8), (p) => (Math.sqrt(p) % 1) * 2 ** 32);
  K256 = Int32Array.from(primes, (p) => (Math.cbrt(p) % 1) * 2 ** 32);
  tablesReady = true;
}
/** The message schedule, reused by every block (the code is synchronous, so never shared). */
const W256 = /* @__PURE__ */ new Int32Array(64);

/**
 * Compresses the 64-byte block at `off` of `p` into `s`.
 *
 * The 64 rounds run 8 to a pass, with the working variables' roles rotated from one round to the
 * next instead of shifted (`h = g; g = f; ...`). The function is larger for the same work, and V8
 * asks more work of a larger function before compiling it with its optimizing compiler: about 55
 * blocks instead of 17. A process's first signature (about 30 blocks) so no longer sets off that
 * compile, 10 to 15 ms of background work that a process limited to one core pays in full.
 */
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
  // Each round: t1 = h + Σ1(e) + Ch(e, f, g) + K[i] + W[i]; d += t1; h = t1 + Σ0(a) + Maj(a, b, c);
  // then the next round reads h as its a, d as its e, and so on.
  // biome-ignore format: one round a line reads as the standard's
  for (let i = 0; i < 64; i += 8) {
    h = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K256[i]! + w[i]!) | 0;
    d = (d + h) | 0;
    h = (h + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    g = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + ((d & e) ^ (~d & f)) + K256[i + 1]! + w[i + 1]!) | 0;
    c = (c + g) | 0;
    g = (g + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) ^ (h & b) ^ (a & b))) | 0;
    f = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + ((c & d) ^ (~c & e)) + K256[i + 2]! + w[i + 2]!) | 0;
    b = (b + f) | 0;
    f = (f + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) ^ (g & a) ^ (h & a))) | 0;
    e = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + ((b & c) ^ (~b & d)) + K256[i + 3]! + w[i + 3]!) | 0;
    a = (a + e) | 0;
    e = (e + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) ^ (f & h) ^ (g & h))) | 0;
    d = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + ((a & b) ^ (~a & c)) + K256[i + 4]! + w[i + 4]!) | 0;
    h = (h + d) | 0;
    d = (d + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) ^ (e & g) ^ (f & g))) | 0;
    c = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + ((h & a) ^ (~h & b)) + K256[i + 5]! + w[i + 5]!) | 0;
    g = (g + c) | 0;
    c = (c + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) ^ (d & f) ^ (e & f))) | 0;
    b = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + ((g & h) ^ (~g & a)) + K256[i + 6]! + w[i + 6]!) | 0;
    f = (f + b) | 0;
    b = (b + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) ^ (c & e) ^ (d & e))) | 0;
    a = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + ((f & g) ^ (~f & h)) + K256[i + 7]! + w[i + 7]!) | 0;
    e = (e + a) | 0;
    a = (a + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) ^ (b & d) ^ (c & d))) | 0;
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
  if (!tablesReady) tables();
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

/** SHA-256 of some text (as UTF-8) or bytes. */
export function sha256Pure(data: string | Uint8Array): Uint8Array {
  return sha256Core(undefined, toBytes(data));
}

/** HMAC-SHA-256 (RFC 2104); text as UTF-8. */
export function hmacSha256Pure(key: string | Uint8Array, data: string | Uint8Array): Uint8Array {
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

/** MD5 (RFC 1321) of some text (as UTF-8) or bytes. */
export function md5Pure(data: string | Uint8Array): Uint8Array {
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
  for (let i = 0; i < 4; i++) {
    tail[t - 8 + i] = lo >>> (8 * i);
    tail[t - 4 + i] = hi >>> (8 * i);
  }
  md5Block(s, tail, 0);
  if (t === 128) md5Block(s, tail, 64);
  const out = new Uint8Array(16);
  // Little-endian words, as the length above.
  for (let i = 0; i < 16; i++) out[i] = s[i >> 2]! >>> (8 * (i & 3));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pure base64 (RFC 4648, standard alphabet)
// ---------------------------------------------------------------------------------------------

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Each character's value, -1 for those outside the alphabet (made in a call marked pure: a bundle that decodes with `atob` drops it). */
const B64_LOOKUP = /* @__PURE__ */ (() => {
  const lookup = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) lookup[B64.charCodeAt(i)] = i;
  return lookup;
})();

/** Standard base64 with padding. */
export function toBase64Pure(bytes: Uint8Array): string {
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
export function base64DataLength(text: string): number {
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

/** Decodes standard base64 (see `fromBase64` in crypto.ts for the rules). */
export function fromBase64Pure(text: string): Uint8Array {
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
