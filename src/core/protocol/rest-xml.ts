/**
 * The REST-XML protocol (S3): the operation's method and URI template, members bound to URI
 * labels, query parameters and headers, the body a blob or an XML document, answers read from
 * headers and XML, errors from S3's `<Error>` document (or, for answers without a body such as
 * HEAD, from the status code). Addressing (virtual-hosted `bucket.host` or path-style
 * `host/bucket`) is decided per request by the `pathStyle` function the client gives.
 *
 * @module
 */

import type { Endpoint } from "../config.js";
import { fromBase64, md5Hex, sha256Hex, toBase64 } from "../crypto.js";
import { type ErrorContext, ResponseError } from "../errors.js";
import type { HttpResponse } from "../http.js";
import type { MemberShape, OperationShape, Shape, StructureShape } from "../schema.js";
import { canonicalPath, canonicalQuery, EMPTY_SHA256, signsPathAsSent, uriEncode } from "../signer.js";
import { bodySummary, requestIdOf, serviceErrorOf } from "./errors.js";
import { decodeStructure } from "./query.js";
import type { Protocol, ProtocolRequest, RequestTarget } from "./types.js";
import { parseXml, type XmlElement } from "./xml.js";

/** How a REST-XML service addresses its buckets. */
export interface RestXmlOptions {
  /** True to put the bucket in the path (`host/bucket/key`), false for `bucket.host/key`. */
  pathStyle(bucket: string, endpoint: Endpoint): boolean;
  /**
   * The service's signing name: S3 signs its paths as they are sent, other services normalized
   * and encoded once more (`signsPathAsSent` of the signer).
   * @default "s3"
   */
  signingName?: string | undefined;
}

/**
 * A REST-XML request as the operation gives it, below the endpoint (before {@link restXmlProtocol}
 * places it there).
 * @internal exported for tests
 */
export interface RestRequest extends ProtocolRequest {
  /** The operation's path, starting with `/`, percent-encoded as sent. */
  readonly path: string;
  /** The query string as sent, without `?`; `""` for none. */
  readonly query: string;
  /** The query's canonical form, as SigV4 signs it. */
  readonly signedQuery: string;
  /** Put before the endpoint's host name (virtual-hosted addressing: `bucket.`). */
  readonly hostPrefix: string | undefined;
}

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** ISO 8601 in UTC without milliseconds when whole. */
function iso(date: Date): string {
  const text = date.toISOString();
  return text.endsWith(".000Z") ? `${text.slice(0, -5)}Z` : text;
}

function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(typeof value === "number" ? value * 1000 : String(value));
}

/** A scalar as text for a URI label, a query parameter or an XML element. */
function scalarText(shape: Shape, value: unknown): string {
  if (shape === "t") return iso(asDate(value));
  if (shape === "B") return toBase64(typeof value === "string" ? utf8.encode(value) : (value as Uint8Array));
  return String(value);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) =>
    c === "&"
      ? "&amp;"
      : c === "<"
        ? "&lt;"
        : c === ">"
          ? "&gt;"
          : c === '"'
            ? "&quot;"
            : c === "'"
              ? "&apos;"
              : "&#13;",
  );
}

function xmlValue(shape: Shape, value: unknown, name: string): string {
  if (typeof shape === "string") return `<${name}>${escapeXml(scalarText(shape, value))}</${name}>`;
  if (shape.type === "structure")
    return `<${name}>${xmlMembers(shape, value as Record<string, unknown>)}</${name}>`;
  if (shape.type === "list") {
    const items = (value as readonly unknown[]).filter((item) => item !== undefined && item !== null);
    if (shape.flattened) return items.map((item) => xmlValue(shape.member, item, name)).join("");
    const itemName = shape.memberName ?? "member";
    return `<${name}>${items.map((item) => xmlValue(shape.member, item, itemName)).join("")}</${name}>`;
  }
  let out = "";
  const map = value as Record<string, unknown>;
  for (const key of Object.keys(map)) {
    if (map[key] === undefined || map[key] === null) continue;
    const entry = `<${shape.keyName ?? "key"}>${escapeXml(key)}</${shape.keyName ?? "key"}>${xmlValue(
      shape.value,
      map[key],
      shape.valueName ?? "value",
    )}`;
    out += shape.flattened ? `<${name}>${entry}</${name}>` : `<entry>${entry}</entry>`;
  }
  return shape.flattened ? out : `<${name}>${out}</${name}>`;
}

function xmlMembers(shape: StructureShape, value: Record<string, unknown>): string {
  let out = "";
  for (const key of Object.keys(value)) {
    const member = shape.members[key];
    const item = value[key];
    if (member === undefined || member.loc !== undefined || item === undefined || item === null) continue;
    out += xmlValue(member.shape, item, wireName(key, member));
  }
  return out;
}

function wireName(key: string, member: MemberShape): string {
  const shape = member.shape;
  if (typeof shape === "object" && shape.type === "list" && shape.flattened && shape.memberName) {
    return shape.memberName;
  }
  return member.name ?? key;
}

/** A header value: timestamps as HTTP dates (RFC 7231), the rest as text. */
function headerText(shape: Shape, value: unknown): string {
  if (shape === "t") return asDate(value).toUTCString();
  if (shape === "B") return scalarText(shape, value);
  if (typeof shape === "object" && shape.type === "list") {
    return (value as readonly unknown[]).map((item) => String(item)).join(",");
  }
  return String(value);
}

function headerValue(shape: Shape, text: string): unknown {
  switch (shape) {
    case "n":
      return Number(text);
    case "b":
      return text === "true";
    case "t": {
      const date = new Date(text);
      return Number.isNaN(date.getTime()) ? undefined : date;
    }
    case "B":
      return fromBase64(text);
    default:
      return text;
  }
}

/** Bucket names that may be a host name label: lower case, digits and hyphens, 3 to 63, no dots. */
export function isDnsSafeBucket(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes("--");
}

/**
 * Builds the request of a REST-XML operation.
 * @internal exported for tests
 */
export function encodeRestXml(
  op: OperationShape,
  input: object | undefined,
  endpoint: Endpoint,
  options: RestXmlOptions,
): RestRequest {
  const http = op.http;
  if (!http) throw new TypeError(`${op.name} has no HTTP binding`);
  const values = (input ?? {}) as Record<string, unknown>;
  const members = op.input.members;
  const headers: Record<string, string> = {};
  const query: string[] = [];
  const labels: Record<string, string> = {};
  let payload: string | Uint8Array = "";
  let xmlBody = false;
  for (const key of Object.keys(values)) {
    const member = members[key];
    const value = values[key];
    if (member === undefined || value === undefined || value === null) continue;
    const name = member.name ?? key;
    switch (member.loc) {
      case "uri":
        labels[name] = scalarText(member.shape, value);
        break;
      case "query":
        if (typeof member.shape === "object" && member.shape.type === "list") {
          for (const item of value as readonly unknown[])
            query.push(`${uriEncode(name)}=${uriEncode(String(item))}`);
        } else query.push(`${uriEncode(name)}=${uriEncode(scalarText(member.shape, value))}`);
        break;
      case "header": {
        const header = name.toLowerCase();
        // The transport frames the body itself.
        if (header !== "content-length") headers[header] = headerText(member.shape, value);
        break;
      }
      case "headers": {
        const map = value as Record<string, unknown>;
        for (const suffix of Object.keys(map)) {
          if (map[suffix] !== undefined) headers[`${name}${suffix}`.toLowerCase()] = String(map[suffix]);
        }
        break;
      }
      case "status":
        break;
      default:
        if (key === op.input.payload) {
          if (member.shape === "B" || member.shape === "s") {
            payload = value as string | Uint8Array;
          } else {
            const ns = member.ns ? ` xmlns="${escapeXml(member.ns)}"` : "";
            const inner = xmlMembers(member.shape as StructureShape, value as Record<string, unknown>);
            payload = `<?xml version="1.0" encoding="UTF-8"?><${name}${ns}>${inner}</${name}>`;
            xmlBody = true;
          }
        }
    }
  }
  // The URI template: labels, the greedy one (`{Key+}`) keeping its slashes.
  const at = http.uri.indexOf("?");
  let path = at < 0 ? http.uri : http.uri.slice(0, at);
  const literalQuery = at < 0 ? "" : http.uri.slice(at + 1);
  let hostPrefix: string | undefined;
  const bucket = labels.Bucket;
  if (bucket !== undefined && path.startsWith("/{Bucket}") && !options.pathStyle(bucket, endpoint)) {
    hostPrefix = `${bucket}.`;
    path = path.slice("/{Bucket}".length) || "/";
  }
  path = path.replace(/\{([^}+]+)(\+?)\}/g, (_, label: string, greedy: string) => {
    const value = labels[label];
    if (value === undefined) throw new TypeError(`${op.name}: ${label} is required`);
    return uriEncode(value, greedy === "+");
  });
  if (literalQuery) query.unshift(literalQuery);
  const body = payload;
  if (body.length > 0 && headers["content-type"] === undefined) {
    headers["content-type"] = xmlBody ? "application/xml" : "application/octet-stream";
  }
  headers["x-amz-content-sha256"] = body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
  if (op.checksumRequired && headers["content-md5"] === undefined) {
    headers["content-md5"] = toBase64(hexBytes(md5Hex(body)));
  }
  const binaryResponse =
    typeof op.output.payload === "string" && op.output.members[op.output.payload]?.shape === "B";
  const sent = query.join("&");
  return {
    method: http.method,
    path,
    query: sent,
    signedQuery: canonicalQuery(sent),
    headers,
    body,
    hostPrefix,
    binaryResponse,
  };
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of element.children) if (child.name === name) return child;
  return undefined;
}

/** Codes for error answers without a body (HEAD), as the AWS SDKs name them. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  301: "PermanentRedirect",
  304: "NotModified",
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  412: "PreconditionFailed",
};

function textOf(response: HttpResponse): string {
  return response.bytes ? decoder.decode(response.bytes) : response.body;
}

function decodeError(response: HttpResponse, context: ErrorContext): Error {
  const text = textOf(response);
  const requestId = requestIdOf(response);
  if (text.trim() === "") {
    const code = STATUS_CODES[response.statusCode] ?? `Http${response.statusCode}`;
    return serviceErrorOf("", code, undefined, requestId, response, context);
  }
  let root: XmlElement | undefined;
  try {
    root = parseXml(text);
  } catch {
    root = undefined;
  }
  const error = root?.name === "Error" ? root : root ? childNamed(root, "Error") : undefined;
  const code = error ? childNamed(error, "Code")?.text.trim() : undefined;
  if (!error || !code) {
    return new ResponseError(
      `unreadable error response: ${bodySummary(response)}`,
      response.statusCode,
      requestId,
      context,
    );
  }
  return serviceErrorOf(
    childNamed(error, "Message")?.text.trim() ?? "",
    code,
    undefined,
    childNamed(error, "RequestId")?.text.trim() || requestId,
    response,
    context,
  );
}

/**
 * Reads the answer of a REST-XML operation.
 * @internal exported for tests
 */
export function decodeRestXml(op: OperationShape, response: HttpResponse, context: ErrorContext): unknown {
  if (response.statusCode < 200 || response.statusCode >= 300) throw decodeError(response, context);
  const shape = op.output;
  const out: Record<string, unknown> = {};
  const payload = shape.payload;
  let bodyMembers = false;
  for (const key of Object.keys(shape.members)) {
    const member = shape.members[key]!;
    const name = (member.name ?? key).toLowerCase();
    if (member.loc === "header") {
      const text = response.headers[name];
      if (text !== undefined) {
        const value = headerValue(member.shape, text);
        if (value !== undefined) out[key] = value;
      }
    } else if (member.loc === "headers") {
      const map: Record<string, string> = {};
      let any = false;
      for (const header of Object.keys(response.headers)) {
        if (header.startsWith(name) && response.headers[header] !== undefined) {
          map[header.slice(name.length)] = response.headers[header]!;
          any = true;
        }
      }
      if (any) out[key] = map;
    } else if (member.loc === "status") {
      out[key] = response.statusCode;
    } else if (key === payload) {
      if (member.shape === "B") out[key] = response.bytes ?? utf8.encode(response.body);
      else if (member.shape === "s") out[key] = textOf(response);
      else bodyMembers = true;
    } else if (member.loc === undefined) {
      bodyMembers = true;
    }
  }
  if (!bodyMembers) return out;
  const text = textOf(response);
  if (text.trim() === "") return out;
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    throw new ResponseError(
      `unreadable XML: ${bodySummary(response)}`,
      response.statusCode,
      requestIdOf(response),
      context,
      { cause: error },
    );
  }
  if (payload !== undefined) {
    const member = shape.members[payload]!;
    out[payload] = decodeStructure(member.shape as StructureShape, root);
    return out;
  }
  return Object.assign(decodeStructure(shape, root), out);
}

/**
 * Where a REST request goes: the endpoint's path joined to the operation's (the endpoint's alone
 * for `/`), the query after `?`, the bucket's host name; with the canonical URI as the service
 * signs it.
 */
function targetOf(request: RestRequest, endpoint: Endpoint, asSent: boolean): RequestTarget {
  let path = endpoint.path;
  if (request.path !== "/") path = path === "/" ? request.path : path.replace(/\/$/, "") + request.path;
  const prefix = request.hostPrefix ?? "";
  return {
    path: request.query === "" ? path : `${path}?${request.query}`,
    canonicalUri: canonicalPath(path, !asSent, !asSent),
    signedQuery: request.signedQuery,
    hostname: prefix + endpoint.hostname,
    host: prefix + endpoint.host,
  };
}

/** The REST-XML protocol, addressing buckets as `options.pathStyle` says. */
export function restXmlProtocol(options: RestXmlOptions): Protocol {
  const asSent = signsPathAsSent(options.signingName ?? "s3");
  return {
    encode(op, input, endpoint) {
      const request = encodeRestXml(op, input, endpoint, options);
      return { ...request, target: targetOf(request, endpoint, asSent) };
    },
    decode: decodeRestXml,
  };
}
