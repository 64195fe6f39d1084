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
 * The handler's options are checked here, when it is made; what runs each invocation is in
 * `sns-invoke.ts`, loaded with `import()` at the first invocation, so that importing `asyncaws`
 * compiles none of it.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "../core/errors.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import type { InvalidMessagePolicy, SchemaOutput, TypedMessage } from "../core/typed.js";
import type { SnsDelivery, SnsEnvelope } from "../sns/envelope.js";
import type { SnsVerifyOptions } from "../sns/verify/verifier.js";
import type { MessageHandler } from "../sqs/consumer/consumer.js";
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
import type { LambdaContext, SnsEvent } from "./events.js";
import type { SnsChecked } from "./sns-invoke.js";

/** The invocation side (`sns-invoke.ts`), once loaded. */
let invoker: typeof import("./sns-invoke.js") | undefined;
/** Loads the invocation side (again after a failed load). */
function loadInvoker(): Promise<typeof import("./sns-invoke.js")> {
  return import("./sns-invoke.js").then((m) => {
    invoker = m;
    return m;
  });
}

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
   * retries it) instead of timing out. 0 turns it off. The records of an invocation share one
   * signal: a handler that already resolved sees it abort too (see `sqsHandler`'s
   * `timeMarginMs`); once the function has answered, it never aborts.
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
  const { schema, policy } = schemaOptions<SnsLambdaMessage>(o, setup);
  // Each invocation runs in sns-invoke.ts, loaded at the first one (see the module comment),
  // which also makes there the decoding the options ask for.
  const { handler: lambdaHandler, state } = equip<
    (event: SnsEvent, context?: LambdaContext) => Promise<void>,
    SnsLambdaMessage,
    InvocationOutcome
  >((event: SnsEvent, lambda?: LambdaContext): Promise<void> => {
    if (invoker !== undefined) return invoker.invokeSns(checked, event, lambda);
    return loadInvoker().then((m) => m.invokeSns(checked, event, lambda));
  });
  const checked: SnsChecked = {
    handler: handler as MessageHandler<SnsLambdaMessage>,
    concurrency,
    marginMs,
    verify,
    schema,
    policy,
    state,
  };
  return lambdaHandler as SnsLambdaHandler;
}
