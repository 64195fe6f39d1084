/**
 * Large payloads on SQS: SendMessage and SendMessageBatch offload bodies over the threshold to
 * S3; ReceiveMessage asks for the marker attributes, fetches the payloads (a bounded number at
 * once) and gives the messages as they were sent, their receipt handles carrying the pointer;
 * DeleteMessage and ChangeMessageVisibility (and their batch forms) strip such handles, and a
 * successful delete deletes the S3 object (best effort). Loaded by the SQS client on first use.
 *
 * @module
 */

import type { CallOptions, OperationSpec } from "../core/client.js";
import { type ErrorContext, isPayloadNotFoundError, type PayloadNotFoundError } from "../core/errors.js";
import type {
  ChangeMessageVisibilityBatchRequest,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  Message,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageRequest,
} from "../sqs/types.js";
import { type AttributeValue, MARKER_ATTRIBUTES, type PayloadPointer } from "./codec.js";
import { embedHandle, markerOf, parseHandle, parsePointer } from "./codec-read.js";
import { payloadErrorOf, setPayloadError } from "./errors.js";
import type { PayloadInterceptor, ResolvedLargePayloads } from "./options.js";
import { mapLimit, PayloadStore } from "./store.js";

function contextOf(op: OperationSpec, input: object | undefined): ErrorContext {
  const url = (input as { QueueUrl?: unknown } | undefined)?.QueueUrl;
  return { operation: op.name, resource: typeof url === "string" ? url : undefined };
}

function withoutMarkers(
  attributes: Record<string, AttributeValue> | undefined,
): Record<string, AttributeValue> | undefined {
  if (!attributes) return attributes;
  const out: Record<string, AttributeValue> = {};
  let any = false;
  for (const name of Object.keys(attributes)) {
    if (MARKER_ATTRIBUTES.includes(name)) continue;
    out[name] = attributes[name]!;
    any = true;
  }
  return any ? out : undefined;
}

/** Whether an attribute name was asked for: by name, or by a `prefix.*` pattern. */
function asked(name: string, names: readonly string[]): boolean {
  for (const wanted of names) {
    if (wanted === name) return true;
    if (wanted.endsWith(".*") && name.startsWith(wanted.slice(0, -1))) return true;
  }
  return false;
}

/** Drops the attributes the caller did not ask for, but the markers, in place. */
function keepAsked(message: Message, names: readonly string[]): void {
  const attributes = message.MessageAttributes;
  if (!attributes) return;
  let kept = 0;
  for (const name of Object.keys(attributes)) {
    if (asked(name, names) || MARKER_ATTRIBUTES.includes(name)) kept++;
    else delete attributes[name];
  }
  if (kept === 0) delete message.MessageAttributes;
}

/**
 * Resolves one received message: a pointer (by its marker) becomes the payload, the marker is
 * removed and the receipt handle carries the pointer; an SNS envelope that wraps a pointer gets
 * the payload as its `Message`. A payload that cannot be fetched leaves the message as SQS carried
 * it, the error kept for {@link payloadErrorOf}. Shared by the client and `sqsHandler`.
 * @internal
 */
export async function resolveMessage(
  store: PayloadStore,
  message: Message,
  context: ErrorContext,
  call: CallOptions | undefined,
): Promise<Message> {
  const attributes = message.MessageAttributes as Record<string, AttributeValue> | undefined;
  const marker = markerOf(attributes);
  const body = message.Body;
  if (marker && typeof body === "string") {
    const pointer = parsePointer(body);
    if (!pointer) return message;
    try {
      const text = await store.fetch(pointer, marker.size, context, call);
      const out: Message = { ...message, Body: text };
      const rest = withoutMarkers(attributes);
      if (rest) out.MessageAttributes = rest as NonNullable<Message["MessageAttributes"]>;
      else delete out.MessageAttributes;
      if (typeof message.ReceiptHandle === "string")
        out.ReceiptHandle = embedHandle(message.ReceiptHandle, pointer);
      return out;
    } catch (error) {
      setPayloadError(message, error);
      return message;
    }
  }
  // Without raw delivery, SNS wraps the pointer in its envelope, the marker among the
  // envelope's attributes: the envelope's Message becomes the payload (its object is shared
  // by every queue subscribed to the topic, so it is never deleted from here).
  if (typeof body === "string" && body.includes('"Notification"') && body.includes("PayloadSize")) {
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return message;
    }
    const envelopeAttributes = envelope.MessageAttributes as Record<
      string,
      { Type?: string; Value?: string }
    >;
    const snsMarker = markerOf(envelopeAttributes);
    if (envelope.Type !== "Notification" || !snsMarker || typeof envelope.Message !== "string")
      return message;
    const pointer = parsePointer(envelope.Message);
    if (!pointer) return message;
    try {
      const text = await store.fetch(pointer, snsMarker.size, context, call);
      const kept: Record<string, unknown> = {};
      for (const name of Object.keys(envelopeAttributes)) {
        if (!MARKER_ATTRIBUTES.includes(name)) kept[name] = envelopeAttributes[name];
      }
      const rewritten: Record<string, unknown> = { ...envelope, Message: text };
      if (Object.keys(kept).length > 0) rewritten.MessageAttributes = kept;
      else delete rewritten.MessageAttributes;
      return { ...message, Body: JSON.stringify(rewritten) };
    } catch (error) {
      setPayloadError(message, error);
      return message;
    }
  }
  return message;
}

/** What the interceptor asks of its SQS client: deleting messages whose object is missing. */
export interface PayloadsClient {
  deleteMessageBatch(
    input: DeleteMessageBatchRequest,
    options?: CallOptions,
  ): Promise<DeleteMessageBatchResult>;
}

/** The interceptor of an SQS client with `largePayloads`. */
export function sqsPayloads(options: ResolvedLargePayloads, client: PayloadsClient): PayloadInterceptor {
  const store = new PayloadStore(options);

  /**
   * With `missingObject: "delete"`: deletes the messages whose object is missing and leaves them
   * out (those whose deletion failed stay, with their error, to fail as with `"fail"`).
   */
  async function dropMissing(
    queueUrl: string,
    messages: Message[],
    call: CallOptions | undefined,
  ): Promise<Message[]> {
    const missing = messages.filter(
      (m) => typeof m.ReceiptHandle === "string" && isPayloadNotFoundError(payloadErrorOf(m)),
    );
    if (missing.length === 0) return messages;
    let deleted: Set<string>;
    try {
      const output = await client.deleteMessageBatch(
        {
          QueueUrl: queueUrl,
          Entries: missing.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        },
        call,
      );
      deleted = new Set((output.Successful ?? []).map((ok) => ok.Id));
    } catch {
      return messages;
    }
    const dropped = new Set<Message>();
    missing.forEach((m, i) => {
      if (!deleted.has(String(i))) return;
      dropped.add(m);
      const error = payloadErrorOf(m) as PayloadNotFoundError;
      store.report(error, { bucket: error.bucket, key: error.key });
    });
    return messages.filter((m) => !dropped.has(m));
  }

  async function send(
    op: OperationSpec,
    input: SendMessageRequest,
    call: CallOptions | undefined,
    next: (input: object) => Promise<unknown>,
  ): Promise<unknown> {
    const context = contextOf(op, input);
    const attributes = input.MessageAttributes as Record<string, AttributeValue> | undefined;
    store.checkAttributes(attributes, "MessageAttributes", context);
    const body = input.MessageBody;
    if (typeof body !== "string" || PayloadStore.isOffloaded(attributes)) return next(input);
    if (!store.shouldOffload({ body, attributes })) return next(input);
    // Everything else is checked before anything is uploaded.
    op.validate?.({ ...input, MessageBody: "-" } as never, context);
    const done = await store.offload({ body, attributes }, call);
    return next({ ...input, MessageBody: done.body, MessageAttributes: done.attributes });
  }

  async function sendBatch(
    op: OperationSpec,
    input: SendMessageBatchRequest,
    call: CallOptions | undefined,
    next: (input: object) => Promise<unknown>,
  ): Promise<unknown> {
    const context = contextOf(op, input);
    const entries = Array.isArray(input.Entries) ? input.Entries : [];
    const offload: number[] = [];
    entries.forEach((entry, i) => {
      if (entry === null || typeof entry !== "object") return;
      const attributes = entry.MessageAttributes as Record<string, AttributeValue> | undefined;
      store.checkAttributes(attributes, `Entries[${i}].MessageAttributes`, context);
      if (typeof entry.MessageBody !== "string" || PayloadStore.isOffloaded(attributes)) return;
      if (store.shouldOffload({ body: entry.MessageBody, attributes })) offload.push(i);
    });
    if (offload.length === 0) return next(input);
    const placeholder = entries.map((entry, i) =>
      offload.includes(i) ? { ...entry, MessageBody: "-" } : entry,
    );
    op.validate?.({ ...input, Entries: placeholder } as never, context);
    const sent = entries.slice();
    await mapLimit(offload, options.maxConcurrency, async (i) => {
      const entry = entries[i]!;
      const done = await store.offload(
        {
          body: entry.MessageBody,
          attributes: entry.MessageAttributes as Record<string, AttributeValue> | undefined,
        },
        call,
      );
      sent[i] = {
        ...entry,
        MessageBody: done.body,
        MessageAttributes: done.attributes as NonNullable<Message["MessageAttributes"]>,
      };
    });
    return next({ ...input, Entries: sent });
  }

  async function receive(
    op: OperationSpec,
    input: ReceiveMessageRequest,
    call: CallOptions | undefined,
    next: (input: object) => Promise<unknown>,
  ): Promise<unknown> {
    // The markers are needed whatever the caller asked for. They are asked for as "All", then
    // the attributes the caller did not ask for are dropped (after the MD5 check): asking for
    // the two names alone would give them, but some SQS emulators then give the MD5 of every
    // attribute of the message, not of those returned.
    const names = input.MessageAttributeNames;
    const all = names?.some((name) => name === "All" || name === ".*") ?? false;
    const request: ReceiveMessageRequest = all ? input : { ...input, MessageAttributeNames: ["All"] };
    const output = (await next(request)) as ReceiveMessageResult;
    const messages = output.Messages;
    if (!messages || messages.length === 0) return output;
    if (!all) for (const message of messages) keepAsked(message, names ?? []);
    const context = contextOf(op, input);
    // The call's signal only: a long poll's timeout is not the fetch's.
    const fetchOptions = call?.signal ? { signal: call.signal } : undefined;
    const resolved = await mapLimit(messages, options.maxConcurrency, (m) =>
      resolveMessage(store, m, context, fetchOptions),
    );
    const kept =
      options.missingObject === "delete" && typeof input.QueueUrl === "string"
        ? await dropMissing(input.QueueUrl, resolved, fetchOptions)
        : resolved;
    return { ...output, Messages: kept };
  }

  async function deleteOne(
    input: { ReceiptHandle?: unknown },
    next: (input: object) => Promise<unknown>,
  ): Promise<unknown> {
    if (typeof input.ReceiptHandle !== "string") return next(input);
    const parsed = parseHandle(input.ReceiptHandle);
    if (!parsed.pointer) return next(input);
    const output = await next({ ...input, ReceiptHandle: parsed.handle });
    if (options.deleteFromS3) await store.deleteQuietly([parsed.pointer]);
    return output;
  }

  async function deleteBatch(input: DeleteMessageBatchRequest, next: (input: object) => Promise<unknown>) {
    const entries = Array.isArray(input.Entries) ? input.Entries : [];
    const pointers = new Map<string, PayloadPointer>();
    let any = false;
    const stripped = entries.map((entry) => {
      if (entry === null || typeof entry !== "object" || typeof entry.ReceiptHandle !== "string")
        return entry;
      const parsed = parseHandle(entry.ReceiptHandle);
      if (!parsed.pointer) return entry;
      any = true;
      pointers.set(entry.Id, parsed.pointer);
      return { ...entry, ReceiptHandle: parsed.handle };
    });
    if (!any) return next(input);
    const output = (await next({ ...input, Entries: stripped })) as DeleteMessageBatchResult;
    if (options.deleteFromS3) {
      const done: PayloadPointer[] = [];
      for (const ok of output.Successful ?? []) {
        const pointer = pointers.get(ok.Id);
        if (pointer) done.push(pointer);
      }
      await store.deleteQuietly(done);
    }
    return output;
  }

  function stripVisibilityBatch(input: ChangeMessageVisibilityBatchRequest): object {
    if (!Array.isArray(input.Entries)) return input;
    return {
      ...input,
      Entries: input.Entries.map((entry) =>
        entry !== null && typeof entry === "object" && typeof entry.ReceiptHandle === "string"
          ? { ...entry, ReceiptHandle: parseHandle(entry.ReceiptHandle).handle }
          : entry,
      ),
    };
  }

  return {
    offload: (body, attributes, call) => store.offload({ body, attributes }, call),
    call(op, input, call, next) {
      if (input === undefined || input === null || typeof input !== "object") return next(input);
      switch (op.name) {
        case "SendMessage":
          return send(op, input as SendMessageRequest, call, next);
        case "SendMessageBatch":
          return sendBatch(op, input as SendMessageBatchRequest, call, next);
        case "ReceiveMessage":
          return receive(op, input as ReceiveMessageRequest, call, next);
        case "DeleteMessage":
          return deleteOne(input as { ReceiptHandle?: unknown }, next);
        case "DeleteMessageBatch":
          return deleteBatch(input as DeleteMessageBatchRequest, next);
        case "ChangeMessageVisibility": {
          const handle = (input as { ReceiptHandle?: unknown }).ReceiptHandle;
          return next(
            typeof handle === "string" ? { ...input, ReceiptHandle: parseHandle(handle).handle } : input,
          );
        }
        case "ChangeMessageVisibilityBatch":
          return next(stripVisibilityBatch(input as ChangeMessageVisibilityBatchRequest));
        default:
          return next(input);
      }
    },
  };
}
