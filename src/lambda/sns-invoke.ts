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
import { traceProcess } from "../observability/process.js";
import { parseSnsEnvelope, toSqsAttributes, withDeprecatedDeliveryNames } from "../sns/envelope.js";
import { type SnsVerifyOptions, verifySnsMessage } from "../sns/verify/verifier.js";
import type { MessageHandler } from "../sqs/consumer/consumer.js";
import type { Emitter } from "../sqs/consumer/events.js";
import {
  count,
  type InvocationOutcome,
  type LambdaHandlerEvents,
  type LambdaHandlerStatus,
  settler,
} from "./common.js";
import type { LambdaContext, SnsEvent, SnsRecord } from "./events.js";
import { runRecords } from "./run.js";
import type { SnsLambdaMessage, snsHandler } from "./sns.js";

/** What {@link snsHandler} made of its handler and options, for each invocation. */
export interface SnsSetup {
  readonly concurrency: number | undefined;
  readonly marginMs: number;
  /** verifySnsMessage's options, when records are verified. */
  readonly verify: SnsVerifyOptions | undefined;
  /** The handler, decoding and checking messages when there is a schema. */
  readonly run: MessageHandler<SnsLambdaMessage>;
  readonly emitter: Emitter<LambdaHandlerEvents<SnsLambdaMessage, InvocationOutcome>>;
  readonly status: LambdaHandlerStatus;
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
  s: SnsSetup,
  event: SnsEvent,
  lambda: LambdaContext | undefined,
): Promise<void> {
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
    concurrency: s.concurrency ?? Math.max(1, records.length),
    groupOf: () => "",
    lambda,
    marginMs: s.marginMs,
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
          if (s.verify === undefined) return handle();
          return verifySnsMessage(records[index]!.Sns, s.verify).then(handle);
        },
      );
    },
    settle,
  });
  count(s.status, outcome);
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
