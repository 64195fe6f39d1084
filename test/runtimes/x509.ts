// A self-signed X.509 certificate made on the spot with Web Crypto (every runtime under test has
// it), so the SNS verifier can be run against a signature whose key the suite owns. A small DER
// writer: just what a v3 certificate with an RSA key needs.

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const NULL = 0x05;
const OID = 0x06;
const UTF8_STRING = 0x0c;
const UTC_TIME = 0x17;
const EXPLICIT_0 = 0xa0;

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function der(tag: number, ...content: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const body = concat(content);
  const n = body.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else if (n < 0x100) length = [0x81, n];
  else if (n < 0x10000) length = [0x82, n >> 8, n & 0xff];
  else length = [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat([Uint8Array.of(tag, ...length), body]);
}

function oid(text: string): Uint8Array {
  const parts = text.split(".").map(Number);
  const bytes: number[] = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const groups: number[] = [part & 0x7f];
    for (let value = Math.floor(part / 128); value > 0; value = Math.floor(value / 128)) {
      groups.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...groups);
  }
  return der(OID, Uint8Array.from(bytes));
}

const utf8 = (text: string) => new TextEncoder().encode(text);

function utcTime(date: Date): Uint8Array {
  const iso = date.toISOString(); // 2024-02-29T23:59:59.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(UTC_TIME, utf8(text));
}

function name(commonName: string): Uint8Array {
  return der(SEQUENCE, der(SET, der(SEQUENCE, oid("2.5.4.3"), der(UTF8_STRING, utf8(commonName)))));
}

/** Standard base64 of some bytes (btoa exists on every runtime under test). */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/** A key pair and its self-signed certificate in PEM. */
export interface TestCertificate {
  pem: string;
  /** Signs text with the certificate's key (RSASSA-PKCS1-v1_5) and SHA-256 or SHA-1, base64. */
  sign(text: string, hash: "SHA-256" | "SHA-1"): Promise<string>;
}

/** Makes a 2048-bit RSA key and a self-signed certificate for it, valid from yesterday for a day. */
export async function makeTestCertificate(commonName: string): Promise<TestCertificate> {
  const algorithm = {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: Uint8Array.of(1, 0, 1),
    hash: "SHA-256",
  };
  const keys = (await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
  const sha256WithRsa = der(SEQUENCE, oid("1.2.840.113549.1.1.11"), der(NULL));
  const now = Date.now();
  const tbs = der(
    SEQUENCE,
    der(EXPLICIT_0, der(INTEGER, Uint8Array.of(2))), // version 3
    der(INTEGER, Uint8Array.of(0x01, 0x23, 0x45, 0x67)),
    sha256WithRsa,
    name(commonName),
    der(SEQUENCE, utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 86_400_000))),
    name(commonName),
    spki,
  );
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  const signer = async (hash: "SHA-256" | "SHA-1") =>
    hash === "SHA-256"
      ? keys.privateKey
      : crypto.subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["sign"]);
  const signBytes = async (data: Uint8Array<ArrayBuffer>, hash: "SHA-256" | "SHA-1") =>
    new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", await signer(hash), data));
  const certificate = der(
    SEQUENCE,
    tbs,
    sha256WithRsa,
    der(BIT_STRING, Uint8Array.of(0), await signBytes(tbs, "SHA-256")),
  );
  const lines = base64(certificate).match(/.{1,64}/g) ?? [];
  return {
    pem: `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`,
    sign: async (text, hash) => base64(await signBytes(utf8(text), hash)),
  };
}
