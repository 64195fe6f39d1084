/**
 * {@link SignatureVerificationError}, in a module of its own so that bundles without the SNS
 * notification verifier leave it out (`errors.ts` re-exports it).
 *
 * @module
 */

import { AsyncAwsError, brand, hasBrand } from "./base.js";

/**
 * The reasons of a {@link SignatureVerificationError} that say the message was not verified
 * *yet*: its signing certificate could not be fetched (the host refused, timed out, answered an
 * error, or the runtime is offline). The message may well be genuine; asking again later may
 * verify it.
 */
export const UNVERIFIED_REASONS: ReadonlySet<string> = new Set([
  "certificate-fetch-failed",
  "certificate-timeout",
]);

/** An SNS notification failed signature verification. */
export class SignatureVerificationError extends AsyncAwsError {
  /** Why, in a word or two (`bad-signature`, `untrusted-certificate-url`, `tampered`). */
  readonly reason: string;
  /**
   * True when verification could not be completed (the signing certificate could not be
   * fetched: `certificate-fetch-failed`, `certificate-timeout`): the message is not verified
   * *yet*, and may be genuine, so it is worth trying again later (an HTTP endpoint answers 503,
   * so that SNS delivers it again). False when the message is refused for what it is: a bad
   * signature, an untrusted certificate URL, a topic not allowed, malformed input (a forgery or a
   * mistake; trying again cannot help).
   */
  readonly retryable: boolean;

  /**
   * @param options - `retryable` overrides what the reason says (a certificate host answering
   * 404 is a fetch that failed, yet asking again will not help)
   */
  constructor(reason: string, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, undefined, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.retryable = options?.retryable ?? UNVERIFIED_REASONS.has(reason);
  }
}

brand(SignatureVerificationError, "SignatureVerificationError");

/** True for a failed SNS notification verification. */
export const isSignatureVerificationError = (value: unknown): value is SignatureVerificationError =>
  hasBrand(value, "SignatureVerificationError");
