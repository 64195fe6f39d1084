/**
 * A typed topic handle, from `sns.topic(name, { schema })`: each value checked by a Standard
 * Schema before it is published, and JSON-encoded.
 *
 * @module
 */

import type { ProducerStats } from "../batch/engine.js";
import type { CallOptions } from "../core/client.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import { checkSchema, type SchemaInput } from "../core/typed.js";
import { loadTypedWork, TypedProducer, typedWork } from "../core/typed-producer.js";
import type { QueueHandle } from "../sqs/queue.js";
import type { TopicProducerOptions } from "./producer.js";
import type {
  PublishParams,
  SubscribeQueueOptions,
  SubscribeQueueResult,
  TopicHandle,
  TopicOptions,
} from "./topic.js";
import type { PublishResponse } from "./types.js";

/** Options of a typed topic handle: a topic handle's, with the schema. */
export interface TypedTopicOptions<S extends StandardSchemaV1> extends TopicOptions {
  /** A Standard Schema v1 schema that every published value follows. */
  schema: S;
}

/** The producer of a typed topic. */
export type TypedTopicProducer<In> = TypedProducer<In, PublishParams, ProducerStats>;

/**
 * A topic whose messages follow a schema, from `sns.topic(name, { schema })`: `publish(value)`
 * checks the value before anything is sent (a ValidationError carrying the schema's issues) and
 * JSON-encodes it. Queues subscribed to it can take the same schema (`sqs.queue(name, { schema,
 * ... })` with `unwrapSns`, or `sqsHandler`/`snsHandler` with `schema`). The untyped handle is
 * `topic`.
 *
 * @example
 * ```ts
 * // Any Standard Schema: valibot's v.object({ kind: v.string(), id: v.number() }), zod, arktype...
 * declare const OrderEvent: StandardSchemaV1<{ kind: string; id: number }>;
 * const events = sns.topic("events", { schema: OrderEvent });
 * await events.publish({ kind: "order", id: 42 });
 * ```
 */
export class TypedTopicHandle<S extends StandardSchemaV1> {
  /** The untyped handle on the same topic. */
  readonly topic: TopicHandle;
  /** The schema. */
  readonly schema: S;

  /** @internal Use `sns.topic(name, { schema })`. */
  constructor(topic: TopicHandle, schema: S) {
    this.topic = topic;
    this.schema = checkSchema(schema, "schema", { operation: "topic", resource: topic.name }) as S;
  }

  /** The topic's name. */
  get name(): string {
    return this.topic.name;
  }

  /** True for a FIFO topic. */
  get fifo(): boolean {
    return this.topic.fifo;
  }

  /** The topic's ARN, resolved once and cached. */
  arn(options?: CallOptions): Promise<string> {
    return this.topic.arn(options);
  }

  /**
   * Checks the value with the schema, then publishes it JSON-encoded.
   * @throws ValidationError carrying the schema's `issues`, before anything is sent
   */
  async publish(
    value: SchemaInput<S>,
    params?: PublishParams,
    options?: CallOptions,
  ): Promise<PublishResponse> {
    const m = typedWork() ?? (await loadTypedWork());
    const message = await m.encodeTyped(this.schema, value, "value", {
      operation: "Publish",
      resource: this.topic.name,
    });
    return this.topic.publish(message, params, options);
  }

  /** Subscribes a queue, as {@link TopicHandle.subscribeQueue}. */
  subscribeQueue(
    queue: QueueHandle | { readonly queue: QueueHandle },
    subscribeOptions?: SubscribeQueueOptions,
    options?: CallOptions,
  ): Promise<SubscribeQueueResult> {
    const handle = "queue" in queue && typeof queue.queue === "object" ? queue.queue : (queue as QueueHandle);
    return this.topic.subscribeQueue(handle, subscribeOptions, options);
  }

  /** A producer for this topic: `send(value, params?)` checks the value first. */
  producer(options?: TopicProducerOptions): TypedTopicProducer<SchemaInput<S>> {
    return new TypedProducer<SchemaInput<S>, PublishParams, ProducerStats>(
      this.topic.producer(options) as never,
      this.schema,
      { operation: "PublishBatch", resource: this.topic.name },
    );
  }
}
