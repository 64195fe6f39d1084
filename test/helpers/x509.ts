// A tiny DER encoder that builds a self-signed X.509 certificate around an RSA key generated with
// node:crypto, and an SNS message signer: enough to test the notification verifier with keys and
// certificates the test makes itself. Test-only: it never touches the network.
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** One DER element: tag, length, contents. */
export function der(tag: number, ...contents: (Uint8Array | number[])[]): Uint8Array {
  const body = Buffer.concat(contents.map((c) => Buffer.from(c)));
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...length(body.length)]), body]));
}

const sequence = (...items: Uint8Array[]) => der(0x30, ...items);
const set = (...items: Uint8Array[]) => der(0x31, ...items);
const integer = (bytes: number[]) => der(0x02, bytes);
const nul = () => der(0x05);
const utf8 = (text: string) => der(0x0c, Buffer.from(text, "utf8"));

function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const groups: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift(v & 0x7f);
      if (v < 128) break;
    }
    for (let i = 0; i < groups.length - 1; i++) groups[i]! |= 0x80;
    bytes.push(...groups);
  }
  return der(0x06, bytes);
}

function utcTime(date: Date): Uint8Array {
  const iso = date.toISOString();
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, Buffer.from(text, "ascii"));
}

function name(commonName: string): Uint8Array {
  return sequence(set(sequence(oid("2.5.4.3"), utf8(commonName))));
}

/** A key pair and its self-signed certificate, PEM-encoded. */
export interface TestSigner {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER of the key's SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** The certificate, PEM. */
  pem: string;
  /** The certificate, DER. */
  certificate: Uint8Array;
}

function toPem(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/**
 * Generates an RSA key and a minimal self-signed X.509 v3 certificate for it (sha256WithRSA),
 * whose SubjectPublicKeyInfo is the key's own `spki` export.
 */
export function makeSigner(
  options: { bits?: number; commonName?: string; version?: boolean; keyType?: "rsa" | "ec" } = {},
): TestSigner {
  const { privateKey, publicKey } =
    options.keyType === "ec"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : generateKeyPairSync("rsa", { modulusLength: options.bits ?? 2048 });
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const algorithm = sequence(oid("1.2.840.113549.1.1.11"), nul());
  const subject = name(options.commonName ?? "sns.amazonaws.com");
  const now = Date.now();
  const tbs = sequence(
    ...(options.version === false ? [] : [der(0xa0, integer([2]))]),
    integer([0x01, 0x23, 0x45, 0x67]),
    algorithm,
    subject,
    sequence(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 86_400_000))),
    subject,
    spki,
  );
  const signature = sign("sha256", tbs, privateKey);
  const certificate = sequence(tbs, algorithm, der(0x03, [0], signature));
  return { privateKey, publicKey, spki, pem: toPem(certificate), certificate };
}

/** The string SNS signs, written out here independently of the library, from AWS's documentation. */
export function snsStringToSign(message: Record<string, unknown>): string {
  const keys =
    message.Type === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  return keys
    .filter((key) => message[key] !== undefined && message[key] !== null)
    .map((key) => `${key}\n${message[key]}\n`)
    .join("");
}

/** Signs an SNS message as SNS does: SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2. */
export function signSnsMessage<T extends Record<string, unknown>>(
  message: T,
  signer: Pick<TestSigner, "privateKey">,
  version: "1" | "2",
  certUrl: string,
): T & { SignatureVersion: string; Signature: string; SigningCertURL: string } {
  const unsigned = { ...message, SignatureVersion: version, SigningCertURL: certUrl };
  const signature = sign(
    version === "1" ? "sha1" : "sha256",
    Buffer.from(snsStringToSign(unsigned), "utf8"),
    signer.privateKey,
  );
  return { ...unsigned, Signature: signature.toString("base64") };
}
