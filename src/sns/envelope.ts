/**
 * The SNS envelope: the JSON document SNS delivers to an SQS queue (without raw delivery), to
 * HTTP(S) endpoints and to Lambda, read into a typed object. Raw deliveries pass through.
 *
 * @module
 */

import { fromBase64 } from "../core/crypto.js";
import { isRecord } from "../core/validate.js";
import type { Message, MessageAttributeValue as SqsMessageAttributeValue } from "../sqs/types.js";

/** A message attribute as SNS writes it in the envelope: its data type and its value as text. */
export interface SnsEnvelopeAttribute {
  /** `String`, `String.Array`, `Number` or `Binary`. */
  Type: string;
  /** The value; base64 for `Binary`, a JSON array for `String.Array`. */
  Value: string;
}

/** A notification as SNS wraps it: what a queue without raw delivery receives as the body. */
export interface SnsEnvelope {
  Type: "Notification";
  /** SNS's id of the published message (not the SQS message id). */
  MessageId: string;
  /** The topic it was published to. */
  TopicArn: string;
  /** The Subject given to Publish, when there was one. */
  Subject?: string;
  /** The message, as published. */
  Message: string;
  /** When it was published, ISO 8601 (`2024-05-01T12:00:00.000Z`). */
  Timestamp: string;
  /** FIFO topics: the message's sequence number. */
  SequenceNumber?: string;
  /** `1` (SHA1withRSA) or `2` (SHA256withRSA). */
  SignatureVersion?: string;
  /** The base64 signature; see verifySnsMessage. */
  Signature?: string;
  /** Where SNS's signing certificate is. */
  SigningCertURL?: string;
  /** The URL that unsubscribes the endpoint. */
  UnsubscribeURL?: string;
  /** The message attributes, when it had some. */
  MessageAttributes?: Record<string, SnsEnvelopeAttribute>;
}

/**
 * A message as it came through SNS, whether SNS wrapped it or delivered it raw. Its members are
 * named as AWS names the same data (the envelope's `Message` and `MessageAttributes`), in
 * PascalCase like every shape of AWS's. The lowerCamelCase names of earlier versions (`message`,
 * `attributes`, `envelope`) are still there, deprecated and not enumerable.
 */
export interface SnsDelivery {
  /** The message as it was published. */
  Message: string;
  /** The message attributes, in SQS's shape (`DataType`, `StringValue` or `BinaryValue`). */
  MessageAttributes: Record<string, SqsMessageAttributeValue>;
  /** The envelope when SNS wrapped the message; undefined for a raw delivery. */
  Envelope: SnsEnvelope | undefined;
  /** @deprecated Use `Message`; goes in the next minor version. */
  readonly message: string;
  /** @deprecated Use `MessageAttributes`; goes in the next minor version. */
  readonly attributes: Record<string, SqsMessageAttributeValue>;
  /** @deprecated Use `Envelope`; goes in the next minor version. */
  readonly envelope: SnsEnvelope | undefined;
}

const DEPRECATED_NAMES = {
  message: "Message",
  attributes: "MessageAttributes",
  envelope: "Envelope",
} as const;

/**
 * @internal Adds the deprecated lowerCamelCase names of {@link SnsDelivery} to an object that has
 * the PascalCase ones, as getters that are not enumerable (spread, JSON and deepEqual ignore
 * them). Returns the object.
 */
export function withDeprecatedDeliveryNames<T extends Omit<SnsDelivery, keyof typeof DEPRECATED_NAMES>>(
  delivery: T,
): T & SnsDelivery {
  for (const [old, name] of Object.entries(DEPRECATED_NAMES)) {
    Object.defineProperty(delivery, old, {
      get(this: Record<string, unknown>) {
        return this[name];
      },
      enumerable: false,
      configurable: true,
    });
  }
  return delivery as T & SnsDelivery;
}

const REQUIRED = ["MessageId", "TopicArn", "Message", "Timestamp"] as const;
const OPTIONAL = [
  "Subject",
  "SequenceNumber",
  "SignatureVersion",
  "Signature",
  "SigningCertURL",
  "UnsubscribeURL",
] as const;
/** Lambda spells two of the names differently. */
const ALIASES: Readonly<Record<string, string>> = {
  SigningCertURL: "SigningCertUrl",
  UnsubscribeURL: "UnsubscribeUrl",
};

/**
 * Reads an SNS notification envelope.
 *
 * @param body - the SQS message body (JSON text), or the object already parsed (as Lambda's `Sns` record gives it)
 * @returns the typed envelope; undefined when the body is not an SNS notification envelope (a raw
 * delivery, or any other message)
 *
 * @example
 * ```ts
 * for (const message of await queue.receive()) {
 *   const envelope = parseSnsEnvelope(message.Body ?? "");
 *   console.log(envelope ? `from ${envelope.TopicArn}: ${envelope.Message}` : message.Body);
 * }
 * ```
 */
export function parseSnsEnvelope(body: string | object): SnsEnvelope | undefined {
  let value: unknown = body;
  if (typeof body === "string") {
    // Cheap test first: an envelope is a JSON object naming its Type.
    if (!body.trimStart().startsWith("{") || !body.includes('"Notification"')) return undefined;
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(value) || value.Type !== "Notification") return undefined;
  const envelope: Record<string, unknown> = { Type: "Notification" };
  for (const key of REQUIRED) {
    if (typeof value[key] !== "string") return undefined;
    envelope[key] = value[key];
  }
  for (const key of OPTIONAL) {
    const item = value[key] ?? (ALIASES[key] ? value[ALIASES[key]] : undefined);
    if (item === undefined || item === null) continue;
    if (typeof item !== "string") return undefined;
    envelope[key] = item;
  }
  const attributes = value.MessageAttributes;
  if (attributes !== undefined && attributes !== null) {
    if (!isRecord(attributes)) return undefined;
    const out: Record<string, SnsEnvelopeAttribute> = {};
    for (const name of Object.keys(attributes)) {
      const attribute = attributes[name];
      if (!isRecord(attribute) || typeof attribute.Type !== "string" || typeof attribute.Value !== "string") {
        return undefined;
      }
      Object.defineProperty(out, name, {
        value: { Type: attribute.Type, Value: attribute.Value },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    envelope.MessageAttributes = out;
  }
  return envelope as unknown as SnsEnvelope;
}

/** Converts the envelope's attributes to SQS's shape (Binary values decoded from base64; a Binary value that is not base64 stays text). */
export function toSqsAttributes(
  attributes: Record<string, SnsEnvelopeAttribute> | undefined,
): Record<string, SqsMessageAttributeValue> {
  const out: Record<string, SqsMessageAttributeValue> = {};
  if (!attributes) return out;
  for (const name of Object.keys(attributes)) {
    const { Type, Value } = attributes[name]!;
    let value: SqsMessageAttributeValue;
    if (Type.startsWith("Binary")) {
      try {
        value = { DataType: Type, BinaryValue: fromBase64(Value) };
      } catch {
        value = { DataType: Type, StringValue: Value };
      }
    } else {
      value = { DataType: Type, StringValue: Value };
    }
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Unwraps a message that came through SNS into a queue: the published message and its
 * attributes, whether SNS wrapped it in its envelope or delivered it raw.
 *
 * @param message - an SQS message as received, or its body
 *
 * @example
 * ```ts
 * for (const received of await queue.receive()) {
 *   const { Message, MessageAttributes, Envelope } = unwrapSnsMessage(received);
 *   console.log(Message, MessageAttributes.kind?.StringValue, Envelope?.TopicArn);
 * }
 * ```
 */
export function unwrapSnsMessage(
  message: string | { Body?: Message["Body"] | undefined; MessageAttributes?: Message["MessageAttributes"] },
): SnsDelivery {
  const body = typeof message === "string" ? message : (message?.Body ?? "");
  const envelope = parseSnsEnvelope(body);
  if (envelope) {
    return withDeprecatedDeliveryNames({
      Message: envelope.Message,
      MessageAttributes: toSqsAttributes(envelope.MessageAttributes),
      Envelope: envelope,
    });
  }
  return withDeprecatedDeliveryNames({
    Message: body,
    MessageAttributes: typeof message === "string" ? {} : { ...message?.MessageAttributes },
    Envelope: undefined,
  });
}
