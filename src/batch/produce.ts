/**
 * The public `BatchProducer` class. It checks its target and options at once (the same
 * `ValidationError`s as the engine) and loads the batch engine (`engine.ts`: lines, batches,
 * retries, FIFO order, about 25 KB) with `import()` at its construction, so that
 * `import { SQS } from "asyncaws"` compiles none of the engine in a program that never batches.
 * Once the engine module is loaded, a producer made later makes its engine at once.
 *
 * Until its engine is there (a few milliseconds, before any request could have been sent), a
 * producer keeps the calls made to it, in order, and hands them to the engine: entries given to
 * `send`/`submit` count as queued, `close()` marks it closed, and `ready`, `flush`, `onIdle` and
 * `close` settle as the engine's do. Then every call goes straight to the engine. If the engine
 * fails to load, the calls kept fail with the load's error, and the next call loads it again.
 *
 * @module
 */

import { AbortError, AsyncAwsError, ValidationError } from "../core/errors.js";
import type { BatchProducerOptions, BatchTarget, CloseOptions, ProducerStats } from "./engine.js";
import { loadEngineModule } from "./load.js";
import { checkCloseOptions, resolveProducerOptions } from "./options.js";

type Engine<E, R> = import("./engine.js").BatchProducer<E, R>;

/** The engine module, once loaded. */
let loaded: typeof import("./engine.js") | undefined;
let loading: Promise<typeof import("./engine.js")> | undefined;

/** Loads the engine module (once; again after a failed load). */
function loadEngine(): Promise<typeof import("./engine.js")> {
  loading ??= loadEngineModule().then(
    (m) => {
      loaded = m;
      return m;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** A call made before the engine was there: made on the engine, or failed with the load's error. */
interface Early<E, R> {
  run(engine: Engine<E, R>): void;
  fail(error: unknown): void;
  /** An entry (sent, submitted): rejected with an AbortError if the signal aborted meanwhile. */
  readonly entry?: true;
}

/**
 * Batches entries into requests to a {@link BatchTarget}. `send` resolves with the entry's own
 * result (the message id) once the service accepted it, or rejects with the service's error for
 * that entry; failures the target calls retryable are sent again with backoff.
 *
 * @example
 * ```ts
 * declare const target: BatchTarget<{ Message: string }, string>; // see BatchTarget
 * const producer = new BatchProducer(target, { lingerMs: 10 });
 * const ids = await Promise.all(["a", "b"].map((Message) => producer.send({ Message })));
 * await producer.close();
 * ```
 */
export class BatchProducer<E, R> {
  #engine: Engine<E, R> | undefined;
  /** Calls made before the engine was there, in order; undefined when no load is under way. */
  #early: Early<E, R>[] | undefined;
  /** Entries given before the engine was there (what `stats.queued` and `hasRoom` say meanwhile). */
  #earlyEntries = 0;
  /** close() was called before the engine was there. */
  #earlyClosed = false;
  /** The last load of the engine failed: its error. */
  #failure: { error: unknown } | undefined;
  readonly #maxQueued: number;
  readonly #context: BatchTarget<E, R>["context"];
  /** Makes the engine, once its module is loaded (again after a failed load). */
  readonly #load: () => void;
  /** The producer's signal, until the engine is there. */
  readonly #signal: AbortSignal | undefined;

  constructor(target: BatchTarget<E, R>, options?: BatchProducerOptions) {
    if (loaded !== undefined) {
      this.#engine = new loaded.BatchProducer<E, R>(target, options);
      this.#maxQueued = 0;
      this.#context = undefined;
      this.#load = () => undefined;
      this.#signal = undefined;
      return;
    }
    if (target === null || typeof target !== "object" || typeof target.sendBatch !== "function") {
      throw new ValidationError("target", "an object with sendBatch()", target);
    }
    const resolved = resolveProducerOptions(options);
    this.#maxQueued = resolved.maxQueued;
    this.#signal = resolved.signal;
    this.#context = target.context;
    this.#load = () =>
      loadEngine().then(
        (m) => {
          let engine: Engine<E, R>;
          try {
            engine = new m.BatchProducer<E, R>(target, options);
          } catch (error) {
            this.#fail(error);
            return;
          }
          this.#engine = engine;
          const early = this.#early ?? [];
          this.#early = undefined;
          // The signal aborted while the engine loaded: the engine gave up at once, and the
          // entries given before the abort fail as the engine fails those it holds.
          const signal = this.#signal;
          const aborted = signal?.aborted
            ? new AbortError(target.context, { cause: signal.reason })
            : undefined;
          for (const call of early) {
            if (aborted !== undefined && call.entry) call.fail(aborted);
            else call.run(engine);
          }
        },
        (error: unknown) => this.#fail(error),
      );
    this.#early = [];
    this.#load();
  }

  /**
   * The engine could not be loaded or made: every call kept fails with the error, and the next
   * call loads it again (a producer closed meanwhile stays closed: its later calls fail at once).
   */
  #fail(error: unknown): void {
    const early = this.#early ?? [];
    this.#early = undefined;
    this.#earlyEntries = 0;
    this.#failure = { error };
    for (const call of early) call.fail(error);
  }

  /** Keeps a call for the engine, loading it again if the last load failed. */
  #later(call: Early<E, R>): void {
    if (this.#early === undefined) {
      if (this.#earlyClosed) {
        call.fail(this.#failure?.error);
        return;
      }
      this.#early = [];
      this.#load();
    }
    this.#early.push(call);
  }

  /** Keeps a call that returns a promise, for the engine. */
  #laterPromise<T>(run: (engine: Engine<E, R>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#later({
        run: (engine) => run(engine).then(resolve, reject),
        fail: reject,
      });
    });
  }

  /** Counters, as of now. */
  get stats(): ProducerStats {
    if (this.#engine !== undefined) return this.#engine.stats;
    return {
      queued: this.#earlyEntries,
      waiting: 0,
      inFlightBatches: 0,
      inFlightEntries: 0,
      sent: 0,
      failed: 0,
      retried: 0,
      batches: 0,
    };
  }

  /** True once {@link BatchProducer.close} was called: new sends are rejected. */
  get closed(): boolean {
    return this.#engine !== undefined ? this.#engine.closed : this.#earlyClosed;
  }

  /**
   * Queues one entry. Resolves with its result once its batch request accepted it; rejects with
   * the service's error for this entry (a ServiceError with AWS's code), or the error that failed
   * its request, once it is not retried any more. Past `maxQueued` entries waiting, the entry waits
   * for room first (in order).
   *
   * @param label - how the caller knows the entry, for error messages
   * @default label "the message"
   */
  send(entry: E, label = "the message"): Promise<R> {
    return new Promise<R>((resolve, reject) => this.submit(entry, label, resolve, reject));
  }

  /**
   * As {@link BatchProducer.send}, with callbacks instead of a promise: one of them is called
   * once, when the entry settles (at once, for an entry refused before it joins the line). For
   * callers that hold many entries and want no promise each (the consumer's deletes). `tag` is
   * given back to the callback, so that one pair of callbacks serves every entry (`sendAll` passes
   * each message's index): no closure per entry.
   *
   * @internal
   */
  submit(
    entry: E,
    label: string,
    resolve: (value: R, tag: number) => void,
    reject: (error: unknown, tag: number) => void,
    tag = -1,
  ): void {
    const engine = this.#engine;
    if (engine !== undefined) {
      engine.submit(entry, label, resolve, reject, tag);
      return;
    }
    // Aborted already: the engine, once there, refuses it as closed.
    if (this.#earlyClosed || this.#signal?.aborted) {
      reject(new AsyncAwsError("the producer is closed: no more sends", this.#context), tag);
      return;
    }
    this.#earlyEntries++;
    this.#later({
      run: (e) => e.submit(entry, label, resolve, reject, tag),
      fail: (error) => reject(error, tag),
      entry: true,
    });
  }

  /**
   * Calls `listener` once the producer is closed (`close()`, its signal), at once if it is;
   * returns what stops listening.
   *
   * @internal
   */
  onClose(listener: () => void): () => void {
    if (this.#engine !== undefined) return this.#engine.onClose(listener);
    let off: (() => void) | undefined;
    let stopped = false;
    this.#later({
      run: (engine) => {
        if (!stopped) off = engine.onClose(listener);
      },
      // No engine: the calls kept fail, and sendAll hears of it through them.
      fail: () => undefined,
    });
    return () => {
      stopped = true;
      off?.();
    };
  }

  /**
   * True when an entry sent now joins the line at once (what {@link BatchProducer.ready} waits
   * for): lets a caller that paces itself skip a wait per entry.
   *
   * @internal
   */
  get hasRoom(): boolean {
    if (this.#engine !== undefined) return this.#engine.hasRoom;
    return this.#earlyEntries < this.#maxQueued;
  }

  /**
   * Resolves when there is room for another entry (fewer than `maxQueued` waiting, no send
   * waiting for room): await it between sends to keep a fast source's memory bounded.
   *
   * @example
   * ```ts
   * const producer = queue.producer();
   * for await (const line of lines) {
   *   await producer.ready();
   *   producer.send(line).catch((error: unknown) => console.error(error));
   * }
   * ```
   */
  ready(): Promise<void> {
    if (this.#engine !== undefined) return this.#engine.ready();
    return this.#laterPromise((engine) => engine.ready());
  }

  /**
   * Sends every entry given so far without waiting for its batch to fill, and resolves once each
   * of them settled (accepted or rejected, retries included). Entries sent after the call are not
   * waited for.
   */
  flush(): Promise<void> {
    if (this.#engine !== undefined) return this.#engine.flush();
    return this.#laterPromise((engine) => engine.flush());
  }

  /** Resolves when nothing is waiting, in flight or retrying (at once when idle). Does not hurry lingering batches. */
  onIdle(): Promise<void> {
    if (this.#engine !== undefined) return this.#engine.onIdle();
    return this.#laterPromise((engine) => engine.onIdle());
  }

  /**
   * Flushes, then rejects every later send. Resolves once everything given before settled; with
   * `timeoutMs` or `signal`, gives up on what is left when either comes first (those sends reject
   * with a `TimeoutError` or an `AbortError`, requests in flight are aborted) and resolves.
   *
   * @example
   * ```ts
   * const producer = queue.producer();
   * process.on("SIGTERM", () => producer.close({ timeoutMs: 5000 }));
   * ```
   */
  close(options?: CloseOptions): Promise<void> {
    if (this.#engine !== undefined) return this.#engine.close(options);
    // Checked first, as the engine does: a bad option leaves the producer open.
    try {
      checkCloseOptions(options, this.#context);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#earlyClosed = true;
    return this.#laterPromise((engine) => engine.close(options));
  }
}
