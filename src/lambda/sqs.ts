/**
 * `sqsHandler`: a Lambda handler for SQS event source mappings that calls the consumer's handler
 * once per message, with the consumer's message shape, and answers Lambda with the messages that
 * failed (`ReportBatchItemFailures`), so that only those come back.
 *
 * The rules of Lambda's contract it keeps: an empty `batchItemFailures` means the whole batch
 * succeeded; an item with a missing or empty `itemIdentifier`, or a thrown error, makes the whole
 * batch visible again. So a message's failure never throws: each failed message's id is reported
 * once, and only ids of this batch. An event that is not an SQS event throws before any handler
 * runs (nothing was done, so the whole batch may safely come back).
 *
 * The handler's options are checked here, when it is made; what runs each invocation (reading the
 * records, the time guard, FIFO order, the answer) is in `sqs-invoke.ts`, loaded with `import()`
 * at the first invocation, so that importing `asyncaws` compiles none of it.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "../core/errors.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import type { InvalidMessagePolicy, SchemaOutput, TypedMessage } from "../core/typed.js";
import { type HandlerPayloadOptions, resolveHandlerPayloads } from "../payloads/options.js";
import type { MessageHandler } from "../sqs/consumer/consumer.js";
import type { SnsQueueMessage } from "../sqs/consumer/sns.js";
import type { Message } from "../sqs/types.js";
import {
  booleanOption,
  equip,
  type InvocationOutcome,
  type LambdaHandlerEmitter,
  marginOption,
  optionsRecord,
  positiveInteger,
  schemaOptions,
} from "./common.js";
import type { LambdaContext, SqsBatchItemFailure, SqsBatchResponse, SqsEvent } from "./events.js";
import type { SqsChecked } from "./sqs-invoke.js";

export { messageFromRecord } from "./record.js";

/** The invocation side (`sqs-invoke.ts`), once loaded. */
let invoker: typeof import("./sqs-invoke.js") | undefined;
/** Loads the invocation side (again after a failed load). */
function loadInvoker(): Promise<typeof import("./sqs-invoke.js")> {
  return import("./sqs-invoke.js").then((m) => {
    invoker = m;
    return m;
  });
}

/** Options of {@link sqsHandler}. All are optional. */
export interface SqsLambdaOptions<M = Message> {
  /**
   * Records handled at once on a standard queue; on a FIFO queue with `fifo: "group"`, message
   * groups handled at once.
   * @default every record of the batch at once
   */
  concurrency?: number | undefined;
  /**
   * FIFO queues (the event source ARN ends in `.fifo`), records are always handled in order:
   * - `"stop"`: one at a time; the first failure fails every later record of the batch unhandled
   *   (AWS's rule for FIFO queues with partial batch responses);
   * - `"group"`: each message group in order, groups in parallel (up to `concurrency`); a failure
   *   fails only the later records of its own group, and the other groups go on.
   * @default "stop"
   */
  fifo?: "stop" | "group" | undefined;
  /**
   * The time guard: when `context.getRemainingTimeInMillis()` falls below this many
   * milliseconds, records not started yet are reported failed unhandled, running handlers'
   * signals abort and their records are reported failed, and the function answers, instead of
   * being cut off by Lambda's timeout (which would bring the whole batch back). 0 turns it off.
   *
   * The records of an invocation share one signal (an `AbortController` per record cost more
   * than the rest of a record's handling). So when the guard trips, a handler that already
   * resolved sees it too: its signal reads aborted, abort listeners it left on it run, and work it
   * left running with it is cancelled; its record stays succeeded. Remove such listeners when the
   * handler ends, and keep no work running with the signal past the handler (Lambda freezes the
   * environment once the function answers anyway). Once the function has answered, the signal
   * never aborts.
   * @default 1000
   */
  timeMarginMs?: number | undefined;
  /**
   * Hand the handler the message as published to SNS (the envelope of a queue subscribed
   * without raw delivery parsed; raw deliveries pass through), with the SQS message as
   * `SqsMessage`.
   * @default false
   */
  unwrapSns?: boolean | undefined;
  /**
   * A Standard Schema v1 schema (zod, valibot, arktype...): each body (or SNS message, with
   * `unwrapSns`) is decoded from JSON and validated, and the handler gets the result as
   * `message.value`.
   * @default none: no decoding
   */
  schema?: StandardSchemaV1 | undefined;
  /**
   * With `schema`: what becomes of a message that is not JSON or that the schema rejects:
   * `"fail"` (reported failed, so the redrive policy moves it to the dead-letter queue in time),
   * `"delete"` (counted as succeeded, so Lambda deletes it), or a function called instead of the
   * handler (resolving deletes the message, throwing fails it).
   * @default "fail"
   */
  onInvalid?: InvalidMessagePolicy<M> | undefined;
  /**
   * Throw when every record of a batch failed, instead of reporting them all. The messages come
   * back either way; throwing also makes the invocation an error in Lambda's metrics. Off by
   * default (Powertools for AWS Lambda throws by default): whether an invocation counts as an
   * error would then depend on the batch size (with batches of one, every failure is an error;
   * with batches of ten, only ten failures in a row), which makes the Errors metric an unsteady
   * signal; the `failed` and `invocation` events count every failure instead.
   * @default false
   */
  throwOnFullBatchFailure?: boolean | undefined;
  /**
   * Messages of any size through S3, as an SQS client's `largePayloads` reads them (the format of
   * AWS's extended client libraries): a record whose body is a pointer (it has the
   * `ExtendedPayloadSize` or `SQSLargePayloadSize` attribute) is fetched from S3 before its
   * handler runs, within the record's turn and under the time guard, and the handler gets the
   * payload, the marker removed; without raw delivery, an SNS envelope's `Message` is replaced by
   * the payload. A record whose payload cannot be fetched fails without its handler (with
   * `missingObject: "delete"`, a missing object counts as handled instead, so Lambda deletes the
   * message). `true` uses an S3 client made from the environment (region, credentials); an object
   * gives its options (`s3`, `missingObject`, `onError`, `deleteFromS3`), and an SQS client's
   * `largePayloads` object may be given as it is. S3 objects are kept unless `deleteFromS3` is
   * true (see {@link HandlerPayloadOptions.deleteFromS3} for why).
   * @default false
   */
  largePayloads?: boolean | HandlerPayloadOptions | undefined;
}

/** What one SQS invocation did, with the response it gave Lambda. */
export interface SqsInvocationOutcome extends InvocationOutcome {
  /** The failed and skipped records' ids, as returned to Lambda. */
  batchItemFailures: SqsBatchItemFailure[];
}

/**
 * The Lambda handler {@link sqsHandler} returns: call it with the event and the context; it also
 * has `on`/`once`/`off` for the per-message and per-invocation events, and `status`.
 */
export type SqsLambdaHandler = ((event: SqsEvent, context?: LambdaContext) => Promise<SqsBatchResponse>) &
  LambdaHandlerEmitter<Message, SqsInvocationOutcome>;

const KNOWN = [
  "concurrency",
  "fifo",
  "timeMarginMs",
  "unwrapSns",
  "schema",
  "onInvalid",
  "throwOnFullBatchFailure",
  "largePayloads",
] as const;

/**
 * The options beside a schema, in the typed overloads: `schema` left out of the intersection,
 * which would otherwise make TypeScript intersect a deep schema type (arktype's) with
 * `StandardSchemaV1` while inferring it (TS2589, "excessively deep").
 */
type SchemaOptions<M> = Omit<SqsLambdaOptions<M>, "schema" | "unwrapSns">;

/**
 * A Lambda handler for an SQS event source mapping (which must have `ReportBatchItemFailures`
 * in its `FunctionResponseTypes`). It calls `handler(message, { signal, attempt })` for each
 * record, with the message in the consumer's shape (so one handler serves `queue.consume(handler)`
 * and `sqsHandler(handler)`), and returns `{ batchItemFailures }` naming each message whose
 * handler threw, was cut off by the time guard, or did not run (time guard, FIFO order).
 *
 * Standard queues: every record at once (or `concurrency`). FIFO queues: in order, see `fifo`.
 * Options are checked when it is made (a ValidationError naming the value received).
 *
 * @example
 * ```ts
 * import { sqsHandler } from "asyncaws/lambda";
 *
 * export const handler = sqsHandler(async (message, { signal }) => {
 *   await save(JSON.parse(message.Body!), { signal });
 * });
 * handler.on("invocation", ({ succeeded, failed, skipped }) => console.log({ succeeded, failed, skipped }));
 * ```
 */
export function sqsHandler<S extends StandardSchemaV1>(
  handler: MessageHandler<TypedMessage<SchemaOutput<S>, SnsQueueMessage>>,
  options: SchemaOptions<SnsQueueMessage> & { schema: S; unwrapSns: true },
): SqsLambdaHandler;
export function sqsHandler<S extends StandardSchemaV1>(
  handler: MessageHandler<TypedMessage<SchemaOutput<S>, Message>>,
  options: SchemaOptions<Message> & { schema: S; unwrapSns?: false | undefined },
): SqsLambdaHandler;
export function sqsHandler(
  handler: MessageHandler<SnsQueueMessage>,
  options: SqsLambdaOptions<SnsQueueMessage> & { unwrapSns: true; schema?: undefined },
): SqsLambdaHandler;
export function sqsHandler(
  handler: MessageHandler<Message>,
  options?: SqsLambdaOptions<Message> & { unwrapSns?: false | undefined; schema?: undefined },
): SqsLambdaHandler;
export function sqsHandler(
  handler: MessageHandler<never>,
  options?: SqsLambdaOptions<never>,
): SqsLambdaHandler {
  const setup: ErrorContext = { operation: "sqsHandler" };
  if (typeof handler !== "function") throw new ValidationError("handler", "a function", handler, setup);
  const o = optionsRecord(options, KNOWN, setup);
  const concurrency = positiveInteger(o.concurrency, "concurrency", setup);
  const fifoMode = o.fifo ?? "stop";
  if (fifoMode !== "stop" && fifoMode !== "group") {
    throw new ValidationError("fifo", '"stop" or "group"', o.fifo, setup);
  }
  const marginMs = marginOption(o.timeMarginMs, setup);
  const sns = booleanOption(o.unwrapSns, "unwrapSns", false, setup);
  const throwAll = booleanOption(o.throwOnFullBatchFailure, "throwOnFullBatchFailure", false, setup);
  const { schema, policy } = schemaOptions<never>(o, setup);
  const largePayloads = resolveHandlerPayloads(o.largePayloads);
  // Each invocation runs in sqs-invoke.ts, loaded at the first one (see the module comment),
  // which also makes there what the options ask for (SNS unwrapping, decoding, the payload side).
  const { handler: lambdaHandler, state } = equip<
    (event: SqsEvent, context?: LambdaContext) => Promise<SqsBatchResponse>,
    Message,
    SqsInvocationOutcome
  >((event: SqsEvent, lambda?: LambdaContext): Promise<SqsBatchResponse> => {
    if (invoker !== undefined) return invoker.invokeSqs(checked, event, lambda);
    return loadInvoker().then((m) => m.invokeSqs(checked, event, lambda));
  });
  const checked: SqsChecked = {
    handler: handler as MessageHandler<never>,
    concurrency,
    fifoMode,
    marginMs,
    sns,
    throwAll,
    schema,
    policy,
    largePayloads,
    state,
  };
  return lambdaHandler as SqsLambdaHandler;
}
