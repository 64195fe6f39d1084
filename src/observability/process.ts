/**
 * What a consumer (or a Lambda helper) tells observers about each handler run: one
 * {@link ProcessContext} per run, published on the `asyncaws:process` tracing channel, with
 * OpenTelemetry's messaging attributes. The destination is a queue (the consumer, `sqsHandler`)
 * or a topic (`snsHandler`: a Lambda function subscribed to it). Nothing is made while the
 * channel has no subscriber.
 *
 * @module
 */

import { processChannel } from "./channels.js";
import type { ObservedValue } from "./request.js";

/** The fields of a received SQS message that a process observer reads. */
export interface ProcessedMessage {
  MessageId?: string | undefined;
  Body?: string | undefined;
  Attributes?: Record<string, string | undefined> | undefined;
  MessageAttributes?: Record<string, unknown> | undefined;
}

/** One handler run, as observers see it on the `asyncaws:process` channel. */
export interface ProcessContext {
  /** The queue's URL (a consumer's or `sqsHandler`'s run); undefined for a topic's. */
  readonly queueUrl: string | undefined;
  /** The topic's ARN (an `snsHandler` run: the function is subscribed to it); else undefined. */
  readonly topicArn: string | undefined;
  /**
   * The messages handed to the handler, as SQS delivered them (one, or a batch); for a topic,
   * the notification's id and attributes in SQS's shape.
   */
  readonly messages: readonly ProcessedMessage[];
  /** The message id (of the first message of a batch). */
  readonly messageId: string | undefined;
  /** The delivery attempt of the (first) message, from 1: its `ApproximateReceiveCount`. */
  readonly attempt: number;
  /** Whether the handler got a batch. */
  readonly batch: boolean;
  /** `process <queue>` (or `process <topic>`). */
  readonly spanName: string;
  /** Always `consumer`. */
  readonly spanKind: "consumer";
  /**
   * OpenTelemetry's attributes: `messaging.system` (`aws_sqs`, or `aws.sns` for a topic),
   * `messaging.operation.name` and `messaging.operation.type` (`process`),
   * `messaging.destination.name`, `aws.sqs.queue.url` (or `aws.sns.topic.arn`),
   * `messaging.message.id` (one message) or `messaging.batch.message_count` (a batch),
   * and `error.type` after a failure.
   */
  readonly attributes: Record<string, ObservedValue>;
  /** When the handler began, in milliseconds since the epoch. */
  readonly startTime: number;
  /** `success` when the handler resolved, `failure` when it threw. */
  outcome: "success" | "failure" | undefined;
  /** How long the handler ran, in milliseconds. */
  durationMs: number | undefined;
  /**
   * Set by a `start` subscriber to run the handler inside a context of its own (the
   * OpenTelemetry entry runs it with the process span active).
   */
  bind: (<T>(run: () => T) => T) | undefined;
  /** What the handler returned. */
  result?: unknown;
  /** What the handler threw. */
  error?: unknown;
}

/** Where and what a handler run processes: a queue's messages, or a topic's (`topicArn`). */
export interface ProcessInfo {
  queueUrl?: string | undefined;
  /** For a run of a topic's notification (`snsHandler`), instead of `queueUrl`. */
  topicArn?: string | undefined;
  messages: readonly ProcessedMessage[];
  batch: boolean;
  /** The delivery attempt, when the caller knows it (else read from ApproximateReceiveCount). */
  attempt?: number | undefined;
}

function attemptOf(message: ProcessedMessage | undefined): number {
  const count = Number(message?.Attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** The name of a queue from its URL (its last path segment). */
function queueName(url: string): string {
  const trimmed = url.endsWith("/") ? url.slice(0, -1) : url;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/**
 * Runs a handler, published on the `asyncaws:process` channel when it has subscribers (else it
 * just runs `handler`). For consumers and the Lambda helpers.
 */
export function traceProcess<T>(info: () => ProcessInfo, handler: () => T | Promise<T>): Promise<T> {
  const channel = processChannel();
  if (channel === undefined) {
    try {
      return Promise.resolve(handler());
    } catch (error) {
      return Promise.reject(error);
    }
  }
  const { queueUrl, topicArn, messages, batch, attempt } = info();
  const name =
    topicArn !== undefined ? topicArn.slice(topicArn.lastIndexOf(":") + 1) : queueName(queueUrl ?? "");
  const first = messages[0];
  const attributes: Record<string, ObservedValue> =
    topicArn !== undefined
      ? {
          "messaging.system": "aws.sns",
          "messaging.operation.name": "process",
          "messaging.operation.type": "process",
          "messaging.destination.name": name,
          "aws.sns.topic.arn": topicArn,
        }
      : {
          "messaging.system": "aws_sqs",
          "messaging.operation.name": "process",
          "messaging.operation.type": "process",
          "messaging.destination.name": name,
          "aws.sqs.queue.url": queueUrl ?? "",
        };
  if (batch) attributes["messaging.batch.message_count"] = messages.length;
  else if (first?.MessageId) attributes["messaging.message.id"] = first.MessageId;
  const context: ProcessContext = {
    queueUrl: topicArn !== undefined ? undefined : (queueUrl ?? ""),
    topicArn,
    messages,
    messageId: first?.MessageId,
    attempt: attempt ?? attemptOf(first),
    batch,
    spanName: `process ${name}`,
    spanKind: "consumer",
    attributes,
    startTime: Date.now(),
    outcome: undefined,
    durationMs: undefined,
    bind: undefined,
  };
  const began = performance.now();
  return channel.tracePromise(async () => {
    try {
      const result = await (context.bind ? context.bind(handler) : handler());
      context.outcome = "success";
      context.result = result;
      return result;
    } catch (error) {
      context.outcome = "failure";
      context.error = error;
      const e = error as { code?: unknown; name?: unknown } | null;
      attributes["error.type"] =
        typeof e?.code === "string" ? e.code : typeof e?.name === "string" ? e.name : "Error";
      throw error;
    } finally {
      context.durationMs = performance.now() - began;
    }
  }, context);
}
