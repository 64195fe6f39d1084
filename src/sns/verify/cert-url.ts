/**
 * Which signing certificate URLs are trusted: SNS's own, in its pinned form, and nothing else.
 *
 * @module
 */

import { SignatureVerificationError } from "../../core/errors.js";

const HOST = /^sns\.[a-z]{2,5}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com(?:\.cn)?$/;
const PATH = /^\/SimpleNotificationService-[0-9a-fA-F]{1,128}\.pem$/;

function reject(why: string): never {
  throw new SignatureVerificationError("untrusted-certificate-url", `SigningCertURL ${why}`);
}

/**
 * Checks a `SigningCertURL`: it must be `https`, its host exactly `sns.<region>.amazonaws.com`
 * (or `.amazonaws.com.cn`), with no user info, port, query or fragment, and its path
 * `/SimpleNotificationService-<hex>.pem`. The text itself is checked, not a parser's reading of
 * it, so no normalization (a default port, a backslash, upper case) can slip through.
 *
 * @returns the URL, unchanged
 * @throws SignatureVerificationError with reason `untrusted-certificate-url`, saying why
 */
export function checkSigningCertUrl(url: unknown): string {
  if (typeof url !== "string" || url === "") reject("is missing");
  if (url.length > 2048) reject("is too long");
  if (!url.startsWith("https://")) {
    reject(`is not https: ${JSON.stringify(url.slice(0, 100))}`);
  }
  const rest = url.slice("https://".length);
  const stop = rest.search(/[/?#\\]/);
  const authority = stop === -1 ? rest : rest.slice(0, stop);
  const tail = stop === -1 ? "" : rest.slice(stop);
  if (authority.includes("@")) reject("has user info");
  if (authority.includes(":")) reject("has a port");
  if (!HOST.test(authority)) {
    reject(`host ${JSON.stringify(authority.slice(0, 100))} is not sns.<region>.amazonaws.com(.cn)`);
  }
  if (tail.includes("?")) reject("has a query");
  if (tail.includes("#")) reject("has a fragment");
  if (!PATH.test(tail)) {
    reject(`path ${JSON.stringify(tail.slice(0, 100))} is not /SimpleNotificationService-<hex>.pem`);
  }
  return url;
}
