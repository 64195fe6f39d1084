/**
 * The face that a producer bound to one queue or topic shares: everything but `send`, which each
 * service shapes its own way.
 *
 * @module
 */

import { ValidationError } from "../core/errors.js";
import type { CloseOptions, ProducerStats } from "./engine.js";
import type { BatchProducer } from "./produce.js";

/** Options of {@link BoundProducer.sendAll}. */
export interface SendAllOptions<P> {
  /** The other members of each message (attributes, group id...): an object, or a function of the body and its index. */
  params?: P | ((body: unknown, index: number) => P | undefined) | undefined;
  /** Told of each message that failed, with its index in the source. @default none: failures are only counted (and the first kept) */
  onError?: ((error: unknown, index: number) => void) | undefined;
}

/** What {@link BoundProducer.sendAll} did. */
export interface SendAllResult {
  /** Messages accepted. */
  sent: number;
  /** Messages that failed (each told to `onError`). */
  failed: number;
  /** The first failure, with the index of its message in the source. */
  firstError?: { error: unknown; index: number } | undefined;
}

/** A batching producer bound to one queue or topic. */
export abstract class BoundProducer<S, P = unknown> {
  readonly #producer: BatchProducer<S, string>;

  /** @internal */
  protected constructor(producer: BatchProducer<S, string>) {
    this.#producer = producer;
  }

  /** @internal Queues one checked entry; resolves with its message id. */
  protected enqueue(entry: S): Promise<string> {
    return this.#producer.send(entry);
  }

  /**
   * @internal Checks one message and makes the entry that the producer queues (what `send` and
   * `sendAll` share). Throws a ValidationError for a bad message, before anything is queued.
   */
  protected abstract entryOf(body: unknown, params: P | undefined): S;

  /** Sends one message; resolves with its id once its batch accepted it. */
  abstract send(body: unknown, params?: P): Promise<string>;

  /**
   * Sends every message of a source (an array, a generator, an async iterable such as a file's
   * lines), with back-pressure: it takes the next message only when the producer has room (fewer
   * than `maxQueued` waiting), so memory stays bounded however long the source. Resolves once
   * every message taken is accepted or rejected, with the counts. Once the producer is closed
   * (`close()`, its `signal`), it stops: the message taken then is refused (counted as failed),
   * and the source is read no further. An async source is asked to end (`return()`) as soon as
   * the producer closes, even while `sendAll` waits for its next message, so that a source that
   * can end a pending read (an `events.on` iterator, an iterator of your own) does not keep
   * `sendAll` waiting; the read in progress is still awaited, and a message it gives is refused
   * and counted, never dropped unseen. A source that cannot end a pending read (an async
   * generator waiting inside, a Node stream's iterator) keeps `sendAll` waiting until its next
   * message or its end: end it on the same signal.
   *
   * When the source itself fails (its iterator throws or rejects), nothing more is read, but the
   * messages already taken are not dropped: they are sent at once (no lingering) and settled,
   * each failure told to `onError`, and only then does `sendAll` reject, with the source's own
   * error (unchanged: no counts ride on it; `onError` has heard of every failure by then, and
   * every message the source gave before failing was either accepted or told). A `params`
   * function that throws fails its own message (counted, told to `onError`), not the call.
   *
   * A synchronous source (an array, a generator) is read without a wait between messages while
   * the producer has room, and each message is settled through callbacks rather than a promise of
   * its own: at full speed, that is most of what the producer costs over its batch requests.
   *
   * @example
   * ```ts
   * const producer = queue.producer();
   * async function* readOrders() {
   *   yield { id: 1, customer: "c-1" };
   * }
   * const { sent, failed } = await producer.sendAll(readOrders(), {
   *   params: (order) => ({ MessageGroupId: (order as { customer: string }).customer }),
   *   onError: (error, index) => console.error(index, error),
   * });
   * ```
   */
  async sendAll(
    source: Iterable<unknown> | AsyncIterable<unknown>,
    options: SendAllOptions<P> = {},
  ): Promise<SendAllResult> {
    const sync =
      source !== null &&
      typeof source === "object" &&
      typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function" &&
      typeof (source as Iterable<unknown>)[Symbol.iterator] === "function";
    if (
      !sync &&
      (source === null ||
        typeof source !== "object" ||
        typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function")
    ) {
      throw new ValidationError("source", "an iterable or async iterable of messages", source);
    }
    const { params, onError } = options ?? {};
    const result: SendAllResult = { sent: 0, failed: 0 };
    const producer = this.#producer;
    // One pair of callbacks for every message: the engine gives each message's index back.
    const accepted = (): void => {
      result.sent++;
    };
    const failed = (error: unknown, at: number): void => {
      result.failed++;
      result.firstError ??= { error, index: at };
      try {
        onError?.(error, at);
      } catch {
        // A reporter that throws must not stop the sending.
      }
    };
    let index = 0;
    // One message: checked, then queued with callbacks (no promise, no closure per message).
    const take = (body: unknown): void => {
      const at = index++;
      let entry: S;
      try {
        // A params function that throws fails its own message, as a bad message does.
        const own =
          typeof params === "function"
            ? (params as (b: unknown, i: number) => P | undefined)(body, at)
            : params;
        entry = this.entryOf(body, own);
      } catch (error) {
        failed(error, at);
        return;
      }
      producer.submit(entry, "the message", accepted, failed, at);
    };
    // Once the producer is closed (close(), its signal), every message would be refused: the
    // source is read no further (and closed), what it still holds left unread.
    let failure: { error: unknown } | undefined;
    try {
      if (sync) {
        for (const body of source as Iterable<unknown>) {
          if (!producer.hasRoom) await producer.ready();
          take(body);
          if (producer.closed) break;
        }
      } else {
        await this.#readAsync(source as AsyncIterable<unknown>, take);
      }
    } catch (error) {
      // The source failed (or its closing did): what was taken is still in the producer's hands.
      // It is sent without lingering and settled (each failure told to onError) before sendAll
      // rejects with the source's error: nothing it started is left running unobserved.
      failure = { error };
    }
    // Every callback has run once the flush resolves (each entry settles before its flush).
    try {
      await producer.flush();
    } catch (error) {
      failure ??= { error };
    }
    if (failure !== undefined) throw failure.error;
    return result;
  }

  /**
   * Takes every message of an async source, one read at a time, each once the producer has room,
   * until the source ends or the producer is closed. Once the producer is closed (`close()`, its
   * signal), the source is asked to end (`return()`) at once, even while a read is pending: a
   * source that can end a pending read (`events.on`) does, so a source that would wait for its
   * next message for ever does not keep `sendAll` waiting. The pending read is still awaited (a
   * message it gives then is refused and counted, as any taken after the close). Throws what the
   * source throws.
   */
  async #readAsync(source: AsyncIterable<unknown>, take: (body: unknown) => void): Promise<void> {
    const producer = this.#producer;
    const iterator = source[Symbol.asyncIterator]();
    let ending: Promise<unknown> | undefined;
    const end = (): Promise<unknown> => {
      ending ??= Promise.resolve().then(() => iterator.return?.());
      return ending;
    };
    let reading = false;
    const stop = producer.onClose(() => {
      if (reading) end().catch(() => undefined); // its failure, if any, is the pending read's
    });
    try {
      for (;;) {
        if (!producer.hasRoom) {
          try {
            await producer.ready();
          } catch (error) {
            await end().catch(() => undefined);
            throw error;
          }
        }
        reading = true;
        let step: IteratorResult<unknown>;
        try {
          step = await iterator.next();
        } finally {
          reading = false;
        }
        if (step.done) return;
        take(step.value);
        if (producer.closed) {
          await end();
          return;
        }
      }
    } finally {
      stop();
    }
  }

  /** Resolves when there is room for another message (see `maxQueued`): await it to pace a fast source. */
  ready(): Promise<void> {
    return this.#producer.ready();
  }

  /** Sends what waits without lingering; resolves once every message given so far settled. */
  flush(): Promise<void> {
    return this.#producer.flush();
  }

  /** Resolves when nothing waits, is in flight or is retrying. */
  onIdle(): Promise<void> {
    return this.#producer.onIdle();
  }

  /**
   * Flushes, then rejects later sends; resolves once every message given before settled. With
   * `timeoutMs` or `signal`, gives up on what is left when either comes first (those sends reject
   * with a `TimeoutError` or an `AbortError`; requests in flight are aborted) and resolves.
   */
  close(options?: CloseOptions): Promise<void> {
    return this.#producer.close(options);
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#producer.closed;
  }

  /** Counters: queued, waiting for room, in flight, sent, failed, retried, batch requests. */
  get stats(): ProducerStats {
    return this.#producer.stats;
  }
}
