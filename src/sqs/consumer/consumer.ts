/**
 * The consumer: long polls that keep `concurrency` handlers busy, a visibility heartbeat,
 * batched deletes, per-group order on FIFO queues, retries through the queue's redrive policy,
 * and a stop that never loses a message.
 *
 * @module
 */

import {
  AsyncAwsError,
  type ErrorContext,
  isAbortError,
  isCredentialsError,
  isServiceError,
  ValidationError,
} from "../../core/errors.js";
import type { Queue } from "../queue.js";
import type { SQS } from "../sqs.js";
import type { Message } from "../types.js";
import { Deleter } from "./deleter.js";
import { Emitter, type Listener } from "./events.js";
import { GroupSequencer } from "./fifo.js";
import { chunks, type ErrorSource, type Held, holdMessage, type Shared } from "./held.js";
import {
  type ConsumerOptions,
  defaultRetryDelay,
  type ResolvedOptions,
  resolveConsumerOptions,
  visibilityCeiling,
} from "./options.js";
import { unwrapSns } from "./sns.js";
import { type Change, Visibility } from "./visibility.js";

/** Where a consumer is in its life. */
export type ConsumerState = "starting" | "running" | "stopping" | "stopped";

/** A snapshot of a consumer's counters: a stall is visible here. */
export interface ConsumerStatus {
  /** `starting` (resolving the queue), `running`, `stopping` (draining), `stopped`. */
  state: ConsumerState;
  /** Messages received. */
  received: number;
  /** Messages held now: received, not yet settled (handled or released). */
  inFlight: number;
  /** Handlers (or batch entries) that succeeded. */
  succeeded: number;
  /** Handlers (or batch entries) that failed, timed out, or were retried by the iterator. */
  failed: number;
  /** Messages deleted. */
  deleted: number;
  /** Messages released unhandled (visibility 0): on stop, or behind a failure in a FIFO group. */
  released: number;
  /** ReceiveMessage requests in flight. */
  receiving: number;
  /** The last error reported (also an `error` event). */
  lastError: unknown;
  /** When the last error was reported. */
  lastErrorAt: Date | undefined;
  /** When the last ReceiveMessage came back, with messages or none. */
  lastReceiveAt: Date | undefined;
}

/** What a handler gets besides the message. */
export interface HandlerContext {
  /** Aborts when the handler runs past `maxHandlerSeconds`, or on `stop({ abort: true })`. */
  readonly signal: AbortSignal;
  /** The message's `ApproximateReceiveCount`: 1 on the first delivery. */
  readonly attempt: number;
}

/** What a batch handler gets besides the messages. */
export interface BatchHandlerContext {
  /** Aborts when the handler runs past `maxHandlerSeconds`, or on `stop({ abort: true })`. */
  readonly signal: AbortSignal;
}

/** Handles one message: resolving means done (the message is deleted), throwing means failed. */
export type MessageHandler<M> = (message: M, context: HandlerContext) => unknown;

/**
 * Handles the messages of one receive. Resolving with nothing means all succeeded; resolving
 * with some of the messages (the objects given, or SQS `MessageId`s) means those failed and the
 * others succeeded; throwing means all failed. On a FIFO queue, messages of a group after one that
 * failed are released unhandled-as-far-as-SQS-knows (not deleted), so the group's order holds.
 */
export type BatchHandler<M> = (
  messages: M[],
  context: BatchHandlerContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async handler that returns nothing gives Promise<void>
) => Iterable<M | string> | undefined | void | Promise<Iterable<M | string> | undefined | void>;

/** Details of an `error` event. */
export interface ConsumerErrorInfo {
  /** What failed: `start` (queue URL, attributes), `receive`, `delete`, `visibility`, `listener`. */
  source: ErrorSource;
  /** The SQS message concerned, when one is. */
  message?: Message | undefined;
}

/** The consumer's events and their listeners' arguments. */
export type ConsumerEvents<M> = {
  /** A message was received (before its handler runs). */
  message: [message: M];
  /** A handler succeeded; the message is being deleted. */
  processed: [message: M];
  /** A handler failed (threw, timed out, was reported failed by a batch handler). */
  failed: [message: M, error: unknown];
  /** Something went wrong that the consumer handles by itself (backing off, retrying). */
  error: [error: unknown, info: ConsumerErrorInfo];
  /** A receive came back with no message. */
  empty: [];
  /** The consumer stopped: nothing is in flight, deletes and releases are done. */
  stopped: [];
};

/** Options of {@link Consumer.stop}. */
export interface StopOptions {
  /**
   * Abort the handlers' signals now and release their messages (visibility 0) instead of waiting.
   * @default false
   */
  abort?: boolean;
  /**
   * Wait at most this long for handlers, in milliseconds, then abort as above.
   * @default the consumer's `drainTimeoutMs` (no limit)
   */
  timeoutMs?: number;
}

/** @internal A failure that asks for a given retry delay (the iterator's `retry(delaySeconds)`). */
export class RetryRequest extends AsyncAwsError {
  readonly delaySeconds: number | undefined;
  constructor(delaySeconds: number | undefined) {
    super(delaySeconds === undefined ? "retry requested" : `retry requested in ${delaySeconds} s`);
    this.delaySeconds = delaySeconds;
  }
}

interface Item<M> {
  readonly held: Held;
  readonly value: M;
}

interface Unit<M> {
  readonly items: Item<M>[];
  readonly groups: string[];
  state: "waiting" | "running" | "done";
  controller: AbortController | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type Mode<M> = { batch: false; handler: MessageHandler<M> } | { batch: true; handler: BatchHandler<M> };

/** Error codes after which receiving backs off longer: credentials, permissions, a missing queue. */
const SEVERE_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "InvalidAccessKeyId",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidSecurity",
  "KMS.AccessDeniedException",
  "QueueDoesNotExist",
]);

/** Runs `fn` after the current turn of the event loop: `setImmediate` where there is one. */
const nextTurn: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (fn) => (globalThis as unknown as { setImmediate(fn: () => void): void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);

/** Milliseconds to wait after the `streak`-th error in a row. */
function errorBackoff(error: unknown, streak: number): number {
  const severe =
    isCredentialsError(error) ||
    (isServiceError(error) &&
      (error.statusCode === 401 || error.statusCode === 403 || SEVERE_CODES.has(error.code)));
  const ceiling = severe
    ? Math.min(300_000, 5000 * 2 ** Math.min(streak - 1, 10))
    : Math.min(30_000, 500 * 2 ** Math.min(streak - 1, 10));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/**
 * Consumes a queue: calls a handler for each message, with `concurrency` at once, from
 * {@link Queue.consume}. A handler that resolves gets its message deleted; one that throws gets it
 * back on the queue after `retryDelay`. Listen for `error` to see what goes wrong; read `status`
 * to see that it runs.
 *
 * @example
 * ```ts
 * const consumer = queue.consume(async (message, { signal }) => {
 *   await handle(JSON.parse(message.Body!), { signal });
 * }, { concurrency: 32 });
 * consumer.on("error", (error) => console.error(error));
 * process.on("SIGTERM", () => consumer.stop());
 * ```
 */
export class Consumer<M = Message> {
  readonly #sqs: SQS;
  readonly #queue: Queue;
  readonly #mode: Mode<M>;
  readonly #options: ResolvedOptions<M>;
  readonly #context: ErrorContext;
  readonly #emitter: Emitter<ConsumerEvents<M>>;
  readonly #visibility: Visibility;
  readonly #deleter: Deleter;
  readonly #sequencer: GroupSequencer<Unit<M>> | undefined;
  readonly #transform: (raw: Message) => M;
  readonly #pollController = new AbortController();
  readonly #held = new Set<Held>();
  readonly #running = new Set<Unit<M>>();
  readonly #polls = new Set<Promise<void>>();
  /** One per long poll (a shared signal would collect a listener per poll). */
  readonly #pollControllers = new Set<AbortController>();
  readonly #drainWaiters: (() => void)[] = [];
  #state: ConsumerState = "starting";
  #url = "";
  #visibilityTimeout = 30;
  /** VisibilityTimeout sent on ReceiveMessage, when the queue's own is not used. */
  #receiveVisibility: number | undefined;
  #reserved = 0;
  #idle = false;
  #pausedUntil = 0;
  #errorStreak = 0;
  #pumpTimer: ReturnType<typeof setTimeout> | undefined;
  #pumpSoon = false;
  #starting: Promise<void>;
  #stopping: Promise<void> | undefined;
  #abortNow: (() => void) | undefined;
  #onSignal: (() => void) | undefined;
  #received = 0;
  #succeeded = 0;
  #failed = 0;
  #deleted = 0;
  #released = 0;
  #lastError: unknown;
  #lastErrorAt: Date | undefined;
  #lastReceiveAt: Date | undefined;

  /** @internal Use {@link Queue.consume}. */
  constructor(
    sqs: SQS,
    queue: Queue,
    handler: MessageHandler<M> | BatchHandler<M>,
    options: ConsumerOptions<M> | undefined,
  ) {
    this.#context = { operation: "consume", resource: queue.name };
    if (typeof handler !== "function") {
      throw new ValidationError("handler", "a function", handler, this.#context);
    }
    this.#options = resolveConsumerOptions<M>(options, this.#context);
    this.#sqs = sqs;
    this.#queue = queue;
    this.#mode = this.#options.batch
      ? { batch: true, handler: handler as BatchHandler<M> }
      : { batch: false, handler: handler as MessageHandler<M> };
    this.#transform = this.#options.unwrapSns
      ? (raw) => unwrapSns(raw) as unknown as M
      : (raw) => raw as unknown as M;
    this.#emitter = new Emitter<ConsumerEvents<M>>((error, event) => {
      if (event === "error") this.#noteError(error);
      else this.#report(error, "listener");
    });
    const shared: Shared = {
      sqs,
      url: () => this.#url,
      context: this.#context,
      report: (error, source, message) => this.#report(error, source, message),
    };
    this.#visibility = new Visibility(shared, this.#options.extendVisibility);
    this.#sequencer = queue.fifo ? new GroupSequencer<Unit<M>>() : undefined;
    this.#deleter = new Deleter(shared, queue.fifo ? 0 : 5, () => {
      this.#deleted++;
    });
    const signal = this.#options.signal;
    if (signal) {
      this.#onSignal = () => {
        this.stop({ abort: true }).catch(() => undefined);
      };
      signal.addEventListener("abort", this.#onSignal, { once: true });
    }
    this.#starting = this.#start();
    if (signal?.aborted) this.#onSignal?.();
  }

  /** Where the consumer is: `starting`, `running`, `stopping`, `stopped`. */
  get state(): ConsumerState {
    return this.#state;
  }

  /** The counters, the last error and the last receive time, as of now. */
  get status(): ConsumerStatus {
    return {
      state: this.#state,
      received: this.#received,
      inFlight: this.#held.size,
      succeeded: this.#succeeded,
      failed: this.#failed,
      deleted: this.#deleted,
      released: this.#released,
      receiving: this.#polls.size,
      lastError: this.#lastError,
      lastErrorAt: this.#lastErrorAt,
      lastReceiveAt: this.#lastReceiveAt,
    };
  }

  /** Adds a listener. A listener that throws is reported as an `error` event; polling goes on. */
  on<K extends keyof ConsumerEvents<M>>(event: K, listener: Listener<ConsumerEvents<M>, K>): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /** Adds a listener called at most once. */
  once<K extends keyof ConsumerEvents<M>>(event: K, listener: Listener<ConsumerEvents<M>, K>): this {
    this.#emitter.once(event, listener);
    return this;
  }

  /** Removes a listener. */
  off<K extends keyof ConsumerEvents<M>>(event: K, listener: Listener<ConsumerEvents<M>, K>): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /**
   * Stops: no ReceiveMessage is sent after this call (long polls in flight are aborted), messages
   * waiting behind their FIFO group are released, handlers in flight are waited for (the heartbeat
   * goes on), deletes are flushed; then it resolves and `stopped` is emitted. With `abort` (or once
   * `timeoutMs` passes, or the `signal` option aborts), the handlers' signals abort and their
   * messages are released (visibility 0) before it resolves. Calling it again returns the same
   * promise (an `abort` escalates a graceful stop in progress).
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (options === null || typeof options !== "object") {
      return Promise.reject(new ValidationError("options", "an object", options, this.#context));
    }
    const { abort = false, timeoutMs = this.#options.drainTimeoutMs } = options;
    if (typeof abort !== "boolean") {
      return Promise.reject(new ValidationError("abort", "a boolean", abort, this.#context));
    }
    if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !(timeoutMs >= 0))) {
      return Promise.reject(
        new ValidationError("timeoutMs", "a number of at least 0", timeoutMs, this.#context),
      );
    }
    if (this.#stopping) {
      if (abort) this.#abortNow?.();
      return this.#stopping;
    }
    this.#stopping = this.#stop(abort, timeoutMs);
    return this.#stopping;
  }

  // -------------------------------------------------------------------------------------------
  // Starting and receiving

  async #start(): Promise<void> {
    const signal = this.#pollController.signal;
    for (let attempt = 1; ; attempt++) {
      try {
        this.#url = await this.#queue.url({ signal });
        break;
      } catch (error) {
        if (this.#state !== "starting") return;
        this.#report(error, "start");
        if (!(await this.#sleep(errorBackoff(error, attempt)))) return;
      }
    }
    let timeout = this.#options.visibilityTimeout;
    if (timeout === undefined) {
      try {
        const output = await this.#sqs.getQueueAttributes(
          { QueueUrl: this.#url, AttributeNames: ["VisibilityTimeout"] },
          { signal },
        );
        const value = Number(output.Attributes?.VisibilityTimeout);
        if (Number.isInteger(value) && value >= 0) timeout = value;
      } catch (error) {
        if (this.#state !== "starting") return;
        this.#report(error, "start");
      }
      // Unknown: ask for 30 seconds on each receive, so that the heartbeat knows.
      if (timeout === undefined) this.#receiveVisibility = 30;
    } else {
      this.#receiveVisibility = timeout;
    }
    if (this.#state !== "starting") return;
    this.#visibilityTimeout = timeout ?? 30;
    this.#visibility.setTimeoutSeconds(this.#visibilityTimeout);
    this.#state = "running";
    this.#pump();
  }

  /** Waits, unless the consumer stops first; resolves false if it did. */
  #sleep(ms: number): Promise<boolean> {
    const signal = this.#pollController.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Pumps soon: after the other completions of this turn of the event loop (so that the slots
   * they free go in one receive), or after `delayMs`.
   */
  #schedulePump(delayMs = 0): void {
    if (this.#state !== "running") return;
    if (delayMs === 0) {
      if (this.#pumpSoon) return;
      this.#pumpSoon = true;
      nextTurn(() => {
        this.#pumpSoon = false;
        this.#pump();
      });
      return;
    }
    if (this.#pumpTimer !== undefined) clearTimeout(this.#pumpTimer);
    this.#pumpTimer = setTimeout(() => {
      this.#pumpTimer = undefined;
      this.#pump();
    }, delayMs);
  }

  /** Starts as many long polls as the free slots need. */
  #pump(): void {
    if (this.#state !== "running") return;
    const now = Date.now();
    if (now < this.#pausedUntil) {
      this.#schedulePump(this.#pausedUntil - now);
      return;
    }
    const perPoll = this.#mode.batch ? this.#options.batchSize : 10;
    // An idle queue gets one poll at a time; messages bring the others back.
    const maxPolls = this.#idle ? 1 : Number.POSITIVE_INFINITY;
    while (this.#polls.size < maxPolls) {
      const free = this.#options.concurrency - this.#held.size - this.#reserved;
      if (free <= 0) break;
      this.#poll(Math.min(perPoll, free));
    }
  }

  #poll(ask: number): void {
    this.#reserved += ask;
    const started = Date.now();
    const controller = new AbortController();
    this.#pollControllers.add(controller);
    let poll!: Promise<void>;
    poll = (async () => {
      let messages: Message[] | undefined;
      let failure: unknown;
      try {
        const output = await this.#sqs.receiveMessage(
          {
            QueueUrl: this.#url,
            MaxNumberOfMessages: ask,
            WaitTimeSeconds: this.#options.waitTimeSeconds,
            MessageAttributeNames: this.#options.messageAttributeNames,
            MessageSystemAttributeNames: this.#options.messageSystemAttributeNames as never,
            ...(this.#receiveVisibility === undefined ? {} : { VisibilityTimeout: this.#receiveVisibility }),
          },
          { signal: controller.signal },
        );
        messages = output.Messages ?? [];
      } catch (error) {
        failure = error;
      }
      this.#pollControllers.delete(controller);
      this.#reserved -= ask;
      this.#polls.delete(poll);
      if (messages) {
        this.#lastReceiveAt = new Date();
        this.#errorStreak = 0;
        if (this.#state !== "running") {
          this.#releaseReceived(messages, started);
        } else if (messages.length === 0) {
          this.#idle = true;
          if (this.#options.waitTimeSeconds === 0) this.#pausedUntil = Date.now() + 1000;
          this.#emitter.emit("empty");
        } else {
          this.#idle = false;
          this.#accept(messages, started);
        }
      } else {
        if (this.#state !== "running" && (isAbortError(failure) || controller.signal.aborted)) return;
        this.#errorStreak++;
        this.#pausedUntil = Math.max(
          this.#pausedUntil,
          Date.now() + errorBackoff(failure, this.#errorStreak),
        );
        this.#report(failure, "receive");
      }
      this.#schedulePump();
    })();
    this.#polls.add(poll);
  }

  /** When SQS handed the messages out, on the early side (at most a second before the answer). */
  #receivedAt(started: number): number {
    const now = Date.now();
    return now - Math.min(now - started, 1000);
  }

  #accept(messages: Message[], started: number): void {
    const receivedAt = this.#receivedAt(started);
    const items: Item<M>[] = [];
    for (const raw of messages) {
      if (!raw.ReceiptHandle) continue;
      const held = holdMessage(raw, receivedAt, this.#visibilityTimeout);
      this.#received++;
      this.#held.add(held);
      this.#visibility.track(held);
      items.push({ held, value: this.#transform(raw) });
    }
    for (const item of items) this.#emitter.emit("message", item.value);
    if (this.#state !== "running") {
      // A listener stopped the consumer.
      this.#release(items);
      return;
    }
    const units: Unit<M>[] = (
      this.#mode.batch ? chunks(items, this.#options.batchSize) : items.map((i) => [i])
    ).map((unitItems) => ({
      items: unitItems,
      groups: this.#sequencer
        ? [...new Set(unitItems.flatMap((i) => (i.held.group ? [i.held.group] : [])))]
        : [],
      state: "waiting",
      controller: undefined,
      timer: undefined,
    }));
    const ready = this.#sequencer ? this.#sequencer.add(units) : units;
    for (const unit of ready) this.#run(unit);
  }

  /** Releases messages that came back after stop() (never handed to a handler). */
  #releaseReceived(messages: Message[], started: number): void {
    const receivedAt = this.#receivedAt(started);
    const changes: Change[] = [];
    for (const raw of messages) {
      if (!raw.ReceiptHandle) continue;
      this.#received++;
      this.#released++;
      changes.push({ held: holdMessage(raw, receivedAt, this.#visibilityTimeout), timeout: 0 });
    }
    this.#changeVisibility(changes);
  }

  // -------------------------------------------------------------------------------------------
  // Handling

  #run(unit: Unit<M>): void {
    unit.state = "running";
    this.#running.add(unit);
    const controller = new AbortController();
    unit.controller = controller;
    const limit = this.#options.maxHandlerSeconds;
    if (limit !== undefined) {
      unit.timer = setTimeout(() => {
        if (unit.state !== "running") return;
        const error = new AsyncAwsError(
          `the handler ran longer than maxHandlerSeconds (${limit} s)`,
          this.#context,
        );
        controller.abort(error);
        this.#finish(unit, false, error);
      }, limit * 1000);
    }
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(
        this.#mode.batch
          ? this.#mode.handler(
              unit.items.map((item) => item.value),
              { signal: controller.signal },
            )
          : this.#mode.handler(unit.items[0]!.value, {
              signal: controller.signal,
              attempt: unit.items[0]!.held.attempt,
            }),
      );
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => this.#finish(unit, true, value),
      (error: unknown) => this.#finish(unit, false, error),
    );
  }

  /** Which items a batch handler's answer names as failed. */
  #failedOf(unit: Unit<M>, answer: unknown): Set<Item<M>> {
    const failed = new Set<Item<M>>();
    if (answer === undefined || answer === null) return failed;
    if (typeof (answer as Iterable<unknown>)[Symbol.iterator] !== "function" || typeof answer === "string") {
      this.#report(
        new ValidationError(
          "batch handler result",
          "nothing, or an iterable of the messages (or MessageIds) that failed",
          answer,
          this.#context,
        ),
        "listener",
      );
      return failed;
    }
    for (const entry of answer as Iterable<unknown>) {
      for (const item of unit.items) {
        if (
          entry === item.value ||
          entry === item.held.raw ||
          (typeof entry === "string" && entry === item.held.raw.MessageId)
        ) {
          failed.add(item);
        }
      }
    }
    return failed;
  }

  #finish(unit: Unit<M>, ok: boolean, value: unknown): void {
    if (unit.state !== "running") return;
    unit.state = "done";
    if (unit.timer !== undefined) clearTimeout(unit.timer);
    this.#running.delete(unit);
    let failedItems: Set<Item<M>>;
    let errorOf: (item: Item<M>) => unknown;
    if (!ok) {
      failedItems = new Set(unit.items);
      errorOf = () => value;
    } else if (this.#mode.batch) {
      failedItems = this.#failedOf(unit, value);
      errorOf = () => new AsyncAwsError("the batch handler reported this message as failed", this.#context);
    } else {
      failedItems = new Set();
      errorOf = () => undefined;
    }
    const changes: Change[] = [];
    const failedGroups = new Set<string>();
    const released: Item<M>[] = [];
    for (const item of unit.items) {
      const group = item.held.group;
      if (failedItems.has(item)) {
        if (group !== undefined && this.#sequencer) failedGroups.add(group);
        this.#settle(item);
        this.#failed++;
        const error = errorOf(item);
        this.#emitter.emit("failed", item.value, error);
        const timeout = this.#retryDelay(item, error);
        if (timeout !== undefined) changes.push({ held: item.held, timeout });
      } else if (group !== undefined && failedGroups.has(group)) {
        // After a failure in its FIFO group: released, not deleted, so the order holds.
        released.push(item);
      } else {
        this.#settle(item);
        this.#succeeded++;
        this.#emitter.emit("processed", item.value);
        this.#deleter.add(item.held);
      }
    }
    if (this.#sequencer && failedGroups.size > 0) {
      for (const later of this.#sequencer.takeAfterFailure([...failedGroups])) {
        later.state = "done";
        released.push(...later.items);
      }
    }
    for (const item of released) {
      this.#settle(item);
      this.#released++;
      changes.push({ held: item.held, timeout: 0 });
    }
    this.#changeVisibility(changes);
    if (this.#sequencer && this.#state === "running") {
      for (const next of this.#sequencer.done(unit)) this.#run(next);
    } else {
      this.#sequencer?.done(unit);
    }
    this.#checkDrained();
    this.#schedulePump();
  }

  /** The message leaves our hands: its slot is free, its heartbeat stops. */
  #settle(item: Item<M>): void {
    this.#held.delete(item.held);
    this.#visibility.untrack(item.held);
  }

  /** Sends visibility changes; on a FIFO queue in reverse order (last of a group first). */
  #changeVisibility(changes: Change[]): void {
    if (changes.length === 0) return;
    if (this.#sequencer) this.#visibility.change(changes.reverse(), true);
    else this.#visibility.change(changes);
  }

  /** Seconds until a failed message is visible again, or undefined to leave its visibility alone. */
  #retryDelay(item: Item<M>, error: unknown): number | undefined {
    const { attempt } = item.held;
    let seconds: unknown = error instanceof RetryRequest ? error.delaySeconds : undefined;
    if (seconds === undefined) {
      const option = this.#options.retryDelay;
      if (option === "visibilityTimeout") return undefined;
      if (typeof option === "number") seconds = option;
      else if (typeof option === "function") {
        try {
          seconds = option(attempt, item.value);
        } catch (failure) {
          this.#report(failure, "listener", item.held.raw);
          seconds = defaultRetryDelay(attempt);
        }
      } else seconds = defaultRetryDelay(attempt);
    }
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      this.#report(
        new ValidationError("retryDelay", "a number of seconds from 0 to 43200", seconds, this.#context),
        "listener",
        item.held.raw,
      );
      seconds = defaultRetryDelay(attempt);
    }
    return visibilityCeiling(Math.round(seconds as number), Date.now() - item.held.receivedAt);
  }

  /** Releases items now (visibility 0), unhandled. */
  #release(items: Item<M>[]): void {
    const changes: Change[] = [];
    for (const item of items) {
      this.#settle(item);
      this.#released++;
      changes.push({ held: item.held, timeout: 0 });
    }
    this.#changeVisibility(changes);
  }

  // -------------------------------------------------------------------------------------------
  // Stopping

  #checkDrained(): void {
    if (this.#running.size === 0 && this.#drainWaiters.length > 0) {
      for (const resolve of this.#drainWaiters.splice(0)) resolve();
    }
  }

  /** Aborts every running handler and releases its messages. */
  #abortRunning(reason: unknown): void {
    const items: Item<M>[] = [];
    for (const unit of [...this.#running]) {
      unit.state = "done";
      if (unit.timer !== undefined) clearTimeout(unit.timer);
      this.#running.delete(unit);
      unit.controller?.abort(reason);
      items.push(...unit.items);
    }
    this.#release(items);
    this.#checkDrained();
  }

  async #stop(abort: boolean, timeoutMs: number | undefined): Promise<void> {
    this.#state = "stopping";
    if (this.#pumpTimer !== undefined) clearTimeout(this.#pumpTimer);
    this.#pumpTimer = undefined;
    const stopping = new AsyncAwsError("the consumer is stopping", this.#context);
    this.#pollController.abort(stopping);
    for (const controller of this.#pollControllers) controller.abort(stopping);
    if (this.#sequencer) {
      const waiting = this.#sequencer.takeAll();
      for (const unit of waiting) unit.state = "done";
      this.#release(waiting.flatMap((unit) => unit.items));
    }
    const reason = new AsyncAwsError("the consumer stopped", this.#context);
    if (abort) {
      this.#abortRunning(reason);
    } else if (this.#running.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#drainWaiters.push(resolve);
        this.#abortNow = () => {
          this.#abortRunning(reason);
          resolve();
        };
        if (timeoutMs !== undefined) timer = setTimeout(() => this.#abortNow?.(), timeoutMs);
      });
      if (timer !== undefined) clearTimeout(timer);
    }
    this.#abortNow = undefined;
    await this.#starting;
    await Promise.all([...this.#polls]);
    await Promise.all([this.#deleter.flush(), this.#visibility.drain()]);
    this.#visibility.stop();
    if (this.#onSignal) this.#options.signal?.removeEventListener("abort", this.#onSignal);
    this.#state = "stopped";
    this.#emitter.emit("stopped");
  }

  // -------------------------------------------------------------------------------------------
  // Errors

  #noteError(error: unknown): void {
    this.#lastError = error;
    this.#lastErrorAt = new Date();
  }

  #report(error: unknown, source: ErrorSource, message?: Message): void {
    this.#noteError(error);
    this.#emitter.emit("error", error, { source, message });
  }
}
