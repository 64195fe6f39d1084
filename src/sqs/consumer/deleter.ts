/**
 * Batched deletes: messages whose handlers succeeded are deleted in DeleteMessageBatch requests
 * of up to 10, sent as soon as 10 gather or after a few milliseconds. A delete that fails is
 * retried with backoff (beyond the client's own retries), then reported.
 *
 * @module
 */

import { batchOutcomes } from "../../batch/outcomes.js";
import { isAbortError } from "../../core/errors.js";
import { classify } from "../../core/retry.js";
import { backoff, type Held, type Shared } from "./held.js";

type Timer = ReturnType<typeof setTimeout>;

interface Entry {
  readonly held: Held;
  attempts: number;
}

/** Attempts of one delete (each a request the client retries too). */
const DELETE_ATTEMPTS = 4;

/** Deletes messages in batches. */
export class Deleter {
  readonly #shared: Shared;
  readonly #lingerMs: number;
  readonly #onDeleted: (held: Held) => void;
  readonly #onGaveUp: (held: Held) => void;
  #buffer: Entry[] = [];
  #timer: Timer | undefined;
  /** Entries not yet deleted or given up on: buffered, in flight, or waiting to be retried. */
  #outstanding = 0;
  #idle: (() => void)[] = [];

  /**
   * @param lingerMs - how long a delete may wait for others to fill its batch
   * @param onDeleted - called for each message deleted
   * @param onGaveUp - called for each message whose delete failed for good (it stays invisible
   *   until its visibility timeout runs out, then comes back)
   */
  constructor(
    shared: Shared,
    lingerMs: number,
    onDeleted: (held: Held) => void,
    onGaveUp: (held: Held) => void = () => {},
  ) {
    this.#shared = shared;
    this.#lingerMs = lingerMs;
    this.#onDeleted = onDeleted;
    this.#onGaveUp = onGaveUp;
  }

  /** Deletes a message, soon. */
  add(held: Held): void {
    this.#outstanding++;
    this.#enqueue({ held, attempts: 0 });
  }

  #enqueue(entry: Entry): void {
    this.#buffer.push(entry);
    if (this.#buffer.length >= 10) {
      this.#sendFull();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#flushBuffer(), this.#lingerMs);
    }
  }

  #sendFull(): void {
    while (this.#buffer.length >= 10) this.#send(this.#buffer.splice(0, 10));
    if (this.#buffer.length === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #flushBuffer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#buffer.length > 0) this.#send(this.#buffer.splice(0, 10));
  }

  /** Sends what waits now and resolves once every delete asked for so far is done or given up. */
  flush(): Promise<void> {
    this.#flushBuffer();
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #settle(count: number): void {
    this.#outstanding -= count;
    if (this.#outstanding === 0 && this.#idle.length > 0)
      for (const resolve of this.#idle.splice(0)) resolve();
  }

  #send(batch: Entry[]): void {
    for (const entry of batch) entry.attempts++;
    const { sqs, context } = this.#shared;
    sqs
      .deleteMessageBatch({
        QueueUrl: this.#shared.url(),
        Entries: batch.map((entry, index) => ({ Id: String(index), ReceiptHandle: entry.held.handle })),
      })
      .then(
        (output) => {
          const outcomes = batchOutcomes(batch.length, output.Successful, output.Failed, () => true, {
            ...context,
            operation: "DeleteMessageBatch",
          });
          const retry: Entry[] = [];
          outcomes.forEach((outcome, index) => {
            const entry = batch[index]!;
            if (outcome.ok) {
              this.#onDeleted(entry.held);
              this.#settle(1);
            } else if (outcome.retryable && entry.attempts < DELETE_ATTEMPTS) {
              retry.push(entry);
            } else {
              this.#shared.report(outcome.error, "delete", entry.held.raw);
              this.#onGaveUp(entry.held);
              this.#settle(1);
            }
          });
          this.#retry(retry);
        },
        (error: unknown) => {
          const retry: Entry[] = [];
          for (const entry of batch) {
            if (!isAbortError(error) && classify(error) !== "fatal" && entry.attempts < DELETE_ATTEMPTS) {
              retry.push(entry);
            } else {
              this.#shared.report(error, "delete", entry.held.raw);
              this.#onGaveUp(entry.held);
              this.#settle(1);
            }
          }
          this.#retry(retry);
        },
      );
  }

  #retry(entries: Entry[]): void {
    if (entries.length === 0) return;
    const attempts = Math.max(...entries.map((entry) => entry.attempts));
    setTimeout(
      () => {
        for (const entry of entries) this.#enqueue(entry);
      },
      backoff(attempts, 200, 3000),
    );
  }
}
