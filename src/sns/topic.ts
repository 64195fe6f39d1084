/**
 * A topic handle: the convenient layer for the common work on one topic: publish, publish in
 * batches, subscribe an SQS queue (granting the topic access to it), unsubscribe.
 *
 * @module
 */

import type { CallOptions } from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import { Resolved } from "../core/handle.js";
import type { QueueHandle } from "../sqs/queue.js";
import { TopicProducer, type TopicProducerOptions } from "./producer.js";
import type { SNS } from "./sns.js";
import type {
  BatchResultErrorEntry,
  PublishBatchRequestEntry,
  PublishBatchResultEntry,
  PublishInput,
  PublishResponse,
  Subscription,
} from "./types.js";
import { checkArn, checkTopicName, isFifoTopic } from "./validate.js";

/** Options of a {@link TopicHandle}. */
export interface TopicOptions {
  /**
   * The account that owns the topic. With it, a topic name becomes its ARN
   * (`arn:<partition>:sns:<region>:<accountId>:<name>`) with no call at all.
   * @default the caller's account, from STS GetCallerIdentity (cached per access key)
   */
  accountId?: string | undefined;
  /**
   * Resolve the name with CreateTopic, which returns the ARN of the topic and creates it when
   * there is none (a FIFO topic for a name ending in `.fifo`). Without it, a handle never creates
   * anything, and a call on a topic that does not exist fails with SNS's `NotFound`.
   * @default false
   */
  create?: boolean | undefined;
}

/**
 * Names of the topic attributes that SetTopicAttributes takes (AWS's documentation of the
 * action). `FifoTopic` is set only when the topic is created.
 */
export type SettableTopicAttributeName =
  | "ApplicationFailureFeedbackRoleArn"
  | "ApplicationSuccessFeedbackRoleArn"
  | "ApplicationSuccessFeedbackSampleRate"
  | "ArchivePolicy"
  | "ContentBasedDeduplication"
  | "DeliveryPolicy"
  | "DisplayName"
  | "FifoThroughputScope"
  | "FirehoseFailureFeedbackRoleArn"
  | "FirehoseSuccessFeedbackRoleArn"
  | "FirehoseSuccessFeedbackSampleRate"
  | "HTTPFailureFeedbackRoleArn"
  | "HTTPSuccessFeedbackRoleArn"
  | "HTTPSuccessFeedbackSampleRate"
  | "KmsMasterKeyId"
  | "LambdaFailureFeedbackRoleArn"
  | "LambdaSuccessFeedbackRoleArn"
  | "LambdaSuccessFeedbackSampleRate"
  | "Policy"
  | "SQSFailureFeedbackRoleArn"
  | "SQSSuccessFeedbackRoleArn"
  | "SQSSuccessFeedbackSampleRate"
  | "SignatureVersion"
  | "TracingConfig";

/** Names of the topic attributes GetTopicAttributes returns (AWS's documentation of the action). */
export type TopicAttributeName =
  | SettableTopicAttributeName
  | "BeginningArchiveTime"
  | "EffectiveDeliveryPolicy"
  | "FifoTopic"
  | "Owner"
  | "SubscriptionsConfirmed"
  | "SubscriptionsDeleted"
  | "SubscriptionsPending"
  | "TopicArn";

/**
 * A topic's attributes, as {@link TopicHandle.attributes} returns them: the documented names
 * typed, any other name SNS returns kept as well. Every value is a string, as SNS sends it.
 */
export type TopicAttributes = { [K in TopicAttributeName]?: string } & { [name: string]: string | undefined };

/** What {@link TopicHandle.publish} takes besides the message: Publish's other members. */
export type PublishParams = Omit<PublishInput, "TopicArn" | "TargetArn" | "PhoneNumber" | "Message">;

/** One message for {@link TopicHandle.publishBatch}: a message, or an entry with an optional Id. */
export type PublishBatchMessage =
  | string
  | (Omit<PublishBatchRequestEntry, "Id" | "Message"> & {
      /**
       * The entry's id in the request and the result (1 to 80 of A-Z a-z 0-9 _ -, unique).
       * @default its index in the array as a string; when another entry was given that id, the index with a suffix (`"1_1"`) no entry was given
       */
      Id?: string | undefined;
      /** The message: a string, or a value encoded as JSON. */
      Message: unknown;
    });

/** A successful entry of {@link TopicHandle.publishBatch}, with its index in the input. */
export type PublishedEntry = PublishBatchResultEntry & { Id: string; index: number };
/** A failed entry of {@link TopicHandle.publishBatch}: AWS's code and message, with its index in the input. */
export type FailedPublishEntry = BatchResultErrorEntry & {
  index: number;
  /** The error that failed the whole request this entry was in, when that was the cause. */
  error?: unknown;
};

/**
 * Options of {@link TopicHandle.publishBatch}: the call options (`signal` and `deadlineMs` bound
 * the whole call, `timeoutMs` each attempt of each request), and how many requests go at once.
 */
export interface PublishBatchOptions extends CallOptions {
  /**
   * Most PublishBatch requests in flight at once (a FIFO group has at most one).
   * @default 10
   */
  maxInFlightBatches?: number | undefined;
}

/** The outcome of {@link TopicHandle.publishBatch}: every input entry is in exactly one of the two lists. */
export interface PublishBatchResult {
  Successful: PublishedEntry[];
  Failed: FailedPublishEntry[];
}

/** Options of {@link TopicHandle.subscribeQueue}. */
export interface SubscribeQueueOptions {
  /**
   * Raw message delivery: the queue receives the message itself, with its attributes as SQS
   * message attributes, instead of the SNS JSON envelope.
   * @default false
   */
  raw?: boolean | undefined;
  /** A filter policy: an object (encoded as JSON) or a JSON string. @default none: every message */
  filterPolicy?: Record<string, unknown> | string | undefined;
  /**
   * What the filter policy applies to.
   * @default "MessageAttributes"
   */
  filterPolicyScope?: "MessageAttributes" | "MessageBody" | undefined;
  /** Other subscription attributes (`RedrivePolicy`, `DeliveryPolicy`...), as Subscribe takes them. */
  attributes?: Record<string, string> | undefined;
}

/** What {@link TopicHandle.subscribeQueue} did. */
export interface SubscribeQueueResult {
  /** The subscription's ARN. */
  SubscriptionArn: string;
  /** The topic's ARN. */
  TopicArn: string;
  /** The queue's ARN. */
  QueueArn: string;
  /** True when a statement was added to the queue's policy; false when the topic already had access. */
  policyChanged: boolean;
}

const ARN_PREFIX = /^arn:/;

// What the handle does (topic-ops.ts) is loaded at its first asynchronous call: a cold start that
// makes handles, or never uses SNS, does not compile it. Once loaded, calls go to it directly.
let ops: typeof import("./topic-ops.js") | undefined;
let loadingOps: Promise<typeof import("./topic-ops.js")> | undefined;

function loadOps(): Promise<typeof import("./topic-ops.js")> {
  loadingOps ??= import("./topic-ops.js").then(
    (m) => {
      ops = m;
      return m;
    },
    (error: unknown) => {
      loadingOps = undefined;
      throw error;
    },
  );
  return loadingOps;
}

// ---------------------------------------------------------------------------------------------
// The handle

/**
 * A handle on one topic, from {@link SNS.topic}. A topic name is resolved to its ARN once and
 * cached (a failed lookup is retried at the next call).
 */
export class TopicHandle {
  /** The topic's name. */
  readonly name: string;
  readonly #sns: SNS;
  readonly #options: TopicOptions;
  readonly #arn = new Resolved<string>();

  /** @internal Use {@link SNS.topic}. */
  constructor(sns: SNS, nameOrArn: string, options: TopicOptions = {}) {
    const context = { operation: "topic", resource: String(nameOrArn) };
    this.#sns = sns;
    this.#options = options;
    if (typeof nameOrArn === "string" && ARN_PREFIX.test(nameOrArn)) {
      this.#arn.set(checkArn(nameOrArn, "topic", context));
      this.name = nameOrArn.slice(nameOrArn.lastIndexOf(":") + 1);
    } else {
      this.name = checkTopicName(nameOrArn, "topic", context);
    }
    if (options.accountId !== undefined && !/^\d{12}$/.test(String(options.accountId))) {
      throw new ValidationError("accountId", "a 12-digit account id", options.accountId, context);
    }
    if (options.create !== undefined && typeof options.create !== "boolean") {
      throw new ValidationError("create", "a boolean", options.create, context);
    }
  }

  /** True for a FIFO topic (its name ends in `.fifo`). */
  get fifo(): boolean {
    return isFifoTopic(this.name);
  }

  /**
   * The topic's ARN: the ARN given; else, for a name, resolved once and cached: with CreateTopic
   * when the handle was made with `{ create: true }` (which creates the topic if there is none),
   * else built from the region's partition, the region and `accountId` or the caller's account
   * (STS GetCallerIdentity, cached per access key). Building an ARN checks nothing: a topic that
   * does not exist fails the call that uses it, with SNS's `NotFound`. Callers that need it
   * meanwhile share one resolution, each waiting on its own `signal` and `deadlineMs` (one that
   * gives up fails alone); the resolution is aborted once no caller waits on it.
   */
  async arn(options?: CallOptions): Promise<string> {
    // One resolution for every caller waiting, each on its own signal and deadline; aborted once
    // none waits any more (see Resolved.getFor).
    return this.#arn.getFor(
      options,
      async (shared) => (ops ?? (await loadOps())).resolveArn(this, this.#sns, this.#options, shared),
      { operation: "topic", resource: this.name },
    );
  }

  /**
   * Publishes one message. A message that is not a string is encoded as JSON. The message is
   * checked before anything is sent (a name is resolved to its ARN only after).
   *
   * @example
   * ```ts
   * await topic.publish("Hello, World!");
   * await topic.publish({ id: 42 }, { MessageAttributes: { kind: { DataType: "String", StringValue: "order" } } });
   * ```
   */
  async publish(message: unknown, params?: PublishParams, options?: CallOptions): Promise<PublishResponse> {
    return (ops ?? (await loadOps())).publish(this, this.#sns, message, params, options);
  }

  /**
   * Publishes any number of messages with PublishBatch, split into requests of at most 10
   * entries and 256 KiB, at most `maxInFlightBatches` (10) requests at once. Every entry is
   * checked before anything is sent. Every entry comes back in exactly one list, with its input
   * `index`: `Successful`, or `Failed` with AWS's code, the code of the error that failed its
   * whole request (with that `error`), `MissingBatchEntry` when the answer did not mention it, or
   * `NotSent`. On a FIFO topic a group has one request in flight at a time, and once an entry of a
   * group fails, the group's later entries are not sent (`NotSent`), so order holds; other groups
   * go on. `signal` and `deadlineMs` bound the whole call, `timeoutMs` each attempt.
   */
  async publishBatch(
    messages: readonly PublishBatchMessage[],
    options?: PublishBatchOptions,
  ): Promise<PublishBatchResult> {
    return (ops ?? (await loadOps())).publishBatch(this, this.#sns, messages, options);
  }

  /**
   * A producer for this topic: `send(message, params?)` resolves with the message id once its
   * PublishBatch request accepted it. Messages are batched by 10 and 256 KiB, failed entries are
   * retried or rejected one by one, and a FIFO topic's groups keep their order.
   *
   * @example
   * ```ts
   * const producer = topic.producer();
   * await producer.sendAll(events); // takes the next one only when there is room
   * await producer.close();
   * ```
   */
  producer(options?: TopicProducerOptions): TopicProducer {
    return new TopicProducer(this.#sns, this, options);
  }

  /**
   * Subscribes an SQS queue to this topic, and lets the topic send to it: a statement granting
   * `sqs:SendMessage` to SNS, only for this topic's ARN, is merged into the queue's existing
   * policy (the other statements stay as they are). Calling it again with the same options
   * changes nothing and returns the same subscription. Concurrent calls for one queue take turns
   * within the process (by queue ARN, whichever handle or client names the queue), and the policy
   * is read back after it is set and merged again if the statement is missing (another process
   * replaced it meanwhile), so no statement is lost. When SNS refuses the subscription for good
   * (the topic does not exist, a bad filter policy, access denied), the statement this call added
   * is taken back before the error is thrown.
   *
   * @example
   * ```ts
   * await topic.subscribeQueue(sqs.queue("orders"), {
   *   raw: true,
   *   filterPolicy: { kind: ["order"] },
   * });
   * ```
   */
  async subscribeQueue(
    queue: QueueHandle,
    subscribeOptions: SubscribeQueueOptions = {},
    options?: CallOptions,
  ): Promise<SubscribeQueueResult> {
    return (ops ?? (await loadOps())).subscribeQueue(this, this.#sns, queue, subscribeOptions, options);
  }

  /**
   * Removes a subscription of this topic (Unsubscribe). The queue's policy is left as it is.
   * @param subscription - the subscription's ARN, or an object holding it (what subscribeQueue returned)
   */
  async unsubscribe(
    subscription: string | { SubscriptionArn: string },
    options?: CallOptions,
  ): Promise<void> {
    return (ops ?? (await loadOps())).unsubscribe(this, this.#sns, subscription, options);
  }

  /** The topic's subscriptions, every page of ListSubscriptionsByTopic. */
  async *subscriptions(options?: CallOptions): AsyncGenerator<Subscription, void, undefined> {
    yield* (ops ?? (await loadOps())).subscriptions(this, this.#sns, options);
  }

  /**
   * The topic's attributes (GetTopicAttributes, which returns them all), typed by name as
   * {@link QueueHandle.attributes} is; names SNS adds later are there too.
   *
   * @example
   * ```ts
   * const { SubscriptionsConfirmed, FifoTopic } = await topic.attributes();
   * ```
   */
  async attributes(options?: CallOptions): Promise<TopicAttributes> {
    return (ops ?? (await loadOps())).attributes(this, this.#sns, options);
  }

  /**
   * Sets topic attributes: one SetTopicAttributes call per attribute (the action takes one at a
   * time), in the order given; an attribute whose value is undefined is skipped.
   */
  async setAttributes(
    attributes: { [K in SettableTopicAttributeName]?: string | undefined },
    options?: CallOptions,
  ): Promise<void> {
    return (ops ?? (await loadOps())).setAttributes(this, this.#sns, attributes, options);
  }

  /** Deletes the topic (DeleteTopic), and its subscriptions with it. */
  async deleteTopic(options?: CallOptions): Promise<void> {
    await this.#sns.deleteTopic({ TopicArn: await this.arn(options) }, options);
  }

  /**
   * Deletes the topic.
   * @deprecated Use {@link TopicHandle.deleteTopic} (as `queue.deleteQueue()`); `delete()` goes in
   * the next minor version.
   */
  async delete(options?: CallOptions): Promise<void> {
    await this.deleteTopic(options);
  }
}
