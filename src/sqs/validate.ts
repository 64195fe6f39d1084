/**
 * SQS input rules, checked before anything goes on the wire. Every failure is a
 * ValidationError naming the field, the rule and the value received.
 *
 * @module
 */

import { utf8Length } from "../core/bytes.js";
import type { ErrorContext } from "../core/errors.js";
import {
  checkAttributeName,
  checkFifoId,
  checkNumberText,
  fail,
  isRecord,
  optionalInteger,
  optionalString,
  optionalStringList,
  optionalStringMap,
  requireString,
} from "../core/validate.js";

type Ctx = ErrorContext;
type Input = Record<string, unknown>;

/** Largest message, body and attributes together: 1 MiB. */
export const MAX_MESSAGE_BYTES = 1_048_576;
/** Most entries in one batch request. */
export const MAX_BATCH_ENTRIES = 10;

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]+)?$/;
// Characters SQS accepts in bodies and string values: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
const BAD_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const LABEL = /^[A-Za-z0-9_-]{1,80}$/;

/** True when a queue URL or name names a FIFO queue. */
export function isFifoQueue(urlOrName: unknown): boolean {
  return typeof urlOrName === "string" && urlOrName.endsWith(".fifo");
}

/** A queue name: 1 to 80 of `[A-Za-z0-9_-]`, FIFO names ending in `.fifo`. */
export function checkQueueName(value: unknown, field: string, ctx: Ctx): string {
  const name = requireString(value, field, ctx);
  if (!QUEUE_NAME.test(name) && !FIFO_QUEUE_NAME.test(name)) {
    fail(
      field,
      "1 to 80 characters of A-Z a-z 0-9 _ - (a FIFO queue name ends in .fifo, within the 80)",
      name,
      ctx,
    );
  }
  return name;
}

/** A queue URL: an absolute http(s) URL. */
export function checkQueueUrl(value: unknown, field: string, ctx: Ctx): string {
  const url = requireString(value, field, ctx);
  if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) fail(field, "an absolute http(s) queue URL", url, ctx);
  return url;
}

function checkText(value: unknown, field: string, ctx: Ctx): string {
  const text = requireString(value, field, ctx);
  const bad = BAD_CHARACTER.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!;
    fail(
      field,
      `only the characters #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF (found U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${bad.index})`,
      text,
      ctx,
    );
  }
  return text;
}

/**
 * Checks message attributes (or system attributes when `system`) and returns their size in
 * bytes as SQS counts it: name, type and value of each.
 */
export function checkMessageAttributes(value: unknown, field: string, ctx: Ctx, system = false): number {
  if (value === undefined) return 0;
  if (!isRecord(value))
    fail(field, "an object of attribute name to { DataType, StringValue | BinaryValue }", value, ctx);
  let count = 0;
  let bytes = 0;
  for (const name in value) {
    count++;
    if (count > 10) fail(field, "at most 10 attributes", `${Object.keys(value).length} attributes`, ctx);
    const path = `${field}.${name}`;
    if (system) {
      if (name !== "AWSTraceHeader") fail(path, "the only system attribute, AWSTraceHeader", name, ctx);
    } else checkAttributeName(name, field, ctx);
    const attribute = value[name];
    if (!isRecord(attribute)) fail(path, "an object { DataType, StringValue | BinaryValue }", attribute, ctx);
    const dataType = requireString(attribute.DataType, `${path}.DataType`, ctx);
    if (dataType.length > 256 || !DATA_TYPE.test(dataType)) {
      fail(`${path}.DataType`, "String, Number or Binary, optionally followed by .label", dataType, ctx);
    }
    if (attribute.StringListValues !== undefined || attribute.BinaryListValues !== undefined) {
      fail(`${path}.StringListValues`, "absent (reserved by SQS, not implemented)", "a list", ctx);
    }
    if (system && !dataType.startsWith("String")) fail(`${path}.DataType`, "String", dataType, ctx);
    bytes += utf8Length(name) + utf8Length(dataType);
    if (dataType.startsWith("Binary")) {
      const binary = attribute.BinaryValue;
      if (!(binary instanceof Uint8Array) || binary.length === 0) {
        fail(`${path}.BinaryValue`, "a non-empty Uint8Array", binary, ctx);
      }
      if (attribute.StringValue !== undefined)
        fail(`${path}.StringValue`, "absent for a Binary attribute", attribute.StringValue, ctx);
      bytes += binary.length;
    } else {
      const text = checkText(attribute.StringValue, `${path}.StringValue`, ctx);
      if (attribute.BinaryValue !== undefined)
        fail(`${path}.BinaryValue`, "absent for a String or Number attribute", "a value", ctx);
      if (dataType.startsWith("Number")) checkNumberText(text, `${path}.StringValue`, ctx);
      bytes += utf8Length(text);
    }
  }
  return bytes;
}

/** Checks one message (SendMessage input or a batch entry) and returns its size in bytes. */
export function checkMessage(entry: Input, prefix: string, fifo: boolean, ctx: Ctx): number {
  const body = checkText(entry.MessageBody, `${prefix}MessageBody`, ctx);
  optionalInteger(entry.DelaySeconds, `${prefix}DelaySeconds`, 0, 900, ctx);
  if (fifo && entry.DelaySeconds !== undefined) {
    fail(
      `${prefix}DelaySeconds`,
      "absent for a FIFO queue (set the delay on the queue)",
      entry.DelaySeconds,
      ctx,
    );
  }
  checkFifoId(entry.MessageGroupId, `${prefix}MessageGroupId`, ctx);
  checkFifoId(entry.MessageDeduplicationId, `${prefix}MessageDeduplicationId`, ctx);
  if (fifo && entry.MessageGroupId === undefined) {
    fail(`${prefix}MessageGroupId`, "set for a FIFO queue", undefined, ctx);
  }
  if (!fifo && entry.MessageDeduplicationId !== undefined) {
    fail(`${prefix}MessageDeduplicationId`, "absent for a standard queue", entry.MessageDeduplicationId, ctx);
  }
  const bytes =
    utf8Length(body) +
    checkMessageAttributes(entry.MessageAttributes, `${prefix}MessageAttributes`, ctx) +
    checkMessageAttributes(entry.MessageSystemAttributes, `${prefix}MessageSystemAttributes`, ctx, true);
  if (bytes > MAX_MESSAGE_BYTES) {
    fail(
      `${prefix}MessageBody`,
      `at most ${MAX_MESSAGE_BYTES} bytes with its attributes`,
      `${bytes} bytes`,
      ctx,
    );
  }
  return bytes;
}

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
export function validateAddPermission(input: Input, ctx: Ctx): void {
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
export function validateCancelMessageMoveTask(input: Input, ctx: Ctx): void {
  requireString(input.TaskHandle, "TaskHandle", ctx);
}

/** Checks ChangeMessageVisibility input. */
export function validateChangeMessageVisibility(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  requireString(input.ReceiptHandle, "ReceiptHandle", ctx);
  if (input.VisibilityTimeout === undefined)
    fail("VisibilityTimeout", "an integer from 0 to 43200", undefined, ctx);
  optionalInteger(input.VisibilityTimeout, "VisibilityTimeout", 0, 43_200, ctx);
}

/** Checks ChangeMessageVisibilityBatch input. */
export function validateChangeMessageVisibilityBatch(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  checkEntries(input.Entries, "Entries", ctx, (entry, prefix) => {
    requireString(entry.ReceiptHandle, `${prefix}ReceiptHandle`, ctx);
    optionalInteger(entry.VisibilityTimeout, `${prefix}VisibilityTimeout`, 0, 43_200, ctx);
  });
}

/** Checks CreateQueue input. */
export function validateCreateQueue(input: Input, ctx: Ctx): void {
  const name = checkQueueName(input.QueueName, "QueueName", ctx);
  const attributes = optionalStringMap(input.Attributes, "Attributes", ctx);
  checkCreateQueueAttributes(name, attributes, ctx);
  checkTags(input.tags, "tags", ctx);
}

/** Checks DeleteMessage input. */
export function validateDeleteMessage(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  requireString(input.ReceiptHandle, "ReceiptHandle", ctx);
}

/** Checks DeleteMessageBatch input. */
export function validateDeleteMessageBatch(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  checkEntries(input.Entries, "Entries", ctx, (entry, prefix) => {
    requireString(entry.ReceiptHandle, `${prefix}ReceiptHandle`, ctx);
  });
}

/** Checks DeleteQueue input. */
export function validateDeleteQueue(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
}

/** Checks GetQueueAttributes input. */
export function validateGetQueueAttributes(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  checkAttributeNames(input.AttributeNames, "AttributeNames", ctx);
}

/** Checks GetQueueUrl input. */
export function validateGetQueueUrl(input: Input, ctx: Ctx): void {
  checkQueueName(input.QueueName, "QueueName", ctx);
  optionalString(input.QueueOwnerAWSAccountId, "QueueOwnerAWSAccountId", ctx);
}

/** Checks ListDeadLetterSourceQueues input. */
export function validateListDeadLetterSourceQueues(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  optionalInteger(input.MaxResults, "MaxResults", 1, 1000, ctx);
  optionalString(input.NextToken, "NextToken", ctx);
}

/** Checks ListMessageMoveTasks input. */
export function validateListMessageMoveTasks(input: Input, ctx: Ctx): void {
  requireString(input.SourceArn, "SourceArn", ctx);
  optionalInteger(input.MaxResults, "MaxResults", 1, 10, ctx);
}

/** Checks ListQueueTags input. */
export function validateListQueueTags(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
}

/** Checks ListQueues input. */
export function validateListQueues(input: Input, ctx: Ctx): void {
  const prefix = optionalString(input.QueueNamePrefix, "QueueNamePrefix", ctx);
  if (prefix !== undefined && prefix.length > 80)
    fail("QueueNamePrefix", "at most 80 characters", prefix, ctx);
  optionalInteger(input.MaxResults, "MaxResults", 1, 1000, ctx);
  optionalString(input.NextToken, "NextToken", ctx);
}

/** Checks PurgeQueue input. */
export function validatePurgeQueue(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
}

/** Checks ReceiveMessage input. */
export function validateReceiveMessage(input: Input, ctx: Ctx): void {
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
export function validateRemovePermission(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  requireString(input.Label, "Label", ctx);
}

/** Checks SendMessage input. */
export function validateSendMessage(input: Input, ctx: Ctx): void {
  const url = checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  checkMessage(input, "", isFifoQueue(url), ctx);
}

/** Checks SendMessageBatch input. */
export function validateSendMessageBatch(input: Input, ctx: Ctx): void {
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
export function validateSetQueueAttributes(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  const attributes = optionalStringMap(input.Attributes, "Attributes", ctx);
  if (!attributes) fail("Attributes", "an object of attribute name to string value", undefined, ctx);
  checkQueueAttributeValues(attributes, QUEUE_ATTRIBUTE_RANGES, ctx);
}

/** Checks StartMessageMoveTask input. */
export function validateStartMessageMoveTask(input: Input, ctx: Ctx): void {
  requireString(input.SourceArn, "SourceArn", ctx);
  optionalString(input.DestinationArn, "DestinationArn", ctx);
  optionalInteger(input.MaxNumberOfMessagesPerSecond, "MaxNumberOfMessagesPerSecond", 1, 500, ctx);
}

/** Checks TagQueue input. */
export function validateTagQueue(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  if (input.Tags === undefined) fail("Tags", "an object of tag key to value", undefined, ctx);
  checkTags(input.Tags, "Tags", ctx);
}

/** Checks UntagQueue input. */
export function validateUntagQueue(input: Input, ctx: Ctx): void {
  checkQueueUrl(input.QueueUrl, "QueueUrl", ctx);
  optionalStringList(input.TagKeys, "TagKeys", ctx, 1);
  if (input.TagKeys === undefined) fail("TagKeys", "a non-empty array of tag keys", undefined, ctx);
}
