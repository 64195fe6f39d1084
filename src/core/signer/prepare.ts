/**
 * What header signing and presigning share: the request and options checked, the timestamp, the
 * scope, the payload hash and the canonical path; then the string to sign and the signature.
 *
 * @module
 */

import {
  amzDate,
  canonicalPath,
  credentialScope,
  invalid,
  payloadHash,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from "./canonical.js";
import { signature, signingKey } from "./key.js";
import type { SignableRequest, SigningOptions } from "./types.js";

/** @internal The checked pieces of a request to sign. */
export interface Prepared {
  accessKeyId: string;
  secret: string;
  token: string | undefined;
  date: string;
  scope: string;
  hash: string;
  path: string;
}

export function prepare(request: SignableRequest, options: SigningOptions): Prepared {
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

export function sign(p: Prepared, options: SigningOptions, creq: string): { sts: string; sig: string } {
  const sts = stringToSign(p.date, p.scope, creq);
  const key = signingKey(p.secret, p.date.slice(0, 8), options.region, options.service);
  return { sts, sig: signature(key, sts) };
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
