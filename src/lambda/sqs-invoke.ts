/**
 * One invocation of an {@link sqsHandler}: the records read, run (in order on FIFO queues, under
 * the time guard), and the answer built. Loaded with `import()` at a handler's first invocation,
 * so that importing `asyncaws` or `asyncaws/lambda` compiles none of it; the handler's options
 * are checked when it is made (`sqs.ts`).
 *
 * @module
 */

import { AsyncAwsError, type ErrorContext, ValidationError } from "../core/errors.js";
import type { StandardSchemaV1 } from "../core/standard-schema.js";
import type { InvalidMessagePolicy, TypedMessage } from "../core/typed.js";
import { decodeTyped } from "../core/typed-codec.js";
import { traceProcess } from "../observability/process.js";
import { MARKER_ATTRIBUTES, type PayloadPointer } from "../payloads/codec.js";
import type { LambdaPayloads } from "../payloads/lambda.js";
import type { ResolvedLargePayloads } from "../payloads/options.js";
import type { MessageHandler } from "../sqs/consumer/consumer.js";
import type { Emitter } from "../sqs/consumer/events.js";
import { type SnsQueueMessage, unwrapSns } from "../sqs/consumer/sns.js";
import { typedHandler } from "../sqs/typed.js";
import type { Message } from "../sqs/types.js";
import type { LambdaHandlerEvents, LambdaState } from "./common.js";
import type { LambdaContext, SqsBatchResponse, SqsEvent, SqsRecord } from "./events.js";
import { messageFromRecord } from "./record.js";
import { type Ordering, runRecords } from "./run.js";
import { count, emitterOf, settler } from "./settle.js";
import type { SqsInvocationOutcome, sqsHandler } from "./sqs.js";

/** What {@link sqsHandler} checked of its handler and options (`sqs.ts`). */
export interface SqsChecked {
  readonly handler: MessageHandler<never>;
  readonly concurrency: number | undefined;
  readonly fifoMode: "stop" | "group";
  readonly marginMs: number;
  /** `unwrapSns`. */
  readonly sns: boolean;
  readonly throwAll: boolean;
  readonly schema: StandardSchemaV1 | undefined;
  readonly policy: InvalidMessagePolicy<never>;
  readonly largePayloads: ResolvedLargePayloads | undefined;
  readonly state: LambdaState<Message, SqsInvocationOutcome>;
  /** What the first invocation made of them, for every invocation. */
  made?: SqsSetup;
}

/** What an {@link sqsHandler} runs each invocation with, made at its first one. */
interface SqsSetup {
  /** The payload side, loaded on the first record that needs it (again after a failed load). */
  readonly payloadsOf: (resolved: ResolvedLargePayloads) => Promise<LambdaPayloads>;
  /** The message as the handler takes it: unwrapped from SNS, or as it is. */
  readonly transform: (message: Message) => Message | SnsQueueMessage;
  /** The handler, decoding and checking bodies when there is a schema. */
  readonly run: MessageHandler<Message | SnsQueueMessage>;
  readonly emitter: Emitter<LambdaHandlerEvents<Message, SqsInvocationOutcome>>;
}

/** Makes what the handler runs with from its checked options. */
function setupOf(c: SqsChecked): SqsSetup {
  let payloadsLoaded: Promise<LambdaPayloads> | undefined;
  const payloadsOf = (resolved: ResolvedLargePayloads): Promise<LambdaPayloads> => {
    payloadsLoaded ??= import("../payloads/lambda.js").then(
      (m) => m.lambdaPayloads(resolved),
      (error: unknown) => {
        payloadsLoaded = undefined;
        throw error;
      },
    );
    return payloadsLoaded;
  };
  // The handler each record goes to: unwrapped from SNS, decoded, as the options say.
  type In = Message | SnsQueueMessage;
  const { sns, schema } = c;
  const transform: (message: Message) => In = sns ? unwrapSns : (message) => message;
  let run: MessageHandler<In> = c.handler as MessageHandler<In>;
  if (schema !== undefined) {
    run = typedHandler<In, unknown>(
      c.handler as MessageHandler<TypedMessage<unknown, In>>,
      (message) =>
        sns
          ? decodeTyped(schema, (message as SnsQueueMessage).Message, "Message", {
              operation: "sqsHandler",
              resource: (message as SnsQueueMessage).Envelope?.TopicArn,
            })
          : decodeTyped(schema, (message as Message).Body, "Body", {
              operation: "sqsHandler",
              resource: (message as Message).MessageId,
            }),
      c.policy as InvalidMessagePolicy<In>,
    );
  }
  return { payloadsOf, transform, run, emitter: emitterOf(c.state) };
}

const SETUP: ErrorContext = { operation: "sqsHandler" };

/**
 * Whether a message may carry a payload in S3: the marker attribute on the message, or (SNS
 * without raw delivery) in the envelope's body.
 */
function hasPayloadMarker(message: Message): boolean {
  const attributes = message.MessageAttributes;
  if (attributes && MARKER_ATTRIBUTES.some((name) => name in attributes)) return true;
  const body = message.Body;
  return typeof body === "string" && body.includes("PayloadSize") && body.includes('"Notification"');
}

/** Checks the event: an object with a `Records` array of records that each have a `messageId`. */
function recordsOf(event: unknown, context: ErrorContext): SqsRecord[] {
  if (event === null || typeof event !== "object" || !Array.isArray((event as SqsEvent).Records)) {
    throw new ValidationError("event", "an SQS event ({ Records: [...] })", event, context);
  }
  const records = (event as SqsEvent).Records;
  records.forEach((record, index) => {
    if (record === null || typeof record !== "object") {
      throw new ValidationError(`event.Records[${index}]`, "an SQS record", record, context);
    }
    if (typeof record.messageId !== "string" || record.messageId === "") {
      throw new ValidationError(
        `event.Records[${index}].messageId`,
        "a non-empty string (an SQS event record)",
        record.messageId,
        context,
      );
    }
  });
  return records;
}

/** Runs one invocation of a handler made by {@link sqsHandler}. */
export async function invokeSqs(
  c: SqsChecked,
  event: SqsEvent,
  lambda: LambdaContext | undefined,
): Promise<SqsBatchResponse> {
  c.made ??= setupOf(c);
  const s = c.made;
  const records = recordsOf(event, SETUP);
  const arn = records[0]?.eventSourceARN;
  const context: ErrorContext = {
    operation: "sqsHandler",
    resource: typeof arn === "string" ? arn : undefined,
  };
  const fifo = typeof arn === "string" && arn.endsWith(".fifo");
  const messages: Message[] = [];
  const broken: unknown[] = [];
  for (const record of records) {
    try {
      messages.push(messageFromRecord(record));
      broken.push(undefined);
    } catch (error) {
      // Reported as that message's failure (never the whole batch's).
      messages.push({
        MessageId: record.messageId,
        ReceiptHandle: String(record.receiptHandle ?? ""),
        MD5OfBody: String(record.md5OfBody ?? ""),
        Body: String(record.body ?? ""),
      });
      broken.push(error instanceof ValidationError ? error : new AsyncAwsError(String(error), context));
    }
  }
  /** Where each record's payload was in S3 (with largePayloads), for deleteFromS3. */
  const pointers: (PayloadPointer | undefined)[] = [];
  const ordering: Ordering = fifo ? c.fifoMode : "parallel";
  const outcome: SqsInvocationOutcome = {
    records: records.length,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    batchItemFailures: [],
  };
  const { settle, failures } = settler(s.emitter, messages, outcome);
  const outcomes = await runRecords({
    count: records.length,
    ordering,
    concurrency: c.concurrency ?? Math.max(1, records.length),
    groupOf: (index) => messages[index]?.Attributes?.MessageGroupId ?? "",
    lambda,
    marginMs: c.marginMs,
    errorContext: context,
    work: async (index, signal) => {
      let message = messages[index]!;
      if (broken[index] !== undefined) throw broken[index];
      if (c.largePayloads !== undefined && hasPayloadMarker(message)) {
        const resolved = await (await s.payloadsOf(c.largePayloads)).resolve(message, context, signal);
        // A missing object with missingObject: "delete": handled, so Lambda deletes the message.
        if (resolved.skipped) return;
        message = resolved.message;
        messages[index] = message;
        if (resolved.pointer) pointers[index] = resolved.pointer;
      }
      s.emitter.emit("message", message);
      const count = Number(message.Attributes?.ApproximateReceiveCount);
      const attempt = Number.isInteger(count) && count > 0 ? count : 1;
      return traceProcess(
        () => ({
          queueUrl: queueUrlOfArn(records[index]!.eventSourceARN),
          messages: [message],
          batch: false,
          attempt,
        }),
        () => s.run(s.transform(message), { signal, attempt }),
      );
    },
    settle,
  });
  if (c.largePayloads?.deleteFromS3) {
    const done = pointers.filter((pointer, index) => pointer && outcomes[index] === "succeeded");
    if (done.length > 0) await (await s.payloadsOf(c.largePayloads)).deleteObjects(done as PayloadPointer[]);
  }
  const reported = new Set<string>();
  outcomes.forEach((result, index) => {
    const id = records[index]!.messageId;
    if (result !== "succeeded" && !reported.has(id)) {
      reported.add(id);
      outcome.batchItemFailures.push({ itemIdentifier: id });
    }
  });
  count(c.state.status, outcome);
  s.emitter.emit("invocation", outcome);
  if (c.throwAll && records.length > 0 && outcome.succeeded === 0) {
    throw new AsyncAwsError(
      `every record of the batch failed (${records.length}; throwOnFullBatchFailure is set)`,
      context,
      { cause: failures.first },
    );
  }
  return { batchItemFailures: outcome.batchItemFailures.map((item) => ({ ...item })) };
}

/**
 * The queue URL an SQS queue ARN stands for (`arn:aws:sqs:<region>:<account>:<name>`), for the
 * `asyncaws:process` channel; the ARN itself when it is not of that form.
 */
function queueUrlOfArn(arn: unknown): string {
  if (typeof arn !== "string") return "";
  const [, partition, service, region, account, name] = arn.split(":");
  if (service !== "sqs" || !region || !account || !name) return arn;
  const suffix = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sqs.${region}.${suffix}/${account}/${name}`;
}
