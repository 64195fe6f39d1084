// SigV4 verification (header variant), written apart from asyncaws's signer: the stub checks the
// clients' signatures with it, and the signing benchmark checks each signer's output.

import { createHash, createHmac } from "node:crypto";
import { BENCH_CREDENTIALS } from "./fixtures.mjs";

const sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function encodeSegment(segment) {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalQuery(query) {
  if (!query) return "";
  return query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, "%20"));
      return [encodeSegment(name), encodeSegment(value)];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join("&");
}

/**
 * Returns undefined when the request's signature is right, else why not.
 * @param headers - header names in lower case (as node:http gives them)
 */
export function verifySignature(method, url, headers, body) {
  const auth = headers.authorization;
  const match = typeof auth === "string" ? AUTH.exec(auth) : null;
  if (!match) return "no SigV4 Authorization header";
  const [, accessKeyId, day, region, service, signedHeaders, signature] = match;
  if (accessKeyId !== BENCH_CREDENTIALS.accessKeyId) return "unknown access key";
  const amzDate = headers["x-amz-date"];
  if (typeof amzDate !== "string" || !amzDate.startsWith(day))
    return "x-amz-date missing or not the scope's day";
  const [path, query = ""] = url.split("?");
  const canonicalPath = path
    .split("/")
    .map((s) => encodeSegment(decodeURIComponent(s)))
    .join("/");
  const names = signedHeaders.split(";");
  let canonicalHeaders = "";
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) return `signed header ${name} missing`;
    canonicalHeaders += `${name}:${String(value).trim().replace(/\s+/g, " ")}\n`;
  }
  const payload = headers["x-amz-content-sha256"] ?? sha256(body);
  const canonical = `${method}\n${canonicalPath}\n${canonicalQuery(query)}\n${canonicalHeaders}\n${signedHeaders}\n${payload}`;
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonical)}`;
  let key = createHmac("sha256", `AWS4${BENCH_CREDENTIALS.secretAccessKey}`).update(day).digest();
  key = createHmac("sha256", key).update(region).digest();
  key = createHmac("sha256", key).update(service).digest();
  key = createHmac("sha256", key).update("aws4_request").digest();
  const expected = createHmac("sha256", key).update(toSign).digest("hex");
  return expected === signature ? undefined : "signature does not match";
}
