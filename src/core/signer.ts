/**
 * AWS Signature Version 4, in small steps that can each be checked against the official test suite:
 * {@link canonicalPath}, {@link canonicalQuery}, {@link canonicalHeaders}, {@link canonicalRequest},
 * {@link stringToSign}, {@link signingKey}, {@link signature}; then {@link signRequest} (the
 * `Authorization` header) and {@link presignUrl} (the `X-Amz-*` query parameters).
 *
 * This is on the path of every request, so the common case is kept cheap: lowercase header names
 * without duplicates, an empty query, a plain path. The signing key and the credential scope are
 * cached per day, the `x-amz-date` text per second.
 *
 * No error thrown here carries a secret, a session token or a signature.
 *
 * @module
 */

import type { Credentials } from "./credentials/types.js";
import { hmacSha256, hmacSha256Hex, sha256Hex } from "./crypto.js";
import { ValidationError } from "./errors.js";

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

/** The signing algorithm name. */
export const ALGORITHM = "AWS4-HMAC-SHA256";
/** The SHA-256 of the empty string, the payload hash of a request without a body. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** The payload hash of an unsigned payload. */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

const MAX_EXPIRES = 604800;

/** Headers that proxies and transports may change, never signed (as in the AWS SDKs). */
const UNSIGNABLE = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id",
]);

/** RFC 3986 unreserved characters: A-Z a-z 0-9 - _ . ~ */
const UNRESERVED = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    (c >= 48 && c <= 57) ||
    c === 45 ||
    c === 95 ||
    c === 46 ||
    c === 126
  ) {
    UNRESERVED[c] = 1;
  }
}

/** Bad input to the signer, as every bad input: a ValidationError naming field, rule and value. */
function invalid(field: string, rule: string, value: unknown): ValidationError {
  return new ValidationError(field, rule, value);
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

const HOST = /^(?:(https?):\/\/)?([^/?#\s@]+)$/i;

/** The scheme and the bare host of a request's `host` (which may start with `http(s)://`). */
function splitHost(host: unknown): { scheme: string; host: string } {
  const match = typeof host === "string" ? HOST.exec(host) : null;
  if (!match) {
    throw invalid(
      "host",
      "a host name with an optional port (`sqs.eu-west-1.amazonaws.com`, `127.0.0.1:4566`), optionally after http:// or https://, with no path",
      host,
    );
  }
  return { scheme: match[1] ? match[1].toLowerCase() : "https", host: match[2]! };
}

// ---------------------------------------------------------------------------------------------
// Dates and scope
// ---------------------------------------------------------------------------------------------

let lastSecond = Number.NaN;
let lastAmzDate = "";

/**
 * The SigV4 timestamp of a date, `yyyymmddThhmmssZ` (UTC). Cached per second.
 *
 * @param date - The signing time.
 * @returns The `x-amz-date` text; its first 8 characters are the date stamp of the scope.
 * @throws ValidationError when the date is invalid or outside years 0-9999.
 */
export function amzDate(date: Date): string {
  const ms = date.getTime();
  const second = Math.floor(ms / 1000);
  if (second === lastSecond) return lastAmzDate;
  if (!(ms >= -62167219200000 && ms < 253402300800000))
    throw invalid("date", "a valid Date in years 0 to 9999", date);
  // From the UTC fields rather than toISOString(), whose first call costs about a millisecond
  // (a cold process signs its first request sooner).
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  const text =
    String(date.getUTCFullYear()).padStart(4, "0") +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    "T" +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    "Z";
  lastSecond = second;
  lastAmzDate = text;
  return text;
}

let scopeDate = "";
let scopeRegion = "";
let scopeService = "";
let scopeText = "";

/**
 * The credential scope, `yyyymmdd/region/service/aws4_request`. The last one is cached.
 *
 * @param dateStamp - The date, `yyyymmdd`.
 * @param region - The region.
 * @param service - The service signing name.
 * @returns The scope.
 */
export function credentialScope(dateStamp: string, region: string, service: string): string {
  if (dateStamp !== scopeDate || region !== scopeRegion || service !== scopeService) {
    scopeText = dateStamp + "/" + region + "/" + service + "/aws4_request";
    scopeDate = dateStamp;
    scopeRegion = region;
    scopeService = service;
  }
  return scopeText;
}

// ---------------------------------------------------------------------------------------------
// Signing key, cached
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Canonical pieces
// ---------------------------------------------------------------------------------------------

/**
 * RFC 3986 percent-encoding as SigV4 wants it: every byte of the UTF-8 text except the unreserved
 * characters `A-Za-z0-9-_.~` (and `/` when `keepSlash`) becomes `%XX`, uppercase.
 *
 * @param text - The text to encode.
 * @param keepSlash - Leave `/` as it is (for paths).
 * @returns The encoded text.
 */
export function uriEncode(text: string, keepSlash = false): string {
  const n = text.length;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (UNRESERVED[c] === 0 && !(keepSlash && c === 47))) break;
  }
  if (i === n) return text;
  let out: string;
  try {
    out = encodeURIComponent(text);
  } catch {
    // The text may be a session token: never shown.
    throw invalid("path, query or session token", "well-formed Unicode (no lone surrogate)", undefined);
  }
  if (keepSlash) out = out.replaceAll("%2F", "/");
  // encodeURIComponent leaves !'()* as they are.
  return /[!'()*]/.test(out)
    ? out.replace(/[!'()*]/g, (ch) => "%" + ch.charCodeAt(0).toString(16).toUpperCase())
    : out;
}

/** Is the path already canonical: absolute, unreserved characters and `/` only, no empty or dot segment? */
function isPlainPath(path: string, normalize: boolean): boolean {
  const n = path.length;
  if (n === 0 || path.charCodeAt(0) !== 47) return false;
  let prev = 47;
  for (let i = 1; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c === 47) {
      if (prev === 47 && normalize) return false;
    } else if (c === 46) {
      if (prev === 47 && normalize) return false;
    } else if (c >= 128 || UNRESERVED[c] === 0) {
      return false;
    }
    prev = c;
  }
  return true;
}

/** Removes empty, `.` and `..` segments (RFC 3986 section 5.2.4, and `//` collapsed). */
function normalizeSegments(path: string): string {
  const segments = path.split("/");
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  const last = segments[segments.length - 1];
  const trailing = out.length > 0 && (last === "" || last === "." || last === "..");
  return "/" + out.join("/") + (trailing ? "/" : "");
}

/**
 * The canonical URI of a path: normalized (unless `normalize` is false), then percent-encoded once
 * more (unless `encode` is false), `/` kept.
 *
 * @param path - The raw path as sent.
 * @param normalize - Remove `.`, `..` and empty segments. @default true
 * @param encode - Encode the path. @default true
 * @returns The canonical URI.
 */
export function canonicalPath(path: string, normalize = true, encode = true): string {
  if (path === "") return "/";
  if (isPlainPath(path, normalize)) return path;
  let p = normalize ? normalizeSegments(path) : path;
  if (encode) p = uriEncode(p, true);
  return p;
}

function decodeComponent(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Appends the encoded pairs of a raw query string to `pairs` (key, value, key, value...). */
function parseQuery(query: string, pairs: string[]): void {
  let start = 0;
  const n = query.length;
  while (start <= n) {
    let end = query.indexOf("&", start);
    if (end < 0) end = n;
    if (end > start) {
      const eq = query.indexOf("=", start);
      const hasValue = eq >= 0 && eq < end;
      const key = query.slice(start, hasValue ? eq : end);
      const value = hasValue ? query.slice(eq + 1, end) : "";
      pairs.push(uriEncode(decodeComponent(key)), uriEncode(decodeComponent(value)));
    }
    start = end + 1;
  }
}

/** Sorts encoded pairs by key, then value, and joins them as a canonical query string. */
function joinSortedPairs(pairs: string[]): string {
  const count = pairs.length >> 1;
  if (count === 0) return "";
  const order: number[] = [];
  for (let i = 0; i < count; i++) order.push(i << 1);
  order.sort((a, b) => {
    const ka = pairs[a]!;
    const kb = pairs[b]!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    const va = pairs[a + 1]!;
    const vb = pairs[b + 1]!;
    return va < vb ? -1 : va > vb ? 1 : 0;
  });
  let out = "";
  for (let i = 0; i < count; i++) {
    const at = order[i]!;
    out += (i === 0 ? "" : "&") + pairs[at] + "=" + pairs[at + 1];
  }
  return out;
}

/**
 * The canonical query string: each parameter decoded then RFC 3986-encoded, sorted by encoded key
 * then value, a parameter without `=` given an empty value.
 *
 * @param query - The raw query string, without `?`.
 * @returns The canonical query string.
 */
export function canonicalQuery(query: string): string {
  if (query === "") return "";
  const pairs: string[] = [];
  parseQuery(query, pairs);
  return joinSortedPairs(pairs);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Trims a value and collapses each run of spaces, tabs and line breaks (folded lines) to one space. */
function normalizeValue(value: string): string {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c <= 32 && (c !== 32 || i === 0 || i === n - 1 || value.charCodeAt(i - 1) === 32)) {
      return collapseSpaces(value);
    }
  }
  return value;
}

function collapseSpaces(value: string): string {
  let out = "";
  let runStart = -1; // start of the current run of non-space characters
  let pendingSpace = false;
  const n = value.length;
  for (let i = 0; i <= n; i++) {
    const space = i === n || isSpace(value.charCodeAt(i));
    if (space) {
      if (runStart >= 0) {
        out += (pendingSpace ? " " : "") + value.slice(runStart, i);
        pendingSpace = true;
        runStart = -1;
      }
    } else if (runStart < 0) {
      runStart = i;
    }
  }
  return out;
}

/**
 * Sorts parallel arrays of lowercase names and normalized values by name (stable: duplicates keep
 * their order), then joins them into the canonical header block.
 */
function joinHeaders(names: string[], values: string[]): CanonicalHeaders {
  const n = names.length;
  for (let i = 1; i < n; i++) {
    const name = names[i]!;
    if (names[i - 1]! <= name) continue;
    const value = values[i]!;
    let j = i - 1;
    while (j >= 0 && names[j]! > name) {
      names[j + 1] = names[j]!;
      values[j + 1] = values[j]!;
      j--;
    }
    names[j + 1] = name;
    values[j + 1] = value;
  }
  let canonical = "";
  let signed = "";
  for (let i = 0; i < n; i++) {
    const name = names[i]!;
    let value = values[i]!;
    while (i + 1 < n && names[i + 1] === name) value += "," + values[++i];
    canonical += name + ":" + value + "\n";
    signed += signed === "" ? name : ";" + name;
  }
  return { canonical, signed };
}

/**
 * The canonical headers of a header map: names lowercased and sorted, values trimmed with inner
 * runs of whitespace collapsed, headers named alike joined with commas in order. Headers that
 * proxies may change (`user-agent`, `connection`...) and `authorization` are left out.
 *
 * @param headers - The headers, names in any case.
 * @returns The canonical block and the signed header names.
 */
export function canonicalHeaders(headers: Record<string, string>): CanonicalHeaders {
  const names: string[] = [];
  const values: string[] = [];
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    const name = key.toLowerCase();
    if (UNSIGNABLE.has(name)) continue;
    names.push(name);
    values.push(normalizeValue(typeof value === "string" ? value : String(value)));
  }
  return joinHeaders(names, values);
}

/**
 * The canonical request.
 *
 * @param method - The HTTP method.
 * @param path - The canonical URI ({@link canonicalPath}).
 * @param query - The canonical query string ({@link canonicalQuery}).
 * @param headers - The canonical header block, each line ending with `\n` ({@link canonicalHeaders}).
 * @param signedHeaders - The signed header names, `;`-separated.
 * @param payloadHash - The hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
 * @returns The canonical request.
 */
export function canonicalRequest(
  method: string,
  path: string,
  query: string,
  headers: string,
  signedHeaders: string,
  payloadHash: string,
): string {
  return method + "\n" + path + "\n" + query + "\n" + headers + "\n" + signedHeaders + "\n" + payloadHash;
}

/**
 * The string to sign.
 *
 * @param date - The signing time, `yyyymmddThhmmssZ` ({@link amzDate}).
 * @param scope - The credential scope ({@link credentialScope}).
 * @param request - The canonical request ({@link canonicalRequest}).
 * @returns The string to sign.
 */
export function stringToSign(date: string, scope: string, request: string): string {
  return ALGORITHM + "\n" + date + "\n" + scope + "\n" + sha256Hex(request);
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

/**
 * The payload hash of a body.
 *
 * @param body - The body; `undefined` or empty is the empty string.
 * @returns The hex SHA-256.
 */
export function payloadHash(body: string | Uint8Array | undefined): string {
  return body === undefined || body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
}

// ---------------------------------------------------------------------------------------------
// Whole requests
// ---------------------------------------------------------------------------------------------

interface Prepared {
  accessKeyId: string;
  secret: string;
  token: string | undefined;
  date: string;
  scope: string;
  hash: string;
  path: string;
}

function prepare(request: SignableRequest, options: SigningOptions): Prepared {
  if (request === null || typeof request !== "object") throw invalid("request", "an object", request);
  if (typeof request.method !== "string" || request.method === "")
    throw invalid("method", "an HTTP method such as GET", request.method);
  if (typeof request.path !== "string" || (request.path !== "" && request.path[0] !== "/"))
    throw invalid("path", "a path starting with /", request.path);
  const credentials = options?.credentials;
  const accessKeyId = credentials?.accessKeyId;
  const secret = credentials?.secretAccessKey;
  if (typeof accessKeyId !== "string" || accessKeyId === "" || typeof secret !== "string" || secret === "") {
    // Never the values: only which keys were there.
    throw invalid(
      "credentials",
      "an object with non-empty accessKeyId and secretAccessKey strings",
      credentials === null || typeof credentials !== "object"
        ? `a ${credentials === null ? "null" : typeof credentials}`
        : `keys ${Object.keys(credentials).join(", ") || "(none)"}`,
    );
  }
  const { region, service } = options;
  if (typeof region !== "string" || region === "")
    throw invalid("region", "a region such as eu-west-1", region);
  if (typeof service !== "string" || service === "")
    throw invalid("service", "a signing name such as sqs", service);
  const token = credentials.sessionToken;
  const date = amzDate(options.date ?? new Date());
  const scope = credentialScope(date.slice(0, 8), region, service);
  const hash = options.unsignedPayload === true ? UNSIGNED_PAYLOAD : payloadHash(request.body);
  const asSent = signsPathAsSent(service);
  const path = canonicalPath(
    request.path,
    options.normalizePath ?? !asSent,
    options.uriEscapePath ?? !asSent,
  );
  return { accessKeyId, secret, token: token === "" ? undefined : token, date, scope, hash, path };
}

function sign(p: Prepared, options: SigningOptions, creq: string): { sts: string; sig: string } {
  const sts = stringToSign(p.date, p.scope, creq);
  const key = signingKey(p.secret, p.date.slice(0, 8), options.region, options.service);
  return { sts, sig: signature(key, sts) };
}

/**
 * Signs a request with the `Authorization` header, and gives each intermediate step.
 *
 * @param request - The request; not modified.
 * @param options - Credentials, region, service, clock and variants.
 * @returns The headers to send and the steps.
 * @throws ValidationError when the request, credentials, region or service are missing or malformed
 * (never naming the credentials' values).
 */
export function signRequestSteps(request: SignableRequest, options: SigningOptions): SignedRequest {
  const p = prepare(request, options);
  const signBody = options.signBody === true;
  const token = p.token;
  const signToken = token !== undefined && options.omitSessionToken !== true;
  const input = request.headers ?? NO_HEADERS;
  const out: Record<string, string> = {};
  const names: string[] = [];
  const values: string[] = [];
  let hasHost = false;
  for (const key in input) {
    const value = input[key];
    if (value === undefined) continue;
    const name = key.toLowerCase();
    if (
      name === "authorization" ||
      name === "x-amz-date" ||
      (token !== undefined && name === "x-amz-security-token") ||
      (signBody && name === "x-amz-content-sha256")
    ) {
      continue;
    }
    out[key] = value;
    if (UNSIGNABLE.has(name)) continue;
    if (name === "host") hasHost = true;
    names.push(name);
    values.push(normalizeValue(typeof value === "string" ? value : String(value)));
  }
  if (!hasHost) {
    names.push("host");
    values.push(normalizeValue(splitHost(request.host).host));
  }
  names.push("x-amz-date");
  values.push(p.date);
  if (signToken) {
    names.push("x-amz-security-token");
    values.push(normalizeValue(token));
  }
  if (signBody) {
    names.push("x-amz-content-sha256");
    values.push(p.hash);
  }
  const headers = joinHeaders(names, values);
  const creq = canonicalRequest(
    request.method,
    p.path,
    canonicalQuery(request.query ?? ""),
    headers.canonical,
    headers.signed,
    p.hash,
  );
  const { sts, sig } = sign(p, options, creq);
  out["x-amz-date"] = p.date;
  if (token !== undefined) out["x-amz-security-token"] = token;
  if (signBody) out["x-amz-content-sha256"] = p.hash;
  out.authorization =
    ALGORITHM +
    " Credential=" +
    p.accessKeyId +
    "/" +
    p.scope +
    ", SignedHeaders=" +
    headers.signed +
    ", Signature=" +
    sig;
  return {
    headers: out,
    canonicalRequest: creq,
    stringToSign: sts,
    signature: sig,
    signedHeaders: headers.signed,
    credentialScope: p.scope,
    amzDate: p.date,
  };
}

/**
 * Signs a request with the `Authorization` header.
 *
 * @param request - The request; not modified.
 * @param options - Credentials, region, service, clock and variants.
 * @returns The headers to send: the request's own (less any `authorization` and previous
 * `x-amz-date`), plus `x-amz-date`, `x-amz-security-token` (with a session token),
 * `x-amz-content-sha256` (with `signBody`) and `authorization`. A `host` header is signed but only
 * sent back if the request had it.
 * @throws ValidationError when the request, credentials, region or service are missing or malformed
 * (never naming the credentials' values).
 */
export function signRequest(request: SignableRequest, options: SigningOptions): Record<string, string> {
  return signRequestSteps(request, options).headers;
}

/**
 * Whether a service's paths are signed as they are sent, neither normalized nor encoded once
 * more: S3 (whose object keys may hold `//`, `./` and encoded characters that are part of the
 * name), unlike every other service.
 *
 * @param service - The signing name, such as `s3` or `sqs`.
 */
export function signsPathAsSent(service: string): boolean {
  return service === "s3";
}

/**
 * Signs one of asyncaws's own requests, in place: the fast path of every call. The header names
 * must be lower case and unique, `host` among them; the path and the query given already in
 * canonical form (the query is empty for every call but REST ones). Adds `x-amz-date`,
 * `x-amz-security-token` (with a session token) and `authorization`. When the headers hold
 * `x-amz-content-sha256` (S3), its value is the payload hash, and the body is not hashed again.
 * {@link signRequest} is the general form.
 *
 * @param headers - the headers to send, modified in place
 * @param canonicalUri - the canonical path, such as `/`
 * @param query - the canonical query string ({@link canonicalQuery}), `""` for none
 */
export function signOwnRequest(
  method: string,
  canonicalUri: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  credentials: Credentials,
  region: string,
  service: string,
  date: Date,
  query = "",
): void {
  const time = amzDate(date);
  const day = time.slice(0, 8);
  const scope = credentialScope(day, region, service);
  headers["x-amz-date"] = time;
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  let canonical = "";
  for (const name of names) canonical += `${name}:${headers[name]}\n`;
  const signed = names.join(";");
  const hash = headers["x-amz-content-sha256"] ?? sha256Hex(body);
  const request = `${method}\n${canonicalUri}\n${query}\n${canonical}\n${signed}\n${hash}`;
  const toSign = `${ALGORITHM}\n${time}\n${scope}\n${sha256Hex(request)}`;
  const key = signingKey(credentials.secretAccessKey, day, region, service);
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${hmacSha256Hex(key, toSign)}`;
}

/**
 * Presigns a request: the `X-Amz-*` query parameters instead of an `Authorization` header. Gives
 * each intermediate step as well as the URL.
 *
 * @param request - The request; not modified. Its headers other than `host` must be sent with the URL.
 * @param options - Signing options and the validity.
 * @returns The query string, the URL and the steps.
 * @throws ValidationError when the request, credentials, region or service are missing or
 * malformed, or `expiresInSeconds` is not an integer from 1 to 604800 (never naming the
 * credentials' values).
 */
export function presignQuery(request: SignableRequest, options: PresignOptions): PresignedRequest {
  const expires = options?.expiresInSeconds;
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES) {
    throw invalid("expiresInSeconds", `an integer from 1 to ${MAX_EXPIRES} (7 days)`, expires);
  }
  const p = prepare(request, options);
  const { scheme, host } = splitHost(request.host);
  const token = p.token;
  const signToken = token !== undefined && options.omitSessionToken !== true;
  const names: string[] = [];
  const values: string[] = [];
  let hasHost = false;
  const input = request.headers ?? NO_HEADERS;
  for (const key in input) {
    const value = input[key];
    if (value === undefined) continue;
    const name = key.toLowerCase();
    if (UNSIGNABLE.has(name)) continue;
    if (name === "host") hasHost = true;
    names.push(name);
    values.push(normalizeValue(typeof value === "string" ? value : String(value)));
  }
  if (!hasHost) {
    names.push("host");
    values.push(normalizeValue(host));
  }
  const headers = joinHeaders(names, values);
  const credential = uriEncode(p.accessKeyId + "/" + p.scope);
  const signedParam = uriEncode(headers.signed);
  const tokenParam = token === undefined ? "" : uriEncode(token);
  const rawQuery = request.query ?? "";
  const pairs: string[] = [];
  if (rawQuery !== "") parseQuery(rawQuery, pairs);
  pairs.push(
    "X-Amz-Algorithm",
    ALGORITHM,
    "X-Amz-Credential",
    credential,
    "X-Amz-Date",
    p.date,
    "X-Amz-Expires",
    String(expires),
    "X-Amz-SignedHeaders",
    signedParam,
  );
  if (signToken) pairs.push("X-Amz-Security-Token", tokenParam);
  const creq = canonicalRequest(
    request.method,
    p.path,
    joinSortedPairs(pairs),
    headers.canonical,
    headers.signed,
    p.hash,
  );
  const { sts, sig } = sign(p, options, creq);
  const query =
    (rawQuery === "" ? "" : rawQuery + "&") +
    "X-Amz-Algorithm=" +
    ALGORITHM +
    "&X-Amz-Credential=" +
    credential +
    "&X-Amz-Date=" +
    p.date +
    "&X-Amz-SignedHeaders=" +
    signedParam +
    "&X-Amz-Expires=" +
    expires +
    (token === undefined ? "" : "&X-Amz-Security-Token=" + tokenParam) +
    "&X-Amz-Signature=" +
    sig;
  return {
    query,
    url: scheme + "://" + host + (request.path || "/") + "?" + query,
    canonicalRequest: creq,
    stringToSign: sts,
    signature: sig,
    signedHeaders: headers.signed,
    credentialScope: p.scope,
    amzDate: p.date,
  };
}

/**
 * A presigned URL: `https://host/path?query&X-Amz-Algorithm=...&X-Amz-Signature=...`, or
 * `http://` when the request's `host` starts with it (an emulator). `headers` may be left out
 * (a GET needs none: only `host` is signed).
 *
 * @param request - The request; its headers other than `host` must be sent with the URL.
 * @param options - Signing options and the validity.
 * @returns The URL.
 * @throws ValidationError when the request, credentials, region or service are missing or
 * malformed, or `expiresInSeconds` is not an integer from 1 to 604800 (never naming the
 * credentials' values).
 */
export function presignUrl(request: SignableRequest, options: PresignOptions): string {
  return presignQuery(request, options).url;
}
