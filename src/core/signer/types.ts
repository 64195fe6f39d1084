/**
 * The shapes the signer takes and gives.
 *
 * @module
 */

import type { Credentials } from "../credentials/types.js";

/** A request to sign. Nothing in it is modified. */
export interface SignableRequest {
  /** The HTTP method, such as `POST`. */
  method: string;
  /**
   * The host as sent, with the port when it is not the default one (`sqs.eu-west-1.amazonaws.com`,
   * `127.0.0.1:4566`). It may start with `https://` or `http://`: the scheme is not signed, and a
   * presigned URL takes it (`http://` for an emulator); without one, the URL is `https`.
   */
  host: string;
  /**
   * The raw path as it will be sent, percent-encodings included (`/123456789012/my-queue`). The
   * signer encodes it once more for the canonical request, as AWS does for every service but S3.
   */
  path: string;
  /** The raw query string as it will be sent, without `?`; may be empty. */
  query?: string;
  /**
   * The headers to send, names in any case. Those whose names differ only in case are joined with
   * commas, in order. A `host` header is signed (with {@link SignableRequest.host} when absent).
   */
  headers?: Record<string, string>;
  /** The body, hashed into the signature (`undefined` or empty: the hash of the empty string). */
  body?: string | Uint8Array;
}

/** How to sign. */
export interface SigningOptions {
  /** The credentials; the secret never leaves the signer. */
  credentials: Credentials;
  /** The region, such as `eu-west-1`. */
  region: string;
  /** The signing name of the service, such as `sqs` or `sns`. */
  service: string;
  /** The signing time (an injectable clock, e.g. corrected for skew). @default new Date() */
  date?: Date;
  /**
   * Remove `.` and `..` segments and empty segments from the path.
   * @default true, but false when `service` is `"s3"`
   */
  normalizePath?: boolean;
  /**
   * Encode the path once more for the canonical request.
   * @default true, but false when `service` is `"s3"` (whose paths are signed as sent)
   */
  uriEscapePath?: boolean;
  /** Add and sign `x-amz-content-sha256` (header signing only). @default false */
  signBody?: boolean;
  /** Sign the payload as `UNSIGNED-PAYLOAD` instead of hashing it. @default false */
  unsignedPayload?: boolean;
  /**
   * Send the session token without signing it (added after the signature is computed), as a few
   * services need. @default false
   */
  omitSessionToken?: boolean;
}

/** Options of a presigned URL. */
export interface PresignOptions extends SigningOptions {
  /** How long the URL stays valid, in seconds, from 1 to 604800 (7 days). */
  expiresInSeconds: number;
}

/** The intermediate results of one signature, for tests and debugging. */
export interface SignatureSteps {
  /** The canonical request. */
  canonicalRequest: string;
  /** The string to sign. */
  stringToSign: string;
  /** The signature, 64 hex digits. */
  signature: string;
  /** The signed header names, `;`-separated. */
  signedHeaders: string;
  /** The credential scope, `yyyymmdd/region/service/aws4_request`. */
  credentialScope: string;
  /** The signing time, `yyyymmddThhmmssZ`. */
  amzDate: string;
}

/** The result of {@link signRequestSteps}: the steps and the headers to send. */
export interface SignedRequest extends SignatureSteps {
  /** The request's headers plus `x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256`, `authorization`. */
  headers: Record<string, string>;
}

/** The result of {@link presignQuery}: the steps, the query string and the URL. */
export interface PresignedRequest extends SignatureSteps {
  /** The query string to send, without `?`: the request's own, then the `X-Amz-*` parameters. */
  query: string;
  /** `https://host/path?query` (`http://` when the request's host said so). */
  url: string;
}

/** The canonical header block of a request. */
export interface CanonicalHeaders {
  /** One `name:value\n` line per header, sorted by name. */
  canonical: string;
  /** The names, `;`-separated. */
  signed: string;
}
