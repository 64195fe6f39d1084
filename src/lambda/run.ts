/**
 * Runs the records of one Lambda invocation: in parallel up to a limit, in order on FIFO queues
 * (the whole batch, or per message group), under a time guard that stops starting records and
 * aborts the running ones' signals when the invocation's time is nearly up, so that the function
 * still answers (with those records failed) instead of being cut off by Lambda's timeout.
 *
 * @module
 */

import { AsyncAwsError, type ErrorContext } from "../core/errors.js";
import { unlimitedListeners } from "../core/runtime.js";
import { isThenable } from "../core/typed.js";
import type { LambdaContext } from "./events.js";

/** How a record ended. */
export type RecordOutcome = "succeeded" | "failed" | "skipped";

/**
 * Why a record was not handled: `time`, the invocation's time was nearly up; `fifo`, an earlier
 * record of the batch (`fifo: "stop"`) or of its message group (`fifo: "group"`) failed.
 */
export type SkipReason = "time" | "fifo";

/** How the records of a batch are ordered. */
export type Ordering = "parallel" | "stop" | "group";

/** What {@link runRecords} needs. */
export interface RunPlan {
  /** How many records. */
  readonly count: number;
  readonly ordering: Ordering;
  /** Records handled at once (groups at once, with `group`). */
  readonly concurrency: number;
  /** A record's message group (`group` ordering). */
  groupOf(index: number): string;
  readonly lambda: LambdaContext | undefined;
  /** Stop starting records, and abort the running ones, when this little time is left. */
  readonly marginMs: number;
  readonly errorContext: ErrorContext;
  /** Handles one record: returns (or resolves) on success, throws (or rejects) on failure. */
  work(index: number, signal: AbortSignal): unknown;
  /** Reports how one record ended. */
  settle(index: number, outcome: RecordOutcome, detail: unknown): void;
}

/** Stops new work and aborts running work when the invocation's time is nearly up. */
class TimeGuard {
  #tripped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #resolve!: (reason: AsyncAwsError) => void;
  /** Resolves with the reason when the guard trips. */
  readonly tripped: Promise<AsyncAwsError>;
  /** The one signal of every record of the invocation (they are all aborted at once). */
  #controller: AbortController | undefined;
  readonly #remaining: (() => number) | undefined;
  readonly #marginMs: number;
  readonly #context: ErrorContext;

  constructor(lambda: LambdaContext | undefined, marginMs: number, context: ErrorContext) {
    this.tripped = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#marginMs = marginMs;
    this.#context = context;
    const remaining = lambda?.getRemainingTimeInMillis;
    if (typeof remaining === "function") {
      this.#remaining = () => Number(remaining.call(lambda));
      const left = this.#remaining();
      if (Number.isFinite(left)) {
        this.#timer = setTimeout(() => this.trip(), Math.max(0, left - marginMs));
      }
    }
  }

  /** True when no record may start now (tripping the guard if its time has come). */
  expired(): boolean {
    if (this.#tripped) return true;
    const left = this.#remaining?.();
    if (left !== undefined && Number.isFinite(left) && left < this.#marginMs) this.trip();
    return this.#tripped;
  }

  /**
   * The records' signal, aborted if the guard trips: one for the whole invocation, since the guard
   * aborts every running record at once (an AbortController per record was most of what a
   * record cost). Listeners are unlimited: every record of a batch may listen. A record that
   * already finished holds the same signal, so it sees the abort too (documented on the
   * handlers' `timeMarginMs`); after the invocation (`dispose`) it never aborts.
   */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      unlimitedListeners(this.#controller.signal);
    }
    return this.#controller.signal;
  }

  trip(): void {
    if (this.#tripped) return;
    this.#tripped = true;
    const reason = new AsyncAwsError(
      `the invocation's time is nearly up (less than timeMarginMs, ${this.#marginMs} ms, left)`,
      this.#context,
    );
    this.#controller?.abort(reason);
    this.#resolve(reason);
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}

/** Runs `fn` on each item, at most `limit` at once, in order of start. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, items.length); i++) workers.push(worker());
  await Promise.all(workers);
}

/** Runs the records as planned; resolves with each record's outcome, in record order. */
export async function runRecords(plan: RunPlan): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = new Array(plan.count);
  const guard = new TimeGuard(plan.lambda, plan.marginMs, plan.errorContext);
  const finish = (index: number, outcome: RecordOutcome, detail: unknown): RecordOutcome => {
    outcomes[index] = outcome;
    plan.settle(index, outcome, detail);
    return outcome;
  };
  /** How a running record ends when the guard trips (made once, raced by every record). */
  const timeUp = guard.tripped.then((reason) => ({ ok: false, detail: reason as unknown }));
  const runOne = async (index: number): Promise<RecordOutcome> => {
    if (guard.expired()) return finish(index, "skipped", "time" satisfies SkipReason);
    let result: unknown;
    try {
      result = plan.work(index, guard.signal);
    } catch (error) {
      return finish(index, "failed", error);
    }
    if (!isThenable(result)) return finish(index, "succeeded", undefined);
    const settled = await Promise.race([
      Promise.resolve(result).then(
        () => ({ ok: true, detail: undefined as unknown }),
        (error: unknown) => ({ ok: false, detail: error }),
      ),
      timeUp,
    ]);
    return finish(index, settled.ok ? "succeeded" : "failed", settled.detail);
  };
  /** Runs indexes one after another; after a failure, the rest are skipped. */
  const inOrder = async (indexes: readonly number[]): Promise<void> => {
    let failed = false;
    for (const index of indexes) {
      if (failed) finish(index, "skipped", "fifo" satisfies SkipReason);
      else if ((await runOne(index)) === "failed") failed = true;
    }
  };
  const all = Array.from({ length: plan.count }, (_, i) => i);
  try {
    if (plan.ordering === "parallel") {
      await pool(all, plan.concurrency, async (index) => {
        await runOne(index);
      });
    } else if (plan.ordering === "stop") {
      await inOrder(all);
    } else {
      const groups = new Map<string, number[]>();
      for (const index of all) {
        const group = plan.groupOf(index);
        const list = groups.get(group);
        if (list) list.push(index);
        else groups.set(group, [index]);
      }
      await pool([...groups.values()], plan.concurrency, inOrder);
    }
  } finally {
    guard.dispose();
  }
  return outcomes;
}
