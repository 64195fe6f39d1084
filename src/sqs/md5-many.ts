/**
 * MD5 of many inputs in one call: a WebAssembly module (its bytes made here, no toolchain) that
 * digests four inputs side by side in the lanes of 128-bit vectors, for the checks of a
 * ReceiveMessage answer (a body digest and an attributes digest per message: 20 per answer of 10).
 *
 * Why: each native one-shot MD5 of Node is a call of its own (about 0.6 µs for a 200-byte body,
 * most of it the digest), and the attributes' bytes were written into a buffer and hashed by a
 * second call. Here the bodies' UTF-8 is written into the module's memory with
 * `TextEncoder.encodeInto`, the attributes' bytes next to them, and one call digests all; the
 * digests are compared with the received hex without making a string. Where WebAssembly (or its
 * SIMD instructions) cannot be compiled (Workers refuse code made at run time; some runtimes lack
 * SIMD), {@link md5Many} gives `undefined` and the callers keep their one-call-per-digest path.
 *
 * Loaded with `import()` by `checksums.ts` on the first answer worth it, so bundles that never
 * check a received message do not carry it.
 *
 * @module
 */

import type { AttributeValue, ReceivedMessage } from "./checksums.js";

/** Where the group table starts (address 0): 64 bytes per group of four inputs. */
const TABLE = 0;
/** Inputs per call (the table's room: 64 groups of four). */
const MAX_INPUTS = 256;
/** Where the inputs' bytes start. */
const DATA = TABLE + (MAX_INPUTS / 4) * 64;
/** The most memory kept (an answer needing more is digested by the caller's general path). */
const MAX_BYTES = 16 * 1024 * 1024;
const PAGE = 65536;

const encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// The module

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 127;
    n >>>= 7;
    if (n !== 0) byte |= 128;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const ROUND_SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const INIT = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/**
 * The module: one function `md5(table, groups)` and its memory `m`. Each group of the table is 64
 * bytes: four input addresses (i32), their block counts (i32), the largest count (i32); the
 * function writes the four digests' words over it, vector by vector (A of the four lanes, then B,
 * C, D). Inputs are whole 64-byte blocks, padded by the caller. A lane whose input has fewer
 * blocks than the group's largest keeps its state (a mask), and its address stays on its last block.
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const simd = (op: number): number[] => [0xfd, ...leb(op)];
  const LOAD = simd(0x00);
  const STORE = simd(0x0b);
  const SPLAT = simd(0x11);
  const REPLACE = simd(0x1c);
  const NOT = simd(0x4d);
  const OR = simd(0x50);
  const XOR = simd(0x51);
  const SELECT_BITS = simd(0x52);
  const SHL = simd(0xab);
  const SHR_U = simd(0xad);
  const ADD = simd(0xae);
  const GT_U = simd(0x3c);
  const [GET, SET, TEE, I32_CONST, I32_ADD, I32_SUB, I32_LOAD, I32_LT_U, SELECT, BR_IF, LOOP, END] = [
    0x20, 0x21, 0x22, 0x41, 0x6a, 0x6b, 0x28, 0x49, 0x1b, 0x0d, 0x03, 0x0b,
  ] as const;
  const memarg = (align: number, offset: number) => [align, ...leb(offset)];
  // Locals: 0 table, 1 groups (parameters); i32 2-5 the lanes' addresses, 6 the block, 7 the
  // largest count; v128 8-11 the state, 12-15 its working copy, 16 the mask, 17 a temporary,
  // 18-33 the block's sixteen words.
  const P = [2, 3, 4, 5];
  const [T, MAX, A, MASK, TMP, M] = [6, 7, 8, 16, 17, 18];
  const code: number[] = [];
  const emit = (...bytes: number[]) => {
    for (const b of bytes) code.push(b);
  };
  const splat = (x: number) => {
    emit(...simd(0x0c));
    for (let lane = 0; lane < 4; lane++) emit(x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24);
  };
  emit(LOOP, 0x40); // each group
  for (let lane = 0; lane < 4; lane++) emit(GET, 0, I32_LOAD, ...memarg(2, 4 * lane), SET, P[lane]!);
  emit(GET, 0, I32_LOAD, ...memarg(2, 32), SET, MAX);
  for (let k = 0; k < 4; k++) {
    splat(INIT[k]!);
    emit(SET, A + k);
  }
  emit(I32_CONST, 0, SET, T);
  emit(LOOP, 0x40); // each block
  emit(GET, 0, ...LOAD, ...memarg(4, 16), GET, T, ...SPLAT, ...GT_U, SET, MASK);
  for (let w = 0; w < 16; w++) {
    emit(GET, P[0]!, I32_LOAD, ...memarg(2, 4 * w), ...SPLAT);
    for (let lane = 1; lane < 4; lane++) emit(GET, P[lane]!, I32_LOAD, ...memarg(2, 4 * w), ...REPLACE, lane);
    emit(SET, M + w);
  }
  for (let k = 0; k < 4; k++) emit(GET, A + k, SET, A + 4 + k);
  let [a, b, c, d] = [A + 4, A + 5, A + 6, A + 7];
  for (let i = 0; i < 64; i++) {
    const round = i >> 4;
    emit(GET, a);
    if (round === 0) emit(GET, c, GET, d, GET, b, ...SELECT_BITS);
    else if (round === 1) emit(GET, b, GET, c, GET, d, ...SELECT_BITS);
    else if (round === 2) emit(GET, b, GET, c, ...XOR, GET, d, ...XOR);
    else emit(GET, c, GET, b, GET, d, ...NOT, ...OR, ...XOR);
    emit(...ADD);
    splat(Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
    emit(...ADD);
    const word =
      round === 0 ? i : round === 1 ? (5 * i + 1) % 16 : round === 2 ? (3 * i + 5) % 16 : (7 * i) % 16;
    emit(GET, M + word, ...ADD, TEE, TMP);
    const shift = ROUND_SHIFTS[round * 4 + (i & 3)]!;
    emit(I32_CONST, shift, ...SHL, GET, TMP, I32_CONST, 32 - shift, ...SHR_U, ...OR);
    emit(GET, b, ...ADD, SET, a);
    [a, b, c, d] = [d, a, b, c];
  }
  // The block's result added to the state, in the lanes that had this block.
  [a, b, c, d].forEach((work, k) => {
    emit(GET, work, GET, A + k, ...ADD, GET, A + k, GET, MASK, ...SELECT_BITS, SET, A + k);
  });
  // A lane moves to its next block only if it has one.
  for (let lane = 0; lane < 4; lane++) {
    emit(GET, P[lane]!, I32_CONST, ...[0xc0, 0x00], I32_ADD, GET, P[lane]!); // 64 (signed LEB)
    emit(GET, T, I32_CONST, 1, I32_ADD, GET, 0, I32_LOAD, ...memarg(2, 16 + 4 * lane), I32_LT_U);
    emit(SELECT, SET, P[lane]!);
  }
  emit(GET, T, I32_CONST, 1, I32_ADD, TEE, T, GET, MAX, I32_LT_U, BR_IF, 0, END);
  for (let k = 0; k < 4; k++) emit(GET, 0, GET, A + k, ...STORE, ...memarg(4, 16 * k));
  emit(GET, 0, I32_CONST, ...[0xc0, 0x00], I32_ADD, SET, 0);
  emit(GET, 1, I32_CONST, 1, I32_SUB, TEE, 1, BR_IF, 0, END, END);
  const body = [2, 6, 0x7f, 26, 0x7b, ...code]; // locals: 6 i32, 26 v128
  const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
  const name = (text: string) => [text.length, ...Array.from(text, (ch) => ch.charCodeAt(0))];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 0]), // (i32, i32) -> ()
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]), // one page at first
    ...section(7, [2, ...name("md5"), 0, 0, ...name("m"), 2, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Digesting

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

const HEX = "0123456789abcdef";

/**
 * Digests of many inputs, computed in one call. Add the inputs ({@link text}, or {@link reserve},
 * bytes written into {@link bytes}, {@link commit}), call {@link run}, then read each digest by
 * its index ({@link matches}, {@link hex}); {@link reset} before the next set. At most 256 inputs
 * and 16 MiB per set (an input past either is refused: -1); the memory grown for a large set is
 * kept (WebAssembly memory does not shrink). Not reentrant: one set at a time (the callers are
 * synchronous, and share the one {@link md5Many} gives).
 */
export class Md5Many {
  readonly #run: (table: number, groups: number) => void;
  readonly #memory: WebAssembly.Memory;
  #u8: Uint8Array;
  #u32: Uint32Array;
  /** Where the next input goes. */
  #at = DATA;
  readonly #starts: number[] = [];
  readonly #blocks: number[] = [];

  constructor(instance: WebAssembly.Instance) {
    this.#run = instance.exports.md5 as (table: number, groups: number) => void;
    this.#memory = instance.exports.m as WebAssembly.Memory;
    this.#u8 = new Uint8Array(this.#memory.buffer);
    this.#u32 = new Uint32Array(this.#memory.buffer);
  }

  /** Inputs added since the last reset. */
  get size(): number {
    return this.#starts.length;
  }

  /** Forgets the inputs. */
  reset(): void {
    this.#at = DATA;
    this.#starts.length = 0;
    this.#blocks.length = 0;
  }

  /**
   * Makes room for an input of at most `bound` bytes (and its padding); false when it would take
   * the memory past its limit (the caller then digests its inputs otherwise).
   */
  #room(bound: number): boolean {
    if (this.#starts.length >= MAX_INPUTS) return false;
    const need = this.#at + bound + 72;
    const have = this.#u8.length;
    if (need <= have) return true;
    if (need > MAX_BYTES) return false;
    try {
      this.#memory.grow(Math.ceil((need - have) / PAGE));
    } catch {
      return false; // no memory to grow into: the caller's other path
    }
    this.#u8 = new Uint8Array(this.#memory.buffer);
    this.#u32 = new Uint32Array(this.#memory.buffer);
    return true;
  }

  /** Pads the input just written (`length` bytes at the current position) and records it. */
  #close(length: number): number {
    const start = this.#at;
    const end = start + length;
    const blocks = ((length + 8) >>> 6) + 1;
    const stop = start + blocks * 64;
    const u8 = this.#u8;
    u8[end] = 0x80;
    u8.fill(0, end + 1, stop - 8);
    const bits = length * 8;
    this.#u32[(stop - 8) >>> 2] = bits >>> 0;
    this.#u32[(stop - 4) >>> 2] = Math.floor(bits / 2 ** 32);
    this.#at = stop;
    this.#starts.push(start);
    this.#blocks.push(blocks);
    return this.#starts.length - 1;
  }

  /** Adds a string, digested as UTF-8 (a lone surrogate as U+FFFD); its index, or -1 if refused. */
  text(value: string): number {
    const at = this.reserve(3 * value.length);
    if (at < 0) return -1;
    return this.#close(encoder.encodeInto(value, this.#u8.subarray(at, at + 3 * value.length)).written);
  }

  /**
   * Makes room for an input of at most `bound` bytes, to be written into {@link bytes} from the
   * position returned, then added with {@link commit}; -1 if refused.
   */
  reserve(bound: number): number {
    return this.#room(bound) ? this.#at : -1;
  }

  /** The memory inputs are written into (a new view after {@link reserve} grew it). */
  get bytes(): Uint8Array {
    return this.#u8;
  }

  /** Adds the input written since {@link reserve}, which ends before `end`; its index. */
  commit(end: number): number {
    return this.#close(end - this.#at);
  }

  /** Computes the digests of every input added. */
  run(): void {
    const n = this.#starts.length;
    if (n === 0) return;
    const u32 = this.#u32;
    const groups = (n + 3) >>> 2;
    for (let g = 0; g < groups; g++) {
      let max = 0;
      for (let lane = 0; lane < 4; lane++) {
        const k = g * 4 + lane;
        // An empty lane digests nothing: its count is 0, its address any input's.
        const blocks = k < n ? this.#blocks[k]! : 0;
        u32[g * 16 + lane] = k < n ? this.#starts[k]! : DATA;
        u32[g * 16 + 4 + lane] = blocks;
        if (blocks > max) max = blocks;
      }
      u32[g * 16 + 8] = max;
    }
    this.#run(TABLE, groups);
  }

  /** Word `w` (0-3) of input `k`'s digest, little-endian. */
  #word(k: number, w: number): number {
    return this.#u32[(k >>> 2) * 16 + w * 4 + (k & 3)]!;
  }

  /** Whether input `k`'s digest is the hex `expected` (in any letter case). */
  matches(k: number, expected: string): boolean {
    if (expected.length !== 32) return false;
    for (let w = 0; w < 4; w++) {
      const word = this.#word(k, w);
      for (let i = 0; i < 4; i++) {
        const byte = (word >>> (8 * i)) & 255;
        const at = w * 8 + i * 2;
        if (
          nibble(expected.charCodeAt(at)) !== byte >>> 4 ||
          nibble(expected.charCodeAt(at + 1)) !== (byte & 15)
        )
          return false;
      }
    }
    return true;
  }

  /** Input `k`'s digest as lowercase hex. */
  hex(k: number): string {
    let out = "";
    for (let w = 0; w < 4; w++) {
      const word = this.#word(k, w);
      for (let i = 0; i < 4; i++) {
        const byte = (word >>> (8 * i)) & 255;
        out += HEX[byte >>> 4]! + HEX[byte & 15]!;
      }
    }
    return out;
  }
}

/** The process's digester, made at the first {@link md5Many}: `null` where it cannot be. */
let shared: Md5Many | null | undefined;

/**
 * The process's digester of many inputs, or `undefined` where the module cannot be compiled (no
 * WebAssembly, no SIMD, or code made at run time refused, as in Workers). One for every caller
 * (the received messages' check, the producers' check of sent bodies): the module is compiled
 * once and one memory is kept, and each caller's use runs synchronously from its `reset()`.
 */
export function md5Many(): Md5Many | undefined {
  shared ??= compile() ?? null;
  return shared ?? undefined;
}

/** Compiles the module and makes a digester on it. */
function compile(): Md5Many | undefined {
  try {
    const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
    if (wasm === undefined) return undefined;
    const bytes = moduleBytes();
    if (!wasm.validate(bytes)) return undefined;
    return new Md5Many(new wasm.Instance(new wasm.Module(bytes)));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Received messages

/**
 * How the digested bytes of message attributes are written (`checksums.ts` gives its own, so that
 * both paths digest the same bytes).
 */
interface AttributesWriter {
  /** Prepares the attributes' writing; an upper bound of their bytes. */
  bound(attributes: Readonly<Record<string, AttributeValue>>): number;
  /** Writes them (after `bound`) from `at`; the position after them. */
  write(out: Uint8Array, at: number, attributes: Readonly<Record<string, AttributeValue>>): number;
}

function hasKeys(value: object | undefined): value is object {
  if (!value) return false;
  for (const _ in value) return true;
  return false;
}

/** Indexes of the digests being checked (reused), -1 for none. */
const bodyAt: number[] = [];
const attributesAt: number[] = [];

/**
 * Whether every digest of the messages matches, computed in one call of the digester: false
 * when one differs (or is not a string), or when the inputs do not fit in it.
 */
function receivedMatch(
  digester: Md5Many,
  attributes: AttributesWriter,
  messages: readonly ReceivedMessage[],
): boolean {
  digester.reset();
  const n = messages.length;
  bodyAt.length = attributesAt.length = n;
  // Bodies first, then attributes: inputs of like sizes side by side in the digester's lanes.
  for (let i = 0; i < n; i++) {
    const message = messages[i]!;
    let at = -1;
    if (message.Body !== undefined && message.MD5OfBody !== undefined) {
      at = digester.text(message.Body);
      if (at < 0) return false;
    }
    bodyAt[i] = at;
  }
  for (let i = 0; i < n; i++) {
    const message = messages[i]!;
    let at = -1;
    if (message.MD5OfMessageAttributes !== undefined && hasKeys(message.MessageAttributes)) {
      const start = digester.reserve(attributes.bound(message.MessageAttributes));
      if (start < 0) return false;
      at = digester.commit(attributes.write(digester.bytes, start, message.MessageAttributes));
    }
    attributesAt[i] = at;
  }
  digester.run();
  for (let i = 0; i < n; i++) {
    const message = messages[i]!;
    const body = bodyAt[i]!;
    if (body >= 0 && !digestIs(digester, body, message.MD5OfBody)) return false;
    const attributes = attributesAt[i]!;
    if (attributes >= 0 && !digestIs(digester, attributes, message.MD5OfMessageAttributes)) return false;
  }
  return true;
}

function digestIs(digester: Md5Many, k: number, received: unknown): boolean {
  return typeof received === "string" && digester.matches(k, received);
}

/**
 * The check of a ReceiveMessage answer's digests in one call: true when every body and
 * attributes digest matches (the caller then has nothing more to do), false when one differs or
 * the inputs do not fit (the caller checks one digest at a time and throws for the first that
 * differs); `undefined` where the module cannot run.
 */
export function receivedChecker(
  bound: AttributesWriter["bound"],
  write: AttributesWriter["write"],
): ((messages: readonly ReceivedMessage[]) => boolean) | undefined {
  const digester = md5Many();
  const attributes = { bound, write };
  return digester && ((messages) => receivedMatch(digester, attributes, messages));
}
