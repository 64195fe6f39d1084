/**
 * Batched deletes: messages whose handlers succeeded are deleted through the batch engine
 * (`batch/engine.ts`) in DeleteMessageBatch requests of up to 10, sent as soon as 10 gather or
 * after a few milliseconds. An entry that fails for a retryable reason (throttling, an internal
 * error, missing from the answer, a request that failed for a transient reason) is sent again with
 * backoff, beyond the client's own retries, then reported.
 *
 * @module
 */

import { BatchProducer, type BatchTarget } from "../../batch/engine.js";
import { answerOutcomes } from "../../batch/outcomes.js";
import { CALL } from "../../core/client.js";
import type { ErrorContext } from "../../core/errors.js";
import { DeleteMessageBatch } from "../operations.js";
import type { DeleteMessageBatchRequest, DeleteMessageBatchResult } from "../types.js";
import { checkQueueUrl } from "../validate.js";
import type { Held, Shared } from "./held.js";

/** Text that JSON writes as it is, between quotes (printable ASCII but `"` and `\`). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The JSON body of the consumer's DeleteMessageBatch: what `JSON.stringify` writes for it (the
 * same text), joined from its parts, where `JSON.stringify` of the entries' objects cost about 5
 * µs per request of 10 in the consumer (receipt handles of about 130 characters each). A receipt
 * handle or id with any other character is written by `JSON.stringify` itself.
 */
export function writeDeleteBody(input: object, format: "json" | "query"): string | undefined {
  const { QueueUrl, Entries } = input as DeleteMessageBatchRequest;
  if (format !== "json" || typeof QueueUrl !== "string" || !Array.isArray(Entries)) return undefined;
  let body = `{"QueueUrl":${JSON.stringify(QueueUrl)},"Entries":[`;
  for (let i = 0; i < Entries.length; i++) {
    const { Id, ReceiptHandle } = Entries[i]!;
    if (typeof Id !== "string" || typeof ReceiptHandle !== "string") return undefined;
    body += `${i === 0 ? "" : ","}{"Id":${PLAIN.test(Id) ? `"${Id}"` : JSON.stringify(Id)},"ReceiptHandle":${PLAIN.test(ReceiptHandle) ? `"${ReceiptHandle}"` : JSON.stringify(ReceiptHandle)}}`;
  }
  return `${body}]}`;
}

/**
 * DeleteMessageBatch for the consumer's own requests: the entries are made here (ids `0` to `9`,
 * receipt handles as SQS gave them, at most 10 per request: the engine's limit), so only the queue
 * URL is checked, not each entry again (1.6 µs per request of 10), and the body is written from
 * them ({@link writeDeleteBody}).
 */
const DELETE_CHECKED = {
  ...DeleteMessageBatch,
  validate: (input: DeleteMessageBatchRequest, context: ErrorContext) => {
    checkQueueUrl(input.QueueUrl, "QueueUrl", context);
  },
  writeBody: writeDeleteBody,
};

/** The entries' ids, `0` to `9` (the engine sends at most 10 per request). */
const IDS: readonly string[] = Array.from({ length: 10 }, (_, index) => String(index));

/** Attempts of one delete (each a request the client retries too). */
const DELETE_ATTEMPTS = 4;

/** The DeleteMessageBatch target of the batch engine, for one consumer. */
function deleteTarget(shared: Shared): BatchTarget<Held, true> {
  const context = { ...shared.context, operation: "DeleteMessageBatch" };
  return {
    maxEntries: 10,
    // DeleteMessageBatch has no byte limit that receipt handles come near.
    maxBytes: Number.POSITIVE_INFINITY,
    sizeOf: () => 0,
    context,
    async sendBatch(entries, { labels, signal }) {
      const ids = entries.length === IDS.length ? IDS : IDS.slice(0, entries.length);
      const output = (await shared.sqs[CALL](
        DELETE_CHECKED,
        {
          QueueUrl: shared.url(),
          Entries: entries.map((held, index) => ({ Id: ids[index]!, ReceiptHandle: held.handle })),
        },
        { signal },
      )) as DeleteMessageBatchResult;
      return answerOutcomes(ids, labels, output.Successful, output.Failed, () => true as const, context);
    },
  };
}

/** Deletes messages in batches. */
export class Deleter {
  readonly #engine: BatchProducer<Held, true>;
  readonly #shared: Shared;
  readonly #onDeleted: (held: Held) => void;
  readonly #onGaveUp: (held: Held) => void;
  /**
   * The messages being deleted, by the tag the engine gives back to the two callbacks below (its
   * slot here, reused once free): no closure per message.
   */
  readonly #slots: (Held | undefined)[] = [];
  readonly #free: number[] = [];
  readonly #done = (_: true, tag: number): void => {
    this.#onDeleted(this.#take(tag));
  };
  readonly #gaveUp = (error: unknown, tag: number): void => {
    const held = this.#take(tag);
    this.#shared.report(error, "delete", held.raw);
    this.#onGaveUp(held);
  };

  /**
   * @param lingerMs - how long a delete may wait for others to fill its batch
   * @param maxInFlightBatches - most DeleteMessageBatch requests in flight at once
   * @param onDeleted - called for each message deleted
   * @param onGaveUp - called for each message whose delete failed for good (it stays invisible
   *   until its visibility timeout runs out, then comes back)
   */
  constructor(
    shared: Shared,
    lingerMs: number,
    maxInFlightBatches: number,
    onDeleted: (held: Held) => void,
    onGaveUp: (held: Held) => void = () => {},
  ) {
    this.#shared = shared;
    this.#onDeleted = onDeleted;
    this.#onGaveUp = onGaveUp;
    this.#engine = new BatchProducer(deleteTarget(shared), {
      lingerMs,
      maxInFlightBatches,
      // Never held back: the consumer already bounds what it holds.
      maxQueued: Number.MAX_SAFE_INTEGER,
      maxAttempts: DELETE_ATTEMPTS,
      retryBaseDelayMs: 200,
      retryMaxDelayMs: 3000,
    });
  }

  /** Deletes a message, soon. */
  add(held: Held): void {
    const tag = this.#free.length > 0 ? this.#free.pop()! : this.#slots.length;
    this.#slots[tag] = held;
    this.#engine.submit(held, `message ${held.raw.MessageId ?? "?"}`, this.#done, this.#gaveUp, tag);
  }

  /** The message of a tag the engine gave back; its slot is free again. */
  #take(tag: number): Held {
    const held = this.#slots[tag]!;
    this.#slots[tag] = undefined;
    this.#free.push(tag);
    return held;
  }

  /** Sends what waits now and resolves once every delete asked for so far is done or given up. */
  flush(): Promise<void> {
    return this.#engine.flush();
  }
}
