/**
 * The topic producer: the generic batching producer bound to PublishBatch (10 entries, 256 KiB).
 *
 * @module
 */

import { type ErrorContext, isServiceError, ServiceError, ValidationError } from "../core/errors.js";
import { classify } from "../core/retry.js";
import { isRecord } from "../core/validate.js";
import { BoundProducer } from "../producer/bound.js";
import { batchOutcomes } from "../producer/outcomes.js";
import { BatchProducer, type BatchProducerOptions, type EntryOutcome } from "../producer/producer.js";
import type { SNS } from "./client.js";
import { encodeMessage, type PublishParams, type TopicHandle } from "./topic.js";
import type { BatchResultErrorEntry, PublishBatchRequestEntry, PublishBatchResultEntry } from "./types.js";
import { checkMessage, MAX_PUBLISH_BATCH_ENTRIES, MAX_PUBLISH_BYTES } from "./validate.js";

/** Options of {@link TopicHandle.producer}: how entries are batched, sent and retried. */
export interface TopicProducerOptions extends BatchProducerOptions {}

type Entry = Omit<PublishBatchRequestEntry, "Id">;
interface Sized {
  readonly entry: Entry;
  readonly size: number;
}

/** The members `send`'s params may hold: PublishBatch entry members other than `Id` and `Message`. */
const PARAM_KEYS: ReadonlySet<string> = new Set([
  "Subject",
  "MessageStructure",
  "MessageAttributes",
  "MessageDeduplicationId",
  "MessageGroupId",
]);

/**
 * SNS's own throttling codes, which arrive with `SenderFault: true` (or as HTTP 400) yet succeed
 * when sent again later.
 */
const SNS_THROTTLING_CODES: ReadonlySet<string> = new Set(["Throttled", "KMSThrottling"]);

/** Whether a failed PublishBatch request may succeed if sent again. */
function isRetryableRequest(error: unknown): boolean {
  if (isServiceError(error) && SNS_THROTTLING_CODES.has(error.code)) return true;
  return classify(error) !== "fatal";
}

/**
 * Entries that failed with one of SNS's throttling codes become retryable (the generic reading
 * counts a sender fault as final).
 */
function retryThrottled(
  outcomes: EntryOutcome<string>[],
  failed: readonly BatchResultErrorEntry[] | undefined,
  context: ErrorContext,
): void {
  for (const entry of failed ?? []) {
    if (!SNS_THROTTLING_CODES.has(entry.Code)) continue;
    const index = Number(entry.Id);
    const outcome = outcomes[index];
    if (outcome === undefined || outcome.ok || outcome.retryable) continue;
    outcomes[index] = {
      ok: false,
      retryable: true,
      error: new ServiceError(`entry ${index} failed: ${entry.Message ?? "(no message)"}`, {
        ...context,
        code: entry.Code,
        statusCode: 200,
        fault: entry.SenderFault ? "client" : "server",
        retryable: true,
      }),
    };
  }
}

/**
 * On a FIFO topic, a retry must not overtake what its group already published: when an entry
 * failed for a retryable reason but a later entry of its group was accepted in the same request,
 * sending it again would deliver it after that later one. Such an entry is rejected instead (with
 * its code, and a message that says why it was not retried), so the group's order holds.
 */
function keepGroupOrder(
  items: readonly Sized[],
  outcomes: EntryOutcome<string>[],
  context: ErrorContext,
): void {
  const acceptedLater = new Set<string>();
  for (let index = items.length - 1; index >= 0; index--) {
    const group = items[index]!.entry.MessageGroupId;
    const outcome = outcomes[index];
    if (group === undefined || outcome === undefined) continue;
    if (outcome.ok) {
      acceptedLater.add(group);
    } else if (outcome.retryable && acceptedLater.has(group)) {
      const cause = outcome.error;
      const code = isServiceError(cause) ? cause.code : "EntryFailed";
      outcomes[index] = {
        ok: false,
        retryable: false,
        error: new ServiceError(
          `entry ${index} failed and was not retried: a later message of its group ${JSON.stringify(group)} was accepted in the same request, so a retry would break the group's order`,
          {
            ...context,
            code,
            statusCode: isServiceError(cause) ? cause.statusCode : 200,
            fault: isServiceError(cause) ? cause.fault : undefined,
            retryable: false,
          },
          { cause },
        ),
      };
    }
  }
}

/**
 * Publishes messages to one topic in PublishBatch requests, from {@link TopicHandle.producer}.
 * Each `send` resolves with its message's id once its batch accepted it. Entries are gathered
 * into batches of up to 10 entries and 256 KiB (262,144 bytes, each message counted with its
 * attributes, as SNS counts them), sent when full or after `lingerMs`, with at most
 * `maxInFlightBatches` requests at once. Entries that fail for a retryable reason (an internal
 * error, throttling) are sent again with backoff; the others are rejected one by one with AWS's
 * code (a ServiceError). On a FIFO topic, order within a message group holds, also across
 * retries: a group has at most one request in flight, and a failed entry goes back to its place.
 *
 * @example
 * ```ts
 * const producer = sns.topic("events").producer({ lingerMs: 10 });
 * for (const event of events) {
 *   await producer.ready();
 *   producer.send(event).catch((error) => console.error(error));
 * }
 * await producer.close();
 * ```
 */
export class TopicProducer extends BoundProducer<Sized> {
  readonly #fifo: boolean;
  readonly #context: ErrorContext;

  /** @internal Use {@link TopicHandle.producer}. */
  constructor(sns: SNS, topic: TopicHandle, options?: TopicProducerOptions) {
    const fifo = topic.fifo;
    const context = { operation: "PublishBatch", resource: topic.name };
    super(
      new BatchProducer<Sized, string>(
        {
          maxEntries: MAX_PUBLISH_BATCH_ENTRIES,
          maxBytes: MAX_PUBLISH_BYTES,
          context,
          sizeOf: (item) => item.size,
          // Only a FIFO topic keeps order: a standard topic's groups need no serializing.
          groupOf: (item) => (fifo ? item.entry.MessageGroupId : undefined),
          isRetryable: isRetryableRequest,
          async sendBatch(items) {
            const TopicArn = await topic.arn();
            const output = await sns.publishBatch({
              TopicArn,
              PublishBatchRequestEntries: items.map((item, index) => ({ ...item.entry, Id: String(index) })),
            });
            // SNS's result entries have an optional Id: one without is as good as missing.
            const successful = (output.Successful ?? []).filter(
              (ok): ok is PublishBatchResultEntry & { Id: string } => typeof ok.Id === "string",
            );
            const outcomes = batchOutcomes<PublishBatchResultEntry & { Id: string }, string>(
              items.length,
              successful,
              output.Failed,
              (ok) => ok.MessageId ?? "",
              context,
            );
            retryThrottled(outcomes, output.Failed, context);
            if (fifo) keepGroupOrder(items, outcomes, context);
            return outcomes;
          },
        },
        options,
      ),
    );
    this.#fifo = fifo;
    this.#context = context;
  }

  /**
   * Publishes one message. A message that is not a string is encoded as JSON, as
   * {@link TopicHandle.publish} does; `params` are PublishBatch's other entry members (`Subject`,
   * `MessageStructure`, `MessageAttributes`, `MessageGroupId`, `MessageDeduplicationId`). The
   * message is checked at once: a ValidationError (naming the field, the rule and the value
   * received) rejects it before it is queued, and nothing is sent.
   *
   * @returns the message's id, once its batch was accepted
   *
   * @example
   * ```ts
   * const id = await producer.send({ id: 42 }, {
   *   MessageAttributes: { kind: { DataType: "String", StringValue: "order" } },
   * });
   * ```
   */
  send(message: unknown, params?: PublishParams): Promise<string> {
    let sized: Sized;
    try {
      const context = this.#context;
      const entry: Entry = { Message: encodeMessage(message, "message", context) };
      if (params !== undefined) {
        if (!isRecord(params)) {
          throw new ValidationError("params", "an object of PublishBatch entry members", params, context);
        }
        for (const key of Object.keys(params)) {
          const value = (params as Record<string, unknown>)[key];
          if (!PARAM_KEYS.has(key)) {
            throw new ValidationError(
              `params.${key}`,
              `absent: params may hold ${[...PARAM_KEYS].join(", ")}`,
              value,
              context,
            );
          }
          if (value !== undefined) (entry as Record<string, unknown>)[key] = value;
        }
      }
      const size = checkMessage(entry as unknown as Record<string, unknown>, "", this.#fifo, context);
      sized = { entry, size };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(sized);
  }
}
