/**
 * The fast path of every call ({@link signOwnRequest} of `headers.ts`), on Web Crypto: the same
 * signature, computed asynchronously with `crypto.subtle` (SHA-256 digests, HMAC-SHA-256), so that
 * a browser or Workers bundle carries no SHA-256 code of its own. The browser build signs with it
 * (package.json's `browser` field maps `own.ts` to `own.browser.ts`); Node, Bun and Deno keep the
 * synchronous path, whose speed does not depend on a promise per step. A test checks that both
 * give the same signatures, over the SigV4 suite and generated requests.
 *
 * The signing key is derived once per credentials, day, region and service and kept as a
 * `CryptoKey` (non-extractable), in a bounded map.
 *
 * Browsers offer `crypto.subtle` in secure contexts only (https pages, and http://localhost):
 * elsewhere signing fails with an error that says so.
 *
 * @module
 */

import type { Credentials } from "../credentials/types.js";
import { toBytes, toHex, utf8Encode } from "../crypto-pure.js";
import { AsyncAwsError } from "../errors.js";
import { ALGORITHM, checkSigningDate } from "./canonical.js";

const KEY_CACHE_MAX = 50;
/**
 * Signing keys, by access key id and scope, each with the secret it was derived from (compared on
 * every lookup: the secret itself is never a key).
 */
const keyCache = new Map<string, { secret: string; key: Promise<CryptoKey> }>();

/** `crypto.subtle`, or an error saying where it is missing. */
function subtle(): SubtleCrypto {
  const found = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (!found)
    throw new AsyncAwsError("no crypto.subtle to sign with: browsers have it in secure contexts only");
  return found;
}

/** Hex SHA-256 of text (as UTF-8) or bytes. */
async function sha256HexAsync(data: string | Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest("SHA-256", toBytes(data) as Uint8Array<ArrayBuffer>)));
}

/** HMAC-SHA-256 of text (as UTF-8) under a raw key. */
function hmacKey(raw: BufferSource): Promise<CryptoKey> {
  return subtle().importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** HMAC-SHA-256 of text (as UTF-8) under a key. */
async function hmac(key: CryptoKey, data: string): Promise<ArrayBuffer> {
  return subtle().sign("HMAC", key, utf8Encode(data) as Uint8Array<ArrayBuffer>);
}

/** The signing key: `AWS4<secret>`, then HMACs of the day, region, service and `aws4_request`. */
async function deriveKey(secret: string, day: string, region: string, service: string): Promise<CryptoKey> {
  let raw: BufferSource = utf8Encode(`AWS4${secret}`) as Uint8Array<ArrayBuffer>;
  for (const part of [day, region, service, "aws4_request"]) raw = await hmac(await hmacKey(raw), part);
  return hmacKey(raw);
}

/**
 * The SigV4 signing key as a Web Crypto HMAC key, derived once per (credentials, day, region,
 * service) and cached (50 entries); concurrent callers share one derivation; a failed one is not
 * kept.
 */
export function signingKeyAsync(
  accessKeyId: string,
  secret: string,
  day: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  const id = `${accessKeyId}/${day}/${region}/${service}`;
  const found = keyCache.get(id);
  if (found?.secret === secret) return found.key;
  const key = deriveKey(secret, day, region, service);
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, { secret, key });
  key.catch(() => {
    if (keyCache.get(id)?.key === key) keyCache.delete(id);
  });
  return key;
}

/** Empties the Web Crypto signing key cache (for tests). */
export function clearSigningKeyCacheAsync(): void {
  keyCache.clear();
}

/**
 * Signs one of asyncaws's own requests, in place, with Web Crypto: the same contract and the same
 * signature as the synchronous {@link signOwnRequest} (header names lower case and unique, `host`
 * among them; path and query already canonical; `x-amz-content-sha256`, when present, taken as
 * the payload hash). `x-amz-date` and `x-amz-security-token` are set at once, `authorization`
 * when the promise resolves.
 */
export async function signOwnRequestAsync(
  method: string,
  canonicalUri: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  credentials: Credentials,
  region: string,
  service: string,
  date: Date,
  query = "",
): Promise<void> {
  // amzDate's text from toISOString (the per-second cache and the field-by-field writing of the
  // synchronous path are for a Node process's first request).
  checkSigningDate(date);
  const time = date.toISOString().replace(/[-:]|\.\d+/g, "");
  const day = time.slice(0, 8);
  // credentialScope's text, without its cache of the last one.
  const scope = `${day}/${region}/${service}/aws4_request`;
  headers["x-amz-date"] = time;
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  let canonical = "";
  for (const name of names) canonical += `${name}:${headers[name]}\n`;
  const signed = names.join(";");
  // Derived (or found) while the digests run; a failure is awaited below, never left unhandled.
  const key = signingKeyAsync(credentials.accessKeyId, credentials.secretAccessKey, day, region, service);
  const hash = headers["x-amz-content-sha256"] ?? (await sha256HexAsync(body));
  const request = `${method}\n${canonicalUri}\n${query}\n${canonical}\n${signed}\n${hash}`;
  const toSign = `${ALGORITHM}\n${time}\n${scope}\n${await sha256HexAsync(request)}`;
  const signature = toHex(new Uint8Array(await hmac(await key, toSign)));
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
}
