/**
 * Visibility changes: the heartbeat that extends the messages whose handlers still run, and the
 * changes that release messages (visibility 0) or delay a failed one's retry. All go in
 * ChangeMessageVisibilityBatch requests of up to 10 entries, gathered across messages.
 *
 * @module
 */

import { batchOutcomes } from "../../batch/outcomes.js";
import { isAbortError } from "../../core/errors.js";
import { classify } from "../../core/retry.js";
import { backoff, chunks, delay, type Held, type Shared } from "./held.js";
import { visibilityCeiling } from "./options.js";

/** One visibility change: a message and its new timeout in seconds. */
export interface Change {
  readonly held: Held;
  readonly timeout: number;
}

type Timer = ReturnType<typeof setTimeout>;

/** Attempts of one explicit change request when the whole request fails (each retried by the client too). */
const CHANGE_ATTEMPTS = 3;

/** Entry codes that mean the receipt handle no longer holds the message. */
const STALE_CODES = new Set(["ReceiptHandleIsInvalid", "MessageNotInflight", "InvalidParameterValue"]);

/** The heartbeat and the batched visibility changes of one consumer. */
export class Visibility {
  readonly #shared: Shared;
  readonly #tracked = new Set<Held>();
  readonly #pending = new Set<Promise<void>>();
  #timeoutSeconds = 30;
  #enabled: boolean;
  #timer: Timer | undefined;
  #buffer: { change: Change; ordered: boolean }[] = [];
  #flushTimer: Timer | undefined;
  #flushDone: Promise<void> | undefined;
  #flushResolve: (() => void) | undefined;

  readonly #onChanged: (change: Change, ok: boolean) => void;

  /**
   * @param onChanged - called once for each explicit change (not the heartbeat's) when it is done:
   *   `ok` false when it failed for good (the message keeps its former visibility)
   */
  constructor(shared: Shared, enabled: boolean, onChanged: (change: Change, ok: boolean) => void = () => {}) {
    this.#shared = shared;
    this.#enabled = enabled;
    this.#onChanged = onChanged;
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
    if (!this.#enabled) return;
    this.#tracked.add(held);
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.#tick(), this.#period);
  }

  /** Stops extending a message (its handler settled, or it was released). */
  untrack(held: Held): void {
    this.#tracked.delete(held);
    if (this.#tracked.size === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Stops the heartbeat. */
  stop(): void {
    this.#tracked.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    this.#timer = undefined;
    const now = Date.now();
    const stepMs = this.#timeoutSeconds * 1000;
    const due: Change[] = [];
    for (const held of this.#tracked) {
      if (held.noExtend || held.changing) continue;
      if (held.visibleUntil - now >= stepMs / 2) continue;
      const timeout = visibilityCeiling(this.#timeoutSeconds, now - held.receivedAt);
      if (timeout * 1000 <= Math.max(0, held.visibleUntil - now)) {
        // At the 12-hour ceiling: nothing more can be given.
        held.noExtend = true;
        continue;
      }
      due.push({ held, timeout });
    }
    for (const batch of chunks(due, 10)) this.#track(this.#send(batch, true, 1));
    if (this.#tracked.size > 0) this.#timer = setTimeout(() => this.#tick(), this.#period);
  }

  /**
   * Changes the visibility of messages (a release, a retry delay). `ordered` changes are sent in
   * the order given, one request after another (a FIFO group's releases, last message first).
   * Resolves when done; errors are reported, never thrown.
   */
  change(changes: readonly Change[], ordered = false): Promise<void> {
    if (changes.length === 0) return Promise.resolve();
    for (const change of changes) this.#buffer.push({ change, ordered });
    if (!this.#flushDone) {
      this.#flushDone = new Promise((resolve) => {
        this.#flushResolve = resolve;
      });
      this.#flushTimer = setTimeout(() => this.#flush(), 0);
    }
    return this.#flushDone;
  }

  /** Resolves once every change asked for so far is done. */
  async drain(): Promise<void> {
    while (this.#flushDone || this.#pending.size > 0) {
      if (this.#flushTimer !== undefined) {
        clearTimeout(this.#flushTimer);
        this.#flush();
      }
      await Promise.all([this.#flushDone, ...this.#pending]);
    }
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const buffer = this.#buffer;
    const resolve = this.#flushResolve!;
    this.#buffer = [];
    this.#flushDone = undefined;
    this.#flushResolve = undefined;
    const ordered = buffer.some((item) => item.ordered);
    const batches = chunks(
      buffer.map((item) => item.change),
      10,
    );
    const run = ordered
      ? (async () => {
          for (const batch of batches) await this.#send(batch, false, CHANGE_ATTEMPTS);
        })()
      : Promise.all(batches.map((batch) => this.#send(batch, false, CHANGE_ATTEMPTS))).then(() => undefined);
    this.#track(run);
    run.then(resolve, resolve);
  }

  #track(promise: Promise<void>): void {
    this.#pending.add(promise);
    promise.then(
      () => this.#pending.delete(promise),
      () => this.#pending.delete(promise),
    );
  }

  async #send(batch: readonly Change[], heartbeat: boolean, attempts: number): Promise<void> {
    // A change already in flight for one of these messages goes first, so the last word is ours.
    const before = batch.map((change) => change.held.changing).filter((p) => p !== undefined);
    let finished!: () => void;
    const mine = new Promise<void>((resolve) => {
      finished = resolve;
    });
    for (const change of batch) change.held.changing = mine;
    const settled = new Set<Change>();
    const done = (change: Change, ok: boolean) => {
      if (heartbeat || settled.has(change)) return;
      settled.add(change);
      this.#onChanged(change, ok);
    };
    try {
      if (before.length > 0) await Promise.all(before);
      const { sqs, context } = this.#shared;
      for (let attempt = 1; ; attempt++) {
        const sentAt = Date.now();
        try {
          const output = await sqs.changeMessageVisibilityBatch({
            QueueUrl: this.#shared.url(),
            Entries: batch.map((change, index) => ({
              Id: String(index),
              ReceiptHandle: change.held.handle,
              VisibilityTimeout: change.timeout,
            })),
          });
          const outcomes = batchOutcomes(batch.length, output.Successful, output.Failed, () => true, {
            ...context,
            operation: "ChangeMessageVisibilityBatch",
          });
          outcomes.forEach((outcome, index) => {
            const { held, timeout } = batch[index]!;
            if (outcome.ok) {
              held.visibleUntil = sentAt + timeout * 1000;
              done(batch[index]!, true);
              return;
            }
            done(batch[index]!, false);
            const code = (outcome.error as { code?: string }).code ?? "";
            if (STALE_CODES.has(code) || !outcome.retryable) held.noExtend = true;
            this.#shared.report(outcome.error, "visibility", held.raw);
          });
          return;
        } catch (error) {
          if (isAbortError(error)) return;
          if (attempt >= attempts || classify(error) === "fatal") {
            this.#shared.report(error, "visibility", heartbeat ? undefined : batch[0]?.held.raw);
            return;
          }
          await delay(backoff(attempt, 200, 2000));
        }
      }
    } finally {
      for (const change of batch) {
        if (change.held.changing === mine) change.held.changing = undefined;
        done(change, false);
      }
      finished();
    }
  }
}
