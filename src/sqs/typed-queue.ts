/**
 * A typed queue handle, from `sqs.queue(name, { schema })`: values checked by a Standard Schema
 * and JSON-encoded on the way out; bodies decoded and checked on the way in, handed over as
 * `message.value` (the schema's output type) beside the message as received.
 *
 * @module
 */

import type { ProducerStats } from "../batch/engine.js";
import type { CallOptions } from "../core/client.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import {
  checkInvalidPolicy,
  checkSchema,
  type InvalidMessagePolicy,
  type SchemaInput,
  type SchemaOutput,
  type TypedMessage,
} from "../core/typed.js";
import { loadTypedWork, TypedProducer, typedWork } from "../core/typed-producer.js";
import type { Consumer } from "./consume.js";
import type { BatchHandler, MessageHandler } from "./consumer/consumer.js";
import type { Acknowledgeable, MessagesOptions } from "./consumer/iterator.js";
import type { ConsumerOptions } from "./consumer/options.js";
import type { SnsQueueMessage } from "./consumer/sns.js";
import type { QueueProducerOptions } from "./producer.js";
import type { QueueHandle, QueueOptions, SendParams } from "./queue.js";
import type { TypedQueue } from "./typed.js";
import type { Message, ReceiveMessageRequest, SendMessageResult } from "./types.js";

/** Options of a typed queue handle: a queue handle's, with the schema. */
export interface TypedQueueOptions<S extends StandardSchemaV1> extends QueueOptions {
  /** A Standard Schema v1 schema (zod, valibot, arktype...) that every message's value follows. */
  schema: S;
  /**
   * What becomes of a received message whose body is not JSON or that the schema rejects:
   * `"fail"` (a failed message: the consumer retries it after `retryDelay`, and the queue's
   * redrive policy moves it to the dead-letter queue in time), `"delete"` (deleted, never handed
   * over), or a function called with the message and the ValidationError instead of the handler
   * (resolving deletes the message, throwing fails it).
   * @default "fail"
   */
  onInvalid?: InvalidMessagePolicy<Message | SnsQueueMessage> | undefined;
}

/** The producer of a typed queue. */
export type TypedQueueProducer<In> = TypedProducer<In, SendParams, ProducerStats>;

/**
 * A queue whose messages follow a schema, from `sqs.queue(name, { schema })`. `send(value)`
 * checks the value before anything is sent (a ValidationError carrying the schema's issues) and
 * JSON-encodes it; `receive()`, `consume()`, `messages()` decode and check each body, and give
 * the result as `message.value`, typed as the schema's output. The untyped handle is `queue`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 *
 * const orders = sqs.queue("orders", { schema: z.object({ id: z.number(), sku: z.string() }) });
 * await orders.send({ id: 42, sku: "A-1" });
 * orders.consume(async (message) => {
 *   console.log(message.value.sku); // typed: string
 * });
 * ```
 */
export class TypedQueueHandle<S extends StandardSchemaV1> {
  /** The untyped handle on the same queue (for what takes no schema: attributes, purge...). */
  readonly queue: QueueHandle;
  /** The schema. */
  readonly schema: S;
  readonly #onInvalid: InvalidMessagePolicy<Message | SnsQueueMessage>;

  /** @internal Use `sqs.queue(name, { schema })`. */
  constructor(queue: QueueHandle, schema: S, onInvalid?: unknown) {
    const context = { operation: "queue", resource: queue.name };
    this.queue = queue;
    this.schema = checkSchema(schema, "schema", context) as S;
    this.#onInvalid = checkInvalidPolicy(onInvalid, "onInvalid", context);
  }

  /** What the typed work (`typed.ts`, loaded at the first use) needs of this handle. */
  #work(): TypedQueue {
    return { queue: this.queue, schema: this.schema, onInvalid: this.#onInvalid };
  }

  /** The queue's name. */
  get name(): string {
    return this.queue.name;
  }

  /** True for a FIFO queue. */
  get fifo(): boolean {
    return this.queue.fifo;
  }

  /** The queue's URL, resolved once and cached. */
  url(options?: CallOptions): Promise<string> {
    return Promise.resolve(this.queue.url(options));
  }

  /**
   * Checks the value with the schema, then sends it JSON-encoded (the value as given, so that a
   * schema with transforms reads it back).
   * @throws ValidationError carrying the schema's `issues`, before anything is sent
   */
  async send(value: SchemaInput<S>, params?: SendParams, options?: CallOptions): Promise<SendMessageResult> {
    const m = typedWork() ?? (await loadTypedWork());
    const body = await m.encodeTyped(this.schema, value, "value", {
      operation: "SendMessage",
      resource: this.queue.name,
    });
    return this.queue.send(body, params, options);
  }

  /**
   * Receives messages (as {@link QueueHandle.receive}) and decodes each body. Messages that do not
   * decode are not returned: with `onInvalid: "fail"` they are left alone (visible again after
   * their visibility timeout, so the redrive policy counts them), `"delete"` deletes them, a
   * function is called (and the message deleted when it resolves).
   */
  async receive(
    params?: Omit<ReceiveMessageRequest, "QueueUrl">,
    options?: CallOptions,
  ): Promise<TypedMessage<SchemaOutput<S>, Message>[]> {
    return await ((typedWork() ?? (await loadTypedWork())).receiveTyped(
      this.#work(),
      params,
      options,
    ) as Promise<TypedMessage<SchemaOutput<S>, Message>[]>);
  }

  /** Deletes a message, by receipt handle or as received. */
  delete(message: string | Pick<Message, "ReceiptHandle">, options?: CallOptions): Promise<void> {
    return this.queue.delete(message, options);
  }

  /** Changes how long a received message stays invisible, from now. */
  changeVisibility(
    message: string | Pick<Message, "ReceiptHandle">,
    visibilityTimeoutSeconds: number,
    options?: CallOptions,
  ): Promise<void> {
    return this.queue.changeVisibility(message, visibilityTimeoutSeconds, options);
  }

  /**
   * Consumes the queue as {@link QueueHandle.consume} does, the handler getting each message with
   * its decoded `value`. A message that does not decode is handled by `onInvalid` instead of the
   * handler. The handler type is the consumer's (and `sqsHandler`'s) `MessageHandler`.
   */
  consume(
    handler: MessageHandler<TypedMessage<SchemaOutput<S>, SnsQueueMessage>>,
    options: ConsumerOptions<SnsQueueMessage> & { unwrapSns: true; batch?: false | undefined },
  ): Consumer<SnsQueueMessage>;
  consume(
    handler: BatchHandler<TypedMessage<SchemaOutput<S>, SnsQueueMessage>>,
    options: ConsumerOptions<SnsQueueMessage> & { unwrapSns: true; batch: true },
  ): Consumer<SnsQueueMessage>;
  consume(
    handler: BatchHandler<TypedMessage<SchemaOutput<S>, Message>>,
    options: ConsumerOptions<Message> & { unwrapSns?: false | undefined; batch: true },
  ): Consumer<Message>;
  consume(
    handler: MessageHandler<TypedMessage<SchemaOutput<S>, Message>>,
    options?: ConsumerOptions<Message> & { unwrapSns?: false | undefined; batch?: false | undefined },
  ): Consumer<Message>;
  consume(
    handler: MessageHandler<never> | BatchHandler<never>,
    options?: ConsumerOptions<never>,
  ): Consumer<Message> | Consumer<SnsQueueMessage> {
    // The typed handler is made at the first message, with the typed work (loaded then).
    const batch = options?.batch === true;
    let made: ((...args: never[]) => unknown) | undefined;
    const wrapped = (...args: never[]): unknown => {
      if (made !== undefined) return made(...args);
      return loadTypedWork().then((m) => {
        made ??= m.typedConsumeHandler(this.#work(), handler, batch) as (...args: never[]) => unknown;
        return made(...args);
      });
    };
    return this.queue.consume(wrapped as never, options as never) as unknown as Consumer<Message>;
  }

  /**
   * The queue's messages as an async iterator, as {@link QueueHandle.messages}, each with its
   * decoded `value`. A message that does not decode is not yielded: `onInvalid: "fail"` retries it
   * (`retry()`), `"delete"` acknowledges it, a function decides (resolving acknowledges).
   */
  messages(
    options: MessagesOptions<SnsQueueMessage> & { unwrapSns: true },
  ): AsyncGenerator<Acknowledgeable<TypedMessage<SchemaOutput<S>, SnsQueueMessage>>, void, undefined>;
  messages(
    options?: MessagesOptions<Message> & { unwrapSns?: false | undefined },
  ): AsyncGenerator<Acknowledgeable<TypedMessage<SchemaOutput<S>, Message>>, void, undefined>;
  async *messages(
    options?: MessagesOptions<never>,
  ): AsyncGenerator<Acknowledgeable<TypedMessage<unknown, Message | SnsQueueMessage>>, void, undefined> {
    yield* (typedWork() ?? (await loadTypedWork())).typedMessages(this.#work(), options);
  }

  /**
   * A producer for this queue, as {@link QueueHandle.producer}: `send(value, params?)` checks the
   * value first (rejecting with a ValidationError), then queues it JSON-encoded.
   */
  producer(options?: QueueProducerOptions): TypedQueueProducer<SchemaInput<S>> {
    return new TypedProducer<SchemaInput<S>, SendParams, ProducerStats>(
      this.queue.producer(options) as never,
      this.schema,
      { operation: "SendMessageBatch", resource: this.queue.name },
    );
  }
}
