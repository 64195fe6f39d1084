/**
 * Verification of the messages SNS sends to HTTP(S) endpoints (and to Lambda): Notification,
 * SubscriptionConfirmation and UnsubscribeConfirmation, SignatureVersion 1 (SHA1withRSA) and 2
 * (SHA256withRSA). Runs on every runtime: Web Crypto for RSA, a little DER reading for the key.
 *
 * @module
 */

import { fromBase64, utf8Encode } from "../../core/crypto.js";
import { SignatureVerificationError, ValidationError } from "../../core/errors.js";
import { isRecord } from "../../core/validate.js";
import type { SnsEnvelope } from "../envelope.js";
import { readAtMost } from "./body.js";
import { checkSigningCertUrl } from "./cert-url.js";
import { DerError, isRsaKey, pemToDer, spkiFromCertificate } from "./der.js";

/** The fields every signed SNS message has. */
interface SignedFields {
  /** SNS's id of the message. */
  MessageId: string;
  /** The topic. */
  TopicArn: string;
  /** The message (for a confirmation, SNS's explanation of it). */
  Message: string;
  /** When SNS sent it, ISO 8601. */
  Timestamp: string;
  /** `1` (SHA1withRSA) or `2` (SHA256withRSA). */
  SignatureVersion: "1" | "2";
  /** The base64 signature. */
  Signature: string;
  /** Where the signing certificate is (checked and trusted). */
  SigningCertURL: string;
}

/** A verified notification. */
export interface SnsNotification extends SnsEnvelope, SignedFields {
  Type: "Notification";
  SignatureVersion: "1" | "2";
  Signature: string;
  SigningCertURL: string;
}

/** A verified subscription confirmation: confirm it with ConfirmSubscription (TopicArn and Token). */
export interface SnsSubscriptionConfirmation extends SignedFields {
  Type: "SubscriptionConfirmation";
  /** The token ConfirmSubscription takes. */
  Token: string;
  /** The URL that would confirm the subscription; never fetched by this library. */
  SubscribeURL: string;
}

/** A verified unsubscribe confirmation. */
export interface SnsUnsubscribeConfirmation extends SignedFields {
  Type: "UnsubscribeConfirmation";
  /** The token ConfirmSubscription takes to subscribe again. */
  Token: string;
  /** The URL that would subscribe the endpoint again; never fetched by this library. */
  SubscribeURL: string;
}

/** Any verified SNS message. */
export type SnsSignedMessage = SnsNotification | SnsSubscriptionConfirmation | SnsUnsubscribeConfirmation;

/**
 * The former name of {@link SnsSignedMessage}.
 * @deprecated Use {@link SnsSignedMessage}: from `asyncaws`, `SnsMessage` named the consumer's
 * unwrapped message (now `SnsQueueMessage`). Goes in the next minor version.
 */
export type SnsMessage = SnsSignedMessage;

/** The `fetch` the verifier fetches certificates with. */
export type CertificateFetch = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link verifySnsMessage} and {@link SnsVerifier}. */
export interface SnsVerifyOptions {
  /**
   * Accept only messages of these topics. Set it wherever you can: a valid signature proves a
   * message comes from SNS, not that it comes from your topic.
   * @default any topic
   */
  topicArns?: Iterable<string> | undefined;
  /**
   * The `fetch` to fetch signing certificates with.
   * @default the global `fetch`
   */
  fetch?: CertificateFetch | undefined;
  /**
   * How long a certificate fetch may take, in milliseconds, body included.
   * @default 5000
   */
  timeoutMs?: number | undefined;
  /**
   * The largest certificate accepted, in bytes.
   * @default 65536
   */
  maxCertificateBytes?: number | undefined;
}

/** Options of an {@link SnsVerifier}. */
export interface SnsVerifierOptions extends SnsVerifyOptions {
  /**
   * How many certificates to keep (least recently used go first).
   * @default 32
   */
  cacheSize?: number | undefined;
}

const TYPES = new Set(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]);
const NOTIFICATION_FIELDS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const;
const CONFIRMATION_FIELDS = [
  "Message",
  "MessageId",
  "SubscribeURL",
  "Timestamp",
  "Token",
  "TopicArn",
  "Type",
] as const;
/** Lambda (and some tools) spell three of the names differently. */
const ALIASES: Readonly<Record<string, string>> = {
  SigningCertURL: "SigningCertUrl",
  UnsubscribeURL: "UnsubscribeUrl",
  SubscribeURL: "SubscribeUrl",
};

function fail(reason: string, message: string, cause?: unknown): never {
  throw new SignatureVerificationError(reason, message, cause === undefined ? undefined : { cause });
}

/**
 * The string SNS signs, exactly as AWS documents it: for a Notification, `Message`, `MessageId`,
 * `Subject` (when present), `Timestamp`, `TopicArn` and `Type`; for the two confirmations,
 * `Message`, `MessageId`, `SubscribeURL`, `Timestamp`, `Token`, `TopicArn` and `Type`. Each field
 * is its name, a newline, its value, a newline.
 */
export function stringToSign(message: Readonly<Record<string, unknown>>): string {
  const fields = message.Type === "Notification" ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = "";
  for (const name of fields) {
    const value = message[name];
    if (value === undefined || value === null) continue;
    out += `${name}\n${String(value)}\n`;
  }
  return out;
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
class CertificateCache {
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

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new ValidationError(name, "a positive number", value);
  }
  return value;
}

/** Options read once. */
interface Settings {
  topics: ReadonlySet<string> | undefined;
  fetch: CertificateFetch | undefined;
  timeoutMs: number;
  maxBytes: number;
}

function settingsOf(options: SnsVerifyOptions): Settings {
  if (options === null || typeof options !== "object")
    throw new ValidationError("options", "an object", options);
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw new ValidationError("fetch", "a function", options.fetch);
  }
  return {
    topics: options.topicArns === undefined ? undefined : new Set(options.topicArns),
    fetch: options.fetch,
    timeoutMs: positive(options.timeoutMs, "timeoutMs", 5000),
    maxBytes: positive(options.maxCertificateBytes, "maxCertificateBytes", 65_536),
  };
}

async function verifyWith(
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

/**
 * Verifies SNS messages, with its own certificate cache and options. One verifier per
 * application is the usual: certificates are fetched once and reused.
 *
 * @example
 * ```ts
 * const verifier = new SnsVerifier({ topicArns: ["arn:aws:sns:eu-west-1:123456789012:events"] });
 * const message = await verifier.verify(body); // throws SignatureVerificationError
 * ```
 */
export class SnsVerifier {
  readonly #cache: CertificateCache;
  readonly #settings: Settings;

  constructor(options: SnsVerifierOptions = {}) {
    this.#settings = settingsOf(options);
    this.#cache = new CertificateCache(Math.floor(positive(options.cacheSize, "cacheSize", 32)));
  }

  /**
   * Verifies one message.
   *
   * @param payload - the request body (JSON text or bytes), or the message already parsed (a
   * Lambda `Records[n].Sns` object is accepted: `SigningCertUrl`, `Subject: null`)
   * @returns the message, typed by its `Type`
   * @throws SignatureVerificationError saying why, with a `reason` of `malformed`,
   * `unsupported-type`, `unsupported-signature-version`, `topic-not-allowed`,
   * `untrusted-certificate-url`, `certificate-fetch-failed`, `certificate-too-large`,
   * `certificate-timeout`, `bad-certificate` or `bad-signature`. Its `retryable` is true when
   * the message is not verified *yet* (the certificate could not be fetched: refused, timed out,
   * a 5xx, 408 or 429 answer, offline), false when it is refused for what it is (forged, not
   * allowed, malformed).
   */
  verify(payload: unknown): Promise<SnsSignedMessage> {
    return verifyWith(this.#cache, this.#settings, payload);
  }
}

/** The cache {@link verifySnsMessage} shares between its calls. */
const sharedCache = new CertificateCache(32);

/**
 * Verifies a message SNS sent to an HTTP(S) endpoint (or to Lambda): its type, its signature
 * version, its signing certificate URL (SNS's own, pinned), the certificate (fetched with a
 * timeout and a size limit, and cached), and the RSA signature over the string AWS documents.
 * The calls share one cache of 32 certificates, by URL; an {@link SnsVerifier} has its own.
 *
 * @returns the verified message, typed by its `Type`
 * @throws SignatureVerificationError saying why (see {@link SnsVerifier.verify}); its `retryable`
 * tells "not verified yet" (true: the certificate could not be fetched, ask again later) from
 * "refused" (false: forged, not allowed or malformed)
 *
 * @example
 * ```ts
 * async function receive(request: Request): Promise<Response> {
 *   try {
 *     const message = await verifySnsMessage(await request.text(), { topicArns: [MY_TOPIC_ARN] });
 *     if (message.Type === "Notification") await handle(message.Message);
 *     return new Response(null, { status: 200 });
 *   } catch (error) {
 *     // 503: SNS delivers again later; 403: a forgery or a mistake, never delivered again.
 *     return new Response(null, { status: isSignatureVerificationError(error) && error.retryable ? 503 : 403 });
 *   }
 * }
 * ```
 */
export async function verifySnsMessage(
  payload: unknown,
  options: SnsVerifyOptions = {},
): Promise<SnsSignedMessage> {
  return verifyWith(sharedCache, settingsOf(options), payload);
}
