/**
 * Everything of SQS: the clients, the standalone functions, the queue handle, and AWS's types.
 * Import from `asyncaws/sqs`.
 *
 * @example
 * ```ts
 * import { SQSClient, sendMessage } from "asyncaws/sqs";
 *
 * const client = new SQSClient({ region: "eu-west-1" });
 * await sendMessage(client, { QueueUrl, MessageBody: "Hello, World!" });
 * ```
 *
 * @module sqs
 */

export type { BareClientOptions } from "../core/client.js";
export { type AdaptiveRetry, adaptiveRetry } from "../core/retry.js";
export {
  type ClientHooks,
  type ClientObserver,
  observe,
  type RequestContext,
} from "../observability/request.js";
export { payloadErrorOf } from "../payloads/errors.js";
export type { LargePayloadOptions } from "../payloads/options.js";
export { type AttributeValue, md5OfMessageAttributes } from "./checksums.js";
export { SQSClient, type SQSClientOptions, type SQSOptions } from "./client.js";
export { Consumer, MessageIterator } from "./consume.js";
export type {
  BatchHandler,
  BatchHandlerContext,
  ConsumerErrorInfo,
  ConsumerEvents,
  ConsumerState,
  ConsumerStatus,
  HandlerContext,
  MessageHandler,
  StopOptions,
} from "./consumer/consumer.js";
export type { Acknowledgeable, MessagesOptions } from "./consumer/iterator.js";
export type { ConsumerLogger, ConsumerOptions } from "./consumer/options.js";
export type { SnsMessage, SnsQueueMessage } from "./consumer/sns.js";
export * from "./functions.js";
export type { SQSMethods, SQSOperationMap } from "./methods.js";
export { QueueProducer, type QueueProducerOptions } from "./producer.js";
export {
  type BatchMessage,
  type FailedEntry,
  Queue,
  QueueHandle,
  type QueueOptions,
  type SendBatchResult,
  type SendParams,
  type SentEntry,
} from "./queue.js";
export { SQS } from "./sqs.js";
export {
  TypedQueueHandle,
  type TypedQueueOptions,
  type TypedQueueProducer,
} from "./typed-queue.js";
export type * from "./types.js";
