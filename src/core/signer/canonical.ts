/**
 * The canonical pieces of SigV4, each a small function that can be checked against the official
 * test suite alone: the timestamp and the credential scope, the canonical path, query and
 * headers, the canonical request, the string to sign, the payload hash.
 *
 * @module
 */

import { sha256Hex } from "../crypto.js";
import { ValidationError } from "../errors.js";
import type { CanonicalHeaders } from "./types.js";

/** The signing algorithm name. */
export const ALGORITHM = "AWS4-HMAC-SHA256";
/** The SHA-256 of the empty string, the payload hash of a request without a body. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** The payload hash of an unsigned payload. */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

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

/** Text of RFC 3986 unreserved characters only (A-Z a-z 0-9 - _ . ~), and the same with `/`. */
const PLAIN = /^[\w.~-]*$/;
const PLAIN_PATH = /^[\w.~/-]*$/;

/** The unreserved characters as a table of the ASCII codes, for the path scan of {@link isPlainPath}. */
const UNRESERVED = /* @__PURE__ */ unreservedTable();

function unreservedTable(): Uint8Array {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = PLAIN.test(String.fromCharCode(c)) ? 1 : 0;
  return table;
}

/** Bad input to the signer, as every bad input: a ValidationError naming field, rule and value. */
export function invalid(field: string, rule: string, value: unknown): ValidationError {
  return new ValidationError(field, rule, value);
}

export const NO_HEADERS: Readonly<Record<string, string>> = /* @__PURE__ */ Object.freeze({});

const HOST = /^(?:(https?):\/\/)?([^/?#\s@]+)$/i;

/** The scheme and the bare host of a request's `host` (which may start with `http(s)://`). */
export function splitHost(host: unknown): { scheme: string; host: string } {
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

/**
 * Throws the ValidationError of a signing date that is invalid or outside years 0-9999 (which
 * SigV4's `yyyymmddThhmmssZ` cannot write).
 */
export function checkSigningDate(date: Date): void {
  const ms = date.getTime();
  if (!(ms >= -62167219200000 && ms < 253402300800000))
    throw invalid("date", "a valid Date in years 0 to 9999", date);
}

let lastSecond: number | undefined;
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
  checkSigningDate(date);
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
  if ((keepSlash ? PLAIN_PATH : PLAIN).test(text)) return text;
  let out: string;
  try {
    out = encodeURIComponent(text);
  } catch {
    // The text may be a session token: never shown.
    throw invalid("path, query or session token", "well-formed Unicode (no lone surrogate)", undefined);
  }
  if (keepSlash) out = out.replaceAll("%2F", "/");
  // encodeURIComponent leaves !'()* as they are.
  return out.replace(/[!'()*]/g, (ch) => "%" + ch.charCodeAt(0).toString(16).toUpperCase());
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

/**
 * The canonical URI of a path as the URL parser gives it (`new URL(url).pathname`: dot segments
 * resolved, percent-encoded), for a service that normalizes and encodes its paths: what
 * {@link canonicalPath} gives for such a path (a test compares them), in less code, since only
 * the empty segments are left to remove before encoding once more.
 *
 * @param pathname - The path of a parsed URL.
 * @returns The canonical URI.
 */
export function canonicalUrlPath(pathname: string): string {
  return uriEncode(pathname.replace(/\/\/+/g, "/"), true);
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
export function parseQuery(query: string, pairs: string[]): void {
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
export function joinSortedPairs(pairs: string[]): string {
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
export function normalizeValue(value: string): string {
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
export function joinHeaders(names: string[], values: string[]): CanonicalHeaders {
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
  const { names, values } = collectHeaders(headers);
  return joinHeaders(names, values);
}

/**
 * The one loop over a request's headers, for every path of the general signer: each header to
 * sign as a lowercase name and a normalized value, in the order given (headers that proxies may
 * change left out).
 *
 * @param headers - the headers, names in any case
 * @param hostOf - when given, the `host` value to sign if the headers have none
 * @param skip - names (lowercase) neither signed nor kept (a previous signature's headers)
 * @param kept - when given, receives every header not skipped, named as given (the headers to send)
 * @internal
 */
export function collectHeaders(
  headers: Readonly<Record<string, string>>,
  hostOf?: () => string,
  skip?: (name: string) => boolean,
  kept?: Record<string, string>,
): { names: string[]; values: string[] } {
  const names: string[] = [];
  const values: string[] = [];
  let hasHost = false;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    const name = key.toLowerCase();
    if (skip?.(name)) continue;
    if (kept) kept[key] = value;
    if (UNSIGNABLE.has(name)) continue;
    if (name === "host") hasHost = true;
    names.push(name);
    values.push(normalizeValue(typeof value === "string" ? value : String(value)));
  }
  if (!hasHost && hostOf) {
    names.push("host");
    values.push(normalizeValue(hostOf()));
  }
  return { names, values };
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
 * The payload hash of a body.
 *
 * @param body - The body; `undefined` or empty is the empty string.
 * @returns The hex SHA-256.
 */
export function payloadHash(body: string | Uint8Array | undefined): string {
  return body === undefined || body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
}
