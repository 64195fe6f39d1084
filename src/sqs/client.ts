/**
 * The SQS client: one method per action, derived from the operation table.
 *
 * @module
 */

import { type ClientOptions, defineOperations, ServiceClient, type ServiceInfo } from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import { queryProtocol } from "../core/protocol/aws-query.js";
import { jsonProtocol } from "../core/protocol/json.js";
import type { SQSMethods } from "./methods.js";
import { sqsOperations, sqsPaginators } from "./operations.js";
import { Queue, type QueueOptions } from "./queue.js";

/** Options of the {@link SQS} client. */
export interface SQSOptions extends ClientOptions {
  /**
   * The wire protocol: AWS JSON 1.0, or the older AWS Query (form-encoded, XML answers) that some
   * SQS-compatible servers still need.
   * @default "json"
   */
  protocol?: "json" | "query";
  /**
   * Check the MD5 digests of sent and received bodies and attributes, throwing a ChecksumError on a mismatch.
   * @default true
   */
  checksums?: boolean;
}

const SQS_INFO: ServiceInfo = {
  signingName: "sqs",
  endpointPrefix: "sqs",
  envKey: "SQS",
  resourceKeys: ["QueueUrl", "QueueName", "SourceArn", "TaskHandle"],
};

const LEGACY_CODES: Record<string, string> = {
  NonExistentQueue: "QueueDoesNotExist",
  QueueAlreadyExists: "QueueNameExists",
};

/** Maps the Query protocol's legacy codes (`AWS.SimpleQueueService.NonExistentQueue`) to the model's. */
function normalizeCode(code: string): string {
  const short = code.startsWith("AWS.SimpleQueueService.") ? code.slice(23) : code;
  return LEGACY_CODES[short] ?? short;
}

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
export class SQS extends ServiceClient {
  readonly #queues = new Map<string, Queue>();

  constructor(options: SQSOptions = {}) {
    const protocol = options?.protocol ?? "json";
    if (protocol !== "json" && protocol !== "query") {
      throw new ValidationError("protocol", '"json" or "query"', protocol);
    }
    if (options?.checksums !== undefined && typeof options.checksums !== "boolean") {
      throw new ValidationError("checksums", "a boolean", options.checksums);
    }
    super(
      SQS_INFO,
      protocol === "json" ? jsonProtocol("AmazonSQS") : queryProtocol("2012-11-05", normalizeCode),
      options,
      options?.checksums ?? true,
    );
  }

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
  queue(nameOrUrl: string, options?: QueueOptions): Queue {
    if (options) return new Queue(this, nameOrUrl, options);
    let queue = this.#queues.get(nameOrUrl);
    if (!queue) {
      queue = new Queue(this, nameOrUrl);
      this.#queues.set(nameOrUrl, queue);
    }
    return queue;
  }
}

// The typed methods, declared by the generated interface and defined from the table.
export interface SQS extends SQSMethods {}
defineOperations(SQS, sqsOperations, sqsPaginators);
