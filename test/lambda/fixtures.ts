// Lambda events as AWS documents them (SQS and SNS triggers), and a fake Lambda context.
import type { LambdaContext, SnsEvent, SnsRecord, SqsEvent, SqsRecord } from "../../src/lambda/index.js";

export const QUEUE_ARN = "arn:aws:sqs:us-east-2:123456789012:my-queue";
export const FIFO_ARN = "arn:aws:sqs:us-east-2:123456789012:my-queue.fifo";
export const TOPIC_ARN = "arn:aws:sns:us-east-2:123456789012:sns-lambda";

/** One record of an SQS event, numbered `n`. */
export function sqsRecord(n: number, extra: Partial<SqsRecord> = {}): SqsRecord {
  return {
    messageId: `059f36b4-87a3-44ab-83d2-${String(n).padStart(12, "0")}`,
    receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a${n}...`,
    body: `message ${n}`,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1545082649183",
      SenderId: "AIDAIENQZJOLO23YVJ4VO",
      ApproximateFirstReceiveTimestamp: "1545082649185",
    },
    messageAttributes: {},
    md5OfBody: "e4e68fb7bd0e697a0ae8f1bb342846b3",
    eventSource: "aws:sqs",
    eventSourceARN: QUEUE_ARN,
    awsRegion: "us-east-2",
    ...extra,
  };
}

/** A FIFO record: its group, sequence number and deduplication id. */
export function fifoRecord(n: number, group: string, extra: Partial<SqsRecord> = {}): SqsRecord {
  const base = sqsRecord(n);
  return {
    ...base,
    attributes: {
      ...base.attributes,
      SequenceNumber: String(18849496460467696128n + BigInt(n)),
      MessageGroupId: group,
      MessageDeduplicationId: `dedup-${n}`,
    },
    eventSourceARN: FIFO_ARN,
    ...extra,
  };
}

export function sqsEvent(records: SqsRecord[]): SqsEvent {
  return { Records: records };
}

/** A standard-queue event of `count` records. */
export function manyRecords(count: number): SqsEvent {
  return sqsEvent(Array.from({ length: count }, (_, i) => sqsRecord(i)));
}

/** A fake Lambda context whose time runs out `remainingMs` from now. */
export function fakeContext(remainingMs = 60_000): LambdaContext & { functionName: string } {
  const deadline = Date.now() + remainingMs;
  return {
    functionName: "my-function",
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** The SNS envelope of a message published to a topic (what a queue without raw delivery receives). */
export function snsEnvelope(
  message: string,
  attributes: Record<string, { Type: string; Value: string }> = {},
) {
  return {
    Type: "Notification",
    MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
    TopicArn: TOPIC_ARN,
    Subject: "example subject",
    Message: message,
    Timestamp: "1970-01-01T00:00:00.000Z",
    SignatureVersion: "1",
    Signature: "EXAMPLE",
    SigningCertURL:
      "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
    UnsubscribeURL: `https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:1`,
    MessageAttributes: attributes,
  };
}

/** One record of an SNS event (Lambda's spelling: `SigningCertUrl`, `UnsubscribeUrl`). */
export function snsRecord(message: string, extra: Record<string, unknown> = {}): SnsRecord {
  return {
    EventVersion: "1.0",
    EventSubscriptionArn: `${TOPIC_ARN}:c9135db0-26c4-47ec-8998-413945fb5a96`,
    EventSource: "aws:sns",
    Sns: {
      SignatureVersion: "1",
      Timestamp: "2019-01-02T12:45:07.000Z",
      Signature: "tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==",
      SigningCertUrl:
        "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem",
      MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
      Message: message,
      MessageAttributes: {
        Test: { Type: "String", Value: "TestString" },
        TestBinary: { Type: "Binary", Value: "VGVzdEJpbmFyeQ==" },
      },
      Type: "Notification",
      UnsubscribeUrl: `https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:c9135db0`,
      TopicArn: TOPIC_ARN,
      Subject: "TestInvoke",
      ...extra,
    },
  };
}

export function snsEvent(records: SnsRecord[]): SnsEvent {
  return { Records: records };
}

/**
 * A fake Lambda context that always says `remainingMs` are left: the time guard's timer then
 * trips `remainingMs - margin` after the invocation starts, whatever the machine's load.
 */
export function frozenContext(remainingMs: number): LambdaContext {
  return { awsRequestId: "frozen", getRemainingTimeInMillis: () => remainingMs };
}

/** A promise and its resolver. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
