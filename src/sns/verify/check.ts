/**
 * The work of verifying an SNS message: reading it, the certificate (fetched, checked, cached) and
 * the RSA signature. Loaded with `import()` by {@link SnsVerifier} and {@link verifySnsMessage}
 * (`verifier.ts`) at their first message, so that importing `asyncaws` compiles none of it.
 *
 * @module
 */

import { fromBase64, utf8Encode } from "../../core/crypto.js";
import { SignatureVerificationError } from "../../core/errors.js";
import { isRecord } from "../../core/validate.js";
import { readAtMost } from "./body.js";
import { checkSigningCertUrl } from "./cert-url.js";
import { DerError, isRsaKey, pemToDer, spkiFromCertificate } from "./der.js";
import { stringToSign } from "./string-to-sign.js";
import type { CertificateFetch, Settings, SnsSignedMessage, verifySnsMessage } from "./verifier.js";

const TYPES = new Set(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]);
/** Lambda (and some tools) spell three of the names differently. */
const ALIASES: Readonly<Record<string, string>> = {
  SigningCertURL: "SigningCertUrl",
  UnsubscribeURL: "UnsubscribeUrl",
  SubscribeURL: "SubscribeUrl",
};

function fail(reason: string, message: string, cause?: unknown): never {
  throw new SignatureVerificationError(reason, message, cause === undefined ? undefined : { cause });
}

/** Reads the payload into a message object, with Lambda's names mapped to SNS's. */
function normalize(payload: unknown): Record<string, unknown> {
  let value = payload;
  if (typeof payload === "string") {
    try {
      value = JSON.parse(payload);
    } catch (error) {
      fail("malformed", "the message is not JSON", error);
    }
  } else if (payload instanceof Uint8Array) {
    return normalize(new TextDecoder().decode(payload));
  }
  if (!isRecord(value)) fail("malformed", "the message is not a JSON object");
  const message: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === "__proto__") continue;
    message[key] = value[key];
  }
  for (const [name, alias] of Object.entries(ALIASES)) {
    if (message[name] === undefined && message[alias] !== undefined) message[name] = message[alias];
    delete message[alias];
  }
  // Lambda writes `"Subject": null` when there is none; SNS leaves it out.
  if (message.Subject === null) delete message.Subject;
  if (message.MessageAttributes === null) delete message.MessageAttributes;
  return message;
}

function requireField(message: Record<string, unknown>, name: string): void {
  if (typeof message[name] !== "string" || message[name] === "") {
    fail("malformed", `the message has no ${name}`);
  }
}

/** A bounded least-recently-used cache of certificates' keys, by URL. */
export class CertificateCache {
  readonly #entries = new Map<string, Promise<Uint8Array>>();
  readonly #keys = new Map<string, Promise<CryptoKey>>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  key(url: string, hash: "SHA-1" | "SHA-256", load: () => Promise<Uint8Array>): Promise<CryptoKey> {
    const id = `${hash} ${url}`;
    let key = this.#keys.get(id);
    if (key) {
      this.#touch(url);
      return key;
    }
    let spki = this.#entries.get(url);
    if (spki) {
      this.#touch(url);
    } else {
      spki = load();
      this.#entries.set(url, spki);
      this.#evict();
      spki.catch(() => {
        if (this.#entries.get(url) === spki) this.#forget(url);
      });
    }
    key = spki.then((bytes) => importKey(bytes, hash));
    this.#keys.set(id, key);
    key.catch(() => {
      if (this.#keys.get(id) === key) this.#keys.delete(id);
    });
    return key;
  }

  #touch(url: string): void {
    const entry = this.#entries.get(url);
    if (entry) {
      this.#entries.delete(url);
      this.#entries.set(url, entry);
    }
  }

  #forget(url: string): void {
    this.#entries.delete(url);
    this.#keys.delete(`SHA-1 ${url}`);
    this.#keys.delete(`SHA-256 ${url}`);
  }

  #evict(): void {
    while (this.#entries.size > this.#size) {
      const oldest = this.#entries.keys().next().value as string;
      this.#forget(oldest);
    }
  }
}

async function importKey(spki: Uint8Array, hash: "SHA-1" | "SHA-256"): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey(
      "spki",
      spki as Uint8Array<ArrayBuffer>,
      { name: "RSASSA-PKCS1-v1_5", hash },
      false,
      ["verify"],
    );
  } catch (error) {
    fail("bad-certificate", "the signing certificate's public key cannot be imported", error);
  }
}

/** Reads a response body, stopping at `limit` bytes. */
async function readLimited(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const reader = response.body?.getReader();
  if (!reader) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.length > limit ? undefined : bytes;
  }
  return readAtMost(reader, limit);
}

async function fetchCertificate(
  url: string,
  fetchFn: CertificateFetch,
  timeoutMs: number,
  maxBytes: number,
): Promise<Uint8Array> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      reject(
        new SignatureVerificationError(
          "certificate-timeout",
          `fetching the signing certificate took longer than ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
  });
  const work = async (): Promise<Uint8Array> => {
    let response: Response;
    try {
      response = await fetchFn(url, { method: "GET", redirect: "error", signal: controller.signal });
    } catch (error) {
      if (timedOut) throw error;
      fail("certificate-fetch-failed", `fetching the signing certificate failed: ${String(error)}`, error);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      // A refusal of the certificate itself (404, 403...) will not change on a second try;
      // a server error, throttling or a timeout answer may.
      const status = response.status;
      const transient = status >= 500 || status === 408 || status === 429;
      throw new SignatureVerificationError(
        "certificate-fetch-failed",
        `fetching the signing certificate answered HTTP ${status}`,
        { retryable: transient },
      );
    }
    const declared = Number(response.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      fail("certificate-too-large", `the signing certificate is larger than ${maxBytes} bytes`);
    }
    const bytes = await readLimited(response, maxBytes);
    if (!bytes) fail("certificate-too-large", `the signing certificate is larger than ${maxBytes} bytes`);
    let spki: Uint8Array;
    try {
      spki = spkiFromCertificate(pemToDer(new TextDecoder().decode(bytes)));
    } catch (error) {
      const why = error instanceof DerError ? error.message : String(error);
      fail("bad-certificate", `the signing certificate cannot be read: ${why}`, error);
    }
    if (!isRsaKey(spki)) fail("bad-certificate", "the signing certificate's key is not an RSA key");
    return spki;
  };
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function verifyWith(
  cache: CertificateCache,
  settings: Settings,
  payload: unknown,
): Promise<SnsSignedMessage> {
  const message = normalize(payload);
  const type = message.Type;
  if (typeof type !== "string" || !TYPES.has(type)) {
    fail("unsupported-type", `the message Type ${JSON.stringify(type)} is not one SNS signs`);
  }
  const required =
    type === "Notification"
      ? ["MessageId", "TopicArn", "Message", "Timestamp"]
      : ["MessageId", "TopicArn", "Message", "Timestamp", "Token", "SubscribeURL"];
  for (const name of required) requireField(message, name);
  if (message.Subject !== undefined && typeof message.Subject !== "string") {
    fail("malformed", "the message's Subject is not a string");
  }
  const version = message.SignatureVersion;
  if (version !== "1" && version !== "2") {
    fail(
      "unsupported-signature-version",
      `SignatureVersion ${JSON.stringify(version)} is not supported (1 or 2)`,
    );
  }
  const topicArn = message.TopicArn as string;
  if (settings.topics && !settings.topics.has(topicArn)) {
    fail("topic-not-allowed", `the topic ${topicArn} is not one of the accepted topics`);
  }
  const url = checkSigningCertUrl(message.SigningCertURL);
  requireField(message, "Signature");
  let signature: Uint8Array;
  try {
    signature = fromBase64(message.Signature as string);
  } catch (error) {
    fail("malformed", "the Signature is not base64", error);
  }
  const hash = version === "1" ? "SHA-1" : "SHA-256";
  const fetchFn = settings.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const key = await cache.key(url, hash, () =>
    fetchCertificate(url, fetchFn, settings.timeoutMs, settings.maxBytes),
  );
  let valid: boolean;
  try {
    valid = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      key,
      signature as Uint8Array<ArrayBuffer>,
      utf8Encode(stringToSign(message)) as Uint8Array<ArrayBuffer>,
    );
  } catch (error) {
    fail("bad-signature", "the signature could not be checked", error);
  }
  if (!valid) {
    fail(
      "bad-signature",
      `the signature does not match the message (${type} ${String(message.MessageId)} of ${topicArn})`,
    );
  }
  return message as unknown as SnsSignedMessage;
}

/** The cache {@link verifySnsMessage} shares between its calls. */
export const sharedCache = new CertificateCache(32);
