import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as nodeCrypto from "node:crypto";
import { describe, it } from "node:test";
import * as browserCrypto from "../../src/core/crypto.browser.js";
import {
  _pure,
  cryptoBackend,
  fromBase64,
  hmacSha256,
  hmacSha256Hex,
  md5Hex,
  sha256,
  sha256Hex,
  toBase64,
  toHex,
  utf8Encode,
} from "../../src/core/crypto.js";
import { base64DataLength } from "../../src/core/crypto-pure.js";

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
const fill = (byte: number, n: number): Uint8Array => new Uint8Array(n).fill(byte);
const ref = (alg: string, data: string | Uint8Array): string =>
  nodeCrypto.createHash(alg).update(data).digest("hex");
const refHmac = (key: string | Uint8Array, data: string | Uint8Array): string =>
  nodeCrypto.createHmac("sha256", key).update(data).digest("hex");

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
function bytes(n: number, seed = n + 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

/** Lengths around the 64-byte block and the 56-byte padding boundary, and some more. */
const LENGTHS = [
  0, 1, 2, 3, 31, 32, 33, 54, 55, 56, 57, 62, 63, 64, 65, 100, 119, 120, 127, 128, 129, 191, 192, 255, 256,
  1000, 4096, 65537,
];
const MB = bytes(1024 * 1024, 7);
const TEXTS = [
  "",
  "a",
  "Hello, World!",
  "héllo wörld",
  "日本語のテキスト",
  "emoji 😀👍🏽 and more",
  "ሴ",
  "x".repeat(55),
  "x".repeat(56),
  "é".repeat(28), // 56 bytes of UTF-8 in 28 characters
  "\u0000\u0001\uffff",
];

describe("backend", () => {
  it("on Node: pure code for the first 16 KB hashed, then node:crypto, with the same results", () => {
    const module = new URL("../../src/core/crypto.js", import.meta.url).href;
    const script = `
      const m = await import(${JSON.stringify(module)});
      const steps = [m.cryptoBackend()];
      const small = [m.sha256Hex("abc"), m.md5Hex("abc"), m.hmacSha256Hex("key", "abc")];
      steps.push(m.cryptoBackend());
      const big = "x".repeat(20000);
      const digests = [m.sha256Hex(big), m.md5Hex(big)];
      steps.push(m.cryptoBackend());
      const again = [m.sha256Hex("abc"), m.md5Hex("abc"), m.hmacSha256Hex("key", "abc")];
      console.log(JSON.stringify({ steps, small, again, digests }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }).trim(),
    );
    assert.deepEqual(out.steps, ["pure", "pure", "node"]);
    assert.deepEqual(out.again, out.small);
    const big = "x".repeat(20000);
    assert.deepEqual(out.digests, [
      nodeCrypto.createHash("sha256").update(big).digest("hex"),
      nodeCrypto.createHash("md5").update(big).digest("hex"),
    ]);
    assert.equal(out.small[2], nodeCrypto.createHmac("sha256", "key").update("abc").digest("hex"));
  });

  it("uses node:crypto in a process that has hashed more than 16 KB", () => {
    sha256Hex("y".repeat(17 * 1024));
    assert.equal(cryptoBackend(), "node");
  });

  it("computes SHA-256's constants exactly, far from any rounding boundary", () => {
    // FIPS 180-4 4.2.2 and 5.3.2, written out: what crypto-pure.ts computes from the primes.
    const K = [
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];
    const H = [
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    const primes: number[] = [];
    for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
    const check = (value: number, expected: number) => {
      assert.equal(Math.floor(value), expected);
      // More than 1/1000 from an integer: an engine whose cbrt or sqrt is off by many ulps
      // (about 2^-15 here) still truncates to the same constant.
      const fraction = value - Math.floor(value);
      assert.ok(fraction > 1e-3 && fraction < 1 - 1e-3, `too close to a boundary: ${value}`);
    };
    for (const [i, p] of primes.entries()) check((Math.cbrt(p) % 1) * 2 ** 32, K[i]!);
    for (const [i, p] of primes.slice(0, 8).entries()) check((Math.sqrt(p) % 1) * 2 ** 32, H[i]!);
  });

  it("without process.getBuiltinModule (below the package's Node 20.16 floor): the pure code, no import()", () => {
    const module = new URL("../../src/core/crypto.js", import.meta.url).href;
    const script = `
      delete process.getBuiltinModule;
      const m = await import(${JSON.stringify(module)});
      const before = m.cryptoBackend() + " " + m.sha256Hex("abc") + " " + m.md5Hex("abc");
      await new Promise((r) => setTimeout(r, 50));
      console.log(before + "|" + m.cryptoBackend() + " " + m.sha256Hex("abc") + " " + m.md5Hex("abc"));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    }).trim();
    const abc =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 900150983cd24fb0d6963f7d28e17f72";
    assert.equal(out, `pure ${abc}|pure ${abc}`);
  });
});

describe("utf8Encode and toHex", () => {
  it("encodes UTF-8", () => {
    assert.deepEqual(utf8Encode("aé😀"), new Uint8Array([0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]));
    assert.deepEqual(utf8Encode(""), new Uint8Array(0));
  });
  it("hex", () => {
    assert.equal(toHex(new Uint8Array([0, 1, 15, 16, 127, 128, 255])), "00010f107f80ff");
    assert.equal(toHex(new Uint8Array(0)), "");
    const b = bytes(300);
    assert.equal(toHex(b), Buffer.from(b).toString("hex"));
  });
});

describe("sha256", () => {
  // FIPS 180-2 appendix B, and the empty string.
  const vectors: [string | Uint8Array, string][] = [
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
    ["a".repeat(1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
  ];
  for (const [impl, sha, shaHex] of [
    ["public", sha256, sha256Hex],
    ["pure", _pure.sha256, _pure.sha256Hex],
  ] as const) {
    it(`known vectors (${impl})`, () => {
      for (const [input, expected] of vectors) {
        assert.equal(shaHex(input), expected);
        assert.equal(toHex(sha(input)), expected);
        assert.equal(shaHex(typeof input === "string" ? utf8Encode(input) : input), expected);
      }
    });
  }

  it("returns a plain 32-byte Uint8Array on both paths", () => {
    for (const d of [sha256("abc"), _pure.sha256("abc")]) {
      assert.equal(Object.getPrototypeOf(d), Uint8Array.prototype);
      assert.equal(d.length, 32);
    }
    assert.deepEqual(sha256("abc"), _pure.sha256("abc"));
  });

  it("node path == pure path on many lengths, 1 MB and multibyte text", () => {
    for (const n of LENGTHS) {
      const b = bytes(n);
      const expected = ref("sha256", b);
      assert.equal(sha256Hex(b), expected, `length ${n}`);
      assert.equal(_pure.sha256Hex(b), expected, `pure, length ${n}`);
    }
    for (let n = 0; n < 200; n++) assert.equal(_pure.sha256Hex(bytes(n, 99)), sha256Hex(bytes(n, 99)));
    assert.equal(_pure.sha256Hex(MB), ref("sha256", MB));
    assert.equal(sha256Hex(MB), ref("sha256", MB));
    for (const t of TEXTS) {
      assert.equal(sha256Hex(t), ref("sha256", Buffer.from(t, "utf8")), JSON.stringify(t));
      assert.equal(_pure.sha256Hex(t), sha256Hex(t), JSON.stringify(t));
    }
  });

  it("hashes a subarray view, not its whole buffer", () => {
    const whole = bytes(200);
    const part = whole.subarray(10, 75);
    assert.equal(sha256Hex(part), ref("sha256", Buffer.from(part)));
    assert.equal(_pure.sha256Hex(part), ref("sha256", Buffer.from(part)));
  });
});

describe("hmacSha256", () => {
  // RFC 4231, test cases 1, 2, 3, 4, 6 and 7 (5 is truncated output).
  const vectors: [Uint8Array | string, Uint8Array | string, string][] = [
    [fill(0x0b, 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"],
    [
      "Jefe",
      "what do ya want for nothing?",
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ],
    [fill(0xaa, 20), fill(0xdd, 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"],
    [
      hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
      fill(0xcd, 50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ],
    [
      fill(0xaa, 131),
      "Test Using Larger Than Block-Size Key - Hash Key First",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ],
    [
      fill(0xaa, 131),
      "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ],
  ];
  for (const [impl, hmac] of [
    ["public", hmacSha256],
    ["pure", _pure.hmacSha256],
  ] as const) {
    it(`RFC 4231 (${impl})`, () => {
      for (const [key, data, expected] of vectors) assert.equal(toHex(hmac(key, data)), expected);
    });
  }

  it("hmacSha256Hex", () => {
    assert.equal(
      hmacSha256Hex("Jefe", "what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("node path == pure path for keys and data of many lengths", () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      for (const n of [0, 1, 55, 56, 63, 64, 65, 128, 1000]) {
        const key = bytes(keyLength, keyLength + 3);
        const data = bytes(n);
        const expected = refHmac(key, data);
        assert.equal(toHex(hmacSha256(key, data)), expected);
        assert.equal(toHex(_pure.hmacSha256(key, data)), expected, `key ${keyLength}, data ${n}`);
      }
    }
    for (const t of TEXTS) {
      assert.equal(toHex(_pure.hmacSha256(t, t)), refHmac(Buffer.from(t), Buffer.from(t)));
      assert.deepEqual(_pure.hmacSha256(t, t), hmacSha256(t, t));
    }
    assert.equal(toHex(_pure.hmacSha256("k", MB)), refHmac("k", MB));
  });
});

describe("md5Hex", () => {
  // RFC 1321 appendix A.5.
  const vectors: [string, string][] = [
    ["", "d41d8cd98f00b204e9800998ecf8427e"],
    ["a", "0cc175b9c0f1b6a831c399e269772661"],
    ["abc", "900150983cd24fb0d6963f7d28e17f72"],
    ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
    ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"],
    [
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "57edf4a22be3c955ac49da2e2107b67a",
    ],
  ];
  for (const [impl, md5] of [
    ["public", md5Hex],
    ["pure", _pure.md5Hex],
  ] as const) {
    it(`RFC 1321 (${impl})`, () => {
      for (const [input, expected] of vectors) {
        assert.equal(md5(input), expected);
        assert.equal(md5(utf8Encode(input)), expected);
      }
    });
  }

  it("node path == pure path on many lengths, 1 MB and multibyte text", () => {
    for (const n of LENGTHS) {
      const b = bytes(n);
      assert.equal(md5Hex(b), ref("md5", b));
      assert.equal(_pure.md5Hex(b), ref("md5", b), `length ${n}`);
    }
    for (let n = 0; n < 200; n++) assert.equal(_pure.md5Hex(bytes(n, 5)), md5Hex(bytes(n, 5)));
    assert.equal(_pure.md5Hex(MB), ref("md5", MB));
    for (const t of TEXTS) {
      assert.equal(md5Hex(t), ref("md5", Buffer.from(t, "utf8")));
      assert.equal(_pure.md5Hex(t), md5Hex(t));
    }
  });
});

describe("base64", () => {
  // RFC 4648 section 10.
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ];
  for (const [impl, enc, dec] of [
    ["public", toBase64, fromBase64],
    ["pure", _pure.toBase64, _pure.fromBase64],
    ["browser build, btoa/atob", browserCrypto.toBase64, browserCrypto.fromBase64],
  ] as const) {
    it(`RFC 4648 vectors (${impl})`, () => {
      for (const [plain, encoded] of vectors) {
        assert.equal(enc(utf8Encode(plain)), encoded);
        assert.deepEqual(dec(encoded), utf8Encode(plain));
        assert.deepEqual(dec(encoded.replace(/=+$/, "")), utf8Encode(plain), "unpadded");
      }
    });

    it(`round trips on many lengths (${impl})`, () => {
      for (let n = 0; n < 300; n++) {
        const b = bytes(n);
        const text = enc(b);
        assert.equal(text, Buffer.from(b).toString("base64"));
        assert.deepEqual(dec(text), b);
      }
      const all = new Uint8Array(256).map((_, i) => i);
      assert.deepEqual(dec(enc(all)), all);
      assert.deepEqual(dec(enc(MB)), MB);
      const part = bytes(100).subarray(3, 50);
      assert.equal(enc(part), Buffer.from(part).toString("base64"));
    });

    it(`rejects invalid base64 with a TypeError (${impl})`, () => {
      for (const bad of [
        "a",
        "Zg=",
        "Zg===",
        "=",
        "==",
        "====",
        "Z=g=",
        "Zm9v Yg==",
        "Zm9v\nYg==",
        "ab-_",
        "é",
        "Zm9vY",
        "Zg==Zg==",
      ]) {
        assert.throws(() => dec(bad), TypeError, JSON.stringify(bad));
      }
    });
  }

  it("the browser build accepts exactly the base64 that the pure check does", () => {
    const chars = ["A", "z", "9", "+", "/", "=", "_", " "];
    const texts = [""];
    for (let at = 0; at < texts.length && texts.length < 40_000; at++) {
      if (texts[at]!.length < 5) for (const c of chars) texts.push(texts[at] + c);
    }
    for (const text of texts) {
      let accepted = true;
      try {
        browserCrypto.fromBase64(text);
      } catch (error) {
        assert.ok(error instanceof TypeError);
        accepted = false;
      }
      assert.equal(accepted, base64DataLength(text) >= 0, JSON.stringify(text));
    }
  });

  it("fromBase64 returns a fresh plain Uint8Array", () => {
    const d = fromBase64("Zm9vYmFy");
    assert.equal(Object.getPrototypeOf(d), Uint8Array.prototype);
    assert.equal(d.byteOffset, 0);
    assert.equal(d.buffer.byteLength, d.byteLength);
  });
});
