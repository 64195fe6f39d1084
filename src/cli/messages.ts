/**
 * Messages on the command line: the newline-delimited JSON record that `dump` writes and
 * `send --ndjson` reads back, typed attributes from `--attr`, and the readable form a terminal shows.
 *
 * @module
 */

import type { BatchMessage, Message, MessageAttributeValue } from "../index.js";
import { UsageError } from "./args.js";
import { type Paint, plain } from "./style.js";

/** An attribute as JSON carries it: binary values in base64. */
export interface AttributeRecord {
  DataType: string;
  StringValue?: string;
  /** Base64. */
  BinaryValue?: string;
}

/**
 * One message as newline-delimited JSON: what `dump`, `tail` and `peek` write, and what
 * `send --ndjson` reads (where only `Body` is required).
 */
export interface MessageRecord {
  MessageId?: string;
  Body: string;
  MessageAttributes?: Record<string, AttributeRecord>;
  /** System attributes as received (SentTimestamp, ApproximateReceiveCount, MessageGroupId, ...). */
  Attributes?: Record<string, string>;
  /** For sending: the FIFO group (else taken from Attributes.MessageGroupId). */
  MessageGroupId?: string;
  /** For sending: the FIFO deduplication id (else taken from Attributes.MessageDeduplicationId). */
  MessageDeduplicationId?: string;
  /** For sending: the delay in seconds. */
  DelaySeconds?: number;
  /** The SNS envelope's fields, when unwrapped (tail --unwrap-sns). */
  Sns?: { TopicArn: string; MessageId: string; Subject?: string; Timestamp?: string };
}

const toBase64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/** The attributes of a received message, as JSON records. */
export function attributesToRecord(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, AttributeRecord> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  const out: Record<string, AttributeRecord> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] =
      value.BinaryValue !== undefined
        ? { DataType: value.DataType, BinaryValue: toBase64(value.BinaryValue) }
        : { DataType: value.DataType, StringValue: value.StringValue ?? "" };
  }
  return out;
}

/** A received message as a record. */
export function messageToRecord(message: Message): MessageRecord {
  const record: MessageRecord = { Body: message.Body ?? "" };
  if (message.MessageId !== undefined) record.MessageId = message.MessageId;
  const attributes = attributesToRecord(message.MessageAttributes);
  if (attributes) record.MessageAttributes = attributes;
  if (message.Attributes && Object.keys(message.Attributes).length)
    record.Attributes = { ...message.Attributes } as Record<string, string>;
  return record;
}

/** Reads JSON attribute records back (base64 binary values decoded), naming the line on error. */
export function attributesFromRecord(
  value: unknown,
  where: string,
): Record<string, MessageAttributeValue> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new UsageError(`${where}: MessageAttributes must be an object`);
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, attribute] of Object.entries(value as Record<string, unknown>)) {
    const a = attribute as Partial<AttributeRecord> | null;
    if (!a || typeof a !== "object" || typeof a.DataType !== "string")
      throw new UsageError(`${where}: the attribute ${JSON.stringify(name)} needs a DataType`);
    if (typeof a.BinaryValue === "string") {
      out[name] = { DataType: a.DataType, BinaryValue: new Uint8Array(Buffer.from(a.BinaryValue, "base64")) };
    } else if (typeof a.StringValue === "string") {
      out[name] = { DataType: a.DataType, StringValue: a.StringValue };
    } else
      throw new UsageError(
        `${where}: the attribute ${JSON.stringify(name)} needs a StringValue or BinaryValue`,
      );
  }
  return out;
}

/** Options that apply to every message sent by one command. */
export interface SendDefaults {
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
  DelaySeconds?: number;
}

type Entry = Exclude<BatchMessage, string>;

/**
 * One line of `send --ndjson` (or of stdin) as a batch entry: a JSON object with a string `Body`
 * is a record (as `dump` writes them); any other line is the body itself, as it is.
 * @returns undefined for a blank line
 */
export function lineToEntry(line: string, defaults: SendDefaults, where: string): Entry | undefined {
  if (line.trim() === "") return undefined;
  let record: MessageRecord | undefined;
  if (line.trimStart().startsWith("{")) {
    try {
      const parsed = JSON.parse(line) as unknown;
      if (parsed && typeof parsed === "object" && typeof (parsed as MessageRecord).Body === "string")
        record = parsed as MessageRecord;
    } catch {
      record = undefined;
    }
  }
  if (!record) return withDefaults({ MessageBody: line }, defaults);
  const entry: Entry = { MessageBody: record.Body };
  const attributes = attributesFromRecord(record.MessageAttributes, where);
  if (attributes && Object.keys(attributes).length) entry.MessageAttributes = attributes;
  const group = record.MessageGroupId ?? record.Attributes?.MessageGroupId;
  if (group !== undefined) entry.MessageGroupId = group;
  const dedup = record.MessageDeduplicationId ?? record.Attributes?.MessageDeduplicationId;
  if (dedup !== undefined) entry.MessageDeduplicationId = dedup;
  if (record.DelaySeconds !== undefined) entry.DelaySeconds = record.DelaySeconds;
  return withDefaults(entry, defaults);
}

/** Fills what the entry lacks from the command's options (`--attr` values are added). */
export function withDefaults(entry: Entry, defaults: SendDefaults): Entry {
  if (defaults.MessageAttributes)
    entry.MessageAttributes = { ...entry.MessageAttributes, ...defaults.MessageAttributes };
  if (entry.MessageGroupId === undefined && defaults.MessageGroupId !== undefined)
    entry.MessageGroupId = defaults.MessageGroupId;
  if (entry.MessageDeduplicationId === undefined && defaults.MessageDeduplicationId !== undefined)
    entry.MessageDeduplicationId = defaults.MessageDeduplicationId;
  if (entry.DelaySeconds === undefined && defaults.DelaySeconds !== undefined)
    entry.DelaySeconds = defaults.DelaySeconds;
  return entry;
}

/**
 * `--attr` values: `name=value` (a String), `name:Type=value` with Type `String`, `Number` or
 * `Binary` (base64), or a custom type such as `Number.int` or `String.json`.
 */
export function parseAttributes(specs: readonly string[]): Record<string, MessageAttributeValue> | undefined {
  if (specs.length === 0) return undefined;
  const out: Record<string, MessageAttributeValue> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0)
      throw new UsageError(`--attr takes name=value or name:Type=value, not ${JSON.stringify(spec)}`);
    const head = spec.slice(0, eq);
    const value = spec.slice(eq + 1);
    const colon = head.indexOf(":");
    const name = colon < 0 ? head : head.slice(0, colon);
    const type = colon < 0 ? "String" : head.slice(colon + 1);
    if (name === "") throw new UsageError(`--attr: no attribute name in ${JSON.stringify(spec)}`);
    const base = type.split(".")[0];
    if (base === "String") out[name] = { DataType: type, StringValue: value };
    else if (base === "Number") {
      if (value.trim() === "" || !Number.isFinite(Number(value)))
        throw new UsageError(
          `--attr ${name}: a Number attribute takes a number, not ${JSON.stringify(value)}`,
        );
      out[name] = { DataType: type, StringValue: value };
    } else if (base === "Binary") {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0)
        throw new UsageError(`--attr ${name}: a Binary attribute takes base64, not ${JSON.stringify(value)}`);
      out[name] = { DataType: type, BinaryValue: new Uint8Array(Buffer.from(value, "base64")) };
    } else {
      throw new UsageError(
        `--attr ${name}: the type must be String, Number or Binary (optionally with a .suffix), not ${JSON.stringify(type)}`,
      );
    }
  }
  return out;
}

/** A body pretty-printed when it is a JSON object or array; as it is otherwise. */
export function prettyBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      return body;
    }
  }
  return body;
}

function time(ms: string | undefined): string | undefined {
  if (ms === undefined || !/^\d+$/.test(ms)) return undefined;
  return new Date(Number(ms)).toISOString().replace("T", " ").replace("Z", "");
}

/** How a terminal shows a message: a header line, the attributes, the body (indented). */
export function renderMessage(record: MessageRecord, paint: Paint = plain): string {
  const a = record.Attributes ?? {};
  const meta: string[] = [];
  if (a.ApproximateReceiveCount) meta.push(`received ${a.ApproximateReceiveCount}×`);
  const sent = time(a.SentTimestamp);
  if (sent) meta.push(`sent ${sent}`);
  if (a.MessageGroupId) meta.push(`group ${a.MessageGroupId}`);
  if (a.MessageDeduplicationId) meta.push(`dedup ${a.MessageDeduplicationId}`);
  if (a.SequenceNumber) meta.push(`seq ${a.SequenceNumber}`);
  if (record.Sns) {
    meta.push(`from ${record.Sns.TopicArn.slice(record.Sns.TopicArn.lastIndexOf(":") + 1)}`);
    if (record.Sns.Subject) meta.push(`subject ${JSON.stringify(record.Sns.Subject)}`);
  }
  const lines = [
    `${paint("cyan", `● ${record.MessageId ?? "(no id)"}`)}${meta.length ? `  ${paint("dim", meta.join(" · "))}` : ""}`,
  ];
  const attributes = Object.entries(record.MessageAttributes ?? {});
  if (attributes.length) {
    lines.push(
      `  ${attributes
        .map(([name, v]) => {
          const shown =
            v.BinaryValue !== undefined
              ? `<${Buffer.from(v.BinaryValue, "base64").length} bytes>`
              : (v.StringValue ?? "");
          const type = v.DataType === "String" ? "" : paint("dim", ` (${v.DataType})`);
          return `${paint("magenta", name)}=${shown}${type}`;
        })
        .join("  ")}`,
    );
  }
  lines.push(prettyBody(record.Body).replace(/^/gm, "  "));
  return lines.join("\n");
}
