/**
 * A received message while the consumer holds it, and the calls the consumer's parts share.
 *
 * @module
 */

import type { ErrorContext } from "../../core/errors.js";
import type { SQS } from "../sqs.js";
import type { Message } from "../types.js";

/** A received message from its receipt until it is deleted or released. */
export interface Held {
  /** The message as ReceiveMessage returned it. */
  readonly raw: Message;
  /** Its receipt handle. */
  readonly handle: string;
  /** Its message group (FIFO queues). */
  readonly group: string | undefined;
  /** When SQS handed it out, as far as we can tell (ms since the epoch, on the early side). */
  readonly receivedAt: number;
  /** When it becomes visible again unless extended, on the early side. */
  visibleUntil: number;
  /** `ApproximateReceiveCount`, from 1. */
  readonly attempt: number;
  /** A visibility change for it in flight: later changes wait for it, to keep their order. */
  changing: Promise<void> | undefined;
  /** Its visibility can no longer be extended (12-hour ceiling, or its receipt handle is stale). */
  noExtend: boolean;
  /** Its place among the messages the heartbeat extends, -1 when it is not one of them. */
  trackedAt: number;
}

/** What the consumer's parts need of it. */
export interface Shared {
  readonly sqs: SQS;
  /** The queue's URL (resolved before any message is received). */
  url(): string;
  /** The operation context for errors (the queue's name). */
  readonly context: ErrorContext;
  /** Reports an error (an `error` event) without stopping anything. */
  report(error: unknown, source: ErrorSource, message?: Message): void;
}

/** Where an error reported by the consumer came from. */
export type ErrorSource = "start" | "receive" | "delete" | "visibility" | "listener";

/**
 * The record of a received message (a class: one shape for every record, which the consumer's
 * own record extends with the handler's state).
 */
export class HeldMessage implements Held {
  readonly raw: Message;
  readonly handle: string;
  readonly group: string | undefined;
  readonly receivedAt: number;
  visibleUntil: number;
  readonly attempt: number;
  changing: Promise<void> | undefined = undefined;
  noExtend = false;
  trackedAt = -1;

  constructor(raw: Message, receivedAt: number, visibilityTimeoutSeconds: number) {
    const attributes = raw.Attributes;
    const count = Number(attributes?.ApproximateReceiveCount);
    this.raw = raw;
    this.handle = raw.ReceiptHandle ?? "";
    this.group = attributes?.MessageGroupId;
    this.receivedAt = receivedAt;
    this.visibleUntil = receivedAt + visibilityTimeoutSeconds * 1000;
    this.attempt = Number.isInteger(count) && count > 0 ? count : 1;
  }
}

/** Makes the record of a received message. */
export function holdMessage(raw: Message, receivedAt: number, visibilityTimeoutSeconds: number): Held {
  return new HeldMessage(raw, receivedAt, visibilityTimeoutSeconds);
}

/**
 * Adds a record to a list whose records hold their own place in it (see {@link removeSlotted}).
 * The consumer's collections of records in flight are such lists rather than `Set`s: a `Set` that
 * lives long and takes and drops an entry per message kept the dropped entries' objects alive
 * through the garbage collector's young-generation passes (about 2 MB copied per scavenge at any
 * concurrency, where an array whose slots are cleared left nothing), and costs more per entry.
 */
export function addSlotted<T>(list: T[], record: T, setAt: (record: T, at: number) => void): void {
  setAt(record, list.length);
  list.push(record);
}

/** Removes the record at `at` (its own place, or -1 for none) by moving the last one there. */
export function removeSlotted<T>(list: T[], at: number, setAt: (record: T, at: number) => void): void {
  if (at < 0) return;
  const record = list[at]!;
  const last = list.pop()!;
  if (last !== record) {
    list[at] = last;
    setAt(last, at);
  }
  setAt(record, -1);
}

/** Splits a list into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
