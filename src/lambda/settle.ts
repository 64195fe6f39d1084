/**
 * What the SQS and SNS handlers' invocations share (loaded with them, at a handler's first
 * invocation): the events' emitter, made then with the listeners added before, the counters, and
 * the `settle` step of an invocation.
 *
 * @module
 */

import { Emitter } from "../sqs/consumer/events.js";
import type { InvocationOutcome, LambdaHandlerEvents, LambdaHandlerStatus, LambdaState } from "./common.js";
import type { RecordOutcome, SkipReason } from "./run.js";

/**
 * The handler's emitter, made at its first invocation: the listener changes made before are
 * applied in order. A listener that throws is reported as an `error` event.
 */
export function emitterOf<M, O extends InvocationOutcome>(
  state: LambdaState<M, O>,
): Emitter<LambdaHandlerEvents<M, O>> {
  if (state.emitter) return state.emitter;
  const emitter: Emitter<LambdaHandlerEvents<M, O>> = new Emitter<LambdaHandlerEvents<M, O>>(
    (error, event) => {
      if (event !== "error") emitter.emit("error", error, { source: "listener" });
    },
  );
  for (const [method, event, listener] of state.pending) {
    emitter[method](event as keyof LambdaHandlerEvents<M, O>, listener as never);
  }
  state.pending = [];
  state.emitter = emitter;
  return emitter;
}

/** Adds one invocation's counts to the running status. */
export function count(status: LambdaHandlerStatus, outcome: InvocationOutcome): void {
  status.invocations++;
  status.records += outcome.records;
  status.succeeded += outcome.succeeded;
  status.failed += outcome.failed;
  status.skipped += outcome.skipped;
}

/**
 * The `settle` step of one invocation, shared by the SQS and SNS handlers: counts each record's
 * ending in `outcome` and emits its event; `failures.first` keeps the first failure's error (the
 * cause when the invocation itself fails).
 */
export function settler<M, O extends InvocationOutcome>(
  emitter: Emitter<LambdaHandlerEvents<M, O>>,
  messages: readonly M[],
  outcome: O,
): {
  settle: (index: number, result: RecordOutcome, detail: unknown) => void;
  failures: { first?: unknown };
} {
  const failures: { first?: unknown } = {};
  const settle = (index: number, result: RecordOutcome, detail: unknown): void => {
    const message = messages[index]!;
    if (result === "succeeded") {
      outcome.succeeded++;
      emitter.emit("processed", message);
    } else if (result === "failed") {
      outcome.failed++;
      if (failures.first === undefined) failures.first = detail;
      emitter.emit("failed", message, detail);
    } else {
      outcome.skipped++;
      emitter.emit("skipped", message, detail as SkipReason);
    }
  };
  return { settle, failures };
}
