/**
 * `for await (const message of queue.messages())`: the consumer as an async iterator. Each
 * message comes with `ack()` (delete it, batched) and `retry(delaySeconds?)` (make it visible
 * again); leaving the loop releases every message not yet acknowledged, and what long polls in
 * flight bring. Every `next()` settles: with a message, with `done` once the loop was left or the
 * signal aborted, or rejected with the fatal error that stopped the consumer.
 *
 * @module
 */

import { ValidationError } from "../../core/errors.js";
import { Waiters } from "../../core/waiters.js";
import type { Queue } from "../queue.js";
import type { SQS } from "../sqs.js";
import type { Message } from "../types.js";
import { Consumer, type ConsumerStatus, type Delivery, RetryRequest, SETTLE } from "./consumer.js";
import { type ConsumerOptions, checkMessagesOptions } from "./options.js";

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
 * How it ends:
 * - **Leaving the loop** (`break`, `return`, a throw): messages not acknowledged are released at
 *   once (visibility 0); long polls in flight are let finish (at most `waitTimeSeconds`) and what
 *   they bring is released too; acknowledgements are flushed. The loop is left once that is done,
 *   so nothing stays invisible. A lower `waitTimeSeconds` leaves sooner.
 * - **The `signal` option aborts**: the same, and the pending `next()` resolves `done`.
 * - **A fatal error** (the queue does not exist, access denied, invalid or expired credentials, no
 *   credentials, bad input): the next `next()` (or the pending one) rejects with it, a typed error
 *   (`ServiceError`, `CredentialsError`, `ValidationError`), after releasing what was not
 *   acknowledged; the `logger` does not also write it (a loop left before that `next()` finds
 *   it in `status.lastError`). Transient errors (network, 5xx, throttling) are retried with backoff and never
 *   end the loop; they go to the `logger` option (see `status.lastError`).
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
  /** Messages received before a next() asked for them (those released meanwhile are skipped). */
  #buffer: Delivery<M>[] = [];
  /** next() calls waiting for a message. */
  readonly #waiting = new Waiters<IteratorResult<Acknowledgeable<M>>>();
  /** The loop was left, or the consumer ended: every next() is done. */
  #done = false;
  /** The fatal error that stopped the consumer, until a next() has thrown it. */
  #failure: { error: unknown } | undefined;

  /** @internal Use {@link Queue.messages}. */
  constructor(sqs: SQS, queue: Queue, options?: MessagesOptions<M>) {
    this.#sqs = sqs;
    this.#queue = queue;
    this.#options = options;
    // Check the options now (the consumer starts at the first next()).
    const context = { operation: "messages", resource: queue.name };
    checkMessagesOptions(options, context);
  }

  /** The underlying consumer's status (counters, state, last error); undefined before the first `next()`. */
  get status(): ConsumerStatus | undefined {
    return this.#consumer?.status;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The next message, once one is there; `done` once the loop was left or the signal aborted;
   * rejects with the fatal error that stopped the consumer (once; `done` after that).
   */
  next(): Promise<IteratorResult<Acknowledgeable<M>>> {
    if (this.#failure) return this.#throwFailure();
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    this.#consumer ??= this.#start();
    for (let delivery = this.#buffer.shift(); delivery; delivery = this.#buffer.shift()) {
      // Released by the consumer meanwhile (stopping, maxHandlerSeconds): never handed out.
      if (delivery.state === "running") return Promise.resolve({ done: false, value: this.#wrap(delivery) });
    }
    return this.#waiting.wait();
  }

  /**
   * Leaves the loop: releases every message not acknowledged, stops polling (no receive is sent
   * after this call), lets the long polls in flight finish and releases what they bring, flushes
   * acknowledgements; resolves once all that is done.
   */
  async return(): Promise<IteratorResult<Acknowledgeable<M>>> {
    if (!this.#done) {
      this.#done = true;
      this.#failure = undefined;
      this.#buffer = [];
      this.#waiting.resolveAll({ done: true, value: undefined });
      // Let the acks and retries made just before leaving reach the consumer (they settle promises).
      await new Promise((resolve) => setTimeout(resolve, 0));
      await this.#consumer?.stop({ timeoutMs: 0 });
    }
    return { done: true, value: undefined };
  }

  /** As {@link MessageIterator.return}, then rethrows. */
  async throw(error?: unknown): Promise<IteratorResult<Acknowledgeable<M>>> {
    await this.return();
    throw error;
  }

  /** Releases what is held, then rejects with the fatal error (once). */
  async #throwFailure(): Promise<never> {
    const { error } = this.#failure!;
    this.#failure = undefined;
    this.#done = true;
    this.#buffer = [];
    await this.#consumer?.stop({ timeoutMs: 0 });
    throw error;
  }

  /** A fatal error: the next `next()` (or the pending one) rejects with it, so it is not logged too. */
  #onFatal(error: unknown): boolean {
    if (this.#done) return false;
    this.#failure = { error };
    if (this.#waiting.size === 0) return true; // the next next() throws it
    // A next() is waiting: the loop holds nothing it will still acknowledge.
    const waiting = this.#waiting.takeAll();
    this.#throwFailure().catch((thrown: unknown) => {
      waiting.rejectAll(thrown);
    });
    return true;
  }

  /** The consumer ended (its signal, a stop, a failure): waiting next() calls settle. */
  #onClosed(error?: { error: unknown }): void {
    if (error && !this.#done && !this.#failure) this.#failure = error;
    if (this.#failure) {
      if (this.#waiting.size > 0) {
        const waiting = this.#waiting.takeAll();
        this.#throwFailure().catch((thrown: unknown) => {
          waiting.rejectAll(thrown);
        });
      }
      return;
    }
    this.#done = true;
    this.#buffer = [];
    this.#waiting.resolveAll({ done: true, value: undefined });
  }

  #start(): Consumer<M> {
    const consumer = new Consumer<M>(
      this.#sqs,
      this.#queue,
      // Never called: messages come through `deliver`.
      () => undefined,
      this.#options as ConsumerOptions<M> | undefined,
      {
        onFatal: (error) => this.#onFatal(error),
        deliver: (delivery) => this.#deliver(delivery as Delivery<M>),
      },
    );
    consumer.closed.then(
      () => this.#onClosed(),
      (error: unknown) => this.#onClosed({ error }),
    );
    return consumer;
  }

  /** A message from the consumer: to the next() waiting for one, else kept for the next call. */
  #deliver(delivery: Delivery<M>): void {
    if (this.#waiting.size > 0) this.#waiting.resolveFirst({ done: false, value: this.#wrap(delivery) });
    else this.#buffer.push(delivery);
  }

  /**
   * The message as the loop gets it, with `ack` and `retry`, which settle it with the consumer (no
   * promise or signal per message). The object is the consumer's own (decoded for this receive,
   * or unwrapped from SNS), not copied: a copy of every property cost more than the rest of the
   * iterator's work per message.
   */
  #wrap(delivery: Delivery<M>): Acknowledgeable<M> {
    const consumer = this.#consumer!;
    const ack = (): void => {
      consumer[SETTLE](delivery, true);
    };
    const retry = (delaySeconds?: number): void => {
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
      if (delivery.state === "running") consumer[SETTLE](delivery, false, new RetryRequest(delaySeconds));
    };
    const message = delivery.value as Acknowledgeable<M>;
    message.ack = ack;
    message.retry = retry;
    return message;
  }
}
