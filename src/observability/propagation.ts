/**
 * Trace context through a queue, with no tracer of its own: W3C `traceparent`/`tracestate` and
 * X-Ray's `AWSTraceHeader`, written into the messages a call sends and read back from the
 * messages received (SQS message attributes, the `AWSTraceHeader` system attribute, the
 * attributes of an SNS envelope).
 *
 * Written on send: the `AWSTraceHeader` system attribute (it takes none of the 10 attribute slots),
 * and `traceparent` (and `tracestate`) message attributes only while the message keeps within 10
 * attributes and 256 KiB: a send never fails for the trace.
 *
 * @module
 */

/** A trace position: W3C ids in lower-case hex. */
export interface TraceIds {
  /** 32 hex digits. */
  traceId: string;
  /** 16 hex digits: the span the trace continues from. */
  spanId: string;
  /** Whether the trace is sampled. */
  sampled: boolean;
  /** W3C `tracestate`, when there is one. */
  traceState?: string | undefined;
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const INVALID_TRACE = "00000000000000000000000000000000";
const INVALID_SPAN = "0000000000000000";

/** The W3C `traceparent` of ids: `00-<trace id>-<span id>-<01|00>`. */
export function toTraceparent(ids: TraceIds): string {
  return `00-${ids.traceId}-${ids.spanId}-${ids.sampled ? "01" : "00"}`;
}

/** Reads a W3C `traceparent` (version 00, or a later one read as 00); undefined when invalid. */
export function parseTraceparent(value: unknown, traceState?: unknown): TraceIds | undefined {
  if (typeof value !== "string") return undefined;
  const parts = value.trim().toLowerCase().split("-");
  if (parts.length < 4) return undefined;
  const [version, traceId, spanId, flags] = parts as [string, string, string, string];
  if (!/^[0-9a-f]{2}$/.test(version) || version === "ff" || (version === "00" && parts.length !== 4))
    return undefined;
  if (!HEX32.test(traceId) || !HEX16.test(spanId) || !/^[0-9a-f]{2}$/.test(flags)) return undefined;
  if (traceId === INVALID_TRACE || spanId === INVALID_SPAN) return undefined;
  const ids: TraceIds = { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
  if (typeof traceState === "string" && traceState !== "") ids.traceState = traceState;
  return ids;
}

/**
 * The X-Ray trace header of W3C ids: `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`
 * (X-Ray's trace id is the W3C one cut after 8 digits, which are its epoch seconds).
 */
export function toXRay(ids: TraceIds): string {
  return `Root=1-${ids.traceId.slice(0, 8)}-${ids.traceId.slice(8)};Parent=${ids.spanId};Sampled=${ids.sampled ? 1 : 0}`;
}

/** Reads an X-Ray trace header into W3C ids; undefined when it has no valid `Root` and `Parent`. */
export function parseXRay(header: unknown): TraceIds | undefined {
  if (typeof header !== "string") return undefined;
  let traceId: string | undefined;
  let spanId: string | undefined;
  let sampled = false;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part
      .slice(at + 1)
      .trim()
      .toLowerCase();
    if (key === "Root") {
      const match = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(value);
      if (match) traceId = match[1]! + match[2]!;
    } else if (key === "Parent") {
      if (HEX16.test(value)) spanId = value;
    } else if (key === "Sampled") sampled = value === "1";
  }
  if (!traceId || !spanId || traceId === INVALID_TRACE || spanId === INVALID_SPAN) return undefined;
  return { traceId, spanId, sampled };
}

// ---------------------------------------------------------------------------------------------
// Writing into what is sent

/** The most message attributes SQS takes (and SNS delivers to SQS). */
const MAX_ATTRIBUTES = 10;
/** A message keeps within this many bytes with the trace attributes (the smallest default limit). */
const MAX_TRACED_BYTES = 262_144;

type Attributes = Record<string, { DataType?: unknown; StringValue?: unknown; BinaryValue?: unknown }>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The size SQS counts for a message: its body and each attribute's name, type and value. */
function messageBytes(body: unknown, attributes: Attributes | undefined): number {
  let bytes = typeof body === "string" ? utf8Length(body) : 0;
  if (attributes) {
    for (const name in attributes) {
      const attribute = attributes[name];
      bytes += utf8Length(name);
      if (!isObject(attribute)) continue;
      if (typeof attribute.DataType === "string") bytes += utf8Length(attribute.DataType);
      if (typeof attribute.StringValue === "string") bytes += utf8Length(attribute.StringValue);
      else if (attribute.BinaryValue instanceof Uint8Array) bytes += attribute.BinaryValue.length;
    }
  }
  return bytes;
}

function stringAttribute(value: string): { DataType: string; StringValue: string } {
  return { DataType: "String", StringValue: value };
}

/**
 * One message's attributes with `traceparent` (and `tracestate`) added while it keeps within
 * 10 attributes and 256 KiB; the same object when nothing fits or they are there already.
 */
function withW3C(attributes: unknown, body: unknown, ids: TraceIds): unknown {
  if (attributes !== undefined && !isObject(attributes)) return attributes;
  const current = attributes as Attributes | undefined;
  if (current && ("traceparent" in current || "tracestate" in current)) return attributes;
  let count = 0;
  for (const _ in current) count++;
  if (count + 1 > MAX_ATTRIBUTES) return attributes;
  const traceparent = toTraceparent(ids);
  const size = messageBytes(body, current);
  const parentBytes = 11 + 6 + traceparent.length;
  if (size + parentBytes > MAX_TRACED_BYTES) return attributes;
  const out: Record<string, unknown> = { ...current, traceparent: stringAttribute(traceparent) };
  const state = ids.traceState;
  if (
    state &&
    count + 2 <= MAX_ATTRIBUTES &&
    size + parentBytes + 10 + 6 + utf8Length(state) <= MAX_TRACED_BYTES
  ) {
    out.tracestate = stringAttribute(state);
  }
  return out;
}

/** One SQS message (SendMessage input or a batch entry) with the trace written in. */
function traceSqsMessage(message: Record<string, unknown>, ids: TraceIds): Record<string, unknown> {
  const out: Record<string, unknown> = { ...message };
  const system = message.MessageSystemAttributes;
  if (system === undefined || (isObject(system) && !("AWSTraceHeader" in system))) {
    // Added only where there is no other system attribute of that name: AWSTraceHeader is the
    // only one SQS takes, so it never crowds anything out.
    out.MessageSystemAttributes = { ...system, AWSTraceHeader: stringAttribute(toXRay(ids)) };
  }
  const attributes = withW3C(message.MessageAttributes, message.MessageBody, ids);
  if (attributes !== undefined) out.MessageAttributes = attributes;
  return out;
}

/** One SNS message (Publish input or a batch entry) with `traceparent`/`tracestate` written in. */
function traceSnsMessage(message: Record<string, unknown>, ids: TraceIds): Record<string, unknown> {
  const attributes = withW3C(message.MessageAttributes, message.Message, ids);
  if (attributes === message.MessageAttributes) return message;
  return { ...message, MessageAttributes: attributes };
}

function mapEntries(
  input: Record<string, unknown>,
  key: string,
  trace: (entry: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> {
  const entries = input[key];
  if (!Array.isArray(entries)) return input;
  return { ...input, [key]: entries.map((entry) => (isObject(entry) ? trace(entry) : entry)) };
}

/**
 * The input of a call with the trace written into each message it sends (SendMessage,
 * SendMessageBatch, Publish, PublishBatch); other calls' inputs, and inputs that are not objects,
 * come back as they are. The caller's objects are never changed: changed parts are copies.
 */
export function injectTrace(operation: string, input: unknown, ids: TraceIds): unknown {
  if (!isObject(input)) return input;
  const sqs = (entry: Record<string, unknown>) => traceSqsMessage(entry, ids);
  const sns = (entry: Record<string, unknown>) => traceSnsMessage(entry, ids);
  switch (operation) {
    case "SendMessage":
      return sqs(input);
    case "SendMessageBatch":
      return mapEntries(input, "Entries", sqs);
    case "Publish":
      return sns(input);
    case "PublishBatch":
      return mapEntries(input, "PublishBatchRequestEntries", sns);
    default:
      return input;
  }
}

function withNames(names: unknown, all: readonly string[], wanted: readonly string[]): unknown {
  if (names !== undefined && !Array.isArray(names)) return names;
  const list = (names ?? []) as unknown[];
  if (list.some((name) => typeof name === "string" && all.includes(name))) return names;
  const missing = wanted.filter((name) => !list.includes(name));
  return missing.length === 0 ? names : [...list, ...missing];
}

/**
 * A ReceiveMessage input that also asks for the trace: the `AWSTraceHeader` system attribute and
 * the `traceparent`/`tracestate` message attributes (unless it asks for all of them already).
 */
export function askForTrace(input: unknown): unknown {
  if (!isObject(input)) return input;
  const legacy = input.AttributeNames;
  const out: Record<string, unknown> = { ...input };
  if (!(Array.isArray(legacy) && (legacy.includes("All") || legacy.includes("AWSTraceHeader")))) {
    out.MessageSystemAttributeNames = withNames(
      input.MessageSystemAttributeNames,
      ["All"],
      ["AWSTraceHeader"],
    );
  }
  out.MessageAttributeNames = withNames(
    input.MessageAttributeNames,
    ["All", ".*"],
    ["traceparent", "tracestate"],
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading from what is received

function attributeText(attributes: unknown, name: string): string | undefined {
  if (!isObject(attributes)) return undefined;
  const attribute = attributes[name];
  if (!isObject(attribute)) return undefined;
  // SQS's shape (StringValue) or an SNS envelope's (Value).
  const value = attribute.StringValue ?? attribute.Value;
  return typeof value === "string" ? value : undefined;
}

/**
 * The trace a received SQS message carries, looked for in this order: its `traceparent` message
 * attribute (sent directly, or through SNS with raw delivery), the `traceparent` attribute in the
 * SNS envelope of its body (SNS without raw delivery), its `AWSTraceHeader` system attribute.
 * Undefined when it carries none.
 */
export function extractTrace(message: unknown): TraceIds | undefined {
  if (!isObject(message)) return undefined;
  const attributes = message.MessageAttributes;
  const direct = parseTraceparent(
    attributeText(attributes, "traceparent"),
    attributeText(attributes, "tracestate"),
  );
  if (direct) return direct;
  const body = message.Body;
  if (typeof body === "string" && body.startsWith("{") && body.includes('"traceparent"')) {
    try {
      const envelope = JSON.parse(body) as unknown;
      if (isObject(envelope) && envelope.Type === "Notification") {
        const inner = envelope.MessageAttributes;
        const wrapped = parseTraceparent(
          attributeText(inner, "traceparent"),
          attributeText(inner, "tracestate"),
        );
        if (wrapped) return wrapped;
      }
    } catch {
      // Not an envelope.
    }
  }
  const system = message.Attributes;
  return isObject(system) ? parseXRay(system.AWSTraceHeader) : undefined;
}
