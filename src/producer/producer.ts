/**
 * A generic batching producer: gathers entries into batch requests (up to a number of entries and
 * a byte limit), sends them with a bounded number of requests in flight, retries the entries that
 * failed for a retryable reason, and settles each entry's promise with its own outcome. Nothing is
 * dropped silently: every `send` resolves or rejects.
 *
 * It knows nothing of SQS or SNS: a {@link BatchTarget} sends one batch and says, entry by entry,
 * what happened. `queue.producer()` binds it to SendMessageBatch; `topic.producer()` to PublishBatch.
 *
 * @module
 */

import { AsyncAwsError, type ErrorContext, ValidationError } from "../core/errors.js";
import { classify } from "../core/retry.js";

/** What happened to one entry of a batch request. */
export type EntryOutcome<R> =
  | {
      /** The service accepted the entry. */
      readonly ok: true;
      /** What `send` resolves with (the message id). */
      readonly value: R;
    }
  | {
      /** The service refused the entry. */
      readonly ok: false;
      /** What `send` rejects with when the entry is not retried (or runs out of attempts). */
      readonly error: Error;
      /** Whether sending the entry again may succeed (throttling, an internal error). */
      readonly retryable: boolean;
    };

/**
 * Where a {@link BatchProducer} sends: one batch request, and the rules for forming batches.
 *
 * @example
 * ```ts
 * const target: BatchTarget<Entry, string> = {
 *   maxEntries: 10,
 *   maxBytes: 262_144,
 *   sizeOf: (entry) => utf8Length(entry.Message),
 *   groupOf: (entry) => entry.MessageGroupId,
 *   async sendBatch(entries) {
 *     const output = await sns.publishBatch({ TopicArn, PublishBatchRequestEntries: entries.map((e, i) => ({ ...e, Id: String(i) })) });
 *     return batchOutcomes(entries.length, output.Successful, output.Failed, (ok) => ok.MessageId ?? "", context);
 *   },
 * };
 * ```
 */
export interface BatchTarget<E, R> {
  /** Most entries in one request (10 for SendMessageBatch and PublishBatch). */
  readonly maxEntries: number;
  /** Most bytes in one request, as {@link BatchTarget.sizeOf} counts them (1 MiB for SQS, 256 KiB for SNS). */
  readonly maxBytes: number;
  /** An entry's size in bytes, as the service counts it toward the request's limit. */
  sizeOf(entry: E): number;
  /**
   * The entry's message group, for FIFO queues and topics: entries of one group are sent in the
   * order they were given, at most one request at a time per group, also across retries.
   * Undefined (or no function) for entries without order.
   */
  groupOf?(entry: E): string | undefined;
  /**
   * Sends one batch: 1 to `maxEntries` entries within `maxBytes`, in order. Resolves with one
   * outcome per entry, in the same order; rejects when the whole request failed (after the
   * client's own retries), and the producer then retries the whole batch when
   * {@link BatchTarget.isRetryable} says so.
   */
  sendBatch(entries: readonly E[]): Promise<ReadonlyArray<EntryOutcome<R>>>;
  /**
   * Whether a failed request may succeed if sent again.
   * @default connection failures, timeouts, 5xx and throttling are retryable (the client's classification)
   */
  isRetryable?(error: unknown): boolean;
  /** Where errors happened, for messages (`SendMessageBatch` and the queue's name). */
  readonly context?: ErrorContext;
}

/** Options of a {@link BatchProducer}. */
export interface BatchProducerOptions {
  /**
   * How long an entry may wait for others to fill its batch, in milliseconds. A full batch goes at
   * once; `flush()` and `close()` send what waits without delay. 0 sends at the next tick what
   * has gathered by then.
   * @default 5
   */
  lingerMs?: number | undefined;
  /**
   * Most batch requests in flight at once.
   * @default 10
   */
  maxInFlightBatches?: number | undefined;
  /**
   * Most entries waiting to be sent (retries included). Past it, `send` waits for room before its
   * entry joins the line; await {@link BatchProducer.ready} between sends to pace a fast source.
   * @default 1000
   */
  maxQueued?: number | undefined;
  /**
   * Attempts per entry, the first included, for failures the target calls retryable (each attempt
   * is one batch request, itself retried by the client).
   * @default 5
   */
  maxAttempts?: number | undefined;
  /**
   * Base of the exponential backoff between an entry's attempts, in milliseconds (full jitter).
   * @default 100
   */
  retryBaseDelayMs?: number | undefined;
  /**
   * Longest wait between an entry's attempts, in milliseconds.
   * @default 10000
   */
  retryMaxDelayMs?: number | undefined;
}

/** Counters of a {@link BatchProducer}. */
export interface ProducerStats {
  /** Entries waiting to be sent, retries included. */
  queued: number;
  /** Sends waiting for room (past `maxQueued`). */
  waiting: number;
  /** Batch requests in flight. */
  inFlightBatches: number;
  /** Entries in batch requests in flight. */
  inFlightEntries: number;
  /** Entries accepted by the service. */
  sent: number;
  /** Entries rejected (their `send` rejected). */
  failed: number;
  /** Entry attempts that failed and were scheduled again. */
  retried: number;
  /** Batch requests sent (attempts included). */
  batches: number;
}

interface Item<E, R> {
  readonly seq: number;
  readonly entry: E;
  readonly size: number;
  readonly group: string | undefined;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
  readonly settled: Promise<void>;
  /** Attempts made so far. */
  attempts: number;
  /** When it may be sent (after a retry's backoff), ms since the epoch. */
  notBefore: number;
  /** When it joined the line or became sendable again, for lingering. */
  readyAt: number;
}

type Timer = ReturnType<typeof setTimeout>;

function checkOption(
  options: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  integer: boolean,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    Number.isNaN(value) ||
    value < min ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new ValidationError(
      name,
      integer ? `an integer of at least ${min}` : `a finite number of at least ${min}`,
      value,
    );
  }
  return value;
}

/** The producer options with their defaults applied. */
export type ResolvedProducerOptions = {
  [K in keyof BatchProducerOptions]-?: Exclude<BatchProducerOptions[K], undefined>;
};

/** Reads and checks producer options; errors name the option and the value received. */
export function resolveProducerOptions(options: unknown): ResolvedProducerOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ValidationError("options", "an object", options);
  }
  const o = options as Record<string, unknown>;
  const resolved = {
    lingerMs: checkOption(o, "lingerMs", 5, 0, false),
    maxInFlightBatches: checkOption(o, "maxInFlightBatches", 10, 1, true),
    maxQueued: checkOption(o, "maxQueued", 1000, 1, true),
    maxAttempts: checkOption(o, "maxAttempts", 5, 1, true),
    retryBaseDelayMs: checkOption(o, "retryBaseDelayMs", 100, 0, false),
    retryMaxDelayMs: checkOption(o, "retryMaxDelayMs", 10_000, 0, false),
  };
  return resolved;
}

/**
 * Batches entries into requests to a {@link BatchTarget}. `send` resolves with the entry's own
 * result (the message id) once the service accepted it, or rejects with the service's error for
 * that entry; failures the target calls retryable are sent again with backoff.
 *
 * @example
 * ```ts
 * const producer = new BatchProducer(target, { lingerMs: 10 });
 * const ids = await Promise.all(items.map((item) => producer.send(item)));
 * await producer.close();
 * ```
 */
export class BatchProducer<E, R> {
  readonly #target: BatchTarget<E, R>;
  readonly #options: ResolvedProducerOptions;
  /** Entries waiting to be sent, in send order (retries go back to their place). */
  readonly #pending: Item<E, R>[] = [];
  /** Sends waiting for room, from `#waitingHead` on. */
  #waiting: Item<E, R>[] = [];
  #waitingHead = 0;
  /** Every entry not yet settled, by sequence number. */
  readonly #unsettled = new Map<number, Item<E, R>>();
  /** Groups with a batch in flight. */
  readonly #busyGroups = new Set<string>();
  readonly #idleWaiters: (() => void)[] = [];
  readonly #readyWaiters: (() => void)[] = [];
  #seq = 0;
  #flushSeq = -1;
  #closed = false;
  #timer: Timer | undefined;
  #timerAt = 0;
  #pumpScheduled = false;
  #inFlightBatches = 0;
  #inFlightEntries = 0;
  #sent = 0;
  #failed = 0;
  #retried = 0;
  #batches = 0;

  constructor(target: BatchTarget<E, R>, options?: BatchProducerOptions) {
    if (target === null || typeof target !== "object" || typeof target.sendBatch !== "function") {
      throw new ValidationError("target", "an object with sendBatch()", target);
    }
    this.#target = target;
    this.#options = resolveProducerOptions(options);
  }

  /** Counters, as of now. */
  get stats(): ProducerStats {
    return {
      queued: this.#pending.length,
      waiting: this.#waiting.length - this.#waitingHead,
      inFlightBatches: this.#inFlightBatches,
      inFlightEntries: this.#inFlightEntries,
      sent: this.#sent,
      failed: this.#failed,
      retried: this.#retried,
      batches: this.#batches,
    };
  }

  /** True once {@link BatchProducer.close} was called: new sends are rejected. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues one entry. Resolves with its result once its batch request accepted it; rejects with
   * the service's error for this entry (a ServiceError with AWS's code), or the error that failed
   * its request, once it is not retried any more. Past `maxQueued` entries waiting, the entry waits
   * for room first (in order).
   */
  send(entry: E): Promise<R> {
    const context = this.#target.context;
    if (this.#closed) {
      return Promise.reject(new AsyncAwsError("the producer is closed: no more sends", context));
    }
    let size: number;
    let group: string | undefined;
    try {
      size = this.#target.sizeOf(entry);
      group = this.#target.groupOf?.(entry);
    } catch (error) {
      return Promise.reject(error);
    }
    if (size > this.#target.maxBytes) {
      return Promise.reject(
        new ValidationError("entry", `at most ${this.#target.maxBytes} bytes`, `${size} bytes`, context),
      );
    }
    let resolve!: (value: R) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<R>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const now = Date.now();
    const item: Item<E, R> = {
      seq: this.#seq++,
      entry,
      size,
      group,
      resolve,
      reject,
      settled: promise.then(
        () => undefined,
        () => undefined,
      ),
      attempts: 0,
      notBefore: 0,
      readyAt: now,
    };
    this.#unsettled.set(item.seq, item);
    if (this.#waiting.length > this.#waitingHead || this.#pending.length >= this.#options.maxQueued) {
      this.#waiting.push(item);
    } else {
      this.#pending.push(item);
      this.#schedulePump();
    }
    return promise;
  }

  /**
   * Resolves when there is room for another entry (fewer than `maxQueued` waiting, no send
   * waiting for room): await it between sends to keep a fast source's memory bounded.
   *
   * @example
   * ```ts
   * for await (const line of lines) {
   *   await producer.ready();
   *   producer.send(line).catch(report);
   * }
   * ```
   */
  ready(): Promise<void> {
    if (this.#hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /**
   * Sends every entry given so far without waiting for its batch to fill, and resolves once each
   * of them settled (accepted or rejected, retries included). Entries sent after the call are not
   * waited for.
   */
  async flush(): Promise<void> {
    this.#flushSeq = this.#seq - 1;
    const settled = [...this.#unsettled.values()].map((item) => item.settled);
    this.#schedulePump();
    await Promise.all(settled);
  }

  /** Resolves when nothing is waiting, in flight or retrying (at once when idle). Does not hurry lingering batches. */
  onIdle(): Promise<void> {
    if (this.#unsettled.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Flushes, then rejects every later send. Resolves once everything given before settled. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #hasRoom(): boolean {
    return this.#waiting.length === this.#waitingHead && this.#pending.length < this.#options.maxQueued;
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #admitWaiting(): void {
    while (this.#waiting.length > this.#waitingHead && this.#pending.length < this.#options.maxQueued) {
      const item = this.#waiting[this.#waitingHead]!;
      this.#waiting[this.#waitingHead++] = undefined as never;
      item.readyAt = Date.now();
      this.#pending.push(item);
    }
    if (this.#waitingHead === this.#waiting.length) {
      this.#waiting = [];
      this.#waitingHead = 0;
    } else if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#waitingHead);
      this.#waitingHead = 0;
    }
    if (this.#hasRoom() && this.#readyWaiters.length > 0) {
      for (const resolve of this.#readyWaiters.splice(0)) resolve();
    }
  }

  /** Forms and sends batches while requests may go; arms a timer for lingering and backoff. */
  #pump(): void {
    this.#admitWaiting();
    let wakeAt = Number.POSITIVE_INFINITY;
    while (this.#inFlightBatches < this.#options.maxInFlightBatches && this.#pending.length > 0) {
      const now = Date.now();
      const { batch, full, nextNotBefore } = this.#take(now);
      if (nextNotBefore < wakeAt) wakeAt = nextNotBefore;
      if (batch.length === 0) break;
      const hurry =
        full ||
        this.#closed ||
        batch.some((item) => item.seq <= this.#flushSeq) ||
        this.#options.lingerMs === 0;
      if (!hurry) {
        let oldest = Number.POSITIVE_INFINITY;
        for (const item of batch) oldest = Math.min(oldest, item.readyAt);
        const due = oldest + this.#options.lingerMs;
        if (due > now) {
          if (due < wakeAt) wakeAt = due;
          break;
        }
      }
      this.#dispatch(batch);
      this.#admitWaiting();
    }
    this.#arm(wakeAt);
  }

  #arm(at: number): void {
    if (at === Number.POSITIVE_INFINITY) {
      // Nothing to wake for (a finishing request pumps again): a stale timer would only keep the
      // process alive.
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    if (this.#timer !== undefined) {
      if (this.#timerAt <= at) return;
      clearTimeout(this.#timer);
    }
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#pump();
      },
      Math.max(0, at - Date.now()),
    );
  }

  /**
   * The next batch: entries in order that may go now, skipping any whose group has a request in
   * flight or an earlier entry still waiting, within the entry and byte limits.
   */
  #take(now: number): { batch: Item<E, R>[]; full: boolean; nextNotBefore: number } {
    const batch: Item<E, R>[] = [];
    const blocked = new Set<string>();
    let bytes = 0;
    let full = false;
    let nextNotBefore = Number.POSITIVE_INFINITY;
    const { maxEntries, maxBytes } = this.#target;
    for (const item of this.#pending) {
      const group = item.group;
      if (group !== undefined && (blocked.has(group) || this.#busyGroups.has(group))) continue;
      if (item.notBefore > now) {
        if (item.notBefore < nextNotBefore) nextNotBefore = item.notBefore;
        if (group !== undefined) blocked.add(group);
        continue;
      }
      if (batch.length > 0 && bytes + item.size > maxBytes) {
        full = true;
        break;
      }
      batch.push(item);
      bytes += item.size;
      if (batch.length >= maxEntries) {
        full = true;
        break;
      }
    }
    return { batch, full, nextNotBefore };
  }

  #dispatch(batch: Item<E, R>[]): void {
    if (batch.every((item, index) => this.#pending[index] === item)) {
      // The usual case: the batch is the head of the line.
      this.#pending.splice(0, batch.length);
    } else {
      const taken = new Set(batch);
      let write = 0;
      for (let read = 0; read < this.#pending.length; read++) {
        const item = this.#pending[read]!;
        if (!taken.has(item)) this.#pending[write++] = item;
      }
      this.#pending.length = write;
    }
    const groups = new Set<string>();
    for (const item of batch) {
      item.attempts++;
      if (item.group !== undefined) groups.add(item.group);
    }
    for (const group of groups) this.#busyGroups.add(group);
    this.#inFlightBatches++;
    this.#inFlightEntries += batch.length;
    this.#batches++;
    let request: Promise<ReadonlyArray<EntryOutcome<R>>>;
    try {
      request = this.#target.sendBatch(batch.map((item) => item.entry));
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      (outcomes) => this.#complete(batch, groups, outcomes, undefined),
      (error: unknown) => this.#complete(batch, groups, undefined, error),
    );
  }

  #complete(
    batch: Item<E, R>[],
    groups: Set<string>,
    outcomes: ReadonlyArray<EntryOutcome<R>> | undefined,
    error: unknown,
  ): void {
    this.#inFlightBatches--;
    this.#inFlightEntries -= batch.length;
    for (const group of groups) this.#busyGroups.delete(group);
    const retry: Item<E, R>[] = [];
    if (outcomes === undefined) {
      const retryable = this.#target.isRetryable
        ? this.#target.isRetryable(error)
        : classify(error) !== "fatal";
      for (const item of batch) {
        if (retryable && item.attempts < this.#options.maxAttempts) retry.push(item);
        else this.#settle(item, false, error);
      }
    } else {
      batch.forEach((item, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined) {
          const missing = new AsyncAwsError(
            `the service returned no result for entry ${index} of the batch`,
            this.#target.context,
          );
          if (item.attempts < this.#options.maxAttempts) retry.push(item);
          else this.#settle(item, false, missing);
        } else if (outcome.ok) {
          this.#settle(item, true, outcome.value);
        } else if (outcome.retryable && item.attempts < this.#options.maxAttempts) {
          retry.push(item);
        } else {
          this.#settle(item, false, outcome.error);
        }
      });
    }
    if (retry.length > 0) this.#requeue(retry);
    this.#pump();
    this.#checkIdle();
  }

  /** Puts failed entries back in their place in the line, after a backoff. */
  #requeue(items: Item<E, R>[]): void {
    const now = Date.now();
    const { retryBaseDelayMs, retryMaxDelayMs } = this.#options;
    for (const item of items) {
      this.#retried++;
      const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (item.attempts - 1));
      item.notBefore = now + Math.random() * ceiling;
      item.readyAt = item.notBefore;
    }
    // Both lists are in sequence order: merge them.
    const merged: Item<E, R>[] = [];
    let i = 0;
    let j = 0;
    while (i < this.#pending.length || j < items.length) {
      const a = this.#pending[i];
      const b = items[j];
      if (b === undefined || (a !== undefined && a.seq < b.seq)) {
        merged.push(a!);
        i++;
      } else {
        merged.push(b);
        j++;
      }
    }
    this.#pending.length = 0;
    for (const item of merged) this.#pending.push(item);
  }

  #settle(item: Item<E, R>, ok: boolean, value: unknown): void {
    this.#unsettled.delete(item.seq);
    if (ok) {
      this.#sent++;
      item.resolve(value as R);
    } else {
      this.#failed++;
      item.reject(value);
    }
  }

  #checkIdle(): void {
    if (this.#unsettled.size === 0 && this.#idleWaiters.length > 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
