/**
 * AWS Lambda handlers: `sqsHandler` for SQS event source mappings (partial batch responses, FIFO
 * order, a time guard) and `snsHandler` for SNS subscriptions, calling the same handler function
 * as the queue consumer. Import from `asyncaws/lambda` (also exported by `asyncaws`).
 *
 * @example
 * ```ts
 * import { sqsHandler } from "asyncaws/lambda";
 *
 * export const handler = sqsHandler(async (message) => {
 *   console.log(message.MessageId, message.Body);
 * });
 * ```
 *
 * @module lambda
 */

export type { HandlerPayloadOptions } from "../payloads/options.js";
export type {
  InvocationOutcome,
  LambdaErrorInfo,
  LambdaHandlerEmitter,
  LambdaHandlerEvents,
  LambdaHandlerStatus,
} from "./common.js";
export type {
  LambdaContext,
  SnsEvent,
  SnsRecord,
  SnsRecordAttribute,
  SnsRecordNotification,
  SqsBatchItemFailure,
  SqsBatchResponse,
  SqsEvent,
  SqsRecord,
  SqsRecordAttribute,
} from "./events.js";
export type { RecordOutcome, SkipReason } from "./run.js";
export { type SnsLambdaHandler, type SnsLambdaMessage, type SnsLambdaOptions, snsHandler } from "./sns.js";
export {
  messageFromRecord,
  type SqsInvocationOutcome,
  type SqsLambdaHandler,
  type SqsLambdaOptions,
  sqsHandler,
} from "./sqs.js";
