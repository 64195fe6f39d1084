/**
 * The SQS client with one method per action, derived from the operation table, and queue handles.
 *
 * @module
 */

import { CALL, type CallOptions, defineOperations, type OperationSpec } from "../core/client.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import { withObserver } from "../observability/request.js";
import {
  type ClientPayloads,
  clientPayloads,
  LARGE_PAYLOADS,
  resolveLargePayloads,
} from "../payloads/options.js";
import { SQSClient, type SQSOptions } from "./client.js";
import { loadSqsPayloads } from "./lazy.js";
import type { SQSMethods } from "./methods.js";
import { operations, paginators } from "./operations.js";
import { QueueHandle, type QueueOptions } from "./queue.js";
import { TypedQueueHandle, type TypedQueueOptions } from "./typed-queue.js";
import { MAX_MESSAGE_BYTES } from "./validate.js";

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
  /** The payload store's interceptor (loaded on first use), when `largePayloads` is set. */
  #payloads: ClientPayloads | undefined;

  /** @param options - as {@link SQSOptions} says; `hooks` as a plain object, or made by `observe` */
  constructor(options: SQSOptions = {}) {
    // Plain hooks become an observer here, for this client and those it makes (S3 for payloads).
    const bare = withObserver(options);
    super(bare);
    if (bare?.largePayloads !== undefined) {
      const resolved = resolveLargePayloads(bare.largePayloads, MAX_MESSAGE_BYTES, bare);
      this.#payloads = clientPayloads(resolved, () =>
        loadSqsPayloads().then((m) => m.sqsPayloads(resolved, this)),
      );
    }
  }

  /** @internal The payload store, when `largePayloads` is set (batches are sized after offloading). */
  get [LARGE_PAYLOADS](): ClientPayloads | undefined {
    return this.#payloads;
  }

  /** @internal Runs one operation, through the payload store when there is one. */
  override [CALL](op: OperationSpec, input: object | undefined, options?: CallOptions): Promise<unknown> {
    const payloads = this.#payloads;
    if (payloads === undefined) return super[CALL](op, input, options);
    return payloads.call(op, input, options, (next) => super[CALL](op, next, options));
  }

  /**
   * A handle on one queue, by name or URL. A name is resolved once with GetQueueUrl; the URL is
   * cached. Handles are cached too: the same name gives the same handle. With a `schema` (any
   * Standard Schema v1 schema), a {@link TypedQueueHandle}: values checked and JSON-encoded on
   * send, bodies decoded and checked on receive (`message.value`, typed from the schema).
   *
   * @example
   * ```ts
   * const jobs = sqs.queue("jobs");
   * await jobs.send({ task: "resize", id: 42 });
   * ```
   */
  queue<S extends StandardSchemaV1>(nameOrUrl: string, options: TypedQueueOptions<S>): TypedQueueHandle<S>;
  queue(nameOrUrl: string, options?: QueueOptions | undefined): QueueHandle;
  queue(
    nameOrUrl: string,
    options?: (QueueOptions & Partial<TypedQueueOptions<StandardSchemaV1>>) | undefined,
  ): QueueHandle | TypedQueueHandle<StandardSchemaV1> {
    if (options?.schema !== undefined) {
      // A typed handle wraps the untyped one (cached as usual when no other option is given).
      const { schema, onInvalid, ...rest } = options;
      const base = Object.values(rest).some((value) => value !== undefined)
        ? this.queue(nameOrUrl, rest)
        : this.queue(nameOrUrl);
      return new TypedQueueHandle(base, schema, onInvalid);
    }
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
defineOperations(SQS, operations, paginators);
