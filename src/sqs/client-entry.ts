/**
 * The bare SQS client, one standalone function per action, the error classes and AWS's types, and
 * nothing else: `asyncaws/sqs/client`, the smallest import for short-lived processes (a Lambda
 * handler, a script that sends a few messages). It loads less than half the code of
 * `asyncaws/sqs`, which adds the `SQS` class, the queue handle, the consumer and the producer, so a
 * cold process reaches its first request sooner. Bundlers already drop what a program does not use,
 * whichever entry it imports.
 *
 * @example
 * ```ts
 * import { SQSClient, isServiceError, sendMessage } from "asyncaws/sqs/client";
 *
 * const client = new SQSClient({ region: "eu-west-1" });
 * await sendMessage(client, { QueueUrl, MessageBody: "Hello, World!" });
 * ```
 *
 * @module sqs/client
 */

export type { BareClientOptions, CallOptions, ClientOptions } from "../core/client.js";
export type { RetryMode } from "../core/config.js";
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
  isTimeoutError,
  isValidationError,
  NetworkError,
  ResponseError,
  ServiceError,
  type ServiceErrorDetails,
  TimeoutError,
  ValidationError,
} from "../core/errors.js";
export { type AdaptiveRetry, adaptiveRetry } from "../core/retry.js";
export {
  type ClientHooks,
  type ClientObserver,
  observe,
  type RequestContext,
} from "../observability/request.js";
export { type AttributeValue, md5OfMessageAttributes } from "./checksums.js";
export { SQSClient, type SQSClientOptions, type SQSOptions } from "./client.js";
export * from "./functions.js";
export type { SQSMethods, SQSOperationMap } from "./methods.js";
export type * from "./types.js";
