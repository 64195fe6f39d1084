/**
 * The uploads of a batch whose messages go through S3 (what plan.ts checked and sized): loaded
 * with the producers' sending code when a batch goes out, not with the clients.
 *
 * @module
 */

import type { BatchSendContext, EntryOutcome } from "../batch/engine.js";
import type { CallOptions } from "../core/client.js";
import { classify } from "../core/retry.js";
import type { AttributeValue } from "./codec.js";
import type { ClientPayloads } from "./options.js";
import type { BodyMember } from "./plan.js";

/** A batch item as the SQS and SNS targets hold it: an entry, and whether it goes through S3. */
export interface OffloadItem {
  readonly entry: object;
  readonly offload?: boolean | undefined;
}

/**
 * A producer target's `sendBatch` (SQS's SendMessageBatch, SNS's PublishBatch): resolves the
 * queue or topic (under the batch's signal and deadline), then sends the batch with `send`; where the client has large payloads and an
 * item is marked for S3, its payload is uploaded first ({@link sendOffloaded}, each once across
 * the batch's retries).
 */
export function offloadingSendBatch<T extends OffloadItem, R>(
  payloads: () => ClientPayloads | undefined,
  member: BodyMember,
  resource: (options: CallOptions) => Promise<string>,
  send: (
    resource: string,
    items: readonly T[],
    labels: readonly string[],
    batch: BatchSendContext,
  ) => Promise<ReadonlyArray<EntryOutcome<R>>>,
): (items: readonly T[], batch: BatchSendContext) => Promise<ReadonlyArray<EntryOutcome<R>>> {
  const uploaded = new WeakMap<T, T>();
  return async (items, batch) => {
    // The queue URL or topic ARN, looked up (once, shared) under the batch's signal and deadline:
    // an abort or the deadline ends this batch's wait, and the lookup itself once none waits.
    const resolved = await resource({ signal: batch.signal, deadlineMs: batch.deadlineMs });
    const client = payloads();
    return client && items.some((item) => item.offload)
      ? sendOffloaded(client, member, uploaded, items, batch, (some, labels) =>
          send(resolved, some, labels, batch),
        )
      : send(resolved, items, batch.labels, batch);
  };
}

/**
 * Sends a batch whose marked items go through S3: their payloads are uploaded first (a bounded
 * number at once; each once, kept in `uploaded` for the batch's retries), then `send` sends the
 * batch with pointers. An item whose upload failed fails alone (retryable as the client
 * classifies the error); the others are sent.
 */
export async function sendOffloaded<T extends OffloadItem, R>(
  payloads: ClientPayloads,
  member: BodyMember,
  uploaded: WeakMap<T, T>,
  items: readonly T[],
  context: BatchSendContext,
  send: (items: readonly T[], labels: readonly string[]) => Promise<ReadonlyArray<EntryOutcome<R>>>,
): Promise<ReadonlyArray<EntryOutcome<R>>> {
  const call: CallOptions = { signal: context.signal };
  if (context.deadlineMs !== undefined) call.deadlineMs = context.deadlineMs;
  const failures = new Map<number, unknown>();
  const pending = items.flatMap((item, index) => (item.offload && !uploaded.has(item) ? [index] : []));
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const index = pending[next++]!;
      const item = items[index]!;
      const entry = item.entry as Record<string, unknown>;
      try {
        const done = await payloads.offload(
          entry[member] as string,
          entry.MessageAttributes as Record<string, AttributeValue> | undefined,
          call,
        );
        uploaded.set(item, {
          ...item,
          entry: { ...entry, [member]: done.body, MessageAttributes: done.attributes },
        });
      } catch (error) {
        failures.set(index, error);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(payloads.options.maxConcurrency, pending.length) }, worker),
  );
  const sendable = items.map((item) => uploaded.get(item) ?? item);
  if (failures.size === 0) return send(sendable, context.labels);
  const kept = items.flatMap((_, index) => (failures.has(index) ? [] : [index]));
  const sent = kept.length
    ? await send(
        kept.map((index) => sendable[index]!),
        kept.map((index) => context.labels[index] ?? `entry ${index}`),
      )
    : [];
  const outcomes: EntryOutcome<R>[] = [];
  let k = 0;
  items.forEach((_, index) => {
    const error = failures.get(index);
    if (error === undefined) {
      outcomes.push(sent[k++]!);
      return;
    }
    outcomes.push({
      ok: false,
      error: error instanceof Error ? error : new Error(String(error)),
      retryable: classify(error) !== "fatal",
    });
  });
  return outcomes;
}
