/**
 * The typed handler: a handler of typed messages (`message.value`, the schema's output) made into
 * a handler of plain messages, which decodes and validates each body first. What the consumer,
 * the iterator and the Lambda handlers run for a typed queue.
 *
 * @module
 */

import { isValidationError, type ValidationError } from "../core/errors.js";
import { type InvalidMessagePolicy, isThenable, type TypedMessage } from "../core/typed.js";
import type { HandlerContext, MessageHandler } from "./consumer/consumer.js";

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
