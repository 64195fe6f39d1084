/**
 * What a {@link TopicHandle} does, loaded with `import()` at its first asynchronous call (the
 * handle itself, made synchronously by `sns.topic()`, checks the name or ARN and its options at
 * once): resolving the ARN, publishing one message or a batch, subscribing a queue, the
 * subscriptions and attributes, deleting the topic. A program that only makes handles, or never
 * uses SNS, does not compile it at its cold start.
 *
 * @module
 */

import { batchEntryIds, checkBatchOptions, deadlineLeft, sendAndSettle } from "../batch/once.js";
import type { CallOptions } from "../core/client.js";
import { partitionOf } from "../core/config.js";
import { AsyncAwsError, isServiceError, ValidationError } from "../core/errors.js";
import { encodeBody } from "../core/handle.js";
import { classify } from "../core/retry.js";
import { isRecord } from "../core/validate.js";
import type { QueueHandle } from "../sqs/queue.js";
import { CALLER_ACCOUNT } from "./client.js";
import { checkPublished, publishBatchTarget, type Sized } from "./producer.js";
import type { SNS } from "./sns.js";
import type {
  PublishBatchMessage,
  PublishBatchOptions,
  PublishBatchResult,
  PublishParams,
  SettableTopicAttributeName,
  SubscribeQueueOptions,
  SubscribeQueueResult,
  TopicAttributes,
  TopicHandle,
  TopicOptions,
} from "./topic.js";
import type {
  PublishBatchRequestEntry,
  PublishBatchResultEntry,
  PublishResponse,
  Subscription,
} from "./types.js";
import { checkArn } from "./validate.js";

/** {@link TopicHandle.arn}'s lookup, once per handle (the handle caches what it resolves). */
export async function resolveArn(
  topic: TopicHandle,
  sns: SNS,
  topicOptions: TopicOptions,
  options: CallOptions | undefined,
): Promise<string> {
  const context = { operation: "topic", resource: topic.name };
  if (topicOptions.create) {
    const result = await sns.createTopic(
      topic.fifo ? { Name: topic.name, Attributes: { FifoTopic: "true" } } : { Name: topic.name },
      options,
    );
    if (!result.TopicArn) {
      throw new ValidationError("TopicArn", "returned by CreateTopic", result.TopicArn, {
        operation: "CreateTopic",
        resource: topic.name,
      });
    }
    return result.TopicArn;
  }
  const account = topicOptions.accountId ?? (await sns[CALLER_ACCOUNT](context, options));
  const region = sns.region;
  if (!region) throw new AsyncAwsError("no region: set the region option or AWS_REGION", context);
  return `arn:${partitionOf(region).id}:sns:${region}:${account}:${topic.name}`;
}

/** {@link TopicHandle.publish}. */
export async function publish(
  topic: TopicHandle,
  sns: SNS,
  message: unknown,
  params: PublishParams | undefined,
  options: CallOptions | undefined,
): Promise<PublishResponse> {
  const context = { operation: "Publish", resource: topic.name };
  const Message = encodeBody(message, "message", context);
  const input = { ...params, Message };
  checkPublished(sns, input, "", topic.fifo, context);
  return sns.publish({ ...input, TopicArn: await topic.arn(options) }, options);
}

/** {@link TopicHandle.publishBatch}. */
export async function publishBatch(
  topic: TopicHandle,
  sns: SNS,
  messages: readonly PublishBatchMessage[],
  options: PublishBatchOptions | undefined,
): Promise<PublishBatchResult> {
  const context = { operation: "PublishBatch", resource: topic.name };
  if (!Array.isArray(messages)) throw new ValidationError("messages", "an array", messages, context);
  const batchOptions = checkBatchOptions(options, context);
  const fifo = topic.fifo;
  const ids = batchEntryIds(messages, context);
  const items: Sized[] = messages.map((message, index) => {
    let entry: Omit<PublishBatchRequestEntry, "Id">;
    if (typeof message === "string") {
      entry = { Message: message };
    } else {
      const { Id: _, ...rest } = message as Exclude<PublishBatchMessage, string>;
      entry = { ...rest, Message: encodeBody(rest.Message, `messages[${index}].Message`, context) };
    }
    const checked = checkPublished(sns, entry, `messages[${index}].`, fifo, context);
    return { entry, ...checked, id: ids[index]! };
  });
  const result: PublishBatchResult = { Successful: [], Failed: [] };
  if (items.length === 0) return result;
  // The lookup (once per handle) counts toward the call's deadline: the batches get what is left.
  const startedAt = Date.now();
  const TopicArn = await topic.arn(options);
  deadlineLeft(batchOptions, startedAt);
  const target = publishBatchTarget(
    sns,
    async () => TopicArn,
    fifo,
    context,
    (ok: PublishBatchResultEntry & { Id: string }) => ok,
    options?.timeoutMs,
  );
  return sendAndSettle(target, items, ids, result, batchOptions);
}

/** {@link TopicHandle.subscribeQueue}. */
export async function subscribeQueue(
  topic: TopicHandle,
  sns: SNS,
  queue: QueueHandle,
  subscribeOptions: SubscribeQueueOptions,
  options: CallOptions | undefined,
): Promise<SubscribeQueueResult> {
  const context = { operation: "subscribeQueue", resource: topic.name };
  if (
    queue === null ||
    typeof queue !== "object" ||
    typeof (queue as QueueHandle).attributes !== "function"
  ) {
    throw new ValidationError("queue", "a Queue handle (sqs.queue(...))", queue, context);
  }
  if (!isRecord(subscribeOptions))
    throw new ValidationError("options", "an object", subscribeOptions, context);
  const { raw, filterPolicy, filterPolicyScope, attributes: extra } = subscribeOptions;
  if (raw !== undefined && typeof raw !== "boolean")
    throw new ValidationError("raw", "a boolean", raw, context);
  const attributes: Record<string, string> = {};
  if (extra !== undefined) {
    if (!isRecord(extra)) throw new ValidationError("attributes", "an object of strings", extra, context);
    Object.assign(attributes, extra);
  }
  if (raw) attributes.RawMessageDelivery = "true";
  if (filterPolicy !== undefined) {
    if (typeof filterPolicy === "string") attributes.FilterPolicy = filterPolicy;
    else if (isRecord(filterPolicy)) attributes.FilterPolicy = JSON.stringify(filterPolicy);
    else throw new ValidationError("filterPolicy", "an object or a JSON string", filterPolicy, context);
  }
  if (filterPolicyScope !== undefined) {
    if (filterPolicyScope !== "MessageAttributes" && filterPolicyScope !== "MessageBody") {
      throw new ValidationError(
        "filterPolicyScope",
        '"MessageAttributes" or "MessageBody"',
        filterPolicyScope,
        context,
      );
    }
    if (filterPolicy === undefined)
      throw new ValidationError("filterPolicy", "set when filterPolicyScope is", undefined, context);
    attributes.FilterPolicyScope = filterPolicyScope;
  }
  const subscribeAttributes = Object.keys(attributes).length ? { Attributes: attributes } : {};
  // The subscription's attributes are checked before any call: bad input changes nothing. The
  // validators and the policy code are loaded here, on first use (most programs never subscribe).
  const [validators, { grantTopic, revokeTopic, withQueueLock }] = await Promise.all([
    import("./validators.js"),
    import("./policy.js"),
  ]);
  validators.Subscribe(
    {
      TopicArn: "arn:aws:sns:us-east-1:000000000000:t",
      Protocol: "sqs",
      Endpoint: "arn:aws:sqs:us-east-1:000000000000:q",
      ...subscribeAttributes,
    },
    context,
  );
  const TopicArn = await topic.arn(options);
  const QueueArn = (await queue.attributes(["QueueArn"], options)).QueueArn;
  if (!QueueArn) {
    throw new AsyncAwsError("the queue has no QueueArn attribute", { ...context, resource: queue.name });
  }
  const input = {
    TopicArn,
    Protocol: "sqs",
    Endpoint: QueueArn,
    ReturnSubscriptionArn: true,
    ...subscribeAttributes,
  };
  const policyChanged = await withQueueLock(QueueArn, () => grantTopic(queue, QueueArn, TopicArn, options));
  let SubscriptionArn: string | undefined;
  try {
    ({ SubscriptionArn } = await sns.subscribe(input, options));
  } catch (error) {
    // Refused for good (no such topic, a bad filter policy, access denied): the statement added
    // for it is taken back. After a timeout or a 5xx the subscription may exist, so it stays.
    if (policyChanged && isServiceError(error) && classify(error) === "fatal") {
      await withQueueLock(QueueArn, () => revokeTopic(queue, QueueArn, TopicArn, options)).catch(
        () => undefined,
      );
    }
    throw error;
  }
  if (!SubscriptionArn) throw new AsyncAwsError("Subscribe returned no SubscriptionArn", context);
  return { SubscriptionArn, TopicArn, QueueArn, policyChanged };
}

/** {@link TopicHandle.unsubscribe}. */
export async function unsubscribe(
  topic: TopicHandle,
  sns: SNS,
  subscription: string | { SubscriptionArn: string },
  options: CallOptions | undefined,
): Promise<void> {
  const context = { operation: "Unsubscribe", resource: topic.name };
  const SubscriptionArn = typeof subscription === "string" ? subscription : subscription?.SubscriptionArn;
  const arn = checkArn(SubscriptionArn, "SubscriptionArn", context);
  if (arn.split(":")[5] !== topic.name) {
    throw new ValidationError("SubscriptionArn", `a subscription of the topic ${topic.name}`, arn, context);
  }
  await sns.unsubscribe({ SubscriptionArn: arn }, options);
}

/** {@link TopicHandle.subscriptions}. */
export async function* subscriptions(
  topic: TopicHandle,
  sns: SNS,
  options: CallOptions | undefined,
): AsyncGenerator<Subscription, void, undefined> {
  const TopicArn = await topic.arn(options);
  for await (const page of sns.paginateListSubscriptionsByTopic({ TopicArn }, options)) {
    yield* page.Subscriptions ?? [];
  }
}

/** {@link TopicHandle.attributes}. */
export async function attributes(
  topic: TopicHandle,
  sns: SNS,
  options: CallOptions | undefined,
): Promise<TopicAttributes> {
  const output = await sns.getTopicAttributes({ TopicArn: await topic.arn(options) }, options);
  return output.Attributes ?? {};
}

/** {@link TopicHandle.setAttributes}. */
export async function setAttributes(
  topic: TopicHandle,
  sns: SNS,
  attributes: { [K in SettableTopicAttributeName]?: string | undefined },
  options: CallOptions | undefined,
): Promise<void> {
  const context = { operation: "SetTopicAttributes", resource: topic.name };
  if (!isRecord(attributes)) throw new ValidationError("attributes", "an object", attributes, context);
  const TopicArn = await topic.arn(options);
  for (const [AttributeName, AttributeValue] of Object.entries(attributes)) {
    if (AttributeValue === undefined) continue;
    await sns.setTopicAttributes({ TopicArn, AttributeName, AttributeValue }, options);
  }
}
