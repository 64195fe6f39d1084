/**
 * The typed handler: a handler of typed messages (`message.value`, the schema's output) made into
 * a handler of plain messages, which decodes and validates each body first. What the consumer,
 * the iterator and the Lambda handlers run for a typed queue; and the rest of a typed queue's
 * work (`receive`, `messages`) and the values' encoding and decoding (`core/typed-codec.ts`).
 * Loaded at a typed handle's or producer's first use (`lazy.ts`'s `loadTyped`), so that a cold
 * start compiles none of it.
 *
 * @module
 */

import type { CallOptions } from "../core/client.js";
import { isValidationError, type ValidationError } from "../core/errors.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import { type InvalidMessagePolicy, isThenable, type TypedMessage } from "../core/typed.js";
import { decodeTyped } from "../core/typed-codec.js";
import type {
  BatchHandler,
  BatchHandlerContext,
  HandlerContext,
  MessageHandler,
} from "./consumer/consumer.js";
import type { Acknowledgeable, MessagesOptions } from "./consumer/iterator.js";
import type { SnsQueueMessage } from "./consumer/sns.js";
import type { QueueHandle } from "./queue.js";
import type { Message, ReceiveMessageRequest } from "./types.js";

export { decodeTyped, encodeTyped } from "../core/typed-codec.js";

/**
 * Adds the decoded value to a message, as its `value` property (on the object itself, so that
 * the consumer's events and a later `ack()` see the same object, and non-enumerable members,
 * such as deprecated aliases, stay).
 */
export function withValue<M, T>(message: M, value: T): TypedMessage<T, M> {
  Object.defineProperty(message, "value", { value, enumerable: true, writable: true, configurable: true });
  return message as TypedMessage<T, M>;
}

/**
 * Applies the invalid-message policy: `"fail"` rethrows, `"delete"` resolves (the message counts
 * as handled), a function decides (its promise is returned).
 */
export function onInvalidMessage<M>(policy: InvalidMessagePolicy<M>, message: M, error: unknown): unknown {
  if (!isValidationError(error) || policy === "fail") throw error;
  if (policy === "delete") return undefined;
  return policy(message, error as ValidationError);
}

/**
 * Makes a handler of typed messages into a handler of plain ones: `decode` gives the value (or a
 * promise of it) or throws a ValidationError, which goes to the policy instead of the handler.
 * A synchronous schema adds no turn of the event loop.
 */
export function typedHandler<M, T>(
  handler: MessageHandler<TypedMessage<T, M>>,
  decode: (message: M) => T | Promise<T>,
  policy: InvalidMessagePolicy<M>,
): MessageHandler<M> {
  return (message: M, context: HandlerContext) => {
    let value: T | Promise<T>;
    try {
      value = decode(message);
    } catch (error) {
      return onInvalidMessage(policy, message, error);
    }
    if (isThenable<T>(value)) {
      return Promise.resolve(value).then(
        (decoded) => handler(withValue(message, decoded), context),
        (error: unknown) => onInvalidMessage(policy, message, error),
      );
    }
    return handler(withValue(message, value), context);
  };
}

/** The SQS message under a message (itself, or the one an SNS delivery came in). */
function sqsMessageOf(message: unknown): Message | undefined {
  const m = message as { SqsMessage?: Message; Attributes?: unknown };
  return m.SqsMessage ?? (m as Message);
}

/**
 * The batch form of {@link typedHandler}: the handler gets the messages that decoded (each with
 * `value`); those that did not go to the policy, and the ones it fails are reported failed with
 * what the handler reports. On a FIFO queue, a group's messages after one that failed to decode
 * are not handed to the handler and are reported failed too, so that the group's order holds.
 */
export function typedBatchHandler<M, T>(
  handler: BatchHandler<TypedMessage<T, M>>,
  decode: (message: M) => T | Promise<T>,
  policy: InvalidMessagePolicy<M>,
): BatchHandler<M> {
  return async (messages: M[], context: BatchHandlerContext) => {
    const decoded = await Promise.all(
      messages.map((message) => {
        try {
          return Promise.resolve(decode(message)).then(
            (value) => ({ ok: true as const, value }),
            (error: unknown) => ({ ok: false as const, error }),
          );
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
    const failed: (M | string)[] = [];
    const typed: TypedMessage<T, M>[] = [];
    const poisoned = new Set<string>();
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as M;
      const result = decoded[i]!;
      const group = sqsMessageOf(message)?.Attributes?.MessageGroupId;
      if (group !== undefined && poisoned.has(group)) {
        failed.push(message);
        continue;
      }
      if (result.ok) {
        typed.push(withValue(message, result.value));
        continue;
      }
      try {
        await onInvalidMessage(policy, message, result.error);
      } catch {
        failed.push(message);
        if (group !== undefined) poisoned.add(group);
      }
    }
    if (typed.length > 0) {
      const answer = await handler(typed, context);
      if (answer !== undefined && answer !== null)
        for (const entry of answer) failed.push(entry as M | string);
    }
    return failed;
  };
}

/** What a typed queue's work needs of its handle. */
export interface TypedQueue {
  readonly queue: QueueHandle;
  readonly schema: StandardSchemaV1;
  readonly onInvalid: InvalidMessagePolicy<Message | SnsQueueMessage>;
}

/** Decodes and checks a received message's body (or, unwrapped from SNS, its `Message`). */
export function decodeQueueMessage(t: TypedQueue, message: Message | SnsQueueMessage): unknown {
  const context = { operation: "receive", resource: t.queue.name };
  if ("SqsMessage" in message) return decodeTyped(t.schema, message.Message, "Message", context);
  return decodeTyped(t.schema, message.Body, "Body", context);
}

/** A typed queue's consume handler, decoding each message before the user's handler. */
export function typedConsumeHandler(
  t: TypedQueue,
  handler: MessageHandler<never> | BatchHandler<never>,
  batch: boolean,
): MessageHandler<Message> | BatchHandler<Message> {
  const decode = (message: Message | SnsQueueMessage) => decodeQueueMessage(t, message);
  return batch
    ? typedBatchHandler(handler as BatchHandler<TypedMessage<unknown, Message>>, decode, t.onInvalid)
    : typedHandler(handler as MessageHandler<TypedMessage<unknown, Message>>, decode, t.onInvalid);
}

/** {@link TypedQueueHandle.receive}: the messages whose bodies decode and pass the schema. */
export async function receiveTyped(
  t: TypedQueue,
  params: Omit<ReceiveMessageRequest, "QueueUrl"> | undefined,
  options: CallOptions | undefined,
): Promise<TypedMessage<unknown, Message>[]> {
  const messages = await t.queue.receive(params, options);
  const decoded = await Promise.all(
    messages.map(async (message) => {
      try {
        return withValue(message, await decodeQueueMessage(t, message));
      } catch (error) {
        // The invalid message: deleted if the policy says so (or its function resolves), else
        // left to come back after its visibility timeout.
        let remove: boolean;
        try {
          await onInvalidMessage(t.onInvalid, message, error);
          remove = true;
        } catch {
          remove = false;
        }
        if (remove) await t.queue.delete(message, options);
        return undefined;
      }
    }),
  );
  return decoded.filter((message) => message !== undefined);
}

/** {@link TypedQueueHandle.messages}: the queue's messages, decoded; invalid ones as the policy says. */
export async function* typedMessages(
  t: TypedQueue,
  options: MessagesOptions<never> | undefined,
): AsyncGenerator<Acknowledgeable<TypedMessage<unknown, Message | SnsQueueMessage>>, void, undefined> {
  const iterator = t.queue.messages(options as never) as unknown as AsyncIterable<
    Acknowledgeable<Message | SnsQueueMessage>
  >;
  for await (const message of iterator) {
    let value: unknown;
    try {
      value = await decodeQueueMessage(t, message);
    } catch (error) {
      try {
        await onInvalidMessage(t.onInvalid, message, error);
        message.ack();
      } catch {
        message.retry();
      }
      continue;
    }
    yield withValue(message, value);
  }
}
