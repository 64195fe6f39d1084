/**
 * The one batch engine: gathers entries into batch requests (up to a number of entries and a byte
 * limit), sends them with a bounded number of requests in flight, retries the entries that failed
 * for a retryable reason, and settles each entry's promise with its own outcome. Nothing is
 * dropped silently: every `send` resolves or rejects.
 *
 * It knows nothing of SQS or SNS: a {@link BatchTarget} sends one batch and says, entry by entry,
 * what happened. The producers (`queue.producer()`, `topic.producer()`) keep one engine for their
 * life; `queue.sendBatch()` and `topic.publishBatch()` run one per call ({@link sendEntries}).
 * So every path has one behaviour: entries missing from an answer are reported
 * (`MissingBatchEntry`), entries never sent have one code (`NotSent`), at most
 * `maxInFlightBatches` requests are in flight, and a FIFO group keeps its order (one request at a
 * time per group; an entry that is given up on takes the group's later entries with it).
 *
 * @module
 */

import {
  AbortError,
  AsyncAwsError,
  type ErrorContext,
  isServiceError,
  ServiceError,
  TimeoutError,
  ValidationError,
} from "../core/errors.js";
import { classify } from "../core/retry.js";
import { unlimitedListeners } from "../core/runtime.js";
import { Waiters } from "../core/waiters.js";
import { checkCloseOptions, type ResolvedProducerOptions, resolveProducerOptions } from "./options.js";
import { isNotSentError, notSentError } from "./outcomes.js";

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

/** What {@link BatchTarget.sendBatch} is told besides the entries. */
export interface BatchSendContext {
  /** How the caller knows each entry (`messages[20]`, or `the message` for a producer's send), for errors. */
  readonly labels: readonly string[];
  /** Aborts the request: the engine was aborted or closed with a timeout. Pass it to the call. */
  readonly signal: AbortSignal;
  /** The time left before the earliest deadline of the batch's entries, in ms: pass it to the call's `deadlineMs`. */
  readonly deadlineMs?: number | undefined;
}

/**
 * Where a {@link BatchProducer} sends: one batch request, and the rules for forming batches.
 *
 * @example
 * ```ts
 * type Entry = { Message: string; MessageGroupId?: string };
 * const context = { operation: "PublishBatch", resource: TopicArn };
 * const target: BatchTarget<Entry, string> = {
 *   maxEntries: 10,
 *   maxBytes: 262_144,
 *   sizeOf: (entry) => new TextEncoder().encode(entry.Message).length,
 *   groupOf: (entry) => entry.MessageGroupId,
 *   async sendBatch(entries) {
 *     const PublishBatchRequestEntries = entries.map((entry, i) => ({ ...entry, Id: String(i) }));
 *     const output = await sns.publishBatch({ TopicArn, PublishBatchRequestEntries });
 *     return batchOutcomes(entries.length, output.Successful, output.Failed, (ok) => ok.MessageId, context);
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
   * outcome per entry, in the same order (a missing one counts as `MissingBatchEntry`); rejects
   * when the whole request failed (after the client's own retries), and the producer then
   * retries the whole batch when {@link BatchTarget.isRetryable} says so.
   */
  sendBatch(entries: readonly E[], send: BatchSendContext): Promise<ReadonlyArray<EntryOutcome<R>>>;
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
  /**
   * Deadline of each entry in milliseconds, from its `send` to its acceptance, every attempt and
   * every wait included (each batch request gets the time its entries have left as its
   * `deadlineMs`, and so does the lookup of the queue URL or topic ARN of the queue and topic
   * producers). An entry not accepted by then is rejected with a `TimeoutError`, or with the
   * error of its last attempt when a retry would wait past it.
   * @default none: an entry takes at most `maxAttempts` attempts, each a call with the client's retries and timeouts
   */
  deadlineMs?: number | undefined;
  /**
   * Aborts the producer: it closes, every entry not yet accepted is rejected with an
   * `AbortError`, and requests in flight are aborted (for the queue and topic producers, a lookup
   * of the queue URL or topic ARN too, once no other caller waits on it). Once the producer is
   * closed and settled, it stops listening on the signal.
   */
  signal?: AbortSignal | undefined;
}

/** Options of {@link BatchProducer.close}. */
export interface CloseOptions {
  /**
   * How long `close()` waits for the entries given before it, in milliseconds; then it gives up
   * on what is left (each such send rejects with a `TimeoutError`, requests in flight are
   * aborted) and resolves.
   * @default none: it waits until every entry is accepted or rejected
   */
  timeoutMs?: number | undefined;
  /** Aborting it gives up on what is left, as `timeoutMs` does (with an `AbortError`). */
  signal?: AbortSignal | undefined;
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
  /** How the caller knows the entry, for error messages. */
  readonly label: string;
  /** When it must be accepted by, ms since the epoch (infinite without a deadline). */
  readonly deadlineAt: number;
  readonly size: number;
  readonly group: string | undefined;
  readonly resolve: (value: R, tag: number) => void;
  readonly reject: (error: unknown, tag: number) => void;
  /** Given back to `resolve` and `reject`: lets a caller share one pair of callbacks (an index). */
  readonly tag: number;
  /** Attempts made so far. */
  attempts: number;
  /** When it may be sent (after a retry's backoff), ms since the epoch. */
  notBefore: number;
  /** When it joined the line or became sendable again, for lingering. */
  readyAt: number;
  /** Not settled yet: in the engine's list of unsettled entries, between `before` and `after`. */
  open: boolean;
  before: Item<E, R> | undefined;
  after: Item<E, R> | undefined;
}

type Timer = ReturnType<typeof setTimeout>;

/** Whether the first `count` outcomes are all there, and all accepted. */
function allAccepted<R>(outcomes: ReadonlyArray<EntryOutcome<R>>, count: number): boolean {
  if (outcomes.length < count) return false;
  for (let index = 0; index < count; index++) if (outcomes[index]?.ok !== true) return false;
  return true;
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
  readonly #target: BatchTarget<E, R>;
  readonly #options: ResolvedProducerOptions;
  /** Aborts every request in flight when the engine gives up on what is left. */
  readonly #controller = new AbortController();
  /** The signal may have any number of listeners (set once 4 batches were in flight at once). */
  #unlimited = false;
  /**
   * Entries waiting to be sent, in send order (retries go back to their place), from
   * `#pendingHead` on: a batch taken from the head of the line moves the head rather than
   * shifting what follows (`splice(0, 10)` of a line of 1,000 cost about 1 µs per entry).
   */
  #pending: (Item<E, R> | undefined)[] = [];
  #pendingHead = 0;
  /** Sends waiting for room, from `#waitingHead` on. */
  #waiting: Item<E, R>[] = [];
  #waitingHead = 0;
  /** Every entry not yet settled, by sequence number. */
  /**
   * Every entry not yet settled, in sequence order: a list linked through the entries (`before`,
   * `after`; the oldest first), and its length. Not a `Map` by sequence number: a long-lived `Map`
   * that takes and drops an entry per message kept the dropped entries' objects alive through the
   * garbage collector's young-generation passes (about 2 MB more copied per scavenge, and about
   * 2.5 µs more per entry, measured in a loop); unlinking leaves nothing behind.
   */
  #oldest: Item<E, R> | undefined;
  #newest: Item<E, R> | undefined;
  #unsettledCount = 0;
  /** Groups with a batch in flight. */
  readonly #busyGroups = new Set<string>();
  readonly #idleWaiters = new Waiters();
  readonly #readyWaiters = new Waiters();
  /** Flushes waiting, each for the entries up to a sequence number to settle. */
  readonly #flushWaiters: { upTo: number; resolve: () => void }[] = [];
  #seq = 0;
  #flushSeq = -1;
  #closed = false;
  #timer: Timer | undefined;
  #timerAt = 0;
  #pumpScheduled = false;
  /** A clock reading shared by the entries given in one burst (see {@link BatchProducer.#now}). */
  #clock = 0;
  #clockUses = 0;
  #inFlightBatches = 0;
  #inFlightEntries = 0;
  #sent = 0;
  #failed = 0;
  #retried = 0;
  #batches = 0;
  /** Told once the producer is closed (see {@link BatchProducer.onClose}). */
  #closeListeners: Set<() => void> | undefined;
  /** The listener on the producer's signal, until it is left (see {@link BatchProducer.#leaveSignal}). */
  #onAbort: (() => void) | undefined;

  constructor(target: BatchTarget<E, R>, options?: BatchProducerOptions) {
    if (target === null || typeof target !== "object" || typeof target.sendBatch !== "function") {
      throw new ValidationError("target", "an object with sendBatch()", target);
    }
    this.#target = target;
    this.#options = resolveProducerOptions(options);
    const signal = this.#options.signal;
    if (signal) {
      const onAbort = () => this.#giveUp(new AbortError(target.context, { cause: signal.reason }));
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener("abort", onAbort, { once: true });
        this.#onAbort = onAbort;
      }
    }
  }

  /**
   * Stops listening on the producer's signal: once closed and settled, it has nothing left to
   * abort, and a long-lived signal shared by many producers (every `sendBatch` call makes one)
   * must not gather their listeners, nor keep them alive.
   */
  #leaveSignal(): void {
    const onAbort = this.#onAbort;
    if (onAbort === undefined) return;
    this.#onAbort = undefined;
    this.#options.signal?.removeEventListener("abort", onAbort);
  }

  /** Counters, as of now. */
  get stats(): ProducerStats {
    return {
      queued: this.#queued,
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
    const context = this.#target.context;
    if (this.#closed) {
      reject(new AsyncAwsError("the producer is closed: no more sends", context), tag);
      return;
    }
    let size: number;
    let group: string | undefined;
    try {
      size = this.#target.sizeOf(entry);
      group = this.#target.groupOf?.(entry);
    } catch (error) {
      reject(error, tag);
      return;
    }
    if (size > this.#target.maxBytes) {
      reject(
        new ValidationError(label, `at most ${this.#target.maxBytes} bytes`, `${size} bytes`, context),
        tag,
      );
      return;
    }
    const now = this.#now();
    const deadlineMs = this.#options.deadlineMs;
    const item: Item<E, R> = {
      seq: this.#seq++,
      entry,
      label,
      deadlineAt: deadlineMs === undefined ? Number.POSITIVE_INFINITY : now + deadlineMs,
      size,
      group,
      resolve,
      reject,
      tag,
      attempts: 0,
      notBefore: 0,
      readyAt: now,
      open: true,
      before: this.#newest,
      after: undefined,
    };
    if (this.#newest === undefined) this.#oldest = item;
    else this.#newest.after = item;
    this.#newest = item;
    this.#unsettledCount++;
    if (this.#waiting.length > this.#waitingHead || this.#queued >= this.#options.maxQueued) {
      this.#waiting.push(item);
    } else {
      this.#pending.push(item);
      this.#schedulePump();
    }
  }

  /**
   * True when an entry sent now joins the line at once (what {@link BatchProducer.ready} waits
   * for): lets a caller that paces itself skip a wait per entry.
   *
   * @internal
   */
  get hasRoom(): boolean {
    return this.#hasRoom();
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
    if (this.#hasRoom()) return Promise.resolve();
    return this.#readyWaiters.wait();
  }

  /**
   * Sends every entry given so far without waiting for its batch to fill, and resolves once each
   * of them settled (accepted or rejected, retries included). Entries sent after the call are not
   * waited for.
   */
  flush(): Promise<void> {
    const upTo = this.#seq - 1;
    this.#flushSeq = upTo;
    this.#schedulePump();
    if (this.#oldestUnsettled() > upTo) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push({ upTo, resolve }));
  }

  /** The sequence number of the oldest entry not yet settled (entries join the map in order). */
  #oldestUnsettled(): number {
    return this.#oldest === undefined ? Number.POSITIVE_INFINITY : this.#oldest.seq;
  }

  /** Resolves when nothing is waiting, in flight or retrying (at once when idle). Does not hurry lingering batches. */
  onIdle(): Promise<void> {
    if (this.#unsettledCount === 0) return Promise.resolve();
    return this.#idleWaiters.wait();
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
  async close(options?: CloseOptions): Promise<void> {
    const context = this.#target.context;
    // Checked first: a bad option leaves the producer open, nothing hurried.
    const { timeoutMs, signal } = checkCloseOptions(options, context);
    this.#markClosed();
    // Once everything given before settled, the producer has no more use for its signal.
    const flushed = this.flush().then(() => this.#leaveSignal());
    if (timeoutMs === undefined && signal === undefined) return flushed;
    let timer: Timer | undefined;
    const onAbort = () => this.#giveUp(new AbortError(context, { cause: signal?.reason }));
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => this.#giveUp(new TimeoutError(timeoutMs, context)), timeoutMs);
    }
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await flushed;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Calls `listener` once the producer is closed (`close()`, its signal, a `close()` that gave
   * up), at once if it is; returns what stops listening. For `sendAll`, which then stops waiting
   * on its source: one listener per call, not per message.
   *
   * @internal
   */
  onClose(listener: () => void): () => void {
    if (this.#closed) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.#closeListeners ??= new Set();
    const listeners = this.#closeListeners;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  /** Closes: later sends are refused, and the close listeners are told (after the current task's work). */
  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    const listeners = this.#closeListeners;
    this.#closeListeners = undefined;
    if (listeners === undefined) return;
    queueMicrotask(() => {
      for (const listener of listeners) {
        try {
          listener();
        } catch {
          // A listener that throws must not stop the others.
        }
      }
    });
  }

  /**
   * Gives up on everything not yet settled: closes, rejects each entry with `error`, aborts the
   * requests in flight (their answers are then ignored).
   */
  #giveUp(error: unknown): void {
    this.#markClosed();
    this.#leaveSignal();
    const items: Item<E, R>[] = [];
    for (let item = this.#oldest; item !== undefined; item = item.after) items.push(item);
    this.#pending = [];
    this.#pendingHead = 0;
    this.#waiting = [];
    this.#waitingHead = 0;
    for (const item of items) this.#settle(item, false, error);
    this.#controller.abort(error);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#readyWaiters.resolveAll();
    this.#checkIdle();
  }

  /** Entries in the line. */
  get #queued(): number {
    return this.#pending.length - this.#pendingHead;
  }

  #hasRoom(): boolean {
    return this.#waiting.length === this.#waitingHead && this.#queued < this.#options.maxQueued;
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#clockUses = 0;
      this.#pump();
    });
  }

  /**
   * The time, for an entry given now: one reading serves the entries given in one synchronous
   * burst (up to 32 of them, while the pump they scheduled has not run), since a clock reading
   * is not free (`Date.now()` cost 140 ns on the machine of the benchmarks, more than the rest of
   * an entry's admission). The reading is at most one burst old: an entry's linger and deadline
   * count from a moment of that burst.
   */
  #now(): number {
    if (this.#clockUses > 0) {
      this.#clockUses--;
      return this.#clock;
    }
    const now = Date.now();
    if (this.#pumpScheduled) {
      this.#clock = now;
      this.#clockUses = 32;
    }
    return now;
  }

  #admitWaiting(now: number): void {
    while (this.#waiting.length > this.#waitingHead && this.#queued < this.#options.maxQueued) {
      const item = this.#waiting[this.#waitingHead]!;
      this.#waiting[this.#waitingHead++] = undefined as never;
      item.readyAt = now;
      this.#pending.push(item);
    }
    if (this.#waitingHead === this.#waiting.length) {
      this.#waiting = [];
      this.#waitingHead = 0;
    } else if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#waitingHead);
      this.#waitingHead = 0;
    }
    if (this.#readyWaiters.size > 0 && this.#hasRoom()) this.#readyWaiters.resolveAll();
  }

  /** Rejects the entries waiting past their deadline (the line is in deadline order). */
  #expire(now: number): number {
    if (this.#options.deadlineMs === undefined) return Number.POSITIVE_INFINITY;
    const expired: Item<E, R>[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (let i = this.#pendingHead; i < this.#pending.length; i++) {
      const item = this.#pending[i]!;
      if (item.deadlineAt <= now) expired.push(item);
      else if (item.deadlineAt < next) next = item.deadlineAt;
    }
    for (let i = this.#waitingHead; i < this.#waiting.length; i++) {
      const item = this.#waiting[i]!;
      if (item.deadlineAt <= now) expired.push(item);
      else {
        if (item.deadlineAt < next) next = item.deadlineAt;
        break;
      }
    }
    if (expired.length > 0) {
      const gone = new Set(expired);
      this.#remove(gone);
      for (const item of expired) {
        if (item.open) {
          this.#reject(item, new TimeoutError(this.#options.deadlineMs, this.#target.context));
        }
      }
    }
    return next;
  }

  /** Takes entries out of the line and the waiting list. */
  #remove(gone: ReadonlySet<Item<E, R>>): void {
    let write = 0;
    for (let read = this.#pendingHead; read < this.#pending.length; read++) {
      const item = this.#pending[read]!;
      if (!gone.has(item)) this.#pending[write++] = item;
    }
    this.#pending.length = write;
    this.#pendingHead = 0;
    const waiting: Item<E, R>[] = [];
    for (let i = this.#waitingHead; i < this.#waiting.length; i++) {
      const item = this.#waiting[i]!;
      if (!gone.has(item)) waiting.push(item);
    }
    this.#waiting = waiting;
    this.#waitingHead = 0;
  }

  /** Forms and sends batches while requests may go; arms a timer for lingering and backoff. */
  #pump(): void {
    // One clock reading per pass: the batches it sends go within microseconds of each other.
    const now = Date.now();
    this.#admitWaiting(now);
    let wakeAt = this.#expire(now);
    while (this.#inFlightBatches < this.#options.maxInFlightBatches && this.#queued > 0) {
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
      this.#admitWaiting(now);
    }
    this.#arm(wakeAt, now);
  }

  #arm(at: number, now: number): void {
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
      Math.max(0, at - now),
    );
  }

  /**
   * The next batch: entries in order that may go now, skipping any whose group has a request in
   * flight or an earlier entry still waiting, within the entry and byte limits.
   */
  #take(now: number): { batch: Item<E, R>[]; full: boolean; nextNotBefore: number } {
    const batch: Item<E, R>[] = [];
    let blocked: Set<string> | undefined;
    let bytes = 0;
    let full = false;
    let nextNotBefore = Number.POSITIVE_INFINITY;
    const { maxEntries, maxBytes } = this.#target;
    const pending = this.#pending;
    for (let i = this.#pendingHead; i < pending.length; i++) {
      const item = pending[i]!;
      const group = item.group;
      if (group !== undefined && (blocked?.has(group) || this.#busyGroups.has(group))) continue;
      if (item.notBefore > now) {
        if (item.notBefore < nextNotBefore) nextNotBefore = item.notBefore;
        if (group !== undefined) {
          blocked ??= new Set();
          blocked.add(group);
        }
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
    const pending = this.#pending;
    const head = this.#pendingHead;
    let atHead = true;
    for (let index = 0; index < batch.length; index++) {
      if (pending[head + index] !== batch[index]) {
        atHead = false;
        break;
      }
    }
    if (atHead) {
      // The usual case: the batch is the head of the line, which moves past it.
      for (let index = 0; index < batch.length; index++) pending[head + index] = undefined;
      this.#pendingHead = head + batch.length;
      if (this.#pendingHead === pending.length) {
        pending.length = 0;
        this.#pendingHead = 0;
      } else if (this.#pendingHead > 1024 && this.#pendingHead * 2 > pending.length) {
        this.#pending = pending.slice(this.#pendingHead);
        this.#pendingHead = 0;
      }
    } else {
      const taken = new Set(batch);
      let write = 0;
      for (let read = head; read < pending.length; read++) {
        const item = pending[read]!;
        if (!taken.has(item)) pending[write++] = item;
      }
      pending.length = write;
      this.#pendingHead = 0;
    }
    // One pass over the batch: attempts, groups, the earliest deadline, what the target is given.
    let groups: Set<string> | undefined;
    let deadlineAt = Number.POSITIVE_INFINITY;
    const entries: E[] = new Array(batch.length);
    const labels: string[] = new Array(batch.length);
    for (let index = 0; index < batch.length; index++) {
      const item = batch[index]!;
      item.attempts++;
      if (item.group !== undefined) {
        groups ??= new Set();
        groups.add(item.group);
      }
      if (item.deadlineAt < deadlineAt) deadlineAt = item.deadlineAt;
      entries[index] = item.entry;
      labels[index] = item.label;
    }
    if (groups !== undefined) for (const group of groups) this.#busyGroups.add(group);
    // Every batch in flight listens on the one signal: past a few, lift Node's leak warning.
    if (++this.#inFlightBatches === 4 && !this.#unlimited) {
      this.#unlimited = true;
      unlimitedListeners(this.#controller.signal);
    }
    this.#inFlightEntries += batch.length;
    this.#batches++;
    let request: Promise<ReadonlyArray<EntryOutcome<R>>>;
    try {
      // Promise.resolve: a target that answers without a promise is still heard (the same
      // promise otherwise).
      request = Promise.resolve(
        this.#target.sendBatch(entries, {
          labels,
          signal: this.#controller.signal,
          deadlineMs:
            deadlineAt === Number.POSITIVE_INFINITY ? undefined : Math.max(1, deadlineAt - Date.now()),
        }),
      );
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      (outcomes) =>
        Array.isArray(outcomes)
          ? this.#complete(batch, groups, outcomes, undefined)
          : // A target that breaks its contract fails its entries: none is left unsettled.
            this.#complete(
              batch,
              groups,
              undefined,
              new AsyncAwsError(
                "the batch target's sendBatch gave no list of outcomes",
                this.#target.context,
              ),
            ),
      (error: unknown) => this.#complete(batch, groups, undefined, error),
    );
  }

  #complete(
    batch: Item<E, R>[],
    groups: Set<string> | undefined,
    outcomes: ReadonlyArray<EntryOutcome<R>> | undefined,
    error: unknown,
  ): void {
    this.#inFlightBatches--;
    this.#inFlightEntries -= batch.length;
    if (groups !== undefined) for (const group of groups) this.#busyGroups.delete(group);
    if (outcomes !== undefined && allAccepted(outcomes, batch.length)) {
      // The usual answer: every entry accepted. Nothing to retry or keep in order: each settles.
      for (let index = 0; index < batch.length; index++) {
        const item = batch[index]!;
        // Not there when given up on meanwhile (aborted, closed with a timeout).
        if (item.open) {
          this.#settle(item, true, (outcomes[index] as { value: R }).value);
        }
      }
      this.#pump();
      this.#checkIdle();
      return;
    }
    const { maxAttempts } = this.#options;
    // What becomes of each entry: accepted (a value), sent again (retry), or given up (an error).
    type Fate = { ok: true; value: R } | { ok: false; retry: boolean; error: unknown };
    let fates: Fate[];
    if (outcomes === undefined) {
      let retryable: boolean;
      try {
        retryable = this.#target.isRetryable
          ? Boolean(this.#target.isRetryable(error))
          : classify(error) !== "fatal";
      } catch {
        retryable = false; // a target's isRetryable that throws: the request's error is final
      }
      fates = batch.map((item) => ({ ok: false, retry: retryable && item.attempts < maxAttempts, error }));
    } else {
      fates = batch.map((item, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined || outcome === null) {
          return {
            ok: false,
            retry: item.attempts < maxAttempts,
            error: new AsyncAwsError(`${item.label} got no outcome from the target`, this.#target.context),
          };
        }
        if (outcome.ok) return outcome;
        return { ok: false, retry: outcome.retryable && item.attempts < maxAttempts, error: outcome.error };
      });
    }
    if (this.#target.groupOf) this.#keepGroupOrder(batch, fates);
    const retry: Item<E, R>[] = [];
    const now = Date.now();
    batch.forEach((item, index) => {
      if (!item.open) return; // given up on meanwhile (aborted, closed with a timeout)
      const fate = fates[index]!;
      if (fate.ok) {
        this.#settle(item, true, fate.value);
      } else if (fate.retry && this.#backoff(item, now) < item.deadlineAt) {
        retry.push(item);
      } else {
        this.#reject(item, fate.error);
      }
    });
    if (retry.length > 0) this.#requeue(retry);
    this.#pump();
    this.#checkIdle();
  }

  /**
   * The FIFO rule, one for every path: a group's order holds over retries. An entry that failed
   * for a retryable reason is given up on (not retried) when a later entry of its group was
   * accepted in the same request, since a retry would land after it. (Once an entry is given up
   * on, {@link BatchProducer.#reject} also gives up the group's later entries not yet sent.)
   */
  #keepGroupOrder(
    batch: readonly Item<E, R>[],
    fates: ({ ok: true; value: R } | { ok: false; retry: boolean; error: unknown })[],
  ): void {
    const acceptedLater = new Set<string>();
    for (let index = batch.length - 1; index >= 0; index--) {
      const group = batch[index]!.group;
      const fate = fates[index]!;
      if (group === undefined) continue;
      if (fate.ok) acceptedLater.add(group);
      else if (fate.retry && acceptedLater.has(group)) {
        const cause = fate.error;
        fates[index] = {
          ok: false,
          retry: false,
          error: new ServiceError(
            `${batch[index]!.label} failed and was not retried: a later message of its group ${JSON.stringify(group)} was accepted in the same request, so a retry would break the group's order`,
            {
              ...this.#target.context,
              code: isServiceError(cause) ? cause.code : "EntryFailed",
              statusCode: isServiceError(cause) ? cause.statusCode : 200,
              fault: isServiceError(cause) ? cause.fault : undefined,
              retryable: false,
            },
            { cause },
          ),
        };
      }
    }
  }

  /** When an entry may be sent again; sets it on the entry. */
  #backoff(item: Item<E, R>, now: number): number {
    const { retryBaseDelayMs, retryMaxDelayMs } = this.#options;
    const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (item.attempts - 1));
    item.notBefore = now + Math.random() * ceiling;
    item.readyAt = item.notBefore;
    return item.notBefore;
  }

  /**
   * Gives up on an entry; in a FIFO group, also on the group's later entries still waiting (they
   * were given before it failed, and would land after the gap): they reject as never sent.
   */
  #reject(item: Item<E, R>, error: unknown): void {
    this.#settle(item, false, error);
    const group = item.group;
    if (group === undefined) return;
    const later: Item<E, R>[] = [];
    for (let i = this.#pendingHead; i < this.#pending.length; i++) {
      const other = this.#pending[i]!;
      if (other.group === group && other.seq > item.seq) later.push(other);
    }
    for (let i = this.#waitingHead; i < this.#waiting.length; i++) {
      const other = this.#waiting[i]!;
      if (other.group === group && other.seq > item.seq) later.push(other);
    }
    if (later.length === 0) return;
    this.#remove(new Set(later));
    const why = isNotSentError(error) ? error : undefined;
    for (const other of later) {
      if (!other.open) continue;
      this.#settle(
        other,
        false,
        why ??
          notSentError(
            `an earlier request of its group ${JSON.stringify(group)} failed (for ${item.label}), and the group's order must hold`,
            this.#target.context,
            error,
          ),
      );
    }
  }

  /** Puts failed entries back in their place in the line (their backoff is set). */
  #requeue(items: Item<E, R>[]): void {
    this.#retried += items.length;
    // Both lists are in sequence order: merge them.
    const merged: Item<E, R>[] = [];
    let i = this.#pendingHead;
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
    this.#pending = merged;
    this.#pendingHead = 0;
  }

  #settle(item: Item<E, R>, ok: boolean, value: unknown): void {
    if (item.open) {
      item.open = false;
      const { before, after } = item;
      if (before === undefined) this.#oldest = after;
      else before.after = after;
      if (after === undefined) this.#newest = before;
      else after.before = before;
      item.before = item.after = undefined;
      this.#unsettledCount--;
    }
    try {
      if (ok) {
        this.#sent++;
        item.resolve(value as R, item.tag);
      } else {
        this.#failed++;
        item.reject(value, item.tag);
      }
    } catch {
      // A callback of submit() that throws must not stop the engine.
    }
    if (this.#flushWaiters.length > 0) this.#wakeFlushes();
  }

  /** Resolves the flushes whose entries all settled. */
  #wakeFlushes(): void {
    const oldest = this.#oldestUnsettled();
    let write = 0;
    for (const waiter of this.#flushWaiters) {
      if (waiter.upTo < oldest) waiter.resolve();
      else this.#flushWaiters[write++] = waiter;
    }
    this.#flushWaiters.length = write;
  }

  #checkIdle(): void {
    if (this.#unsettledCount === 0) this.#idleWaiters.resolveAll();
  }
}
