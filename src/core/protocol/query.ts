/**
 * The AWS Query protocol (SNS, STS, SQS legacy): form-encoded requests, XML responses and errors,
 * both driven by the generated shape descriptors of {@link OperationShape}.
 *
 * @module
 */

import { fromBase64, toBase64 } from "../crypto.js";
import type { ListShape, MapShape, MemberShape, OperationShape, Shape, StructureShape } from "../schema.js";
import { parseXml, type XmlElement } from "./xml.js";

// ---------------------------------------------------------------------------------------------
// Encoding

/** Percent-encodes as the AWS SDKs do: RFC 3986 unreserved characters stay, all else is escaped. */
export function percent(value: string): string {
  const encoded = encodeURIComponent(value);
  return /[!'()*]/.test(encoded)
    ? encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    : encoded;
}

/** ISO 8601 in UTC; whole seconds are written without a fraction (`2024-01-02T03:04:05Z`). */
function formatTimestamp(value: unknown): string {
  const date =
    value instanceof Date ? value : new Date(typeof value === "number" ? value * 1000 : (value as string));
  const iso = date.toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

function scalar(shape: Shape, value: unknown): string {
  switch (shape) {
    case "B":
      return toBase64(typeof value === "string" ? new TextEncoder().encode(value) : (value as Uint8Array));
    case "t":
      return formatTimestamp(value);
    case "b":
      return typeof value === "boolean" ? (value ? "true" : "false") : String(value);
    default:
      return String(value);
  }
}

/**
 * Wire name of a structure member: its Query name from the model, else its own name. A flattened
 * list or map repeats under this name (`AttributeName.1`, `Attribute.1.Name`): the generator has
 * already resolved which name the model gives it.
 */
function wireName(key: string, member: MemberShape): string {
  return member.name ?? key;
}

function encodeValue(shape: Shape, value: unknown, prefix: string, out: string[]): void {
  if (typeof shape === "string") {
    out.push(`&${prefix}=${percent(scalar(shape, value))}`);
    return;
  }
  if (shape.type === "structure") {
    encodeStructure(shape, value as Record<string, unknown>, `${prefix}.`, out);
  } else if (shape.type === "list") {
    encodeList(shape, value as readonly unknown[], prefix, out);
  } else {
    encodeMap(shape, value as Record<string, unknown>, prefix, out);
  }
}

/**
 * Wire names that several members of a structure share, per structure: ReceiveMessage's
 * `AttributeNames` and `MessageSystemAttributeNames` are both `AttributeName` in AWS's model.
 */
const sharedNames = new WeakMap<StructureShape, ReadonlySet<string>>();

function sharedNamesOf(shape: StructureShape): ReadonlySet<string> {
  let shared = sharedNames.get(shape);
  if (!shared) {
    const seen = new Set<string>();
    const found = new Set<string>();
    for (const key of Object.keys(shape.members)) {
      const name = wireName(key, shape.members[key]!);
      if (seen.has(name)) found.add(name);
      seen.add(name);
    }
    shared = found;
    sharedNames.set(shape, shared);
  }
  return shared;
}

/**
 * Encodes a structure's members as form parameters under `prefix` (`Entries.member.1.`), each
 * starting with `&`, into `out`: what {@link encodeQuery} does for each structure of an input.
 */
export function encodeStructure(
  shape: StructureShape,
  value: Record<string, unknown>,
  prefix: string,
  out: string[],
): void {
  const members = shape.members;
  const shared = sharedNamesOf(shape);
  let counts: Map<string, number> | undefined;
  for (const key of Object.keys(value)) {
    const member = members[key];
    const item = value[key];
    if (member === undefined || item === undefined || item === null) continue;
    const name = wireName(key, member);
    const memberShape = member.shape;
    if (
      shared.size > 0 &&
      shared.has(name) &&
      typeof memberShape === "object" &&
      memberShape.type === "list"
    ) {
      // Flattened lists under one name continue one numbering: `AttributeName.1`, `.2`, ...
      counts ??= new Map();
      const start = counts.get(name) ?? 0;
      counts.set(name, encodeList(memberShape, item as readonly unknown[], prefix + name, out, start));
    } else {
      encodeValue(memberShape, item, prefix + name, out);
    }
  }
}

/** Encodes a list, numbering its items from `start + 1`; returns the last number used. */
function encodeList(
  shape: ListShape,
  value: readonly unknown[],
  prefix: string,
  out: string[],
  start = 0,
): number {
  const itemPrefix = shape.flattened ? `${prefix}.` : `${prefix}.${shape.memberName ?? "member"}.`;
  let n = start;
  for (const item of value) {
    if (item === undefined || item === null) continue;
    encodeValue(shape.member, item, itemPrefix + ++n, out);
  }
  if (n === 0) out.push(`&${prefix}=`);
  return n;
}

function encodeMap(shape: MapShape, value: Record<string, unknown>, prefix: string, out: string[]): void {
  const entryPrefix = shape.flattened ? `${prefix}.` : `${prefix}.entry.`;
  const keyName = `.${shape.keyName ?? "key"}=`;
  const valueName = `.${shape.valueName ?? "value"}`;
  let n = 0;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || item === null) continue;
    const entry = entryPrefix + ++n;
    out.push(`&${entry}${keyName}${percent(key)}`);
    encodeValue(shape.value, item, entry + valueName, out);
  }
}

/**
 * Encodes an operation's input as an AWS Query form body.
 *
 * Structures become `Prefix.Member` (using wire names), lists `Prefix.member.N` (or `Prefix.N` when
 * flattened; an empty list is sent as `Prefix=`), maps `Prefix.entry.N.key` / `Prefix.entry.N.value`
 * (or `Prefix.N.key` / `Prefix.N.value` when flattened). Numbers are written with `String()`,
 * booleans as `true` / `false`, blobs in base64 and timestamps in ISO 8601. Lists that the model
 * gives the same name (ReceiveMessage's `AttributeNames` and `MessageSystemAttributeNames`, both
 * `AttributeName`) continue one numbering. Undefined and null
 * members, items and map values are skipped; members not in the schema are ignored. Parameters keep
 * the order of the input object's keys. Values are percent-encoded per RFC 3986, as the AWS SDKs do.
 *
 * @param op The operation.
 * @param input The operation's input, shaped as AWS's API reference has it.
 * @param version The API version, such as `2010-03-31` for SNS.
 * @returns The `application/x-www-form-urlencoded` body, starting with `Action=...&Version=...`.
 */
export function encodeQuery(op: OperationShape, input: object | undefined, version: string): string {
  const head = `Action=${percent(op.name)}&Version=${percent(version)}`;
  if (!input) return head;
  // A body the input's maker wrote (a producer's batch), else the generic encoding.
  const written = op.writeBody?.(input, "query");
  if (written !== undefined) return head + written;
  const out = [head];
  encodeStructure(op.input, input as Record<string, unknown>, "", out);
  return out.join("");
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Wire element name → [member key, member], per structure shape. */
const lookups = new WeakMap<StructureShape, Map<string, readonly [string, MemberShape]>>();

function lookup(shape: StructureShape): Map<string, readonly [string, MemberShape]> {
  let map = lookups.get(shape);
  if (!map) {
    map = new Map();
    for (const key of Object.keys(shape.members)) {
      const member = shape.members[key]!;
      map.set(wireName(key, member), [key, member]);
    }
    lookups.set(shape, map);
  }
  return map;
}

/** Sets a key on a plain object, `__proto__` included (as an own property). */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function parseTimestamp(text: string): Date {
  const trimmed = text.trim();
  const date = /^-?\d+(\.\d+)?$/.test(trimmed) ? new Date(Number(trimmed) * 1000) : new Date(trimmed);
  if (Number.isNaN(date.getTime()))
    throw new SyntaxError(`Invalid timestamp in XML: ${trimmed.slice(0, 40)}`);
  return date;
}

/** Decodes one element by its shape; `undefined` for an empty number, boolean or timestamp. */
function decodeValue(shape: Shape, element: XmlElement): unknown {
  switch (shape) {
    case "s":
      return element.text;
    case "n": {
      const text = element.text.trim();
      return text === "" ? undefined : Number(text);
    }
    case "b": {
      const text = element.text.trim();
      return text === "" ? undefined : text === "true";
    }
    case "B": {
      const text = element.text;
      return fromBase64(/\s/.test(text) ? text.replace(/\s+/g, "") : text);
    }
    case "t":
      return element.text.trim() === "" ? undefined : parseTimestamp(element.text);
  }
  if (shape.type === "structure") return decodeStructure(shape, element);
  if (shape.type === "list") {
    const itemName = shape.memberName ?? "member";
    const items: unknown[] = [];
    for (const child of element.children) {
      if (child.name !== itemName) continue;
      const item = decodeValue(shape.member, child);
      if (item !== undefined) items.push(item);
    }
    return items;
  }
  const map: Record<string, unknown> = {};
  for (const child of element.children) if (child.name === "entry") decodeEntry(shape, child, map);
  return map;
}

/** Reads one map entry (`<entry>` or a flattened entry element) into `map`. */
function decodeEntry(shape: MapShape, element: XmlElement, map: Record<string, unknown>): void {
  const keyName = shape.keyName ?? "key";
  const valueName = shape.valueName ?? "value";
  let key: string | undefined;
  let value: XmlElement | undefined;
  for (const child of element.children) {
    if (child.name === keyName) key = child.text;
    else if (child.name === valueName) value = child;
  }
  if (key === undefined || value === undefined) return;
  const decoded = decodeValue(shape.value, value);
  if (decoded !== undefined) setKey(map, key, decoded);
}

/**
 * Decodes an XML element by a structure shape (members by wire name; lists and maps wrapped or
 * flattened): shared by the Query and REST-XML protocols.
 */
export function decodeStructure(shape: StructureShape, element: XmlElement): Record<string, unknown> {
  const members = lookup(shape);
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    const found = members.get(child.name);
    if (!found) continue;
    const [key, { shape: memberShape }] = found;
    if (typeof memberShape === "object" && memberShape.type !== "structure" && memberShape.flattened) {
      let collected = out[key];
      if (collected === undefined) {
        collected = memberShape.type === "list" ? [] : {};
        out[key] = collected;
      }
      if (memberShape.type === "list") {
        const item = decodeValue(memberShape.member, child);
        if (item !== undefined) (collected as unknown[]).push(item);
      } else {
        decodeEntry(memberShape, child, collected as Record<string, unknown>);
      }
    } else {
      const value = decodeValue(memberShape, child);
      if (value !== undefined) out[key] = value;
    }
  }
  return out;
}

function childNamed(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (element) for (const child of element.children) if (child.name === name) return child;
  return undefined;
}

/** A decoded Query response. */
export interface QueryResponse {
  /** The operation's output, shaped as AWS's API reference has it; `{}` for operations with none. */
  output: Record<string, unknown>;
  /** AWS's request id, from `<ResponseMetadata><RequestId>`. */
  requestId: string | undefined;
}

/**
 * Decodes a successful AWS Query XML response: `<OpResponse><OpResult>…</OpResult>
 * <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`.
 *
 * The output is read from the element named by `op.resultWrapper` (no wrapper: the output is `{}`)
 * by the operation's output shape: lists (wrapped or flattened), maps (`<entry>` or flattened),
 * numbers, booleans, blobs (as `Uint8Array`), timestamps (ISO 8601 or epoch seconds, as `Date`).
 * Members absent from the XML are absent from the output; unknown elements are ignored.
 *
 * @param op The operation.
 * @param xml The response body.
 * @returns The output and the request id.
 * @throws SyntaxError when the body is not well-formed XML or holds an invalid timestamp.
 */
export function decodeQueryResponse(op: OperationShape, xml: string): QueryResponse {
  const root = parseXml(xml);
  const requestId = childNamed(childNamed(root, "ResponseMetadata"), "RequestId")?.text.trim();
  const result = op.resultWrapper === undefined ? undefined : childNamed(root, op.resultWrapper);
  return { output: result ? decodeStructure(op.output, result) : {}, requestId };
}

/** An AWS Query error response, as read by {@link parseQueryError}. */
export interface QueryError {
  /** AWS's error code, such as `NotFound` or `AWS.SimpleQueueService.NonExistentQueue`. */
  code: string;
  /** AWS's message; empty when it sent none. */
  message: string;
  /** Whose fault: `Sender` (the request) or `Receiver` (AWS), when AWS says. */
  type?: "Sender" | "Receiver";
  /** AWS's request id, when the body has one. */
  requestId?: string;
}

/**
 * Reads an AWS Query error body, in either of its two forms:
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` or
 * `<Response><Errors><Error>…</Error></Errors><RequestID/></Response>`.
 *
 * @param xml The response body.
 * @returns The error, or `undefined` when the body is not such XML (not XML at all, HTML, no code).
 */
export function parseQueryError(xml: string): QueryError | undefined {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch {
    return undefined;
  }
  let error: XmlElement | undefined;
  if (root.name === "ErrorResponse") error = childNamed(root, "Error");
  else if (root.name === "Response") error = childNamed(childNamed(root, "Errors"), "Error");
  const code = childNamed(error, "Code")?.text.trim();
  if (!code) return undefined;
  const result: QueryError = { code, message: childNamed(error, "Message")?.text.trim() ?? "" };
  const type = childNamed(error, "Type")?.text.trim();
  if (type === "Sender" || type === "Receiver") result.type = type;
  const requestId = (childNamed(root, "RequestId") ?? childNamed(root, "RequestID"))?.text.trim();
  if (requestId) result.requestId = requestId;
  return result;
}
