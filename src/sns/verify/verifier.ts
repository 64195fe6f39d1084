/**
 * Verification of the messages SNS sends to HTTP(S) endpoints (and to Lambda): Notification,
 * SubscriptionConfirmation and UnsubscribeConfirmation, SignatureVersion 1 (SHA1withRSA) and 2
 * (SHA256withRSA). Runs on every runtime: Web Crypto for RSA, a little DER reading for the key.
 *
 * The options are checked here, at once (a `ValidationError`); the verifying itself (`check.ts`:
 * the certificate fetch and cache, the DER reading, the signature) is loaded with `import()` at
 * the first message, so that importing `asyncaws` compiles none of it.
 *
 * @module
 */

import { ValidationError } from "../../core/errors.js";
import type { SnsEnvelope } from "../envelope.js";
import type { CertificateCache } from "./check.js";

/** The verifying side (`check.ts`), once loaded. */
let engine: typeof import("./check.js") | undefined;
/** Loads the verifying side (again after a failed load). */
function loadEngine(): Promise<typeof import("./check.js")> {
  return import("./check.js").then((m) => {
    engine = m;
    return m;
  });
}

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

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new ValidationError(name, "a positive number", value);
  }
  return value;
}

/** Options read once. */
export interface Settings {
  topics: ReadonlySet<string> | undefined;
  fetch: CertificateFetch | undefined;
  timeoutMs: number;
  maxBytes: number;
}

export function settingsOf(options: SnsVerifyOptions): Settings {
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
  readonly #settings: Settings;
  readonly #cacheSize: number;
  /** Made with the verifying side, at the first message. */
  #cache: CertificateCache | undefined;

  constructor(options: SnsVerifierOptions = {}) {
    this.#settings = settingsOf(options);
    this.#cacheSize = Math.floor(positive(options.cacheSize, "cacheSize", 32));
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
    if (engine !== undefined) return this.#verify(engine, payload);
    return loadEngine().then((m) => this.#verify(m, payload));
  }

  #verify(m: typeof import("./check.js"), payload: unknown): Promise<SnsSignedMessage> {
    this.#cache ??= new m.CertificateCache(this.#cacheSize);
    return m.verifyWith(this.#cache, this.#settings, payload);
  }
}

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
  const settings = settingsOf(options);
  const m = engine ?? (await loadEngine());
  return m.verifyWith(m.sharedCache, settings, payload);
}
