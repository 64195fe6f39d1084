/**
 * The signing key, derived from the secret per day, region and service and cached (a bounded map
 * keyed by a hash of the secret, and the last key compared without hashing), and the signature.
 *
 * @module
 */

import { hmacSha256, hmacSha256Hex, sha256Hex } from "../crypto.js";
import { credentialScope } from "./canonical.js";

const KEY_CACHE_MAX = 50;
/**
 * Derived keys, by `sha256(secret)/date/region/service`: the secret itself is never a key. Private
 * to this module, so reachable from nothing public.
 */
const keyCache = new Map<string, Uint8Array>();
// The last lookup, compared without hashing: the common case of one credential, day and region.
let memoSecret = "";
let memoScope = "";
let memoKey: Uint8Array | undefined;

/**
 * The SigV4 signing key, `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request")`. Cached per (secret, day, region, service) in a bounded map of 50 entries, keyed by
 * a hash of the secret.
 *
 * @param secret - The secret access key.
 * @param dateStamp - The date, `yyyymmdd`.
 * @param region - The region.
 * @param service - The service signing name.
 * @returns The 32-byte key. Treat it as read-only: it is shared.
 */
export function signingKey(secret: string, dateStamp: string, region: string, service: string): Uint8Array {
  const scope = credentialScope(dateStamp, region, service);
  if (memoKey !== undefined && secret === memoSecret && scope === memoScope) return memoKey;
  const cacheKey = sha256Hex(secret) + "/" + scope;
  let key = keyCache.get(cacheKey);
  if (key === undefined) {
    const kDate = hmacSha256("AWS4" + secret, dateStamp);
    const kRegion = hmacSha256(kDate, region);
    const kService = hmacSha256(kRegion, service);
    key = hmacSha256(kService, "aws4_request");
    if (keyCache.size >= KEY_CACHE_MAX) {
      const oldest = keyCache.keys().next();
      if (oldest.done !== true) keyCache.delete(oldest.value);
    }
    keyCache.set(cacheKey, key);
  }
  memoSecret = secret;
  memoScope = scope;
  memoKey = key;
  return key;
}

/**
 * The number of signing keys cached (at most 50). For tests.
 *
 * @returns The cache size.
 */
export function signingKeyCacheSize(): number {
  return keyCache.size;
}

/** Empties the signing key cache (for tests, or after rotating credentials). */
export function clearSigningKeyCache(): void {
  keyCache.clear();
  memoSecret = "";
  memoScope = "";
  memoKey = undefined;
}

/**
 * The signature: the hex HMAC-SHA-256 of the string to sign under the signing key.
 *
 * @param key - The signing key ({@link signingKey}).
 * @param toSign - The string to sign ({@link stringToSign}).
 * @returns 64 hex digits.
 */
export function signature(key: Uint8Array, toSign: string): string {
  return hmacSha256Hex(key, toSign);
}
