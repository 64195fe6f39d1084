/**
 * The queue producer: the generic batching producer bound to SendMessageBatch (10 entries, 1 MiB,
 * sized after offloading with `largePayloads`).
 *
 * @module
 */

import { BoundProducer } from "../batch/bound.js";
import type { BatchProducerOptions, BatchTarget } from "../batch/engine.js";
import { BatchProducer } from "../batch/produce.js";
import type { CallOptions } from "../core/client.js";
import { type ErrorContext, ValidationError } from "../core/errors.js";
import { encodeBody } from "../core/handle.js";
import { LARGE_PAYLOADS } from "../payloads/options.js";
import { checkOffloaded } from "../payloads/plan.js";
import { loadProducerSend } from "./producer-load.js";
import type { Queue, SendParams } from "./queue.js";
import type { SQS } from "./sqs.js";
import type { SendMessageBatchRequestEntry, SendMessageBatchResultEntry } from "./types.js";
import { checkMessage, MAX_BATCH_ENTRIES, MAX_MESSAGE_BYTES } from "./validate.js";

/** Options of {@link Queue.producer}: how entries are batched, sent and retried. */
export interface QueueProducerOptions extends BatchProducerOptions {}

type Entry = Omit<SendMessageBatchRequestEntry, "Id">;
/**
 * A checked entry, its size, and the `Id` it is sent with (producers send positions, "0" to "9").
 * With `largePayloads`, `size` is the size as sent, and `offload` says its body goes through S3.
 */
export interface Sized {
  readonly entry: Entry;
  readonly size: number;
  readonly id?: string;
  readonly offload?: boolean;
}

/**
 * Checks a message for SendMessageBatch and sizes it as it will be sent: through S3 (a pointer
 * and the marker) when the client's `largePayloads` offloads it.
 * @internal
 */
export function checkBatchMessage(
  sqs: SQS,
  entry: Entry,
  prefix: string,
  fifo: boolean,
  context: ErrorContext,
): { size: number; offload: boolean } {
  return checkOffloaded(sqs[LARGE_PAYLOADS], entry, "MessageBody", prefix, context, (checked) =>
    checkMessage(checked as Record<string, unknown>, prefix, fifo, context),
  );
}

let sender: Promise<typeof import("./producer-send.js")> | undefined;

function loadSender(): Promise<typeof import("./producer-send.js")> {
  sender = loadProducerSend();
  sender.catch(() => {
    sender = undefined;
  });
  return sender;
}

/**
 * The SendMessageBatch target of the batch engine, for the producer and for `queue.sendBatch`.
 * @internal
 */
export function sendMessageBatchTarget<R>(
  sqs: SQS,
  queueUrl: (options: CallOptions) => Promise<string>,
  fifo: boolean,
  context: ErrorContext,
  resultOf: (ok: SendMessageBatchResultEntry) => R,
  timeoutMs?: number,
): BatchTarget<Sized, R> {
  let send: BatchTarget<Sized, R>["sendBatch"] | undefined;
  return {
    maxEntries: MAX_BATCH_ENTRIES,
    maxBytes: MAX_MESSAGE_BYTES,
    context,
    sizeOf: (item) => item.size,
    groupOf: (item) => (fifo ? item.entry.MessageGroupId : undefined),
    sendBatch(items, batch) {
      if (send !== undefined) return send(items, batch);
      // The sending code (producer-send.ts) is loaded when the first batch goes out.
      return (sender ?? loadSender()).then((m) => {
        send ??= m.batchSender(sqs, queueUrl, context, resultOf, timeoutMs);
        return send(items, batch);
      });
    },
  };
}

/**
 * Sends messages to one queue in SendMessageBatch requests, from {@link Queue.producer}. Each
 * `send` resolves with its message's id once its batch accepted it. Entries are gathered into
 * batches of up to 10 and 1 MiB, sent when full or after `lingerMs`, with at most
 * `maxInFlightBatches` requests at once; entries that fail for a retryable reason are sent again
 * with backoff, the others are rejected one by one with AWS's code. In a FIFO queue, order within
 * a message group holds, also across retries: a group has at most one request in flight; an
 * entry that failed is not retried when a later entry of its group was accepted in the same
 * request (it is rejected instead), and an entry given up on takes the group's later entries
 * still waiting with it (they reject as never sent), so no message lands after one that was lost.
 *
 * @example
 * ```ts
 * const producer = queue.producer({ lingerMs: 10 });
 * for (const order of orders) {
 *   await producer.ready();
 *   producer.send(order).catch((error) => console.error(error));
 * }
 * await producer.close();
 * ```
 */
export class QueueProducer extends BoundProducer<Sized, SendParams> {
  readonly #sqs: SQS;
  readonly #fifo: boolean;
  readonly #context: ErrorContext;

  /** @internal Use {@link Queue.producer}. */
  constructor(sqs: SQS, queue: Queue, options?: QueueProducerOptions) {
    const context = { operation: "SendMessageBatch", resource: queue.name };
    super(
      new BatchProducer<Sized, string>(
        sendMessageBatchTarget(
          sqs,
          (options) => queue.url(options),
          queue.fifo,
          context,
          (ok) => ok.MessageId ?? "",
        ),
        options,
      ),
    );
    this.#sqs = sqs;
    this.#fifo = queue.fifo;
    this.#context = context;
  }

  /**
   * Sends one message. A body that is not a string is encoded as JSON; `params` are
   * SendMessage's other members (attributes, delay, group and deduplication ids). The message is
   * checked at once (a ValidationError before anything is sent).
   *
   * @returns the message's id, once its batch was accepted
   */
  send(body: unknown, params?: SendParams): Promise<string> {
    let sized: Sized;
    try {
      sized = this.entryOf(body, params);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(sized);
  }

  /** @internal Checks one message and sizes it as it will be sent. */
  protected entryOf(body: unknown, params: SendParams | undefined): Sized {
    const context = this.#context;
    if (params !== undefined && (params === null || typeof params !== "object")) {
      throw new ValidationError("params", "an object of SendMessage members", params, context);
    }
    const MessageBody = encodeBody(body, "body", context);
    const entry: Entry = params ? { ...params, MessageBody } : { MessageBody };
    const sqs = this.#sqs;
    if (sqs[LARGE_PAYLOADS] === undefined) {
      return { entry, size: checkMessage(entry as Record<string, unknown>, "", this.#fifo, context) };
    }
    return { entry, ...checkBatchMessage(sqs, entry, "", this.#fifo, context) };
  }
}
