/**
 * The public `Consumer` and `MessageIterator` classes. `Consumer` is what {@link QueueHandle.consume} returns, at once, while the
 * consumer's engine (`consumer/consumer.ts`: receiving, handlers, heartbeats, deletes, FIFO order,
 * about 50 KB of code) is loaded with `import()` and started. So
 * `import { SQS } from "asyncaws"` compiles none of it in a program that never consumes, and a
 * bundler puts it behind `import()`.
 *
 * The handler and the options are checked here, at once (a ValidationError naming the value
 * received), as the engine checks them. Until the engine is there (a few milliseconds, before any
 * request could have been answered), listeners added or removed are kept, in order, and given to
 * it; `stop()` is checked as the engine checks it and handed to it (calls made meanwhile return
 * one promise, as the engine's do); `state` is `starting` and `status` counts nothing.
 * `MessageIterator` (from {@link QueueHandle.messages}) checks its options at once and loads the
 * engine's iterator at the first `next()`, when its consumer starts; until then its `status` is
 * `starting` with every counter at 0 (`stopped` once the loop was left, `failed` if the engine
 * could not be loaded: the next call loads it again).
 *
 * @module
 */

import { ValidationError } from "../core/errors.js";
import type {
  BatchHandler,
  ConsumerEvents,
  ConsumerState,
  ConsumerStatus,
  MessageHandler,
  StopOptions,
} from "./consumer/consumer.js";
import type { Listener } from "./consumer/events.js";
import type { Acknowledgeable, MessagesOptions } from "./consumer/iterator.js";
import {
  type ConsumerOptions,
  checkMessagesOptions,
  checkStopOptions,
  resolveConsumerOptions,
} from "./consumer/options.js";
import { loadConsumer, loadIterator } from "./lazy.js";
import type { Queue } from "./queue.js";
import type { SQS } from "./sqs.js";
import type { Message } from "./types.js";

type Engine<M> = import("./consumer/consumer.js").Consumer<M>;

/** A listener change made before the engine was there, replayed on it in order. */
type Pending<M> = readonly [
  "on" | "once" | "off",
  keyof ConsumerEvents<M>,
  Listener<ConsumerEvents<M>, never>,
];

/** The status of a consumer whose engine is not there (yet): nothing counted. */
function statusWithoutEngine(state: ConsumerState, lastError: unknown): ConsumerStatus {
  return {
    state,
    received: 0,
    inFlight: 0,
    succeeded: 0,
    failed: 0,
    deleted: 0,
    released: 0,
    stranded: 0,
    receiving: 0,
    lastError,
    lastErrorAt: undefined,
    lastReceiveAt: undefined,
  };
}

/**
 * Consumes a queue: calls a handler for each message, with `concurrency` at once, from
 * {@link Queue.consume}. A handler that resolves gets its message deleted; one that throws gets it
 * back on the queue after `retryDelay`.
 *
 * Transient errors (network, timeouts, 5xx, throttling) are retried with backoff, for as long as
 * they last. A fatal error (the queue does not exist, access denied, invalid or expired
 * credentials, no credentials, bad input) stops the consumer: state `failed`, the error in
 * `status.lastError`, and {@link Consumer.closed} rejects with it. Errors go to `error` and `failed`
 * listeners, or, with none, to the `logger` option (the console by default).
 *
 * @example
 * ```ts
 * const consumer = queue.consume(async (message, { signal }) => {
 *   await handle(JSON.parse(message.Body!), { signal });
 * }, { concurrency: 32 });
 * process.on("SIGTERM", () => consumer.stop());
 * await consumer.closed; // resolves after stop(), rejects after a fatal error
 * ```
 */
export class Consumer<M = Message> {
  #engine: Engine<M> | undefined;
  /** The engine could not be loaded or made: the error (the consumer has failed). */
  #failure: { error: unknown } | undefined;
  #pending: Pending<M>[] = [];
  /** stop() calls made before the engine was there: their options, in order, for the engine. */
  #stops: StopOptions[] = [];
  /** What those calls returned: one promise, settled as the engine's stop settles. */
  #earlyStop: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  readonly #context: { operation: string; resource: string };
  readonly #drainTimeoutMs: number | undefined;
  readonly #closed: Promise<void>;

  /** @internal Use {@link Queue.consume}. */
  constructor(
    sqs: SQS,
    queue: Queue,
    handler: MessageHandler<M> | BatchHandler<M>,
    options: ConsumerOptions<M> | undefined,
  ) {
    const context = { operation: "consume", resource: queue.name };
    this.#context = context;
    if (typeof handler !== "function") throw new ValidationError("handler", "a function", handler, context);
    this.#drainTimeoutMs = resolveConsumerOptions<M>(options, context).drainTimeoutMs;
    let settle!: { resolve: () => void; reject: (error: unknown) => void };
    this.#closed = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Observed here, so that a rejection nobody awaits is never an unhandled rejection.
    this.#closed.catch(() => undefined);
    loadConsumer().then(
      (m) => {
        let engine: Engine<M>;
        try {
          engine = new m.Consumer<M>(sqs, queue, handler, options);
        } catch (error) {
          this.#fail(error, settle.reject);
          return;
        }
        this.#engine = engine;
        for (const [method, event, listener] of this.#pending) {
          (engine[method] as (event: keyof ConsumerEvents<M>, listener: unknown) => unknown).call(
            engine,
            event,
            listener,
          );
        }
        this.#pending = [];
        engine.closed.then(settle.resolve, settle.reject);
        const early = this.#earlyStop;
        const stops = this.#stops;
        this.#stops = [];
        // The first was checked as the engine checks it: it starts the stop, the others hasten it.
        for (const [i, options] of stops.entries()) {
          const stopping = engine.stop(options);
          if (i === 0 && early) stopping.then(early.resolve, early.reject);
        }
      },
      (error: unknown) => this.#fail(error, settle.reject),
    );
  }

  #fail(error: unknown, reject: (error: unknown) => void): void {
    this.#failure = { error };
    this.#pending = [];
    reject(error);
    this.#earlyStop?.resolve();
    this.#stops = [];
  }

  /** Where the consumer is: `starting`, `running`, `stopping`, `stopped`, `failed`. */
  get state(): ConsumerState {
    if (this.#engine) return this.#engine.state;
    return this.#failure ? "failed" : "starting";
  }

  /**
   * Settles when the consumer has ended and nothing is in flight any more (deletes and releases
   * done): resolves after a stop, rejects with the fatal error that stopped it (a
   * `ServiceError` such as `QueueDoesNotExist` or `AccessDenied`, a `CredentialsError`, a
   * `ValidationError`). Awaiting it is optional: a rejection nobody awaits is not reported as an
   * unhandled rejection (the logger reports the error).
   *
   * @example
   * ```ts
   * const consumer = queue.consume(handler);
   * process.once("SIGTERM", () => consumer.stop());
   * try {
   *   await consumer.closed;
   * } catch (error) {
   *   console.error("the consumer failed", error);
   *   process.exitCode = 1;
   * }
   * ```
   */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** The counters, the last error and the last receive time, as of now. */
  get status(): ConsumerStatus {
    if (this.#engine) return this.#engine.status;
    return statusWithoutEngine(this.state, this.#failure?.error);
  }

  #listen<K extends keyof ConsumerEvents<M>>(
    method: "on" | "once" | "off",
    event: K,
    listener: Listener<ConsumerEvents<M>, K>,
  ): this {
    if (this.#engine) this.#engine[method](event, listener);
    else if (method !== "off" && typeof listener !== "function") {
      throw new TypeError(`listener of "${String(event)}" must be a function`);
    } else if (!this.#failure) {
      this.#pending.push([method, event, listener as Listener<ConsumerEvents<M>, never>]);
    }
    return this;
  }

  /** Adds a listener. A listener that throws is reported as an `error` event; polling goes on. */
  on<K extends keyof ConsumerEvents<M>>(event: K, listener: Listener<ConsumerEvents<M>, K>): this {
    return this.#listen("on", event, listener);
  }

  /** Adds a listener called at most once. */
  once<K extends keyof ConsumerEvents<M>>(event: K, listener: Listener<ConsumerEvents<M>, K>): this {
    return this.#listen("once", event, listener);
  }

  /** Removes a listener. */
  off<K extends keyof ConsumerEvents<M>>(event: K, listener: Listener<ConsumerEvents<M>, K>): this {
    return this.#listen("off", event, listener);
  }

  /**
   * Stops. No ReceiveMessage is sent after this call. Messages waiting behind their FIFO group are
   * released at once (visibility 0); running handlers are waited for (their heartbeat goes on);
   * long polls already in flight are let finish (at most `waitTimeSeconds`) and the messages they
   * bring are released unhandled; deletes and releases are flushed; then it resolves, `stopped` is
   * emitted and {@link Consumer.closed} resolves. After it resolves, every message received was
   * deleted or released, unless SQS refused the delete or release (`status.stranded`).
   *
   * With `timeoutMs` (or the `drainTimeoutMs` option), handlers still running after that long get
   * their signals aborted and their messages released. With `abort: true` the stop is immediate:
   * handlers are aborted as above and long polls in flight are cut; messages SQS may have handed
   * to a cut poll stay invisible until their visibility timeout, counted in `status.stranded`.
   *
   * Calling it again returns the same promise (`abort` or `timeoutMs` hasten a stop in progress).
   * After a fatal error it resolves once the consumer has ended (`closed` carries the error).
   * Don't await it inside a handler: it waits for that handler.
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (this.#engine) return this.#engine.stop(options);
    if (this.#failure) return Promise.resolve();
    // Before the engine is there: the engine's checks, then one promise for every call.
    const checked = checkStopOptions(options, this.#drainTimeoutMs, this.#context);
    if (checked instanceof ValidationError) return Promise.reject(checked);
    this.#stops.push(options);
    if (!this.#earlyStop) {
      let settle!: { resolve: () => void; reject: (error: unknown) => void };
      const promise = new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      });
      this.#earlyStop = { promise, ...settle };
    }
    return this.#earlyStop.promise;
  }
}

type EngineIterator<M> = import("./consumer/iterator.js").MessageIterator<M>;

/**
 * The queue's messages as an async iterator, from {@link Queue.messages}: each message with
 * `ack()` and `retry(delaySeconds?)`. The consumer behind it starts at the first `next()`.
 *
 * @example
 * ```ts
 * for await (const message of queue.messages()) {
 *   console.log(message.Body);
 *   message.ack();
 * }
 * ```
 */
export class MessageIterator<M = Message> implements AsyncIterableIterator<Acknowledgeable<M>> {
  readonly #make: () => Promise<EngineIterator<M>>;
  #engine: EngineIterator<M> | undefined;
  #loading: Promise<EngineIterator<M>> | undefined;
  /** The loop was left before the engine was loaded: every next() is done. */
  #done = false;
  /** The last load of the engine failed (the next call loads it again): the error. */
  #failure: { error: unknown } | undefined;

  /** @internal Use {@link Queue.messages}. */
  constructor(sqs: SQS, queue: Queue, options?: MessagesOptions<M>) {
    // Check the options now, as the engine does (the consumer starts at the first next()).
    const context = { operation: "messages", resource: queue.name };
    checkMessagesOptions(options, context);
    this.#make = () =>
      loadIterator().then((m) => {
        this.#engine = new m.MessageIterator<M>(sqs, queue, options);
        this.#failure = undefined;
        return this.#engine;
      });
  }

  /** The engine, loaded once for every caller waiting; a failed load is tried again at the next call. */
  #load(): Promise<EngineIterator<M>> {
    this.#loading ??= this.#make().catch((error: unknown) => {
      this.#failure = { error };
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  /**
   * The underlying consumer's status (counters, state, last error), as of now. Before the first
   * `next()` nothing runs yet: the state is `starting` and every counter 0 (as a {@link Consumer}'s
   * before its first receive); `stopped` if the loop was left before that.
   */
  get status(): ConsumerStatus {
    // The engine's iterator has a status once its consumer started, at the first next().
    const status = this.#engine?.status;
    if (status) return status;
    if (this.#failure) return statusWithoutEngine("failed", this.#failure.error);
    return statusWithoutEngine(this.#done ? "stopped" : "starting", undefined);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The next message, once one is there; `done` once the loop was left or the signal aborted;
   * rejects with the fatal error that stopped the consumer (once; `done` after that).
   */
  next(): Promise<IteratorResult<Acknowledgeable<M>>> {
    if (this.#engine) return this.#engine.next();
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    return this.#load().then((engine) => engine.next());
  }

  /**
   * Leaves the loop: releases every message not acknowledged, stops polling (no receive is sent
   * after this call), lets the long polls in flight finish and releases what they bring, flushes
   * acknowledgements; resolves once all that is done.
   */
  async return(): Promise<IteratorResult<Acknowledgeable<M>>> {
    if (this.#engine === undefined && this.#loading === undefined) {
      // Never started: nothing to release.
      this.#done = true;
      return { done: true, value: undefined };
    }
    return (this.#engine ?? (await this.#load())).return();
  }

  /** As {@link MessageIterator.return}, then rethrows. */
  async throw(error?: unknown): Promise<IteratorResult<Acknowledgeable<M>>> {
    await this.return();
    throw error;
  }
}
