/**
 * Visibility changes: the heartbeat that extends the messages whose handlers still run, and the
 * changes that release messages (visibility 0) or delay a failed one's retry. All go in
 * ChangeMessageVisibilityBatch requests of up to 10 entries, gathered across messages.
 *
 * @module
 */

import { BatchProducer, type BatchTarget } from "../../batch/engine.js";
import { answerOutcomes, MISSING_ENTRY_CODE, verdictOf } from "../../batch/outcomes.js";
import { isAbortError, isServiceError } from "../../core/errors.js";
import { Waiters } from "../../core/waiters.js";
import { addSlotted, type Held, removeSlotted, type Shared } from "./held.js";

/** The default delay before a failed message is visible again: 1, 2, 4... seconds, at most 900. */
export function defaultRetryDelay(attempt: number): number {
  return Math.min(2 ** Math.max(0, attempt - 1), 900);
}

/** Longest a message may stay invisible, counted from its receipt: 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;
/** Margin kept under the 12-hour ceiling, for the time between SQS's receipt and ours. */
export const VISIBILITY_MARGIN_SECONDS = 5;

/**
 * The visibility timeout a message may still be given, in whole seconds, `elapsedMs` after it
 * was received: at most `wanted`, and never past 12 hours after receipt (less a margin).
 */
export function visibilityCeiling(wanted: number, elapsedMs: number): number {
  const left = Math.floor(MAX_VISIBILITY_SECONDS - VISIBILITY_MARGIN_SECONDS - elapsedMs / 1000);
  return Math.max(0, Math.min(wanted, left));
}

/** One visibility change: a message and its new timeout in seconds. */
export interface Change {
  readonly held: Held;
  readonly timeout: number;
}

/** A change on its way: sent once the change before it for the same message is done. */
interface Job {
  readonly change: Change;
  /** A heartbeat's extension (no `onChanged`, errors reported without the message). */
  readonly heartbeat: boolean;
  /** Settles when this change is done; the message's next change waits for it. */
  readonly done: Promise<void>;
  readonly finish: () => void;
  /** When its last request went out, ms since the epoch. */
  sentAt: number;
}

type Timer = ReturnType<typeof setTimeout>;

/** Attempts of one explicit change (each a request the client retries too). */
const CHANGE_ATTEMPTS = 3;

/** Entry codes that mean the receipt handle no longer holds the message. */
const STALE_CODES = new Set(["ReceiptHandleIsInvalid", "MessageNotInflight", "InvalidParameterValue"]);

/** The ChangeMessageVisibilityBatch target of the batch engine, for one consumer. */
function changeTarget(shared: Shared): BatchTarget<Job, true> {
  const context = { ...shared.context, operation: "ChangeMessageVisibilityBatch" };
  return {
    maxEntries: 10,
    maxBytes: Number.POSITIVE_INFINITY,
    sizeOf: () => 0,
    context,
    async sendBatch(jobs, { labels, signal }) {
      const ids = jobs.map((_, index) => String(index));
      const sentAt = Date.now();
      for (const job of jobs) job.sentAt = sentAt;
      const output = await shared.sqs.changeMessageVisibilityBatch(
        {
          QueueUrl: shared.url(),
          Entries: jobs.map((job, index) => ({
            Id: ids[index]!,
            ReceiptHandle: job.change.held.handle,
            VisibilityTimeout: job.change.timeout,
          })),
        },
        { signal },
      );
      return answerOutcomes(ids, labels, output.Successful, output.Failed, () => true as const, context);
    },
  };
}

const setTrackedAt = (held: Held, at: number): void => {
  held.trackedAt = at;
};

/** The heartbeat and the batched visibility changes of one consumer. */
export class Visibility {
  readonly #shared: Shared;
  /** The messages extended, each holding its place (`trackedAt`): see `addSlotted`. */
  readonly #tracked: Held[] = [];
  /** Extensions: one attempt each (the next beat tries again). */
  readonly #beats: BatchProducer<Job, true>;
  /** Releases and retry delays: a few attempts each; one request at a time when `ordered`. */
  readonly #changes: BatchProducer<Job, true>;
  /** Changes not yet done (waiting for an earlier one, in the engine, or in flight). */
  #open = 0;
  readonly #drained = new Waiters();
  /** Whole-request errors already reported (one report per failed request, not per entry). */
  readonly #reported = new WeakSet<object>();
  #timeoutSeconds = 30;
  #enabled: boolean;
  #timer: Timer | undefined;

  readonly #onChanged: (change: Change, ok: boolean) => void;

  /**
   * @param maxInFlightBatches - most requests in flight at once, for each of the heartbeat and
   *   the explicit changes
   * @param ordered - explicit changes go in the order given, one request after another (a FIFO
   *   queue: a group's releases, last message first)
   * @param onChanged - called once for each explicit change (not the heartbeat's) when it is done:
   *   `ok` false when it failed for good (the message keeps its former visibility)
   */
  constructor(
    shared: Shared,
    enabled: boolean,
    options: { maxInFlightBatches: number; ordered: boolean },
    onChanged: (change: Change, ok: boolean) => void = () => {},
  ) {
    this.#shared = shared;
    this.#enabled = enabled;
    this.#onChanged = onChanged;
    const target = changeTarget(shared);
    const common = {
      lingerMs: 0,
      maxQueued: Number.MAX_SAFE_INTEGER,
      retryBaseDelayMs: 200,
      retryMaxDelayMs: 2000,
    };
    this.#beats = new BatchProducer(target, {
      ...common,
      maxInFlightBatches: options.maxInFlightBatches,
      maxAttempts: 1,
    });
    this.#changes = new BatchProducer(target, {
      ...common,
      maxInFlightBatches: options.ordered ? 1 : options.maxInFlightBatches,
      maxAttempts: CHANGE_ATTEMPTS,
    });
  }

  /** Sets the visibility timeout the heartbeat extends by, in seconds (0 turns it off). */
  setTimeoutSeconds(seconds: number): void {
    this.#timeoutSeconds = seconds;
    if (seconds <= 0) this.#enabled = false;
  }

  /** The heartbeat's period: a quarter of the visibility timeout, within 100 ms and 30 s. */
  get #period(): number {
    return Math.min(30_000, Math.max(100, (this.#timeoutSeconds * 1000) / 4));
  }

  /** Starts extending a message while its handler runs. */
  track(held: Held): void {
    if (!this.#enabled || held.trackedAt >= 0) return;
    addSlotted(this.#tracked, held, setTrackedAt);
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.#tick(), this.#period);
  }

  /**
   * Stops extending a message (its handler settled, or it was released). The beat's timer stays
   * armed when none is left (it lapses at its next tick, or {@link Visibility.stop} clears it):
   * quick handlers empty the set at every receive, and a timer cleared and armed again per
   * receive cost more than the beat.
   */
  untrack(held: Held): void {
    removeSlotted(this.#tracked, held.trackedAt, setTrackedAt);
  }

  /** Stops the heartbeat. */
  stop(): void {
    for (const held of this.#tracked) held.trackedAt = -1;
    this.#tracked.length = 0;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    this.#timer = undefined;
    const now = Date.now();
    const stepMs = this.#timeoutSeconds * 1000;
    for (const held of this.#tracked) {
      if (held.noExtend || held.changing) continue;
      if (held.visibleUntil - now >= stepMs / 2) continue;
      const timeout = visibilityCeiling(this.#timeoutSeconds, now - held.receivedAt);
      if (timeout * 1000 <= Math.max(0, held.visibleUntil - now)) {
        // At the 12-hour ceiling: nothing more can be given.
        held.noExtend = true;
        continue;
      }
      this.#enqueue({ held, timeout }, true);
    }
    if (this.#tracked.length > 0) this.#timer = setTimeout(() => this.#tick(), this.#period);
  }

  /**
   * Changes the visibility of messages (a release, a retry delay), in the order given (with
   * `ordered`, one request after another). Resolves when done; errors are reported, never thrown.
   */
  change(changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return Promise.resolve();
    let left = changes.length;
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    for (const change of changes) {
      this.#enqueue(change, false).then(() => {
        if (--left === 0) resolve();
      });
    }
    return done;
  }

  /** Resolves once every change asked for so far is done. */
  drain(): Promise<void> {
    if (this.#open === 0) return Promise.resolve();
    void this.#beats.flush();
    void this.#changes.flush();
    return this.#drained.wait();
  }

  /** Sends a change once the change in flight for the same message (if any) is done, so the last word is the latest. */
  #enqueue(change: Change, heartbeat: boolean): Promise<void> {
    const held = change.held;
    const before = held.changing;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const job: Job = { change, heartbeat, done, finish, sentAt: 0 };
    held.changing = done;
    this.#open++;
    if (before === undefined) this.#submit(job);
    else before.then(() => this.#submit(job));
    return done;
  }

  #submit(job: Job): void {
    const engine = job.heartbeat ? this.#beats : this.#changes;
    engine.submit(
      job,
      `message ${job.change.held.raw.MessageId ?? "?"}`,
      () => this.#settle(job, undefined),
      (error: unknown) => this.#settle(job, { error }),
    );
  }

  #settle(job: Job, failure: { error: unknown } | undefined): void {
    const { held, timeout } = job.change;
    if (held.changing === job.done) held.changing = undefined;
    if (failure === undefined) {
      held.visibleUntil = job.sentAt + timeout * 1000;
    } else {
      const { error } = failure;
      if (isEntryFailure(error)) {
        // This entry's own failure in an answer (or its absence from one).
        const code = isServiceError(error) ? error.code : "";
        if (STALE_CODES.has(code) || (isServiceError(error) && !error.retryable)) held.noExtend = true;
        this.#shared.report(error, "visibility", held.raw);
      } else if (!isAbortError(error) && !this.#alreadyReported(error)) {
        // The whole request failed: reported once for its entries.
        this.#shared.report(error, "visibility", job.heartbeat ? undefined : held.raw);
      }
    }
    if (!job.heartbeat) this.#onChanged(job.change, failure === undefined);
    job.finish();
    if (--this.#open === 0) this.#drained.resolveAll();
  }

  #alreadyReported(error: unknown): boolean {
    if (typeof error !== "object" || error === null) return false;
    if (this.#reported.has(error)) return true;
    this.#reported.add(error);
    return false;
  }
}

/** Whether an error is one entry's outcome in a batch answer (failed, or missing from it), not the whole request's. */
function isEntryFailure(error: unknown): boolean {
  return verdictOf(error) !== undefined || (isServiceError(error) && error.code === MISSING_ENTRY_CODE);
}
