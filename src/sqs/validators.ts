/**
 * The SQS validators record: one entry per action, named as the action, checking its input before
 * anything goes on the wire (a ValidationError naming the field, the rule and the value received).
 * `scripts/gen-models.mjs` puts each into the operation table (`operations.ts`); adding an action
 * is adding its entry here. The rules shared with the queue handle and the producer are in
 * `validate.ts`.
 *
 * @module
 */

import type { ErrorContext } from "../core/errors.js";
import {
  checkFifoId,
  fail,
  isRecord,
  optionalInteger,
  optionalString,
  optionalStringList,
  optionalStringMap,
  requireString,
} from "../core/validate.js";
import {
  checkMessage,
  checkQueueName,
  checkQueueUrl,
  isFifoQueue,
  MAX_BATCH_ENTRIES,
  MAX_MESSAGE_BYTES,
} from "./validate.js";

type Ctx = ErrorContext;
type Input = Record<string, unknown>;

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const LABEL = /^[A-Za-z0-9_-]{1,80}$/;

function checkEntries(
  value: unknown,
  field: string,
  ctx: Ctx,
  each: (entry: Input, prefix: string) => void,
): void {
  if (!Array.isArray(value)) fail(field, "an array of 1 to 10 entries", value, ctx);
  if (value.length < 1 || value.length > MAX_BATCH_ENTRIES) fail(field, "1 to 10 entries", value, ctx);
  const ids = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const prefix = `${field}[${i}].`;
    if (!isRecord(entry)) fail(`${field}[${i}]`, "an object", entry, ctx);
    const id = entry.Id;
    if (typeof id !== "string" || !BATCH_ID.test(id))
      fail(`${prefix}Id`, "1 to 80 of A-Z a-z 0-9 _ -", id, ctx);
    if (ids.has(id)) fail(`${prefix}Id`, "unique within the batch", id, ctx);
    ids.add(id);
    each(entry, prefix);
  });
}

function checkAttributeNames(value: unknown, field: string, ctx: Ctx): void {
  optionalStringList(value, field, ctx);
}

function checkTags(value: unknown, field: string, ctx: Ctx): void {
  const tags = optionalStringMap(value, field, ctx);
  if (!tags) return;
  const keys = Object.keys(tags);
  if (keys.length > 50) fail(field, "at most 50 tags", `${keys.length} tags`, ctx);
  for (const key of keys) {
    if (key.length < 1 || key.length > 128) fail(`${field} key`, "1 to 128 characters", key, ctx);
    if (tags[key]!.length > 256) fail(`${field}.${key}`, "at most 256 characters", tags[key], ctx);
  }
}

const QUEUE_ATTRIBUTE_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

function checkCreateQueueAttributes(
  name: string,
  attributes: Record<string, string> | undefined,
  ctx: Ctx,
): void {
  const fifo = attributes?.FifoQueue;
  if (fifo !== undefined && fifo !== "true" && fifo !== "false") {
    fail("Attributes.FifoQueue", '"true" or "false"', fifo, ctx);
  }
  if (fifo === "true" && !name.endsWith(".fifo"))
    fail("QueueName", "ending in .fifo for a FIFO queue", name, ctx);
  if (fifo !== "true" && name.endsWith(".fifo")) {
    fail("Attributes.FifoQueue", '"true" for a queue whose name ends in .fifo', fifo, ctx);
  }
  checkQueueAttributeValues(attributes, QUEUE_ATTRIBUTE_RANGES, ctx);
}

function checkQueueAttributeValues(
  attributes: Record<string, string> | undefined,
  ranges: Record<string, [number, number]>,
  ctx: Ctx,
): void {
  if (!attributes) return;
  for (const key in ranges) {
    const text = attributes[key];
    if (text === undefined) continue;
    const [min, max] = ranges[key]!;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max)
      fail(`Attributes.${key}`, `an integer from ${min} to ${max}, as a string`, text, ctx);
  }
  for (const key of ["RedrivePolicy", "RedriveAllowPolicy", "Policy"]) {
    const text = attributes[key];
    if (text === undefined || text === "") continue;
    try {
      JSON.parse(text);
    } catch {
      fail(`Attributes.${key}`, "a JSON document", text, ctx);
    }
  }
}

/** Checks AddPermission input. */
export function AddPermission(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  const label = requireString(input.Label, "Label", ctx);
  if (!LABEL.test(label)) fail("Label", "1 to 80 of A-Z a-z 0-9 _ -", label, ctx);
  optionalStringList(input.AWSAccountIds, "AWSAccountIds", ctx, 1);
  if (input.AWSAccountIds === undefined)
    fail("AWSAccountIds", "a non-empty array of account ids", undefined, ctx);
  optionalStringList(input.Actions, "Actions", ctx, 1);
  if (input.Actions === undefined) fail("Actions", "a non-empty array of action names", undefined, ctx);
}

/** Checks CancelMessageMoveTask input. */
export function CancelMessageMoveTask(input: Input, ctx: Ctx): void {
  requireString(input.TaskHandle, "TaskHandle", ctx);
}

/** Checks ChangeMessageVisibility input. */
export function ChangeMessageVisibility(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  requireString(input.ReceiptHandle, "ReceiptHandle", ctx);
  if (input.VisibilityTimeout === undefined)
    fail("VisibilityTimeout", "an integer from 0 to 43200", undefined, ctx);
  optionalInteger(input.VisibilityTimeout, "VisibilityTimeout", 0, 43_200, ctx);
}

/** Checks ChangeMessageVisibilityBatch input. */
export function ChangeMessageVisibilityBatch(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  checkEntries(input.Entries, "Entries", ctx, (entry, prefix) => {
    requireString(entry.ReceiptHandle, `${prefix}ReceiptHandle`, ctx);
    optionalInteger(entry.VisibilityTimeout, `${prefix}VisibilityTimeout`, 0, 43_200, ctx);
  });
}

/** Checks CreateQueue input. */
export function CreateQueue(input: Input, ctx: Ctx): void {
  const name = checkQueueName(input.QueueName, "QueueName", ctx);
  const attributes = optionalStringMap(input.Attributes, "Attributes", ctx);
  checkCreateQueueAttributes(name, attributes, ctx);
  checkTags(input.tags, "tags", ctx);
}

/** Checks DeleteMessage input. */
export function DeleteMessage(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  requireString(input.ReceiptHandle, "ReceiptHandle", ctx);
}

/** Checks DeleteMessageBatch input. */
export function DeleteMessageBatch(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  checkEntries(input.Entries, "Entries", ctx, (entry, prefix) => {
    requireString(entry.ReceiptHandle, `${prefix}ReceiptHandle`, ctx);
  });
}

/** Checks DeleteQueue input. */
export function DeleteQueue(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
}

/** Checks GetQueueAttributes input. */
export function GetQueueAttributes(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  checkAttributeNames(input.AttributeNames, "AttributeNames", ctx);
}

/** Checks GetQueueUrl input. */
export function GetQueueUrl(input: Input, ctx: Ctx): void {
  checkQueueName(input.QueueName, "QueueName", ctx);
  optionalString(input.QueueOwnerAWSAccountId, "QueueOwnerAWSAccountId", ctx);
}

/** Checks ListDeadLetterSourceQueues input. */
export function ListDeadLetterSourceQueues(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  optionalInteger(input.MaxResults, "MaxResults", 1, 1000, ctx);
  optionalString(input.NextToken, "NextToken", ctx);
}

/** Checks ListMessageMoveTasks input. */
export function ListMessageMoveTasks(input: Input, ctx: Ctx): void {
  requireString(input.SourceArn, "SourceArn", ctx);
  optionalInteger(input.MaxResults, "MaxResults", 1, 10, ctx);
}

/** Checks ListQueueTags input. */
export function ListQueueTags(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
}

/** Checks ListQueues input. */
export function ListQueues(input: Input, ctx: Ctx): void {
  const prefix = optionalString(input.QueueNamePrefix, "QueueNamePrefix", ctx);
  if (prefix !== undefined && prefix.length > 80)
    fail("QueueNamePrefix", "at most 80 characters", prefix, ctx);
  optionalInteger(input.MaxResults, "MaxResults", 1, 1000, ctx);
  optionalString(input.NextToken, "NextToken", ctx);
}

/** Checks PurgeQueue input. */
export function PurgeQueue(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
}

/** Checks ReceiveMessage input. */
export function ReceiveMessage(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  optionalInteger(input.MaxNumberOfMessages, "MaxNumberOfMessages", 1, 10, ctx);
  optionalInteger(input.VisibilityTimeout, "VisibilityTimeout", 0, 43_200, ctx);
  optionalInteger(input.WaitTimeSeconds, "WaitTimeSeconds", 0, 20, ctx);
  checkAttributeNames(input.AttributeNames, "AttributeNames", ctx);
  checkAttributeNames(input.MessageSystemAttributeNames, "MessageSystemAttributeNames", ctx);
  checkAttributeNames(input.MessageAttributeNames, "MessageAttributeNames", ctx);
  checkFifoId(input.ReceiveRequestAttemptId, "ReceiveRequestAttemptId", ctx);
}

/** Checks RemovePermission input. */
export function RemovePermission(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  requireString(input.Label, "Label", ctx);
}

/** Checks SendMessage input. */
export function SendMessage(input: Input, ctx: Ctx): void {
  const url = checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  checkMessage(input, "", isFifoQueue(url), ctx);
}

/** Checks SendMessageBatch input. */
export function SendMessageBatch(input: Input, ctx: Ctx): void {
  const url = checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  const fifo = isFifoQueue(url);
  let total = 0;
  checkEntries(input.Entries, "Entries", ctx, (entry, prefix) => {
    total += checkMessage(entry, prefix, fifo, ctx);
  });
  if (total > MAX_MESSAGE_BYTES) {
    fail(
      "Entries",
      `at most ${MAX_MESSAGE_BYTES} bytes in total, bodies and attributes`,
      `${total} bytes`,
      ctx,
    );
  }
}

/** Checks SetQueueAttributes input. */
export function SetQueueAttributes(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  const attributes = optionalStringMap(input.Attributes, "Attributes", ctx);
  if (!attributes) fail("Attributes", "an object of attribute name to string value", undefined, ctx);
  checkQueueAttributeValues(attributes, QUEUE_ATTRIBUTE_RANGES, ctx);
}

/** Checks StartMessageMoveTask input. */
export function StartMessageMoveTask(input: Input, ctx: Ctx): void {
  requireString(input.SourceArn, "SourceArn", ctx);
  optionalString(input.DestinationArn, "DestinationArn", ctx);
  optionalInteger(input.MaxNumberOfMessagesPerSecond, "MaxNumberOfMessagesPerSecond", 1, 500, ctx);
}

/** Checks TagQueue input. */
export function TagQueue(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  if (input.Tags === undefined) fail("Tags", "an object of tag key to value", undefined, ctx);
  checkTags(input.Tags, "Tags", ctx);
}

/** Checks UntagQueue input. */
export function UntagQueue(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  optionalStringList(input.TagKeys, "TagKeys", ctx, 1);
  if (input.TagKeys === undefined) fail("TagKeys", "a non-empty array of tag keys", undefined, ctx);
}
