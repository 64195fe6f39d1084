/**
 * asyncaws: a small, fast, complete Amazon SQS and SNS client for every JavaScript runtime.
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

export type { CallOptions, ClientOptions } from "./core/client.js";
export type { Credentials, CredentialsProvider } from "./core/credentials/types.js";
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
  isResponseError,
  isServiceError,
  isSignatureVerificationError,
  isTimeoutError,
  isValidationError,
  NetworkError,
  ResponseError,
  ServiceError,
  type ServiceErrorDetails,
  SignatureVerificationError,
  TimeoutError,
  ValidationError,
} from "./core/errors.js";
export {
  type PresignOptions,
  presignUrl,
  type SignableRequest,
  type SigningOptions,
  signRequest,
} from "./core/signer.js";
export { type AttributeValue, md5OfMessageAttributes } from "./sqs/checksums.js";
export { SQSClient, type SQSOptions } from "./sqs/client.js";
export type { SQSMethods, SQSOperationMap } from "./sqs/methods.js";
export {
  type BatchMessage,
  type FailedEntry,
  Queue,
  type QueueOptions,
  type SendBatchResult,
  type SendParams,
  type SentEntry,
} from "./sqs/queue.js";
export { SQS } from "./sqs/sqs.js";
export type * from "./sqs/types.js";
