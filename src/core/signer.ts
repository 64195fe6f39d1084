/**
 * AWS Signature Version 4, in small steps that can each be checked against the official test suite:
 * {@link canonicalPath}, {@link canonicalQuery}, {@link canonicalHeaders}, {@link canonicalRequest},
 * {@link stringToSign}, {@link signingKey}, {@link signature}; then {@link signRequest} (the
 * `Authorization` header) and {@link presignUrl} (the `X-Amz-*` query parameters).
 *
 * The pieces live in `signer/`: `canonical.ts` (timestamp, scope, canonical path, query, headers
 * and request, string to sign), `key.ts` (signing key and its cache, signature), `headers.ts`
 * (header signing, and the fast path of the library's own requests), `presign.ts` (presigned
 * URLs), `webcrypto.ts` (the same fast path on Web Crypto, asynchronous: the browser build's, as
 * `own.ts` chooses). This module is their one public face.
 *
 * This is on the path of every request, so the common case is kept cheap: lowercase header names
 * without duplicates, an empty query, a plain path. The signing key and the credential scope are
 * cached per day, the `x-amz-date` text per second.
 *
 * No error thrown here carries a secret, a session token or a signature.
 *
 * @module
 */

export {
  ALGORITHM,
  amzDate,
  canonicalHeaders,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
  credentialScope,
  EMPTY_SHA256,
  payloadHash,
  stringToSign,
  UNSIGNED_PAYLOAD,
  uriEncode,
} from "./signer/canonical.js";
export { signOwnRequest, signRequest, signRequestSteps } from "./signer/headers.js";
export { clearSigningKeyCache, signature, signingKey, signingKeyCacheSize } from "./signer/key.js";
export { signsPathAsSent } from "./signer/prepare.js";
export { presignQuery, presignUrl } from "./signer/presign.js";
export type {
  CanonicalHeaders,
  PresignedRequest,
  PresignOptions,
  SignableRequest,
  SignatureSteps,
  SignedRequest,
  SigningOptions,
} from "./signer/types.js";
