/**
 * The queue producer: the generic batching producer bound to SendMessageBatch (10 entries, 1 MiB,
 * sized after offloading with `largePayloads`).
 *
 * @module
 */

import { BoundProducer } from "../batch/bound.js";
import type { BatchProducerOptions, BatchTarget } from "../batch/engine.js";
import { batchIds } from "../batch/input.js";
import { answerOutcomes } from "../batch/outcomes.js";
import { BatchProducer } from "../batch/produce.js";
import { CALL } from "../core/client.js";
import { type ErrorContext, ValidationError } from "../core/errors.js";
import { encodeBody } from "../core/handle.js";
import { LARGE_PAYLOADS } from "../payloads/options.js";
import { checkOffloaded, sendOffloaded } from "../payloads/plan.js";
import { SEND_CHECKED_BATCH, sendBatchInput } from "./producer-batch.js";
import type { Queue, SendParams } from "./queue.js";
import type { SQS } from "./sqs.js";
import type {
  SendMessageBatchRequestEntry,
  SendMessageBatchResult,
  SendMessageBatchResultEntry,
} from "./types.js";
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

/**
 * The SendMessageBatch target of the batch engine, for the producer and for `queue.sendBatch`.
 * @internal
 */
export function sendMessageBatchTarget<R>(
  sqs: SQS,
  queueUrl: () => Promise<string>,
  fifo: boolean,
  context: ErrorContext,
  resultOf: (ok: SendMessageBatchResultEntry) => R,
  timeoutMs?: number,
): BatchTarget<Sized, R> {
  /** Entries whose payload is in S3 already, for the batch's retries. */
  const uploaded = new WeakMap<Sized, Sized>();
  return {
    maxEntries: MAX_BATCH_ENTRIES,
    maxBytes: MAX_MESSAGE_BYTES,
    context,
    sizeOf: (item) => item.size,
    groupOf: (item) => (fifo ? item.entry.MessageGroupId : undefined),
    async sendBatch(items, batch) {
      const { signal, deadlineMs } = batch;
      const QueueUrl = await queueUrl();
      const send = async (items: readonly Sized[], labels: readonly string[]) => {
        const ids = batchIds(items);
        const output = (await sqs[CALL](SEND_CHECKED_BATCH, sendBatchInput(QueueUrl, items, ids), {
          signal,
          deadlineMs,
          timeoutMs,
        })) as SendMessageBatchResult;
        return answerOutcomes(ids, labels, output.Successful, output.Failed, resultOf, context);
      };
      const payloads = sqs[LARGE_PAYLOADS];
      return payloads && items.some((item) => item.offload)
        ? sendOffloaded(payloads, "MessageBody", uploaded, items, batch, send)
        : send(items, batch.labels);
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
          () => queue.url(),
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
