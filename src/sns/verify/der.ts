/**
 * Just enough DER to take the public key out of an X.509 certificate: PEM to DER, a bounded TLV
 * reader, and the path Certificate → TBSCertificate → SubjectPublicKeyInfo. No signature chain
 * is checked here: the certificate is trusted for where it comes from (its pinned URL, over HTTPS).
 *
 * @module
 */

import { fromBase64 } from "../../core/crypto.js";

/** One DER element: its tag, and where its contents start and end in the buffer. */
export interface DerElement {
  /** The identifier octet (`0x30` SEQUENCE, `0x02` INTEGER, `0xa0` [0] EXPLICIT...). */
  readonly tag: number;
  /** Offset of the first byte of the element (its tag). */
  readonly start: number;
  /** Offset of its contents. */
  readonly contentStart: number;
  /** Offset just past its contents (and past the element). */
  readonly end: number;
}

/** Thrown for bytes that are not the DER the reader expects. */
export class DerError extends Error {}
Object.defineProperty(DerError.prototype, "name", { value: "DerError" });

/**
 * Reads the element that starts at `offset`, within `[offset, limit)`. Only definite lengths (as
 * DER requires) of up to 4 length octets; single-octet tags.
 */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement {
  if (offset + 2 > limit) throw new DerError(`truncated element at offset ${offset}`);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-octet tag at offset ${offset}`);
  let length = bytes[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0) throw new DerError(`indefinite length at offset ${offset}`);
    if (octets > 4) throw new DerError(`length of ${octets} octets at offset ${offset}`);
    if (contentStart + octets > limit) throw new DerError(`truncated length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[contentStart + i]!;
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError(`element at offset ${offset} runs past its container`);
  return { tag, start: offset, contentStart, end };
}

/** The elements directly inside a constructed element. */
export function children(bytes: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readElement(bytes, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const EXPLICIT_0 = 0xa0;
/** 1.2.840.113549.1.1.1, rsaEncryption. */
const RSA_ENCRYPTION = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/** The DER bytes of the first `CERTIFICATE` block of a PEM text. */
export function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new DerError("no PEM CERTIFICATE block");
  try {
    return fromBase64(match[1]!.replace(/\s+/g, ""));
  } catch {
    throw new DerError("the PEM CERTIFICATE block is not valid base64");
  }
}

/**
 * The SubjectPublicKeyInfo of an X.509 certificate (DER), whole, as Web Crypto's `importKey("spki")`
 * takes it.
 *
 * ```
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
 *                               validity, subject, subjectPublicKeyInfo, ... }
 * ```
 * @throws DerError when the bytes are not such a certificate
 */
export function spkiFromCertificate(der: Uint8Array): Uint8Array {
  const certificate = readElement(der, 0);
  if (certificate.tag !== SEQUENCE) throw new DerError("the certificate is not a SEQUENCE");
  if (certificate.end !== der.length) throw new DerError("bytes after the certificate");
  const [tbs] = children(der, certificate);
  if (!tbs || tbs.tag !== SEQUENCE) throw new DerError("no TBSCertificate SEQUENCE");
  const fields = children(der, tbs);
  const first = fields[0]?.tag === EXPLICIT_0 ? 1 : 0;
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
  const spki = fields[first + 5];
  if (!spki || spki.tag !== SEQUENCE) throw new DerError("no SubjectPublicKeyInfo SEQUENCE");
  return der.slice(spki.start, spki.end);
}

/** True when a SubjectPublicKeyInfo holds an RSA key. */
export function isRsaKey(spki: Uint8Array): boolean {
  try {
    const info = readElement(spki, 0);
    const [algorithm] = children(spki, info);
    if (!algorithm || algorithm.tag !== SEQUENCE) return false;
    const [oid] = children(spki, algorithm);
    if (!oid || oid.end - oid.start !== RSA_ENCRYPTION.length) return false;
    return RSA_ENCRYPTION.every((byte, i) => spki[oid.start + i] === byte);
  } catch {
    return false;
  }
}
