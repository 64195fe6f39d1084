/**
 * Header signing: the `Authorization` header of a request. {@link signRequestSteps} is the
 * general form (any header names, values normalized, the query sorted); {@link signOwnRequest}
 * the fast path of every call, for the library's own requests whose headers are already in
 * canonical form (a test checks over many requests and the SigV4 suite that both give the same
 * signature).
 *
 * @module
 */

import type { Credentials } from "../credentials/types.js";
import { sha256Hex } from "../crypto.js";
import {
  ALGORITHM,
  amzDate,
  canonicalQuery,
  canonicalRequest,
  collectHeaders,
  credentialScope,
  joinHeaders,
  NO_HEADERS,
  normalizeValue,
  splitHost,
} from "./canonical.js";
import { signature, signingKey } from "./key.js";
import { prepare, sign } from "./prepare.js";
import type { SignableRequest, SignedRequest, SigningOptions } from "./types.js";

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
  const out: Record<string, string> = {};
  const { names, values } = collectHeaders(
    request.headers ?? NO_HEADERS,
    () => splitHost(request.host).host,
    (name) =>
      name === "authorization" ||
      name === "x-amz-date" ||
      (token !== undefined && name === "x-amz-security-token") ||
      (signBody && name === "x-amz-content-sha256"),
    out,
  );
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
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature(key, toSign)}`;
}
