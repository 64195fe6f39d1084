/**
 * Presigning: the `X-Amz-*` query parameters instead of an `Authorization` header. It differs
 * from header signing only in where the signing values go.
 *
 * @module
 */

import {
  ALGORITHM,
  canonicalRequest,
  collectHeaders,
  invalid,
  joinHeaders,
  joinSortedPairs,
  NO_HEADERS,
  parseQuery,
  splitHost,
  uriEncode,
} from "./canonical.js";
import { prepare, sign } from "./prepare.js";
import type { PresignedRequest, PresignOptions, SignableRequest } from "./types.js";

const MAX_EXPIRES = 604800;

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
  const { names, values } = collectHeaders(request.headers ?? NO_HEADERS, () => host);
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
