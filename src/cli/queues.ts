/**
 * Queue helpers the commands share: resolving a queue, reading its counts, holding received
 * messages (with visibility heartbeats) and releasing them, a pool for concurrent calls.
 *
 * @module
 */

import type { Message, QueueHandle, SQS } from "../index.js";
import type { Context } from "./context.js";

/** A queue's state, as `queues` and `watch` show it. */
export interface QueueInfo {
  name: string;
  url: string;
  arn?: string;
  visible: number;
  inFlight: number;
  delayed: number;
  fifo: boolean;
  /** The dead-letter queue's name (from the RedrivePolicy). */
  deadLetterQueue?: string;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount?: number;
  /** Queues (among those listed) whose dead-letter queue this is. */
  sources?: string[];
  /** The age of the oldest message in seconds (CloudWatch's metric), when known. */
  oldestAgeSeconds?: number;
}

/** The name in a queue URL or ARN. */
export function queueName(urlOrArn: string): string {
  const cut = Math.max(urlOrArn.lastIndexOf("/"), urlOrArn.lastIndexOf(":"));
  return decodeURIComponent(urlOrArn.slice(cut + 1));
}

/** The redrive policy's target and count, when the queue has one. */
export function redriveOf(
  policy: string | undefined,
): { target: string; maxReceiveCount: number } | undefined {
  if (!policy) return undefined;
  try {
    const parsed = JSON.parse(policy) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    if (typeof parsed.deadLetterTargetArn !== "string") return undefined;
    return { target: parsed.deadLetterTargetArn, maxReceiveCount: Number(parsed.maxReceiveCount) };
  } catch {
    return undefined;
  }
}

/** Reads a queue's counts and links. */
export async function queueInfo(sqs: SQS, url: string, signal?: AbortSignal): Promise<QueueInfo> {
  const { Attributes = {} } = await sqs.getQueueAttributes(
    { QueueUrl: url, AttributeNames: ["All"] },
    { signal },
  );
  const info: QueueInfo = {
    name: queueName(url),
    url,
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    fifo: Attributes.FifoQueue === "true" || url.endsWith(".fifo"),
  };
  if (Attributes.QueueArn) info.arn = Attributes.QueueArn;
  const redrive = redriveOf(Attributes.RedrivePolicy);
  if (redrive) {
    info.deadLetterQueue = queueName(redrive.target);
    if (Number.isFinite(redrive.maxReceiveCount)) info.maxReceiveCount = redrive.maxReceiveCount;
  }
  return info;
}

/** Every queue URL whose name starts with `prefix`. */
export async function listQueueUrls(
  sqs: SQS,
  prefix: string | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  const urls: string[] = [];
  const input = prefix ? { QueueNamePrefix: prefix, MaxResults: 1000 } : { MaxResults: 1000 };
  for await (const page of sqs.paginateListQueues(input, { signal })) urls.push(...(page.QueueUrls ?? []));
  return urls;
}

/** Runs `work` over `items`, `limit` at a time, keeping the order of results. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A queue handle from a name or URL, and its URL. */
export async function openQueue(
  context: Context,
  nameOrUrl: string,
): Promise<{ queue: QueueHandle; url: string }> {
  const queue = context.sqs.queue(nameOrUrl);
  const url = await queue.url({ signal: context.signal });
  return { queue, url };
}

/**
 * Messages received and not deleted: kept invisible by heartbeats (ChangeMessageVisibilityBatch
 * every half visibility timeout) while the command runs, released (visibility 0) at its end.
 */
export class Held {
  readonly #sqs: SQS;
  readonly #url: string;
  readonly #visibility: number;
  readonly #handles = new Map<string, string>(); // MessageId -> ReceiptHandle
  #timer: ReturnType<typeof setInterval> | undefined;
  #beating: Promise<void> | undefined;
  /** Errors of heartbeats (reported by the command). */
  readonly errors: unknown[] = [];

  constructor(sqs: SQS, url: string, visibilitySeconds: number) {
    this.#sqs = sqs;
    this.#url = url;
    this.#visibility = visibilitySeconds;
  }

  get size(): number {
    return this.#handles.size;
  }

  /** True when this message (by id) is already held. */
  has(messageId: string | undefined): boolean {
    return messageId !== undefined && this.#handles.has(messageId);
  }

  /** The latest receipt handle of a held message. */
  handle(messageId: string): string | undefined {
    return this.#handles.get(messageId);
  }

  add(message: Message): void {
    if (message.MessageId && message.ReceiptHandle)
      this.#handles.set(message.MessageId, message.ReceiptHandle);
    if (!this.#timer && this.#visibility > 1) {
      this.#timer = setInterval(
        () => {
          this.#beating ??= this.#extend().finally(() => {
            this.#beating = undefined;
          });
        },
        (this.#visibility * 1000) / 2,
      );
      this.#timer.unref?.();
    }
  }

  /** Forgets a message (deleted). */
  forget(messageId: string | undefined): void {
    if (messageId !== undefined) this.#handles.delete(messageId);
  }

  async #extend(): Promise<void> {
    try {
      await this.#change([...this.#handles.values()], this.#visibility);
    } catch (error) {
      this.errors.push(error);
    }
  }

  async #change(handles: string[], seconds: number): Promise<number> {
    let failed = 0;
    const groups: string[][] = [];
    for (let i = 0; i < handles.length; i += 10) groups.push(handles.slice(i, i + 10));
    await pool(groups, 4, async (group) => {
      const output = await this.#sqs.changeMessageVisibilityBatch({
        QueueUrl: this.#url,
        Entries: group.map((ReceiptHandle, i) => ({
          Id: String(i),
          ReceiptHandle,
          VisibilityTimeout: seconds,
        })),
      });
      failed += output.Failed?.length ?? 0;
    });
    return failed;
  }

  /** Stops the heartbeats and makes every held message visible again. @returns how many were released */
  async release(): Promise<number> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beating;
    const handles = [...this.#handles.values()];
    this.#handles.clear();
    if (handles.length === 0) return 0;
    const failed = await this.#change(handles, 0);
    return handles.length - failed;
  }
}
