/**
 * `for await (const message of queue.messages())`: the consumer as an async iterator. Each
 * message comes with `ack()` (delete it, batched) and `retry(delaySeconds?)` (make it visible
 * again); leaving the loop releases every message not yet acknowledged.
 *
 * @module
 */

import { ValidationError } from "../../core/errors.js";
import type { Queue } from "../queue.js";
import type { SQS } from "../sqs.js";
import type { Message } from "../types.js";
import { Consumer, type ConsumerStatus, RetryRequest } from "./consumer.js";
import { type ConsumerOptions, resolveConsumerOptions } from "./options.js";

/** What the iterator yields: the message, with `ack` and `retry`. */
export type Acknowledgeable<M> = M & {
  /** Done with the message: it is deleted (batched). Later calls, and calls after `retry`, do nothing. */
  ack(): void;
  /**
   * Failed: the message becomes visible again after `delaySeconds` (0 to 43200), or after the
   * consumer's `retryDelay` when not given.
   */
  retry(delaySeconds?: number): void;
};

/** Options of {@link Queue.messages}: the consumer's, without the batch form. */
export type MessagesOptions<M = Message> = Omit<ConsumerOptions<M>, "batch" | "batchSize">;

/**
 * The messages of a queue as an async iterator, from {@link Queue.messages}. Polling starts at the
 * first `next()`; at most `concurrency` messages are held unacknowledged at once (their visibility
 * extended while held). On a FIFO queue, a message is yielded only once the one before it in its
 * group was acknowledged or retried.
 *
 * @example
 * ```ts
 * for await (const message of queue.messages({ concurrency: 5 })) {
 *   if (await handle(message.Body)) message.ack();
 *   else message.retry(30);
 *   if (done) break; // releases what was not acknowledged
 * }
 * ```
 */
export class MessageIterator<M = Message> implements AsyncIterableIterator<Acknowledgeable<M>> {
  readonly #sqs: SQS;
  readonly #queue: Queue;
  readonly #options: MessagesOptions<M> | undefined;
  #consumer: Consumer<M> | undefined;
  #buffer: Acknowledgeable<M>[] = [];
  #waiting: ((result: IteratorResult<Acknowledgeable<M>>) => void)[] = [];
  #done = false;

  /** @internal Use {@link Queue.messages}. */
  constructor(sqs: SQS, queue: Queue, options?: MessagesOptions<M>) {
    this.#sqs = sqs;
    this.#queue = queue;
    this.#options = options;
    // Check the options now (the consumer starts at the first next()).
    const context = { operation: "messages", resource: queue.name };
    if (options !== null && typeof options === "object") {
      for (const key of ["batch", "batchSize"] as const) {
        if (key in options) {
          throw new ValidationError(
            key,
            "absent (messages() yields one message at a time)",
            (options as Record<string, unknown>)[key],
            context,
          );
        }
      }
    }
    resolveConsumerOptions(options, context);
  }

  /** The underlying consumer's status (counters, state, last error); undefined before the first `next()`. */
  get status(): ConsumerStatus | undefined {
    return this.#consumer?.status;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next message, once one is there. */
  next(): Promise<IteratorResult<Acknowledgeable<M>>> {
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    this.#consumer ??= this.#start();
    const message = this.#buffer.shift();
    if (message) return Promise.resolve({ done: false, value: message });
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Leaves the loop: releases every message not acknowledged, flushes deletes, stops polling. */
  async return(): Promise<IteratorResult<Acknowledgeable<M>>> {
    if (!this.#done) {
      this.#done = true;
      this.#buffer = [];
      for (const resolve of this.#waiting.splice(0)) resolve({ done: true, value: undefined });
      // Let the acks and retries made just before leaving reach the consumer (they settle promises).
      await new Promise((resolve) => setTimeout(resolve, 0));
      await this.#consumer?.stop({ abort: true });
    }
    return { done: true, value: undefined };
  }

  /** As {@link MessageIterator.return}, then rethrows. */
  async throw(error?: unknown): Promise<IteratorResult<Acknowledgeable<M>>> {
    await this.return();
    throw error;
  }

  #start(): Consumer<M> {
    return new Consumer<M>(
      this.#sqs,
      this.#queue,
      (value: M) =>
        new Promise<void>((resolve, reject) => {
          let settled = false;
          const message = {
            ...value,
            ack: () => {
              if (settled) return;
              settled = true;
              resolve();
            },
            retry: (delaySeconds?: number) => {
              if (
                delaySeconds !== undefined &&
                (typeof delaySeconds !== "number" ||
                  !Number.isInteger(delaySeconds) ||
                  delaySeconds < 0 ||
                  delaySeconds > 43_200)
              ) {
                throw new ValidationError("delaySeconds", "an integer from 0 to 43200", delaySeconds, {
                  operation: "retry",
                  resource: this.#queue.name,
                });
              }
              if (settled) return;
              settled = true;
              reject(new RetryRequest(delaySeconds));
            },
          } as Acknowledgeable<M>;
          const waiter = this.#waiting.shift();
          if (waiter) waiter({ done: false, value: message });
          else this.#buffer.push(message);
        }),
      this.#options as ConsumerOptions<M> | undefined,
    );
  }
}
