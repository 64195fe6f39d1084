/**
 * The topic producer: the generic batching producer bound to PublishBatch (10 entries, 256 KiB).
 *
 * @module
 */

import { BoundProducer } from "../batch/bound.js";
import type { BatchProducerOptions, BatchTarget } from "../batch/engine.js";
import { BatchProducer } from "../batch/produce.js";
import type { CallOptions } from "../core/client.js";
import { type ErrorContext, ValidationError } from "../core/errors.js";
import { encodeBody } from "../core/handle.js";
import { isRecord } from "../core/validate.js";
import { LARGE_PAYLOADS } from "../payloads/options.js";
import { checkOffloaded } from "../payloads/plan.js";
import type { SNS } from "./sns.js";
import type { PublishParams, TopicHandle } from "./topic.js";
import type { PublishBatchRequestEntry, PublishBatchResultEntry } from "./types.js";
import { checkMessage, MAX_PUBLISH_BATCH_ENTRIES, MAX_PUBLISH_BYTES } from "./validate.js";

/** Options of {@link TopicHandle.producer}: how entries are batched, sent and retried. */
export interface TopicProducerOptions extends BatchProducerOptions {}

type Entry = Omit<PublishBatchRequestEntry, "Id">;
/**
 * A checked entry, its size, and the `Id` it is sent with (producers send positions, "0" to "9").
 * With `largePayloads`, `size` is the size as sent, and `offload` says its message goes through S3.
 */
export interface Sized {
  readonly entry: Entry;
  readonly size: number;
  readonly id?: string;
  readonly offload?: boolean;
}

/**
 * Checks a message for Publish or PublishBatch and sizes it as it will be sent: through S3 (a
 * pointer and the marker) when the client's `largePayloads` offloads it.
 * @internal
 */
export function checkPublished(
  sns: SNS,
  entry: object,
  prefix: string,
  fifo: boolean | undefined,
  context: ErrorContext,
): { size: number; offload: boolean } {
  return checkOffloaded(sns[LARGE_PAYLOADS], entry, "Message", prefix, context, (checked) =>
    checkMessage(checked as Record<string, unknown>, prefix, fifo, context),
  );
}

/** The module that sends PublishBatch requests (producer-send.ts, with SNS's operation table): loaded at the first batch. */
let sender: Promise<typeof import("./producer-send.js")> | undefined;

function loadSender(): Promise<typeof import("./producer-send.js")> {
  sender = import("./producer-send.js");
  sender.catch(() => {
    sender = undefined;
  });
  return sender;
}

/** The members `send`'s params may hold: PublishBatch entry members other than `Id` and `Message`. */
const PARAM_KEYS: ReadonlySet<string> = new Set([
  "Subject",
  "MessageStructure",
  "MessageAttributes",
  "MessageDeduplicationId",
  "MessageGroupId",
]);

/**
 * The PublishBatch target of the batch engine, for the producer and for `topic.publishBatch`.
 * SNS's throttling codes (`Throttled`, `KMSThrottling`, sent as sender faults) count as retryable,
 * as the client's classification has them. Only a FIFO topic has groups to keep in order.
 * @internal
 */
export function publishBatchTarget<R>(
  sns: SNS,
  topicArn: (options: CallOptions) => Promise<string>,
  fifo: boolean,
  context: ErrorContext,
  resultOf: (ok: PublishBatchResultEntry & { Id: string }) => R,
  timeoutMs?: number,
): BatchTarget<Sized, R> {
  let send: BatchTarget<Sized, R>["sendBatch"] | undefined;
  return {
    maxEntries: MAX_PUBLISH_BATCH_ENTRIES,
    maxBytes: MAX_PUBLISH_BYTES,
    context,
    sizeOf: (item) => item.size,
    groupOf: (item) => (fifo ? item.entry.MessageGroupId : undefined),
    sendBatch(items, batch) {
      if (send !== undefined) return send(items, batch);
      // The sending code (producer-send.ts, with PublishBatch's operation) is loaded when the
      // first batch goes out.
      return (sender ?? loadSender()).then((m) => {
        send ??= m.batchSender(sns, topicArn, context, resultOf, timeoutMs);
        return send(items, batch);
      });
    },
  };
}

/**
 * Publishes messages to one topic in PublishBatch requests, from {@link TopicHandle.producer}.
 * Each `send` resolves with its message's id once its batch accepted it. Entries are gathered
 * into batches of up to 10 entries and 256 KiB (262,144 bytes, each message counted with its
 * attributes, as SNS counts them), sent when full or after `lingerMs`, with at most
 * `maxInFlightBatches` requests at once. Entries that fail for a retryable reason (an internal
 * error, throttling) are sent again with backoff; the others are rejected one by one with AWS's
 * code (a ServiceError). On a FIFO topic, order within a message group holds, also across
 * retries, by the same rule as the queue producer's: a group has at most one request in flight, a
 * failed entry goes back to its place, unless a later entry of its group was accepted in the same
 * request (it is rejected instead), and an entry given up on takes the group's later entries
 * still waiting with it (they reject as never sent).
 *
 * @example
 * ```ts
 * const producer = sns.topic("events").producer({ lingerMs: 10 });
 * for (const event of events) {
 *   await producer.ready();
 *   producer.send(event).catch((error) => console.error(error));
 * }
 * await producer.close();
 * ```
 */
export class TopicProducer extends BoundProducer<Sized, PublishParams> {
  readonly #sns: SNS;
  readonly #fifo: boolean;
  readonly #context: ErrorContext;

  /** @internal Use {@link TopicHandle.producer}. */
  constructor(sns: SNS, topic: TopicHandle, options?: TopicProducerOptions) {
    const fifo = topic.fifo;
    const context = { operation: "PublishBatch", resource: topic.name };
    super(
      new BatchProducer<Sized, string>(
        publishBatchTarget(
          sns,
          (options) => topic.arn(options),
          fifo,
          context,
          (ok) => ok.MessageId ?? "",
        ),
        options,
      ),
    );
    this.#sns = sns;
    this.#fifo = fifo;
    this.#context = context;
  }

  /**
   * Publishes one message. A message that is not a string is encoded as JSON, as
   * {@link TopicHandle.publish} does; `params` are PublishBatch's other entry members (`Subject`,
   * `MessageStructure`, `MessageAttributes`, `MessageGroupId`, `MessageDeduplicationId`). The
   * message is checked at once: a ValidationError (naming the field, the rule and the value
   * received) rejects it before it is queued, and nothing is sent.
   *
   * @returns the message's id, once its batch was accepted
   *
   * @example
   * ```ts
   * const producer = topic.producer();
   * const id = await producer.send({ id: 42 }, {
   *   MessageAttributes: { kind: { DataType: "String", StringValue: "order" } },
   * });
   * ```
   */
  send(message: unknown, params?: PublishParams): Promise<string> {
    let sized: Sized;
    try {
      sized = this.entryOf(message, params);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(sized);
  }

  /** @internal Checks one message and sizes it as it will be sent. */
  protected entryOf(message: unknown, params: PublishParams | undefined): Sized {
    const context = this.#context;
    const entry: Entry = { Message: encodeBody(message, "message", context) };
    if (params !== undefined) {
      if (!isRecord(params)) {
        throw new ValidationError("params", "an object of PublishBatch entry members", params, context);
      }
      for (const key of Object.keys(params)) {
        const value = (params as Record<string, unknown>)[key];
        if (!PARAM_KEYS.has(key)) {
          throw new ValidationError(
            `params.${key}`,
            `absent: params may hold ${[...PARAM_KEYS].join(", ")}`,
            value,
            context,
          );
        }
        if (value !== undefined) (entry as Record<string, unknown>)[key] = value;
      }
    }
    const sns = this.#sns;
    if (sns[LARGE_PAYLOADS] === undefined) {
      return { entry, size: checkMessage(entry as Record<string, unknown>, "", this.#fifo, context) };
    }
    return { entry, ...checkPublished(sns, entry, "", this.#fifo, context) };
  }
}
