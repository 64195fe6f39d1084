/**
 * The face that a producer bound to one queue or topic shares: everything but `send`, which each
 * service shapes its own way.
 *
 * @module
 */

import type { BatchProducer, ProducerStats } from "./producer.js";

/** A batching producer bound to one queue or topic. */
export abstract class BoundProducer<S> {
  readonly #producer: BatchProducer<S, string>;

  /** @internal */
  protected constructor(producer: BatchProducer<S, string>) {
    this.#producer = producer;
  }

  /** @internal Queues one checked entry; resolves with its message id. */
  protected enqueue(entry: S): Promise<string> {
    return this.#producer.send(entry);
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

  /** Flushes, then rejects later sends; resolves once every message given before settled. */
  close(): Promise<void> {
    return this.#producer.close();
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
