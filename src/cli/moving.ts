/**
 * Moving messages between queues on this side of the wire (receive, send to the destination, then
 * delete from the source, in that order): what `asyncaws move` and the `ui` page's redrive do where
 * SQS's own move task does not apply (an emulator without StartMessageMoveTask, a destination in
 * another account or region, a source that is not a dead-letter queue).
 *
 * @module
 */

import { type BatchMessage, isServiceError, type Message, type SQS } from "../index.js";
import { Failure, UsageError } from "./args.js";
import { Held, listQueueUrls, pool, queueName, redriveOf } from "./queues.js";

/** `arn:aws:sqs:region:account:name` -> its parts. */
export function arnParts(arn: string): { region: string; account: string; name: string } {
  const [, , , region = "", account = "", name = ""] = arn.split(":");
  return { region, account, name };
}

/**
 * True for the errors after which a client-side move is tried instead of SQS's task: a 4xx that
 * is not a missing queue or throttling (InvalidAction from an emulator, UnsupportedOperation,
 * AccessDenied on the action, a source that is not a dead-letter queue).
 */
export function serviceTaskUnavailable(error: unknown): boolean {
  if (!isServiceError(error)) return false;
  if (/QueueDoesNotExist|NonExistentQueue|Throttl|RequestThrottled/i.test(error.code)) return false;
  return error.statusCode >= 400 && error.statusCode < 500;
}

/** Sleeps `ms`, or less when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done);
  });
}

/** The queues (by URL) whose redrive policy names `dlqArn`. */
export async function sourcesOf(sqs: SQS, dlqArn: string, signal?: AbortSignal): Promise<string[]> {
  const urls = await listQueueUrls(sqs, undefined, signal);
  const matches = await pool(urls, 8, async (url) => {
    const { Attributes = {} } = await sqs.getQueueAttributes(
      { QueueUrl: url, AttributeNames: ["RedrivePolicy"] },
      { signal },
    );
    return redriveOf(Attributes.RedrivePolicy)?.target === dlqArn ? url : undefined;
  });
  return matches.filter((url): url is string => url !== undefined);
}

/** Options of a client-side move. */
export interface ClientMoveOptions {
  /** At most this many messages per second. @default unlimited */
  rate?: number | undefined;
  /** Stop after this many messages. */
  max: number;
  /** The visibility timeout of received messages (kept by heartbeats while they move), seconds. */
  visibility: number;
  /** To a FIFO queue: the group of messages that have none. */
  groupId?: string | undefined;
  /** Ends the move between batches (a batch under way completes or is released). */
  signal?: AbortSignal | undefined;
  /** Called after each batch with the counts so far. */
  onProgress?: (progress: { moved: number; failed: number }) => void;
  /** Called with what the user should know (entries refused by the destination). */
  onWarning?: (text: string) => void;
}

/** What a client-side move did. */
export interface ClientMoveResult {
  moved: number;
  failed: number;
  /** Sent to the destination but not deleted from the source (now on both). */
  notDeleted: number;
  /** Messages moved, by destination queue name. */
  destinations: Record<string, number>;
  interrupted: boolean;
}

/**
 * Moves messages by receiving, sending, then deleting, in that order: a message leaves the source
 * only once the destination accepted it. A message whose send failed is released at once. Without
 * a destination each message goes to its `DeadLetterQueueSourceArn`, else to the one queue that
 * uses the source as its dead-letter queue.
 */
export async function moveClientSide(
  sqs: SQS,
  source: { url: string; arn: string; name: string },
  destination: { url: string; name: string } | undefined,
  options: ClientMoveOptions,
): Promise<ClientMoveResult> {
  const signal = options.signal;
  let fallback = destination?.url;
  let fallbackError: string | undefined;
  if (!destination) {
    const sources = await sourcesOf(sqs, source.arn, signal);
    if (sources.length === 1) fallback = sources[0];
    else
      fallbackError =
        sources.length === 0
          ? `no queue uses ${source.name} as its dead-letter queue: name the destination`
          : `${sources.map(queueName).join(", ")} all use ${source.name} as their dead-letter queue: name the destination`;
  }
  const urlOfArn = new Map<string, string>();
  const destinationOf = async (message: Message): Promise<string> => {
    const from = message.Attributes?.DeadLetterQueueSourceArn;
    if (!destination && from) {
      let url = urlOfArn.get(from);
      if (!url) {
        const { account, name } = arnParts(from);
        url = await sqs.queue(name, { ownerAccountId: account }).url({ signal });
        urlOfArn.set(from, url);
      }
      return url;
    }
    if (fallback) return fallback;
    throw new Failure(fallbackError ?? "no destination");
  };
  let moved = 0;
  let failed = 0;
  let notDeleted = 0;
  const counts = new Map<string, number>();
  const started = performance.now();
  const held = new Held(sqs, source.url, options.visibility);
  try {
    while (moved + failed < options.max && !signal?.aborted) {
      // Not aborted by the signal (an aborted long poll may still take messages); each message
      // is held until it is deleted, so whatever ends the move releases the rest.
      const messages: Message[] = await sqs.queue(source.url).receive({
        MaxNumberOfMessages: Math.min(10, options.max - moved - failed),
        WaitTimeSeconds: 1,
        VisibilityTimeout: options.visibility,
      });
      for (const message of messages) held.add(message);
      if (messages.length === 0) break;
      const byTarget = new Map<string, Message[]>();
      for (const message of messages) {
        const target = await destinationOf(message);
        byTarget.set(target, [...(byTarget.get(target) ?? []), message]);
      }
      for (const [target, group] of byTarget) {
        const fifo = target.endsWith(".fifo");
        const entries: BatchMessage[] = group.map((m) => {
          const entry: Exclude<BatchMessage, string> = { MessageBody: m.Body ?? "" };
          if (m.MessageAttributes && Object.keys(m.MessageAttributes).length)
            entry.MessageAttributes = m.MessageAttributes;
          if (fifo) {
            const groupId = m.Attributes?.MessageGroupId ?? options.groupId;
            if (groupId === undefined)
              throw new UsageError(
                `${queueName(target)} is a FIFO queue: give --group-id for messages that have none`,
              );
            entry.MessageGroupId = groupId;
            entry.MessageDeduplicationId =
              m.Attributes?.MessageDeduplicationId ?? m.MessageId ?? String(Math.random());
          }
          return entry;
        });
        // Not aborted by the signal: a batch under way completes (send, then delete) or is released.
        const result = await sqs.queue(target).sendBatch(entries);
        const sent = result.Successful.map((s) => group[s.index]!);
        const unsent = result.Failed.map((f) => group[f.index]!);
        failed += unsent.length;
        if (unsent.length)
          options.onWarning?.(
            `${unsent.length} not sent to ${queueName(target)} (${result.Failed[0]?.Code}: ${result.Failed[0]?.Message}); left on ${source.name}`,
          );
        if (sent.length) {
          const deleted = await sqs.deleteMessageBatch({
            QueueUrl: source.url,
            Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
          });
          notDeleted += deleted.Failed?.length ?? 0;
          for (const m of sent) held.forget(m.MessageId);
          moved += sent.length;
          counts.set(queueName(target), (counts.get(queueName(target)) ?? 0) + sent.length);
        }
      }
      options.onProgress?.({ moved, failed });
      if (options.rate) {
        const ahead = (moved + failed) / options.rate - (performance.now() - started) / 1000;
        if (ahead > 0) await sleep(ahead * 1000, signal);
      }
    }
  } finally {
    await held.release();
  }
  return {
    moved,
    failed,
    notDeleted,
    destinations: Object.fromEntries(counts),
    interrupted: signal?.aborted ?? false,
  };
}
