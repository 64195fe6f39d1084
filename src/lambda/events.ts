/**
 * The events AWS Lambda hands a function for SQS and SNS triggers, as AWS documents them, and
 * the slice of Lambda's context object the handlers use. Declared here (structurally), so that no
 * `@types/aws-lambda` is needed; its types are assignable to these.
 *
 * @module
 */

/** A message attribute in an SQS record: Lambda's camelCase form, binary values in base64. */
export interface SqsRecordAttribute {
  /** `String`, `Number` or `Binary`, with an optional custom suffix (`Number.float`). */
  dataType: string;
  /** The value of a String or Number attribute. */
  stringValue?: string | undefined;
  /** The value of a Binary attribute, in base64. */
  binaryValue?: string | undefined;
  /** Reserved by SQS; Lambda sends an empty list. */
  stringListValues?: string[] | undefined;
  /** Reserved by SQS; Lambda sends an empty list. */
  binaryListValues?: string[] | undefined;
}

/** One message of an SQS event. */
export interface SqsRecord {
  /** SQS's message id: what `batchItemFailures` names. */
  messageId: string;
  /** The receipt handle (Lambda deletes the message itself). */
  receiptHandle: string;
  /** The body. */
  body: string;
  /** System attributes: `ApproximateReceiveCount`, `SentTimestamp`, `MessageGroupId` (FIFO)... */
  attributes: Record<string, string | undefined>;
  /** Message attributes, by name. */
  messageAttributes: Record<string, SqsRecordAttribute>;
  /** MD5 of the body, hex. */
  md5OfBody: string;
  /** MD5 of the message attributes, hex, when there are some. */
  md5OfMessageAttributes?: string | null | undefined;
  /** `aws:sqs`. */
  eventSource: string;
  /** The queue's ARN (a FIFO queue's name ends in `.fifo`). */
  eventSourceARN: string;
  /** The queue's region. */
  awsRegion: string;
}

/** What Lambda hands a function triggered by an SQS event source mapping. */
export interface SqsEvent {
  /** The messages of the batch, in the order SQS handed them out (per group on FIFO queues). */
  Records: SqsRecord[];
}

/** One failed message in a {@link SqsBatchResponse}. */
export interface SqsBatchItemFailure {
  /** The failed message's `messageId`. */
  itemIdentifier: string;
}

/**
 * What a function with `ReportBatchItemFailures` returns: the messages that failed (they become
 * visible again); the others are deleted. An empty list means the whole batch succeeded.
 */
export interface SqsBatchResponse {
  /** The failed messages, each once. */
  batchItemFailures: SqsBatchItemFailure[];
}

/** A message attribute in an SNS record. */
export interface SnsRecordAttribute {
  /** `String`, `String.Array`, `Number` or `Binary`. */
  Type: string;
  /** The value as text (base64 for Binary). */
  Value: string;
}

/** The notification of an SNS record, as Lambda gives it (`SigningCertUrl`, `Subject: null`). */
export interface SnsRecordNotification {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string | null | undefined;
  Message: string;
  Timestamp: string;
  SignatureVersion?: string | undefined;
  Signature?: string | undefined;
  SigningCertUrl?: string | undefined;
  UnsubscribeUrl?: string | undefined;
  MessageAttributes?: Record<string, SnsRecordAttribute> | undefined;
}

/** One record of an SNS event. */
export interface SnsRecord {
  /** `1.0`. */
  EventVersion: string;
  /** The subscription that delivered it. */
  EventSubscriptionArn: string;
  /** `aws:sns`. */
  EventSource: string;
  /** The notification. */
  Sns: SnsRecordNotification;
}

/** What Lambda hands a function subscribed to an SNS topic (one record per invocation, in practice). */
export interface SnsEvent {
  Records: SnsRecord[];
}

/** The part of Lambda's context object the handlers use; Lambda's own context fits. */
export interface LambdaContext {
  /** Milliseconds left before Lambda stops the invocation. */
  getRemainingTimeInMillis?(): number;
  /** The invocation's request id. */
  awsRequestId?: string;
}
