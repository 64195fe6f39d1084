/**
 * A queue handle: the convenient layer for the common work on one queue.
 *
 * @module
 */

import type { CallOptions } from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import { definedOnly, encodeBody, Resolved } from "../core/handle.js";
import { Consumer, MessageIterator } from "./consume.js";
import type { BatchHandler, MessageHandler } from "./consumer/consumer.js";
import type { MessagesOptions } from "./consumer/iterator.js";
import type { ConsumerOptions } from "./consumer/options.js";
import type { SnsQueueMessage } from "./consumer/sns.js";
import { loadQueueBatch } from "./lazy.js";
import { QueueProducer, type QueueProducerOptions } from "./producer.js";
import type { SQS } from "./sqs.js";
import type {
  BatchResultErrorEntry,
  Message,
  QueueAttributeName,
  ReceiveMessageRequest,
  SendMessageBatchRequestEntry,
  SendMessageBatchResultEntry,
  SendMessageRequest,
  SendMessageResult,
} from "./types.js";
import { checkQueueName, checkQueueUrl, isFifoQueue } from "./validate.js";

/** Options of a {@link QueueHandle}. */
export interface QueueOptions {
  /**
   * The account that owns the queue, when resolving a name of another account's queue.
   * @default the caller's account
   */
  ownerAccountId?: string | undefined;
}

/** What {@link QueueHandle.send} takes besides the body: SendMessage's other members. */
export type SendParams = Omit<SendMessageRequest, "QueueUrl" | "MessageBody">;

/** One message for {@link QueueHandle.sendBatch}: a body, or an entry with an optional Id. */
export type BatchMessage =
  | string
  | (Omit<SendMessageBatchRequestEntry, "Id"> & {
      /**
       * The entry's id in the request and the result (1 to 80 of A-Z a-z 0-9 _ -, unique).
       * @default its index in the array as a string; when another entry was given that id, the index with a suffix (`"1_1"`) no entry was given
       */
      Id?: string | undefined;
    });

/** A successful entry of {@link QueueHandle.sendBatch}, with its index in the input. */
export type SentEntry = SendMessageBatchResultEntry & { index: number };
/** A failed entry of {@link QueueHandle.sendBatch}: AWS's code and message, with its index in the input. */
export type FailedEntry = BatchResultErrorEntry & {
  index: number;
  /** The error that failed the whole request this entry was in, when that was the cause. */
  error?: unknown;
};

/**
 * Options of {@link QueueHandle.sendBatch}: the call options (`signal` and `deadlineMs` bound the whole
 * call, `timeoutMs` each attempt of each request), and how many requests go at once.
 */
export interface SendBatchOptions extends CallOptions {
  /**
   * Most SendMessageBatch requests in flight at once (a FIFO group has at most one).
   * @default 10
   */
  maxInFlightBatches?: number | undefined;
}

/** The outcome of {@link QueueHandle.sendBatch}: every input entry is in exactly one of the two lists. */
export interface SendBatchResult {
  Successful: SentEntry[];
  Failed: FailedEntry[];
}

const URL_PREFIX = /^https?:\/\//;

// sendBatch's work (queue-batch.ts) is loaded at its first call; once loaded, calls go to it directly.
let batchOps: typeof import("./queue-batch.js") | undefined;

async function loadBatchOps(): Promise<typeof import("./queue-batch.js")> {
  batchOps ??= await loadQueueBatch();
  return batchOps;
}

/**
 * A handle on one queue, from {@link SQS.queue}. A name is resolved to its URL once, with
 * GetQueueUrl, and the URL is cached (a failed lookup is retried at the next call).
 *
 * The queue's counterpart of SNS's `TopicHandle`: `send`/`sendBatch`/`producer` as the topic's
 * `publish`/`publishBatch`/`producer`, `attributes()`/`setAttributes()` on both, and the
 * resource itself deleted with `deleteQueue()` as a topic is with `deleteTopic()`.
 */
export class QueueHandle {
  /** The queue's name. */
  readonly name: string;
  readonly #sqs: SQS;
  readonly #options: QueueOptions;
  readonly #url = new Resolved<string>();

  /** @internal Use {@link SQS.queue}. */
  constructor(sqs: SQS, nameOrUrl: string, options: QueueOptions = {}) {
    const context = { operation: "queue", resource: String(nameOrUrl) };
    this.#sqs = sqs;
    this.#options = options;
    if (typeof nameOrUrl === "string" && URL_PREFIX.test(nameOrUrl)) {
      this.#url.set(checkQueueUrl(nameOrUrl, "queue", context));
      this.name = decodeURIComponent(nameOrUrl.slice(nameOrUrl.lastIndexOf("/") + 1));
    } else {
      this.name = checkQueueName(nameOrUrl, "queue", context);
    }
  }

  /** True for a FIFO queue (its name ends in `.fifo`). */
  get fifo(): boolean {
    return isFifoQueue(this.name);
  }

  /**
   * The queue's URL, resolved once (GetQueueUrl) and cached. Callers that need it meanwhile share
   * one lookup, each waiting on its own `signal` and `deadlineMs` (one that gives up fails alone);
   * the lookup is aborted once no caller waits on it.
   */
  async url(options?: CallOptions): Promise<string> {
    // One lookup for every caller waiting, each on its own signal and deadline; aborted once
    // none waits any more (see Resolved.getFor).
    return this.#url.getFor(
      options,
      async (shared) => {
        const result = await this.#sqs.getQueueUrl(
          this.#options.ownerAccountId
            ? { QueueName: this.name, QueueOwnerAWSAccountId: this.#options.ownerAccountId }
            : { QueueName: this.name },
          shared,
        );
        if (!result.QueueUrl) {
          throw new ValidationError("QueueUrl", "returned by GetQueueUrl", result.QueueUrl, {
            operation: "GetQueueUrl",
            resource: this.name,
          });
        }
        return result.QueueUrl;
      },
      { operation: "GetQueueUrl", resource: this.name },
    );
  }

  /**
   * Sends one message. A body that is not a string is encoded as JSON.
   *
   * @example
   * ```ts
   * await queue.send("Hello, World!");
   * await queue.send({ id: 42 }, { MessageAttributes: { kind: { DataType: "String", StringValue: "order" } } });
   * ```
   */
  async send(body: unknown, params?: SendParams, options?: CallOptions): Promise<SendMessageResult> {
    const MessageBody = encodeBody(body, "body", { operation: "SendMessage", resource: this.name });
    return this.#sqs.sendMessage({ ...params, QueueUrl: await this.url(options), MessageBody }, options);
  }

  /**
   * Sends any number of messages with SendMessageBatch, split into requests of at most 10
   * entries and 1 MiB, at most `maxInFlightBatches` (10) requests at once. Every entry is checked
   * before anything is sent (its `Id` too). Every entry comes back in exactly one list, with its
   * input `index`: `Successful`, or `Failed` with AWS's code, the code of the error that failed
   * its whole request (with that `error`), `MissingBatchEntry` when the answer did not mention it,
   * or `NotSent`. In a FIFO queue a group has one request in flight at a time, and once an entry
   * of a group fails, the group's later entries are not sent (`NotSent`), so order holds; other
   * groups go on. `signal` and `deadlineMs` bound the whole call, `timeoutMs` each attempt.
   *
   * @example
   * ```ts
   * const { Successful, Failed } = await queue.sendBatch(orders.map((o) => JSON.stringify(o)), {
   *   maxInFlightBatches: 4,
   *   deadlineMs: 30_000,
   * });
   * for (const failed of Failed) console.error(failed.index, failed.Code, failed.Message);
   * ```
   */
  async sendBatch(messages: readonly BatchMessage[], options?: SendBatchOptions): Promise<SendBatchResult> {
    return (batchOps ?? (await loadBatchOps())).sendBatch(this, this.#sqs, messages, options);
  }

  /**
   * Receives up to `MaxNumberOfMessages` messages, long polling up to `WaitTimeSeconds`. Asks for
   * all message attributes and system attributes unless told otherwise.
   * @returns the messages; an empty array when none came
   */
  async receive(
    params: Omit<ReceiveMessageRequest, "QueueUrl"> = {},
    options?: CallOptions,
  ): Promise<Message[]> {
    const output = await this.#sqs.receiveMessage(
      {
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 20,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        ...definedOnly(params),
        QueueUrl: await this.url(options),
      },
      options,
    );
    return output.Messages ?? [];
  }

  /** Deletes a message, by receipt handle or as received. */
  async delete(message: string | Pick<Message, "ReceiptHandle">, options?: CallOptions): Promise<void> {
    const ReceiptHandle = typeof message === "string" ? message : message?.ReceiptHandle;
    await this.#sqs.deleteMessage(
      { QueueUrl: await this.url(options), ReceiptHandle: ReceiptHandle as string },
      options,
    );
  }

  /** Changes how long a received message stays invisible, from now (0 makes it visible at once). */
  async changeVisibility(
    message: string | Pick<Message, "ReceiptHandle">,
    visibilityTimeoutSeconds: number,
    options?: CallOptions,
  ): Promise<void> {
    const ReceiptHandle = typeof message === "string" ? message : message?.ReceiptHandle;
    await this.#sqs.changeMessageVisibility(
      {
        QueueUrl: await this.url(options),
        ReceiptHandle: ReceiptHandle as string,
        VisibilityTimeout: visibilityTimeoutSeconds,
      },
      options,
    );
  }

  /** Deletes every message in the queue (PurgeQueue). */
  async purge(options?: CallOptions): Promise<void> {
    await this.#sqs.purgeQueue({ QueueUrl: await this.url(options) }, options);
  }

  /** The queue's attributes (all of them unless names are given). */
  async attributes(
    names: readonly QueueAttributeName[] = ["All"],
    options?: CallOptions,
  ): Promise<Partial<Record<QueueAttributeName, string>>> {
    const output = await this.#sqs.getQueueAttributes(
      { QueueUrl: await this.url(options), AttributeNames: [...names] },
      options,
    );
    return output.Attributes ?? {};
  }

  /** Sets queue attributes. */
  async setAttributes(
    attributes: Partial<Record<QueueAttributeName, string>>,
    options?: CallOptions,
  ): Promise<void> {
    await this.#sqs.setQueueAttributes(
      { QueueUrl: await this.url(options), Attributes: attributes },
      options,
    );
  }

  /** Deletes the queue. */
  async deleteQueue(options?: CallOptions): Promise<void> {
    await this.#sqs.deleteQueue({ QueueUrl: await this.url(options) }, options);
    this.#url.set(undefined);
  }

  /**
   * Starts consuming: `handler(message, { signal, attempt })` for each message, `concurrency` at
   * once. Resolving means done (the message is deleted, batched); throwing means failed (the message
   * is visible again after `retryDelay`). With `batch: true` the handler takes the messages of one
   * receive and returns those that failed; with `unwrapSns: true` it gets the message as published
   * to SNS. Options are checked at once (a ValidationError naming the value received).
   *
   * Transient errors are retried with backoff; a fatal one (missing queue, access denied, bad or
   * missing credentials, bad input) stops the consumer and rejects `consumer.closed`. Errors nobody
   * listens for go to the `logger` option (the console by default), at a bounded rate.
   * `consumer.stop()` lets the long polls in flight finish and releases what they bring, so that no
   * message is left invisible; `stop({ abort: true })` is immediate and counts what it may strand.
   *
   * @example
   * ```ts
   * const consumer = queue.consume(async (message, { signal }) => {
   *   await fetch("https://example.com/jobs", { method: "POST", body: message.Body, signal });
   * }, { concurrency: 50 });
   * process.once("SIGTERM", () => consumer.stop());
   * await consumer.closed; // resolves after stop(), rejects with a fatal error
   * ```
   */
  consume(
    handler: MessageHandler<SnsQueueMessage>,
    options: ConsumerOptions<SnsQueueMessage> & { unwrapSns: true; batch?: false | undefined },
  ): Consumer<SnsQueueMessage>;
  consume(
    handler: BatchHandler<SnsQueueMessage>,
    options: ConsumerOptions<SnsQueueMessage> & { unwrapSns: true; batch: true },
  ): Consumer<SnsQueueMessage>;
  consume(
    handler: BatchHandler<Message>,
    options: ConsumerOptions<Message> & { unwrapSns?: false | undefined; batch: true },
  ): Consumer<Message>;
  consume(
    handler: MessageHandler<Message>,
    options?: ConsumerOptions<Message> & { unwrapSns?: false | undefined; batch?: false | undefined },
  ): Consumer<Message>;
  consume(
    handler: MessageHandler<never> | BatchHandler<never>,
    options?: ConsumerOptions<never>,
  ): Consumer<SnsQueueMessage> | Consumer<Message> {
    return new Consumer<Message>(
      this.#sqs,
      this,
      handler as MessageHandler<Message>,
      options as ConsumerOptions,
    );
  }

  /**
   * The queue's messages as an async iterator: each with `ack()` and `retry(delaySeconds?)`;
   * leaving the loop (or the `signal` option aborting) releases every message not acknowledged and
   * what long polls in flight bring, then ends the loop; a fatal error (missing queue, access
   * denied, bad or missing credentials) ends it with that error. Takes the consumer's options.
   *
   * @example
   * ```ts
   * for await (const message of queue.messages()) {
   *   console.log(message.Body);
   *   message.ack();
   * }
   * ```
   */
  messages(options: MessagesOptions<SnsQueueMessage> & { unwrapSns: true }): MessageIterator<SnsQueueMessage>;
  messages(options?: MessagesOptions<Message> & { unwrapSns?: false | undefined }): MessageIterator<Message>;
  messages(options?: MessagesOptions<never>): MessageIterator<SnsQueueMessage> | MessageIterator<Message> {
    return new MessageIterator<Message>(this.#sqs, this, options as MessagesOptions);
  }

  /**
   * A producer for this queue: `send(body, params?)` resolves with the message id once its
   * SendMessageBatch accepted it; messages are batched by 10 and 1 MiB.
   *
   * @example
   * ```ts
   * const producer = queue.producer();
   * await producer.sendAll(orders); // takes the next one only when there is room
   * await producer.close();
   * ```
   */
  producer(options?: QueueProducerOptions): QueueProducer {
    return new QueueProducer(this.#sqs, this, options);
  }
}

/**
 * The former name of {@link QueueHandle}.
 * @deprecated Use {@link QueueHandle} (the name that agrees with `TopicHandle`); `Queue`
 * goes in the next minor version.
 */
export const Queue = QueueHandle;
/**
 * The former name of {@link QueueHandle}.
 * @deprecated Use {@link QueueHandle}; `Queue` goes in the next minor version.
 */
export type Queue = QueueHandle;
