/**
 * `snsHandler`: a Lambda handler for functions subscribed to an SNS topic. Each record's
 * notification is read into the shape `unwrapSns` gives on a queue (the message, its attributes
 * in SQS's shape with binary values as `Uint8Array`, the envelope), optionally verified, and
 * handed to the handler. Each record's run is published on the `asyncaws:process` tracing channel
 * (the topic as its destination), so that `asyncaws/opentelemetry` makes a CONSUMER span of it.
 *
 * SNS invokes Lambda asynchronously: there is no partial response. When a record fails, the
 * handler throws once every record is done, so that Lambda retries the invocation (twice, then
 * the function's on-failure destination or dead-letter queue keeps it): no message is dropped
 * unless `onInvalid: "delete"` says so.
 *
 * @module
 */

import { AsyncAwsError, type ErrorContext, ValidationError } from "../core/errors.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import {
  checkInvalidPolicy,
  checkSchema,
  decodeTyped,
  type InvalidMessagePolicy,
  type SchemaOutput,
  type TypedMessage,
} from "../core/typed.js";
import { traceProcess } from "../observability/process.js";
import {
  parseSnsEnvelope,
  type SnsDelivery,
  type SnsEnvelope,
  toSqsAttributes,
  withDeprecatedDeliveryNames,
} from "../sns/envelope.js";
import { type SnsVerifyOptions, verifySnsMessage } from "../sns/verify/verifier.js";
import type { MessageHandler } from "../sqs/consumer/consumer.js";
import { typedHandler } from "../sqs/typed.js";
import {
  booleanOption,
  count,
  equip,
  type InvocationOutcome,
  type LambdaHandlerEmitter,
  marginOption,
  optionsRecord,
  positiveInteger,
  settler,
} from "./common.js";
import type { LambdaContext, SnsEvent, SnsRecord } from "./events.js";
import { runRecords } from "./run.js";

/** What an SNS handler gets: the notification as published, read from the Lambda record. */
export interface SnsLambdaMessage extends SnsDelivery {
  /** The notification (always there for a Lambda record). */
  Envelope: SnsEnvelope;
  /** The subscription that delivered it. */
  SubscriptionArn: string;
}

/** Options of {@link snsHandler}. All are optional. */
export interface SnsLambdaOptions<M = SnsLambdaMessage> {
  /**
   * Verify each notification's signature with `verifySnsMessage` before handling it (`true`, or
   * its options, such as `topicArns`). A notification that fails verification is a failed
   * record. Lambda's own SNS trigger is already authenticated by AWS; verification matters
   * when events may come from elsewhere.
   * @default false
   */
  verify?: boolean | SnsVerifyOptions | undefined;
  /**
   * Records handled at once.
   * @default all of them (Lambda hands SNS functions one record per invocation)
   */
  concurrency?: number | undefined;
  /**
   * When `context.getRemainingTimeInMillis()` falls below this many milliseconds, the handlers'
   * signals abort, records not started are not started, and the invocation fails (so Lambda
   * retries it) instead of timing out. 0 turns it off.
   * @default 1000
   */
  timeMarginMs?: number | undefined;
  /**
   * A Standard Schema v1 schema: each message is decoded from JSON and validated, and the
   * handler gets the result as `message.value`.
   * @default none
   */
  schema?: StandardSchemaV1 | undefined;
  /**
   * With `schema`: what becomes of a message that is not JSON or that the schema rejects:
   * `"fail"` (the invocation fails, so Lambda retries it and then keeps it in its on-failure
   * destination), `"delete"` (dropped, counted as succeeded), or a function called instead of
   * the handler (resolving drops the message, throwing fails it).
   * @default "fail"
   */
  onInvalid?: InvalidMessagePolicy<M> | undefined;
}

/** The Lambda handler {@link snsHandler} returns, with `on`/`once`/`off` and `status`. */
export type SnsLambdaHandler = ((event: SnsEvent, context?: LambdaContext) => Promise<void>) &
  LambdaHandlerEmitter<SnsLambdaMessage, InvocationOutcome>;

const KNOWN = ["verify", "concurrency", "timeMarginMs", "schema", "onInvalid"] as const;

/** Reads an SNS record of a Lambda event. @throws ValidationError when it is not a notification */
function messageOf(record: SnsRecord, index: number, context: ErrorContext): SnsLambdaMessage {
  const envelope = record?.Sns ? parseSnsEnvelope(record.Sns) : undefined;
  if (!envelope) {
    throw new ValidationError(`event.Records[${index}].Sns`, "an SNS notification", record?.Sns, context);
  }
  return withDeprecatedDeliveryNames({
    Message: envelope.Message,
    MessageAttributes: toSqsAttributes(envelope.MessageAttributes),
    Envelope: envelope,
    SubscriptionArn: typeof record.EventSubscriptionArn === "string" ? record.EventSubscriptionArn : "",
  });
}

/**
 * A Lambda handler for a function subscribed to an SNS topic: `handler(message, { signal,
 * attempt })` for each record (the same handler type as the queue consumer's), with the message
 * as published (`message.Message`), its attributes in SQS's shape (`MessageAttributes`), and the
 * envelope (`Envelope`). When any
 * record fails, it throws after all are done, so that Lambda retries the invocation.
 *
 * @example
 * ```ts
 * import { snsHandler } from "asyncaws/lambda";
 *
 * export const handler = snsHandler(async ({ Message, MessageAttributes }) => {
 *   console.log(MessageAttributes.kind?.StringValue, Message);
 * }, { verify: { topicArns: [process.env.TOPIC_ARN!] } });
 * ```
 */
export function snsHandler<S extends StandardSchemaV1>(
  handler: MessageHandler<TypedMessage<SchemaOutput<S>, SnsLambdaMessage>>,
  // `schema` left out of the intersection: intersecting a deep schema type (arktype's) with
  // `StandardSchemaV1` while inferring it is TS2589 ("excessively deep").
  options: Omit<SnsLambdaOptions, "schema"> & { schema: S },
): SnsLambdaHandler;
export function snsHandler(
  handler: MessageHandler<SnsLambdaMessage>,
  options?: SnsLambdaOptions & { schema?: undefined },
): SnsLambdaHandler;
export function snsHandler(
  handler: MessageHandler<never>,
  options?: SnsLambdaOptions<never>,
): SnsLambdaHandler {
  const setup: ErrorContext = { operation: "snsHandler" };
  if (typeof handler !== "function") throw new ValidationError("handler", "a function", handler, setup);
  const o = optionsRecord(options, KNOWN, setup);
  const concurrency = positiveInteger(o.concurrency, "concurrency", setup);
  const marginMs = marginOption(o.timeMarginMs, setup);
  let verify: SnsVerifyOptions | undefined;
  if (o.verify !== undefined && typeof o.verify !== "boolean") {
    if (o.verify === null || typeof o.verify !== "object") {
      throw new ValidationError("verify", "a boolean or verifySnsMessage's options", o.verify, setup);
    }
    verify = o.verify as SnsVerifyOptions;
  } else if (booleanOption(o.verify, "verify", false, setup)) verify = {};
  const schema = o.schema === undefined ? undefined : checkSchema(o.schema, "schema", setup);
  const policy = checkInvalidPolicy<SnsLambdaMessage>(o.onInvalid, "onInvalid", setup);
  if (schema === undefined && o.onInvalid !== undefined) {
    throw new ValidationError("onInvalid", "given with a schema", o.onInvalid, setup);
  }
  let run = handler as MessageHandler<SnsLambdaMessage>;
  if (schema !== undefined) {
    run = typedHandler<SnsLambdaMessage, unknown>(
      handler as MessageHandler<TypedMessage<unknown, SnsLambdaMessage>>,
      (message) =>
        decodeTyped(schema, message.Message, "Message", {
          operation: "snsHandler",
          resource: message.Envelope.TopicArn,
        }),
      policy,
    );
  }

  const {
    handler: lambdaHandler,
    emitter,
    status,
  } = equip<(event: SnsEvent, context?: LambdaContext) => Promise<void>, SnsLambdaMessage, InvocationOutcome>(
    async (event: SnsEvent, lambda?: LambdaContext): Promise<void> => {
      if (event === null || typeof event !== "object" || !Array.isArray(event.Records)) {
        throw new ValidationError("event", "an SNS event ({ Records: [...] })", event, setup);
      }
      const records = event.Records;
      const context: ErrorContext = {
        operation: "snsHandler",
        resource: records[0]?.Sns?.TopicArn,
      };
      // Every record is read before any handler runs: a malformed event fails whole, untouched.
      const messages = records.map((record, index) => messageOf(record, index, context));
      const outcome: InvocationOutcome = { records: records.length, succeeded: 0, failed: 0, skipped: 0 };
      const { settle, failures: failed } = settler(emitter, messages, outcome);
      await runRecords({
        count: records.length,
        ordering: "parallel",
        concurrency: concurrency ?? Math.max(1, records.length),
        groupOf: () => "",
        lambda,
        marginMs,
        errorContext: context,
        work: (index, signal) => {
          const message = messages[index]!;
          emitter.emit("message", message);
          // One run on the asyncaws:process channel per record (the verification included: a
          // notification that fails it is a failed run), the topic as its destination.
          return traceProcess(
            () => ({
              topicArn: message.Envelope.TopicArn,
              // The notification's id and attributes (where a traceparent rides).
              messages: [
                { MessageId: message.Envelope.MessageId, MessageAttributes: message.MessageAttributes },
              ],
              batch: false,
              attempt: 1,
            }),
            () => {
              const handle = () => run(message, { signal, attempt: 1 });
              if (verify === undefined) return handle();
              return verifySnsMessage(records[index]!.Sns, verify).then(handle);
            },
          );
        },
        settle,
      });
      count(status, outcome);
      emitter.emit("invocation", outcome);
      const failures = outcome.failed + outcome.skipped;
      if (failures > 0) {
        throw new AsyncAwsError(
          `${failures} of ${records.length} SNS records failed; the invocation fails so that Lambda retries it`,
          context,
          { cause: failed.first },
        );
      }
    },
  );
  return lambdaHandler as SnsLambdaHandler;
}
