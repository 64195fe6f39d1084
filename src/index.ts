/**
 * asyncaws: a small, fast, complete Amazon SQS and SNS client for every JavaScript runtime.
 *
 * `asyncaws` exports the clients, handles, errors and both services' types; `asyncaws/sqs` and
 * `asyncaws/sns` export one service each, `asyncaws/sqs` with standalone functions for the
 * smallest bundles.
 *
 * @example
 * ```ts
 * import { SQS } from "asyncaws";
 *
 * const sqs = new SQS({ region: "eu-west-1" });
 * const { QueueUrl } = await sqs.createQueue({ QueueName: "jobs" });
 * await sqs.sendMessage({ QueueUrl, MessageBody: "Hello, World!" });
 * ```
 *
 * @packageDocumentation
 */

export type { SendAllOptions, SendAllResult } from "./batch/bound.js";
export type {
  BatchProducerOptions,
  BatchSendContext,
  BatchTarget,
  CloseOptions,
  EntryOutcome,
  ProducerStats,
} from "./batch/engine.js";
export { answerOutcomes, type BatchErrorEntry, batchOutcomes } from "./batch/outcomes.js";
export { BatchProducer } from "./batch/produce.js";
export type { BareClientOptions, CallOptions, ClientOptions } from "./core/client.js";
export type { RetryMode } from "./core/config.js";
export {
  type CacheOptions,
  type ContainerOptions,
  cachedProvider,
  type DefaultCredentialsOptions,
  defaultCredentials,
  fromContainer,
  fromEnv,
  fromInstanceMetadata,
  fromProfile,
  fromWebIdentity,
  type InstanceMetadataOptions,
  type ProfileOptions,
  SecretCredentials,
  type WebIdentityOptions,
} from "./core/credentials/index.js";
export type { ProcessOptions } from "./core/credentials/process.js";
export type { Credentials, CredentialsProvider, CredentialsRequest } from "./core/credentials/types.js";
export {
  AbortError,
  AsyncAwsError,
  ChecksumError,
  type CredentialsAttempt,
  CredentialsError,
  type ErrorContext,
  isAbortError,
  isAsyncAwsError,
  isChecksumError,
  isCredentialsError,
  isNetworkError,
  isPayloadNotFoundError,
  isResponseError,
  isServiceError,
  isSignatureVerificationError,
  isTimeoutError,
  isValidationError,
  NetworkError,
  PayloadNotFoundError,
  ResponseError,
  ServiceError,
  type ServiceErrorDetails,
  SignatureVerificationError,
  TimeoutError,
  ValidationError,
} from "./core/errors.js";
export { type AdaptiveRetry, adaptiveRetry } from "./core/retry.js";
export {
  type PresignOptions,
  presignUrl,
  type SignableRequest,
  type SigningOptions,
  signRequest,
} from "./core/signer.js";
export type { StandardSchemaV1 } from "./core/standard-schema.js";
export type { InvalidMessagePolicy, SchemaInput, SchemaOutput, TypedMessage } from "./core/typed.js";
export { TypedProducer } from "./core/typed-producer.js";
export * from "./lambda/index.js";
export { PROCESS_CHANNEL, REQUEST_CHANNEL } from "./observability/channels.js";
export type { ProcessContext, ProcessedMessage } from "./observability/process.js";
export {
  type ClientHooks,
  type ClientObserver,
  type ObservedValue,
  observe,
  type RequestContext,
} from "./observability/request.js";
export { payloadErrorOf } from "./payloads/errors.js";
export type { LargePayloadOptions } from "./payloads/options.js";
export * from "./sns/index.js";
export type {
  AddPermissionResult as SnsAddPermissionResult,
  BatchResultErrorEntry as SnsBatchResultErrorEntry,
  MessageAttributeValue as SnsMessageAttributeValue,
  RemovePermissionResult as SnsRemovePermissionResult,
} from "./sns/types.js";
export { type AttributeValue, md5OfMessageAttributes } from "./sqs/checksums.js";
export { SQSClient, type SQSClientOptions, type SQSOptions } from "./sqs/client.js";
export { Consumer, MessageIterator } from "./sqs/consume.js";
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
} from "./sqs/consumer/consumer.js";
export type { EventMap, Listener } from "./sqs/consumer/events.js";
export type { ErrorSource } from "./sqs/consumer/held.js";
export type { Acknowledgeable, MessagesOptions } from "./sqs/consumer/iterator.js";
export type { ConsumerLogger, ConsumerOptions } from "./sqs/consumer/options.js";
// `SnsMessage` from here is the consumer's unwrapped message (deprecated: SnsQueueMessage); from
// asyncaws/sns it is the signed message (deprecated: SnsSignedMessage).
export type { SnsMessage, SnsQueueMessage } from "./sqs/consumer/sns.js";
export type { SQSMethods, SQSOperationMap } from "./sqs/methods.js";
export { QueueProducer, type QueueProducerOptions } from "./sqs/producer.js";
export {
  type BatchMessage,
  type FailedEntry,
  Queue,
  QueueHandle,
  type QueueOptions,
  type SendBatchResult,
  type SendParams,
  type SentEntry,
} from "./sqs/queue.js";
export { SQS } from "./sqs/sqs.js";
export type * from "./sqs/types.js";
// Names that both models define: SQS's at the top level, SNS's with an Sns prefix (all of them
// are also in asyncaws/sqs and asyncaws/sns under their own names).
export type {
  AddPermissionResult,
  BatchResultErrorEntry,
  MessageAttributeValue,
  RemovePermissionResult,
} from "./sqs/types.js";
export type { STSOptions } from "./sts/client.js";
export { STS } from "./sts/sts.js";
