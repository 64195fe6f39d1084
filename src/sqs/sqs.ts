/**
 * The SQS client with one method per action, derived from the operation table, and queue handles.
 *
 * @module
 */

import { defineOperations } from "../core/client.js";
import { SQSClient } from "./client.js";
import type { SQSMethods } from "./methods.js";
import { sqsOperations, sqsPaginators } from "./operations.js";
import { QueueHandle, type QueueOptions } from "./queue.js";

/**
 * An Amazon SQS client: one method per SQS action, named as the action in lowerCamelCase, taking
 * and returning AWS's own shapes; plus {@link SQS.queue | queue handles} for the common work.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ region: "eu-west-1" });
 * const { QueueUrl } = await sqs.createQueue({ QueueName: "jobs" });
 * await sqs.sendMessage({ QueueUrl, MessageBody: "Hello, World!" });
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the methods come from the operation table (defineOperations below)
export class SQS extends SQSClient {
  readonly #queues = new Map<string, QueueHandle>();

  /**
   * A handle on one queue, by name or URL. A name is resolved once with GetQueueUrl; the URL is
   * cached. Handles are cached too: the same name gives the same handle.
   *
   * @example
   * ```ts
   * const jobs = sqs.queue("jobs");
   * await jobs.send({ task: "resize", id: 42 });
   * ```
   */
  queue(nameOrUrl: string, options?: QueueOptions | undefined): QueueHandle {
    if (options) return new QueueHandle(this, nameOrUrl, options);
    let queue = this.#queues.get(nameOrUrl);
    if (!queue) {
      queue = new QueueHandle(this, nameOrUrl);
      this.#queues.set(nameOrUrl, queue);
    }
    return queue;
  }
}

// The typed methods, declared by the generated interface and defined from the table.
export interface SQS extends SQSMethods {}
defineOperations(SQS, sqsOperations, sqsPaginators);
