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
  isAsyncAwsError,
  isCredentialsError,
  isResponseError,
  isServiceError,
  isValidationError,
  ValidationError,
} from "../../core/errors.js";
import { classify } from "../../core/retry.js";
import { unlimitedListeners } from "../../core/runtime.js";
import { Waiters } from "../../core/waiters.js";
import { processChannel } from "../../observability/channels.js";
import { traceProcess } from "../../observability/process.js";
import { batchesWithoutPayloadErrors, payloadErrorOf } from "../../payloads/errors.js";
import type { Queue } from "../queue.js";
import type { SQS } from "../sqs.js";
import type { Message } from "../types.js";
import { Deleter } from "./deleter.js";
import { Emitter, type Listener } from "./events.js";
import { GroupSequencer } from "./fifo.js";
import {
  addSlotted,
  type ErrorSource,
  HeldMessage,
  holdMessage,
  removeSlotted,
  type Shared,
} from "./held.js";
import {
  type ConsumerLogger,
  type ConsumerOptions,
  checkStopOptions,
  type ResolvedOptions,
  resolveConsumerOptions,
} from "./options.js";
import { unwrapSns } from "./sns.js";
import { type Change, defaultRetryDelay, Visibility, visibilityCeiling } from "./visibility.js";

/**
 * Where a consumer is in its life: `starting` (resolving the queue), `running`, `stopping`
 * (draining, after `stop()` or a fatal error), `stopped` (after a stop), `failed` (after a fatal
 * error: see {@link Consumer.closed}).
 */
export type ConsumerState = "starting" | "running" | "stopping" | "stopped" | "failed";

/** A snapshot of a consumer's counters: a stall is visible here. */
export interface ConsumerStatus {
  /** `starting` (resolving the queue), `running`, `stopping` (draining), `stopped`, `failed`. */
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
  /**
   * Messages released unhandled (visibility set to 0, confirmed by SQS): on stop, when a loop is
   * left, or behind a failure in a FIFO group.
   */
  released: number;
  /**
   * Messages that may stay invisible until their visibility timeout runs out, neither deleted nor
   * released (an upper bound): for each long poll that `stop({ abort: true })` cut short, the number
   * of messages it asked for (SQS may have handed them out); and each message whose release or
   * delete failed for good. 0 after a graceful stop that went well.
   */
  stranded: number;
  /** ReceiveMessage requests in flight. */
  receiving: number;
  /**
   * The last error: reported as an `error` event, thrown by a handler (or reported failed by a
   * batch handler), or the fatal error that stopped the consumer.
   */
  lastError: unknown;
  /** When the last error was reported. */
  lastErrorAt: Date | undefined;
  /** When the last ReceiveMessage came back, with messages or none. */
  lastReceiveAt: Date | undefined;
}

/**
 * What a handler gets besides the message.
 *
 * From a consumer, `signal` is made on its first read (most handlers never read it, and a signal
 * costs more than the rest of a message's handling): it is a getter, not an own property, so
 * `{ ...context }`, `Object.keys(context)` and `JSON.stringify(context)` leave it out. To hand it
 * on, pass the context itself, or name it: `{ ...context, signal: context.signal }`.
 * (`sqsHandler` and `snsHandler` pass a plain object, whose `signal` is shared by the records of
 * an invocation: see their `timeMarginMs`.)
 */
export interface HandlerContext {
  /** Aborts when the handler runs past `maxHandlerSeconds`, or on `stop({ abort: true })`. */
  readonly signal: AbortSignal;
  /** The message's `ApproximateReceiveCount`: 1 on the first delivery. */
  readonly attempt: number;
}

/**
 * What a batch handler gets besides the messages. As for {@link HandlerContext}, `signal` is a
 * getter made on first read: `{ ...context }` leaves it out.
 */
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
  /**
   * True when the error stops the consumer (retrying cannot help: the queue does not exist,
   * access denied, invalid or expired credentials, bad input); {@link Consumer.closed} then
   * rejects with it.
   */
  fatal?: boolean;
}

/** The consumer's events and their listeners' arguments. */
export type ConsumerEvents<M> = {
  /** A message was received (before its handler runs). */
  message: [message: M];
  /** A handler succeeded; the message is being deleted. */
  processed: [message: M];
  /** A handler failed (threw, timed out, was reported failed by a batch handler). */
  failed: [message: M, error: unknown];
  /**
   * Something went wrong: one the consumer handles by itself (backing off, retrying), or, with
   * `info.fatal`, the error that stops it. With no listener, errors go to the `logger` option.
   */
  error: [error: unknown, info: ConsumerErrorInfo];
  /** A receive came back with no message. */
  empty: [];
  /** The consumer stopped (or failed): nothing is in flight, deletes and releases are done. */
  stopped: [];
};

/** Options of {@link Consumer.stop}. */
export interface StopOptions {
  /**
   * Stop now: abort the handlers' signals and release their messages (visibility 0), and cut the
   * long polls in flight instead of letting them finish. SQS may already have handed messages to a
   * poll that is cut; those stay invisible until their visibility timeout runs out, and
   * `status.stranded` counts them (at most what the cut polls asked for).
   * @default false
   */
  abort?: boolean | undefined;
  /**
   * Wait at most this long for running handlers, in milliseconds, then abort their signals and
   * release their messages (long polls in flight are still let finish; 0 releases at once).
   * @default the consumer's `drainTimeoutMs` (no limit)
   */
  timeoutMs?: number | undefined;
}

/**
 * @internal A message handed to the owner of a consumer instead of a handler (the iterator), until
 * the owner settles it with the consumer's {@link SETTLE} method.
 */
export interface Delivery<M> {
  /** The message, as a handler would get it. */
  readonly value: M;
  /** `running` until it is settled, or released by the consumer (stopping, `maxHandlerSeconds`). */
  readonly state: "waiting" | "running" | "done";
}

/** @internal The consumer's method that settles a {@link Delivery}: `ok`, or failed with `error`. */
export const SETTLE = Symbol("asyncaws.settle");

/** @internal What the iterator needs to know of a consumer, before its end. */
export interface ConsumerHooks {
  /**
   * Takes each message instead of the handler (a message handler's consumer only): the message is
   * held until the owner calls the consumer's {@link SETTLE} method with it. No promise, closure
   * or signal per message (the iterator's `ack()` and `retry()`).
   */
  deliver?(delivery: Delivery<unknown>): void;
  /**
   * A fatal error: the consumer is stopping because of it. Returns true when the owner hands the
   * error to its caller itself (the iterator's `next()` rejects with it): the consumer then does
   * not also write it to the logger.
   */
  onFatal?(error: unknown): boolean | undefined;
}

/** @internal A failure that asks for a given retry delay (the iterator's `retry(delaySeconds)`). */
export class RetryRequest extends AsyncAwsError {
  readonly delaySeconds: number | undefined;
  constructor(delaySeconds: number | undefined) {
    super(delaySeconds === undefined ? "retry requested" : `retry requested in ${delaySeconds} s`);
    this.delaySeconds = delaySeconds;
  }
}

/** Where a handler run is: waiting (behind its FIFO group), running, or done. */
type RunState = "waiting" | "running" | "done";

/** The state of one handler run: one message's (an {@link Item}) or a batch's. */
interface Run {
  state: RunState;
  /** The handler's controller: made when the handler first reads its `signal` (most never do). */
  controller: AbortController | undefined;
  /** Why the run was aborted, when that happened before its `signal` was read. */
  aborted: { reason: unknown } | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The message groups of its messages (FIFO queues; none otherwise). */
  readonly groups: readonly string[];
  /** Its place among the running units, -1 when not running (see `addSlotted`). */
  runningAt: number;
}

const setRunningAt = (run: Run, at: number): void => {
  run.runningAt = at;
};

const NO_GROUPS: readonly string[] = Object.freeze([]);

/** A delivered message's traced run once settled (the promise's end is a turn later). */
const TRACE_SETTLED = Object.freeze({ resolve() {}, reject() {} });

/**
 * A message the consumer holds: its record, the value its handler gets and, for a message
 * handler, the state of its run. One allocation per message, no closure: a no-op handler at 100
 * in flight spent about a sixth of its CPU in the garbage collector when a message made a record,
 * an item, a unit, an `AbortController` and closures.
 */
class Item<M> extends HeldMessage implements Run {
  readonly value: M;
  state: RunState = "waiting";
  controller: AbortController | undefined = undefined;
  aborted: { reason: unknown } | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  readonly groups: readonly string[];
  runningAt = -1;
  /** Counted among the messages held (until deleted or released). */
  holding = false;
  /** A delivered message's run, published on the process channel: settled through this. */
  traced: { resolve(value: unknown): void; reject(error: unknown): void } | undefined = undefined;

  constructor(raw: Message, receivedAt: number, visibilityTimeoutSeconds: number, value: M, fifo: boolean) {
    super(raw, receivedAt, visibilityTimeoutSeconds);
    this.value = value;
    this.groups = fifo && this.group !== undefined ? [this.group] : NO_GROUPS;
  }
}

/** A batch handler's run: the messages of one call. */
class Batch<M> implements Run {
  readonly items: Item<M>[];
  readonly groups: readonly string[];
  state: RunState = "waiting";
  controller: AbortController | undefined = undefined;
  aborted: { reason: unknown } | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  runningAt = -1;

  constructor(items: Item<M>[], fifo: boolean) {
    this.items = items;
    this.groups = fifo
      ? [...new Set(items.flatMap((i) => (i.group === undefined ? [] : [i.group])))]
      : NO_GROUPS;
  }
}

/** A handler run: one message's, or a batch's. */
type Unit<M> = Item<M> | Batch<M>;

/** The messages of a run. */
function itemsOf<M>(unit: Unit<M>): Item<M>[] {
  return unit instanceof Batch ? unit.items : [unit];
}

/** A run's signal, made on first read (aborted at once when the run already was). */
function signalOf(run: Run): AbortSignal {
  let controller = run.controller;
  if (controller === undefined) {
    controller = new AbortController();
    run.controller = controller;
    if (run.aborted) controller.abort(run.aborted.reason);
  }
  return controller.signal;
}

/** Aborts a run's signal, or records why for when it is read. */
function abortRun(run: Run, reason: unknown): void {
  if (run.controller) run.controller.abort(reason);
  else run.aborted ??= { reason };
}

/** What a message handler gets besides the message: the signal is made on first read. */
class MessageContext implements HandlerContext {
  readonly #run: Run;
  readonly attempt: number;
  constructor(run: Run, attempt: number) {
    this.#run = run;
    this.attempt = attempt;
  }
  get signal(): AbortSignal {
    return signalOf(this.#run);
  }
}

/** What a batch handler gets besides the messages. */
class BatchContext implements BatchHandlerContext {
  readonly #run: Run;
  constructor(run: Run) {
    this.#run = run;
  }
  get signal(): AbortSignal {
    return signalOf(this.#run);
  }
}

/** A long poll in flight: the messages it asked for, its end, its place among the polls. */
interface Poll {
  readonly ask: number;
  done: Promise<void>;
  at: number;
}

const setPollAt = (poll: Poll, at: number): void => {
  poll.at = at;
};

type Mode<M> = { batch: false; handler: MessageHandler<M> } | { batch: true; handler: BatchHandler<M> };

/** Codes of a queue that does not exist (JSON and Query protocols). */
const MISSING_QUEUE_CODES = new Set(["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"]);

/** Codes of refused credentials or permissions: retrying the same request cannot help. */
const ACCESS_CODES = new Set([
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
  "KMS.DisabledException",
  "KMS.NotFoundException",
  "KmsAccessDenied",
  "KmsDisabled",
  "KmsNotFound",
  "KmsInvalidState",
  "KmsInvalidKeyUsage",
  "KmsOptInRequired",
]);

/**
 * Why retrying cannot help, or undefined when it may: `queue` (it does not exist), `access`
 * (credentials or permissions refused), `credentials` (none could be found), `input` (a request
 * the service or the client rejects as malformed; anything that is not an asyncaws error).
 */
export function fatalKind(error: unknown): "queue" | "access" | "credentials" | "input" | undefined {
  if (isCredentialsError(error)) return "credentials";
  if (isValidationError(error)) return "input";
  if (isServiceError(error)) {
    if (MISSING_QUEUE_CODES.has(error.code)) return "queue";
    if (ACCESS_CODES.has(error.code) || error.statusCode === 401 || error.statusCode === 403) return "access";
    // Another 4xx answer that is neither throttling (core/retry's THROTTLING_CODES, KMS's sender
    // faults included) nor a transient fault: the request is wrong.
    return classify(error) === "fatal" && error.statusCode >= 400 && error.statusCode < 500
      ? "input"
      : undefined;
  }
  if (isResponseError(error)) {
    return error.statusCode === 401 || error.statusCode === 403 ? "access" : undefined;
  }
  // Network, timeout, checksum, abort: transient. Anything else is not ours: a bug or a throwing
  // credentials provider, which retrying would only repeat.
  return isAsyncAwsError(error) ? undefined : "input";
}

/** How long errors of one kind go unreported after one was, in milliseconds. */
const LOG_INTERVAL_MS = 60_000;

/** Runs `fn` after the current turn of the event loop: `setImmediate` where there is one. */
const nextTurn: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (fn) => (globalThis as unknown as { setImmediate(fn: () => void): void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);

/** Milliseconds to wait after the `streak`-th transient error in a row: 0.5 s doubling to 30 s, half jittered. */
function errorBackoff(streak: number): number {
  const ceiling = Math.min(30_000, 500 * 2 ** Math.min(streak - 1, 10));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** The kind of an error for rate-limited logging: where it came from and its code or class. */
function kindOf(error: unknown, source: string): string {
  const code = isServiceError(error) ? error.code : (error as { name?: unknown } | null)?.name;
  return `${source}:${typeof code === "string" ? code : typeof error}`;
}

/** An error's message, for a log line. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : String(error);
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
  /**
   * Messages held: received, not yet deleted or released. A count (each item knows whether it is
   * counted) and lists whose records hold their place, not `Set`s: see `addSlotted`.
   */
  #held = 0;
  readonly #running: Unit<M>[] = [];
  /**
   * The long polls in flight, each with the messages it asked for (slots it reserves, counted as
   * stranded if it is cut) and its end.
   */
  readonly #polls: Poll[] = [];
  /**
   * Cuts the long polls in flight (`stop({ abort: true })`): one signal for all of them, since an
   * AbortSignal costs about 5 µs of CPU to make on Node 20 (a tenth of a poll's own work). The
   * client adds a listener to it for each poll that waits between retries: no leak warning past
   * 10 of them (nor on `#noRetry`, which the same waits listen to).
   */
  readonly #cut = new AbortController();
  /** Aborted when a stop begins: a long poll in flight then makes no retry (no ReceiveMessage after stop()). */
  readonly #noRetry = new AbortController();
  /** stop() calls waiting for the running handlers to end. */
  readonly #drainWaiters = new Waiters();
  readonly #hooks: ConsumerHooks;
  readonly #deliver: ((delivery: Delivery<M>) => void) | undefined;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;
  #rejectClosed!: (error: unknown) => void;
  /** The fatal error that stops the consumer. */
  #failure: { error: unknown } | undefined;
  /** Per kind of error: when it was last logged, and how many were left out since. */
  readonly #logged = new Map<string, { at: number; skipped: number }>();
  #state: ConsumerState = "starting";
  #url = "";
  #visibilityTimeout = 30;
  /** VisibilityTimeout sent on ReceiveMessage, when the queue's own is not used. */
  #receiveVisibility: number | undefined;
  #idle = false;
  #pausedUntil = 0;
  #errorStreak = 0;
  #pumpTimer: ReturnType<typeof setTimeout> | undefined;
  #pumpSoon = false;
  #starting: Promise<void>;
  #stopping: Promise<void> | undefined;
  #abortNow: (() => void) | undefined;
  #hastenTimer: ReturnType<typeof setTimeout> | undefined;
  #onSignal: (() => void) | undefined;
  #received = 0;
  #succeeded = 0;
  #failed = 0;
  #deleted = 0;
  #released = 0;
  #stranded = 0;
  #lastError: unknown;
  #lastErrorAt: Date | undefined;
  #lastReceiveAt: Date | undefined;

  /** @internal Use {@link Queue.consume}. */
  constructor(
    sqs: SQS,
    queue: Queue,
    handler: MessageHandler<M> | BatchHandler<M>,
    options: ConsumerOptions<M> | undefined,
    hooks: ConsumerHooks = {},
  ) {
    this.#context = { operation: "consume", resource: queue.name };
    this.#hooks = hooks;
    this.#deliver = hooks.deliver;
    this.#closed = new Promise<void>((resolve, reject) => {
      this.#resolveClosed = resolve;
      this.#rejectClosed = reject;
    });
    // Observed here, so that a rejection nobody awaits is never an unhandled rejection.
    this.#closed.catch(() => undefined);
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
      if (event === "error") {
        // An error listener that throws: reported to the logger, never back to the listener.
        this.#noteError(error);
        this.#log("warn", "listener", error, "an error listener threw");
      } else this.#report(error, "listener");
    });
    const shared: Shared = {
      sqs,
      url: () => this.#url,
      context: this.#context,
      report: (error, source, message) => this.#report(error, source, message),
    };
    // Deletes and visibility changes follow the batch engine's one concurrency rule (at most
    // `maxInFlightBatches` requests at once), allowed one request per 10 messages the consumer
    // may hold, and at least 10.
    const maxInFlightBatches = Math.max(10, Math.ceil(this.#options.concurrency / 10));
    this.#visibility = new Visibility(
      shared,
      this.#options.extendVisibility,
      { maxInFlightBatches, ordered: queue.fifo },
      (change, ok) => {
        if (change.timeout !== 0) return;
        if (ok) this.#released++;
        else this.#stranded++;
      },
    );
    this.#sequencer = queue.fifo ? new GroupSequencer<Unit<M>>() : undefined;
    this.#deleter = new Deleter(
      shared,
      queue.fifo ? 0 : 5,
      maxInFlightBatches,
      () => {
        this.#deleted++;
      },
      () => {
        this.#stranded++;
      },
    );
    const signal = this.#options.signal;
    if (signal) {
      this.#onSignal = () => {
        this.stop({ timeoutMs: 0 }).catch(() => undefined);
      };
      signal.addEventListener("abort", this.#onSignal, { once: true });
    }
    unlimitedListeners(this.#cut.signal);
    unlimitedListeners(this.#noRetry.signal); // each poll waiting to retry listens to it too
    this.#starting = this.#start();
    if (signal?.aborted) this.#onSignal?.();
  }

  /** Where the consumer is: `starting`, `running`, `stopping`, `stopped`, `failed`. */
  get state(): ConsumerState {
    return this.#state;
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
    return {
      state: this.#state,
      received: this.#received,
      inFlight: this.#held,
      succeeded: this.#succeeded,
      failed: this.#failed,
      deleted: this.#deleted,
      released: this.#released,
      stranded: this.#stranded,
      receiving: this.#polls.length,
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
    const checked = checkStopOptions(options, this.#options.drainTimeoutMs, this.#context);
    if (checked instanceof ValidationError) return Promise.reject(checked);
    const { abort, timeoutMs } = checked;
    if (this.#stopping) {
      if (abort) {
        this.#cutPolls();
        this.#abortNow?.();
      } else if (options.timeoutMs !== undefined) {
        this.#hasten(options.timeoutMs);
      }
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
        if (fatalKind(error) !== undefined) return this.#fail(error, "start");
        this.#report(error, "start");
        if (!(await this.#sleep(errorBackoff(attempt)))) return;
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
        // Access refused to GetQueueAttributes alone is no reason to stop: a role may be allowed
        // to receive and not to read attributes. The receive will tell.
        const kind = fatalKind(error);
        if (kind !== undefined && kind !== "access") return this.#fail(error, "start");
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
    let reserved = 0;
    for (const poll of this.#polls) reserved += poll.ask;
    while (this.#polls.length < maxPolls) {
      const free = this.#options.concurrency - this.#held - reserved;
      if (free <= 0) break;
      const ask = Math.min(perPoll, free);
      this.#poll(ask);
      reserved += ask;
    }
  }

  #poll(ask: number): void {
    const started = Date.now();
    const poll: Poll = { ask, done: Promise.resolve(), at: -1 };
    addSlotted(this.#polls, poll, setPollAt);
    poll.done = (async () => {
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
          { signal: this.#cut.signal, retriesUntil: this.#noRetry.signal },
        );
        messages = output.Messages ?? [];
      } catch (error) {
        failure = error;
      }
      removeSlotted(this.#polls, poll.at, setPollAt);
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
      } else if (this.#cut.signal.aborted) {
        // Cut by stop({ abort: true }): SQS may have handed out messages we will never see.
        this.#stranded += ask;
        return;
      } else if (this.#state !== "running") {
        // An AbortError here is the stop's own: the poll was not sent (retriesUntil).
        if (!isAbortError(failure)) this.#report(failure, "receive");
        return;
      } else if (fatalKind(failure) !== undefined) {
        this.#fail(failure, "receive");
        return;
      } else {
        this.#errorStreak++;
        this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + errorBackoff(this.#errorStreak));
        this.#report(failure, "receive");
      }
      this.#schedulePump();
    })();
  }

  /** When SQS handed the messages out, on the early side (at most a second before the answer). */
  #receivedAt(started: number): number {
    const now = Date.now();
    return now - Math.min(now - started, 1000);
  }

  #accept(messages: Message[], started: number): void {
    const receivedAt = this.#receivedAt(started);
    const fifo = this.#sequencer !== undefined;
    const items: Item<M>[] = [];
    for (const raw of messages) {
      if (!raw.ReceiptHandle) continue;
      const item = new Item(raw, receivedAt, this.#visibilityTimeout, this.#transform(raw), fifo);
      this.#received++;
      item.holding = true;
      this.#held++;
      this.#visibility.track(item);
      items.push(item);
    }
    if (this.#emitter.listenerCount("message") > 0) {
      for (const item of items) this.#emitter.emit("message", item.value);
    }
    if (this.#state !== "running") {
      // A listener stopped the consumer.
      this.#release(items);
      return;
    }
    let units: Unit<M>[] = items;
    if (this.#mode.batch) {
      units = batchesWithoutPayloadErrors(items, this.#options.batchSize, (i) => i.raw).map(
        (batch) => new Batch(batch, fifo),
      );
    }
    if (this.#sequencer) units = this.#sequencer.add(units);
    for (const unit of units) this.#run(unit);
  }

  /** Releases messages that came back after stop() (never handed to a handler). */
  #releaseReceived(messages: Message[], started: number): void {
    const receivedAt = this.#receivedAt(started);
    const changes: Change[] = [];
    for (const raw of messages) {
      if (!raw.ReceiptHandle) continue;
      this.#received++;
      changes.push({ held: holdMessage(raw, receivedAt, this.#visibilityTimeout), timeout: 0 });
    }
    this.#changeVisibility(changes);
  }

  // -------------------------------------------------------------------------------------------
  // Handling

  #run(unit: Unit<M>): void {
    unit.state = "running";
    addSlotted<Run>(this.#running, unit, setRunningAt);
    const limit = this.#options.maxHandlerSeconds;
    if (limit !== undefined) {
      unit.timer = setTimeout(() => {
        if (unit.state !== "running") return;
        const error = new AsyncAwsError(
          `the handler ran longer than maxHandlerSeconds (${limit} s)`,
          this.#context,
        );
        abortRun(unit, error);
        this.#finish(unit, false, error);
      }, limit * 1000);
    }
    let result: unknown;
    try {
      if (unit instanceof Item) {
        // A message whose S3 payload could not be fetched (largePayloads) fails without its
        // handler. (A batch handler's messages whose payload failed come in units of their own.)
        const payloadError = payloadErrorOf(unit.raw);
        if (payloadError !== undefined) throw payloadError;
      } else if (unit.items.length === 1) {
        const payloadError = payloadErrorOf(unit.items[0]!.raw);
        if (payloadError !== undefined) throw payloadError;
      }
      // Published on the asyncaws:process channel when it has subscribers (else just called).
      if (processChannel() !== undefined) result = this.#traced(unit);
      else if (this.#deliver !== undefined) {
        // Settled by the owner's SETTLE call.
        this.#deliver(unit as Item<M>);
        return;
      } else result = this.#call(unit);
    } catch (error) {
      result = Promise.reject(error);
    }
    // A handler that returns no promise is still settled after this turn, as an async one is.
    (result instanceof Promise ? result : Promise.resolve(result)).then(
      (value) => this.#finish(unit, true, value),
      (error: unknown) => this.#finish(unit, false, error),
    );
  }

  /** Calls the handler of a run (or delivers its message: settled through the promise). */
  #call(unit: Unit<M>): unknown {
    if (this.#deliver !== undefined && unit instanceof Item) {
      return new Promise((resolve, reject) => {
        unit.traced = { resolve, reject };
        this.#deliver!(unit);
      });
    }
    if (unit instanceof Item) {
      return (this.#mode.handler as MessageHandler<M>)(unit.value, new MessageContext(unit, unit.attempt));
    }
    return (this.#mode.handler as BatchHandler<M>)(
      unit.items.map((item) => item.value),
      new BatchContext(unit),
    );
  }

  /** Calls the handler of a run, published on the `asyncaws:process` channel. */
  #traced(unit: Unit<M>): Promise<unknown> {
    const items = itemsOf(unit);
    const info = () => ({
      queueUrl: this.#url,
      messages: items.map((item) => item.raw),
      batch: this.#mode.batch,
      attempt: items[0]!.attempt,
    });
    return traceProcess(info, () => this.#call(unit));
  }

  /**
   * @internal Settles a message given to the `deliver` hook: handled (`ok`: it is deleted) or
   * failed with `error` (a `RetryRequest` chooses the delay). Nothing once it is settled or
   * released.
   */
  [SETTLE](delivery: Delivery<M>, ok: boolean, error?: unknown): void {
    if (!(delivery instanceof Item) || delivery.state !== "running") return;
    const traced = delivery.traced;
    if (traced === undefined) this.#finish(delivery, ok, error);
    else if (traced !== TRACE_SETTLED) {
      // The run ends once the process channel's promise settles (a turn later): settled once.
      delivery.traced = TRACE_SETTLED;
      if (ok) traced.resolve(undefined);
      else traced.reject(error);
    }
  }

  /** Which items a batch handler's answer names as failed. */
  #failedOf(items: readonly Item<M>[], answer: unknown): Set<Item<M>> {
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
      for (const item of items) {
        if (
          entry === item.value ||
          entry === item.raw ||
          (typeof entry === "string" && entry === item.raw.MessageId)
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
    removeSlotted<Run>(this.#running, unit.runningAt, setRunningAt);
    if (ok && unit instanceof Item) {
      // The common case: one message, handled. Nothing to release, no group to hold back.
      this.#succeed(unit);
    } else {
      this.#settleRun(itemsOf(unit), ok, value);
    }
    if (this.#sequencer) {
      if (this.#state === "running") {
        for (const next of this.#sequencer.done(unit)) this.#run(next);
      } else {
        this.#sequencer.done(unit);
      }
    }
    this.#checkDrained();
    this.#schedulePump();
  }

  /** A message was handled: it is deleted. */
  #succeed(item: Item<M>): void {
    this.#settle(item);
    this.#succeeded++;
    if (this.#emitter.listenerCount("processed") > 0) this.#emitter.emit("processed", item.value);
    this.#deleter.add(item);
  }

  /** The messages of a run that failed, or of a batch: each deleted, retried or released. */
  #settleRun(items: readonly Item<M>[], ok: boolean, value: unknown): void {
    let failedItems: Set<Item<M>>;
    let errorOf: (item: Item<M>) => unknown;
    if (!ok) {
      failedItems = new Set(items);
      errorOf = () => value;
    } else if (this.#mode.batch) {
      failedItems = this.#failedOf(items, value);
      errorOf = () => new AsyncAwsError("the batch handler reported this message as failed", this.#context);
    } else {
      failedItems = new Set();
      errorOf = () => undefined;
    }
    const changes: Change[] = [];
    const failedGroups = new Set<string>();
    const released: Item<M>[] = [];
    for (const item of items) {
      const group = item.group;
      if (failedItems.has(item)) {
        if (group !== undefined && this.#sequencer) failedGroups.add(group);
        this.#settle(item);
        this.#failed++;
        const error = errorOf(item);
        this.#handlerFailed(item, error);
        const timeout = this.#retryDelay(item, error);
        if (timeout !== undefined) changes.push({ held: item, timeout });
      } else if (group !== undefined && failedGroups.has(group)) {
        // After a failure in its FIFO group: released, not deleted, so the order holds.
        released.push(item);
      } else {
        this.#succeed(item);
      }
    }
    if (this.#sequencer && failedGroups.size > 0) {
      for (const later of this.#sequencer.takeAfterFailure([...failedGroups])) {
        later.state = "done";
        released.push(...itemsOf(later));
      }
    }
    for (const item of released) {
      this.#settle(item);
      changes.push({ held: item, timeout: 0 });
    }
    this.#changeVisibility(changes);
  }

  /** The message leaves our hands: its slot is free, its heartbeat stops. */
  #settle(item: Item<M>): void {
    if (item.holding) {
      item.holding = false;
      this.#held--;
    }
    this.#visibility.untrack(item);
  }

  /** Sends visibility changes; on a FIFO queue in reverse order (last of a group first). */
  #changeVisibility(changes: Change[]): void {
    if (changes.length === 0) return;
    this.#visibility.change(this.#sequencer ? changes.reverse() : changes);
  }

  /** Seconds until a failed message is visible again, or undefined to leave its visibility alone. */
  #retryDelay(item: Item<M>, error: unknown): number | undefined {
    const { attempt } = item;
    let seconds: unknown = error instanceof RetryRequest ? error.delaySeconds : undefined;
    if (seconds === undefined) {
      const option = this.#options.retryDelay;
      if (option === "visibilityTimeout") return undefined;
      if (typeof option === "number") seconds = option;
      else if (typeof option === "function") {
        try {
          seconds = option(attempt, item.value);
        } catch (failure) {
          this.#report(failure, "listener", item.raw);
          seconds = defaultRetryDelay(attempt);
        }
      } else seconds = defaultRetryDelay(attempt);
    }
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      this.#report(
        new ValidationError("retryDelay", "a number of seconds from 0 to 43200", seconds, this.#context),
        "listener",
        item.raw,
      );
      seconds = defaultRetryDelay(attempt);
    }
    return visibilityCeiling(Math.round(seconds as number), Date.now() - item.receivedAt);
  }

  /** Releases items now (visibility 0), unhandled. */
  #release(items: Item<M>[]): void {
    const changes: Change[] = [];
    for (const item of items) {
      this.#settle(item);
      changes.push({ held: item, timeout: 0 });
    }
    this.#changeVisibility(changes);
  }

  /** A handler failed: kept in `status`, told to `failed` listeners, else to the logger. */
  #handlerFailed(item: Item<M>, error: unknown): void {
    // The iterator's retry() is a choice, not an error.
    const chosen = error instanceof RetryRequest;
    if (!chosen) this.#noteError(error);
    if (this.#emitter.listenerCount("failed") > 0) this.#emitter.emit("failed", item.value, error);
    else if (!chosen) {
      this.#log(
        "warn",
        "handler",
        error,
        `the handler failed on message ${item.raw.MessageId ?? "?"}; it will be retried`,
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Stopping

  #checkDrained(): void {
    if (this.#running.length === 0) this.#drainWaiters.resolveAll();
  }

  /** Aborts every running handler and releases its messages. */
  #abortRunning(reason: unknown): void {
    const items: Item<M>[] = [];
    for (const unit of [...this.#running]) {
      unit.state = "done";
      if (unit.timer !== undefined) clearTimeout(unit.timer);
      removeSlotted<Run>(this.#running, unit.runningAt, setRunningAt);
      abortRun(unit, reason);
      items.push(...itemsOf(unit));
    }
    this.#release(items);
    this.#checkDrained();
  }

  /** Cuts the long polls in flight (what SQS handed them is counted as stranded when they end). */
  #cutPolls(): void {
    const reason = new AsyncAwsError("the consumer stopped at once (abort)", this.#context);
    this.#cut.abort(reason);
  }

  /** Aborts the running handlers after `timeoutMs`, when a stop is waiting for them. */
  #hasten(timeoutMs: number): void {
    const abortNow = this.#abortNow;
    if (!abortNow) return;
    if (timeoutMs === 0) abortNow();
    else {
      if (this.#hastenTimer !== undefined) clearTimeout(this.#hastenTimer);
      this.#hastenTimer = setTimeout(() => this.#abortNow?.(), timeoutMs);
    }
  }

  async #stop(abort: boolean, timeoutMs: number | undefined, failure?: { error: unknown }): Promise<void> {
    this.#state = "stopping";
    this.#noRetry.abort();
    if (this.#pumpTimer !== undefined) clearTimeout(this.#pumpTimer);
    this.#pumpTimer = undefined;
    // Ends the start (GetQueueUrl, GetQueueAttributes) and the backoff sleeps. Long polls in flight
    // are let finish unless `abort`: SQS may hand them messages even as they are abandoned.
    this.#pollController.abort(new AsyncAwsError("the consumer is stopping", this.#context));
    if (abort) this.#cutPolls();
    if (this.#sequencer) {
      const waiting = this.#sequencer.takeAll();
      for (const unit of waiting) unit.state = "done";
      this.#release(waiting.flatMap((unit) => itemsOf(unit)));
    }
    const reason = new AsyncAwsError("the consumer stopped", this.#context);
    if (abort) {
      this.#abortRunning(reason);
    } else if (this.#running.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = this.#drainWaiters.wait();
      // Aborting the running handlers ends them all, which resolves `drained`.
      this.#abortNow = () => this.#abortRunning(reason);
      if (timeoutMs === 0) this.#abortNow();
      else if (timeoutMs !== undefined) timer = setTimeout(() => this.#abortNow?.(), timeoutMs);
      await drained;
      if (timer !== undefined) clearTimeout(timer);
      if (this.#hastenTimer !== undefined) clearTimeout(this.#hastenTimer);
    }
    this.#abortNow = undefined;
    await this.#starting;
    // What the polls in flight bring is released (never handed to a handler) as they end.
    while (this.#polls.length > 0) await Promise.all(this.#polls.map((poll) => poll.done));
    await Promise.all([this.#deleter.flush(), this.#visibility.drain()]);
    this.#visibility.stop();
    if (this.#onSignal) this.#options.signal?.removeEventListener("abort", this.#onSignal);
    this.#state = failure ? "failed" : "stopped";
    this.#emitter.emit("stopped");
    if (failure) this.#rejectClosed(failure.error);
    else this.#resolveClosed();
  }

  // -------------------------------------------------------------------------------------------
  // Errors

  #noteError(error: unknown): void {
    this.#lastError = error;
    this.#lastErrorAt = new Date();
  }

  /** Reports an error the consumer goes on after: an `error` event, or the logger. */
  #report(error: unknown, source: ErrorSource, message?: Message): void {
    this.#noteError(error);
    if (this.#emitter.listenerCount("error") > 0) {
      this.#emitter.emit("error", error, { source, message });
      return;
    }
    const what =
      source === "receive"
        ? "ReceiveMessage failed; retrying with backoff"
        : source === "start"
          ? "resolving the queue failed; retrying with backoff"
          : source === "listener"
            ? "a listener or option function threw"
            : `${source === "delete" ? "a delete" : "a visibility change"} failed${message?.MessageId ? ` (message ${message.MessageId})` : ""}`;
    this.#log("warn", source, error, what);
  }

  /**
   * A fatal error: reported (an `error` event with `fatal`, else the logger's `error`), then the
   * consumer stops as a graceful stop does (`drainTimeoutMs` applies), ends in state `failed`, and
   * `closed` rejects with the error.
   */
  #fail(raw: unknown, source: ErrorSource): void {
    const error = isAsyncAwsError(raw)
      ? raw
      : new AsyncAwsError(
          `${source === "start" ? "resolving the queue" : "receiving"} failed: ${messageOf(raw)}`,
          this.#context,
          {
            cause: raw,
          },
        );
    this.#noteError(error);
    if (this.#stopping) return;
    this.#failure = { error };
    const listened = this.#emitter.listenerCount("error") > 0;
    if (listened) this.#emitter.emit("error", error, { source, fatal: true });
    this.#stopping = this.#stop(false, this.#options.drainTimeoutMs, this.#failure);
    const delivered = this.#hooks.onFatal?.(error) === true;
    if (!listened && !delivered) {
      this.#log("error", `fatal:${source}`, error, "stopping the consumer: retrying cannot help");
    }
  }

  /** Writes to the logger, at most once per kind of error and interval, with a count of those left out. */
  #log(level: keyof ConsumerLogger, source: string, error: unknown, what: string): void {
    const logger = this.#options.logger;
    if (!logger) return;
    const kind = kindOf(error, source);
    const now = Date.now();
    const seen = this.#logged.get(kind);
    if (seen && now - seen.at < LOG_INTERVAL_MS) {
      seen.skipped++;
      return;
    }
    const skipped = seen?.skipped ?? 0;
    this.#logged.set(kind, { at: now, skipped: 0 });
    const more =
      skipped > 0
        ? ` (and ${skipped} more like it in the last ${Math.round((now - seen!.at) / 1000)} s)`
        : "";
    try {
      logger[level](`asyncaws consumer of ${this.#queue.name}: ${what}: ${messageOf(error)}${more}`, error);
    } catch {
      // A logger that throws must not stop the consumer.
    }
  }
}
