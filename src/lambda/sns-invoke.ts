/**
 * One invocation of an {@link snsHandler}: the records read (every one before any handler runs),
 * verified when asked, run under the time guard, and the invocation failed when a record failed.
 * Loaded with `import()` at a handler's first invocation, so that importing `asyncaws` or
 * `asyncaws/lambda` compiles none of it; the handler's options are checked when it is made
 * (`sns.ts`).
 *
 * @module
 */

import { AsyncAwsError, type ErrorContext, ValidationError } from "../core/errors.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import type { InvalidMessagePolicy, TypedMessage } from "../core/typed.js";
import { decodeTyped } from "../core/typed-codec.js";
import { traceProcess } from "../observability/process.js";
import { parseSnsEnvelope, toSqsAttributes, withDeprecatedDeliveryNames } from "../sns/envelope.js";
import { type SnsVerifyOptions, verifySnsMessage } from "../sns/verify/verifier.js";
import type { MessageHandler } from "../sqs/consumer/consumer.js";
import type { Emitter } from "../sqs/consumer/events.js";
import { typedHandler } from "../sqs/typed.js";
import type { InvocationOutcome, LambdaHandlerEvents, LambdaState } from "./common.js";
import type { LambdaContext, SnsEvent, SnsRecord } from "./events.js";
import { runRecords } from "./run.js";
import { count, emitterOf, settler } from "./settle.js";
import type { SnsLambdaMessage, snsHandler } from "./sns.js";

/** What {@link snsHandler} checked of its handler and options (`sns.ts`). */
export interface SnsChecked {
  readonly handler: MessageHandler<SnsLambdaMessage>;
  readonly concurrency: number | undefined;
  readonly marginMs: number;
  /** verifySnsMessage's options, when records are verified. */
  readonly verify: SnsVerifyOptions | undefined;
  readonly schema: StandardSchemaV1 | undefined;
  readonly policy: InvalidMessagePolicy<SnsLambdaMessage>;
  readonly state: LambdaState<SnsLambdaMessage, InvocationOutcome>;
  /** What the first invocation made of them, for every invocation. */
  made?: SnsSetup;
}

/** What an {@link snsHandler} runs each invocation with, made at its first one. */
interface SnsSetup {
  /** The handler, decoding and checking messages when there is a schema. */
  readonly run: MessageHandler<SnsLambdaMessage>;
  readonly emitter: Emitter<LambdaHandlerEvents<SnsLambdaMessage, InvocationOutcome>>;
}

/** Makes what the handler runs with from its checked options. */
function setupOf(c: SnsChecked): SnsSetup {
  const { schema } = c;
  let run = c.handler;
  if (schema !== undefined) {
    run = typedHandler<SnsLambdaMessage, unknown>(
      c.handler as MessageHandler<TypedMessage<unknown, SnsLambdaMessage>>,
      (message) =>
        decodeTyped(schema, message.Message, "Message", {
          operation: "snsHandler",
          resource: message.Envelope.TopicArn,
        }),
      c.policy,
    );
  }
  return { run, emitter: emitterOf(c.state) };
}

const SETUP: ErrorContext = { operation: "snsHandler" };

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

/** Runs one invocation of a handler made by {@link snsHandler}. */
export async function invokeSns(
  c: SnsChecked,
  event: SnsEvent,
  lambda: LambdaContext | undefined,
): Promise<void> {
  c.made ??= setupOf(c);
  const s = c.made;
  if (event === null || typeof event !== "object" || !Array.isArray(event.Records)) {
    throw new ValidationError("event", "an SNS event ({ Records: [...] })", event, SETUP);
  }
  const records = event.Records;
  const context: ErrorContext = {
    operation: "snsHandler",
    resource: records[0]?.Sns?.TopicArn,
  };
  // Every record is read before any handler runs: a malformed event fails whole, untouched.
  const messages = records.map((record, index) => messageOf(record, index, context));
  const outcome: InvocationOutcome = { records: records.length, succeeded: 0, failed: 0, skipped: 0 };
  const { settle, failures: failed } = settler(s.emitter, messages, outcome);
  await runRecords({
    count: records.length,
    ordering: "parallel",
    concurrency: c.concurrency ?? Math.max(1, records.length),
    groupOf: () => "",
    lambda,
    marginMs: c.marginMs,
    errorContext: context,
    work: (index, signal) => {
      const message = messages[index]!;
      s.emitter.emit("message", message);
      // One run on the asyncaws:process channel per record (the verification included: a
      // notification that fails it is a failed run), the topic as its destination.
      return traceProcess(
        () => ({
          topicArn: message.Envelope.TopicArn,
          // The notification's id and attributes (where a traceparent rides).
          messages: [{ MessageId: message.Envelope.MessageId, MessageAttributes: message.MessageAttributes }],
          batch: false,
          attempt: 1,
        }),
        () => {
          const handle = () => s.run(message, { signal, attempt: 1 });
          if (c.verify === undefined) return handle();
          return verifySnsMessage(records[index]!.Sns, c.verify).then(handle);
        },
      );
    },
    settle,
  });
  count(c.state.status, outcome);
  s.emitter.emit("invocation", outcome);
  const failures = outcome.failed + outcome.skipped;
  if (failures > 0) {
    throw new AsyncAwsError(
      `${failures} of ${records.length} SNS records failed; the invocation fails so that Lambda retries it`,
      context,
      { cause: failed.first },
    );
  }
}
