/**
 * The SNS validators record: one entry per action, named as the action, checking its input before
 * anything goes on the wire (a ValidationError naming the field, the rule and the value received).
 * `scripts/gen-models.mjs` puts each into the operation table (`operations.ts`); adding an action
 * is adding its entry here. The rules shared with the topic handle and the producer are in
 * `validate.ts`.
 *
 * @module
 */

import type { ErrorContext } from "../core/errors.js";
import {
  fail,
  isRecord,
  optionalBoolean,
  optionalInteger,
  optionalString,
  optionalStringList,
  optionalStringMap,
  requireString,
} from "../core/validate.js";
import {
  checkArn,
  checkMessage,
  checkTopicName,
  isFifoTopic,
  MAX_PUBLISH_BATCH_ENTRIES,
  MAX_PUBLISH_BYTES,
} from "./validate.js";

type Ctx = ErrorContext;
type Input = Record<string, unknown>;

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const SQS_ARN = /^arn:[a-z0-9-]+:sqs:[a-z0-9-]+:[0-9]*:\S+$/;
const LABEL = /^[A-Za-z0-9_-]{1,80}$/;
const PLATFORM_APPLICATION_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const SANDBOX_PHONE_NUMBER = /^(\+[0-9]{8,}|[0-9]{0,9})$/;
const ONE_TIME_PASSWORD = /^[0-9]{5,8}$/;
const PROTOCOLS = new Set([
  "http",
  "https",
  "email",
  "email-json",
  "sms",
  "sqs",
  "application",
  "lambda",
  "firehose",
]);

function optionalArn(value: unknown, field: string, ctx: Ctx): void {
  if (value !== undefined) checkArn(value, field, ctx);
}

function requireMap(value: unknown, field: string, ctx: Ctx): Record<string, string> {
  const map = optionalStringMap(value, field, ctx);
  if (!map) fail(field, "an object of attribute name to string value", value, ctx);
  return map;
}

function requireList(value: unknown, field: string, ctx: Ctx): void {
  if (value === undefined) fail(field, "a non-empty array of strings", value, ctx);
  optionalStringList(value, field, ctx, 1);
}

function checkJson(value: unknown, field: string, ctx: Ctx, object = true): void {
  if (value === undefined || value === "") return;
  const text = requireString(value, field, ctx);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(field, object ? "a JSON object" : "a JSON document", text, ctx);
  }
  if (object && !isRecord(parsed)) fail(field, "a JSON object", text, ctx);
}

function checkBooleanString(value: unknown, field: string, ctx: Ctx): void {
  if (value !== undefined && value !== "true" && value !== "false")
    fail(field, '"true" or "false"', value, ctx);
}

/** Values of the subscription attributes whose form is known (others pass as they are). */
function checkSubscriptionAttribute(name: string, value: unknown, field: string, ctx: Ctx): void {
  switch (name) {
    case "RawMessageDelivery":
      checkBooleanString(value, field, ctx);
      return;
    case "FilterPolicy":
    case "DeliveryPolicy":
    case "RedrivePolicy":
    case "ReplayPolicy":
      checkJson(value, field, ctx);
      return;
    case "FilterPolicyScope":
      if (value !== undefined && value !== "MessageAttributes" && value !== "MessageBody") {
        fail(field, '"MessageAttributes" or "MessageBody"', value, ctx);
      }
  }
}

/** Values of the topic attributes whose form is known (others pass as they are). */
function checkTopicAttribute(name: string, value: unknown, field: string, ctx: Ctx): void {
  switch (name) {
    case "FifoTopic":
    case "ContentBasedDeduplication":
      checkBooleanString(value, field, ctx);
      return;
    case "Policy":
    case "DeliveryPolicy":
      checkJson(value, field, ctx);
      return;
    case "FifoThroughputScope":
      if (value !== undefined && value !== "Topic" && value !== "MessageGroup")
        fail(field, '"Topic" or "MessageGroup"', value, ctx);
      return;
    case "TracingConfig":
      if (value !== undefined && value !== "PassThrough" && value !== "Active")
        fail(field, '"PassThrough" or "Active"', value, ctx);
  }
}

function checkTags(value: unknown, field: string, ctx: Ctx, required: boolean): void {
  if (value === undefined) {
    if (required) fail(field, "an array of { Key, Value }", value, ctx);
    return;
  }
  if (!Array.isArray(value)) fail(field, "an array of { Key, Value }", value, ctx);
  if (value.length > 50) fail(field, "at most 50 tags", `${value.length} tags`, ctx);
  if (required && value.length === 0) fail(field, "at least one tag", value, ctx);
  value.forEach((tag: unknown, i) => {
    if (!isRecord(tag)) fail(`${field}[${i}]`, "an object { Key, Value }", tag, ctx);
    const key = requireString(tag.Key, `${field}[${i}].Key`, ctx);
    if (key.length > 128) fail(`${field}[${i}].Key`, "1 to 128 characters", key, ctx);
    if (typeof tag.Value !== "string") fail(`${field}[${i}].Value`, "a string", tag.Value, ctx);
    if (tag.Value.length > 256) fail(`${field}[${i}].Value`, "at most 256 characters", tag.Value, ctx);
  });
}

function checkResourceArn(value: unknown, ctx: Ctx): void {
  const arn = checkArn(value, "ResourceArn", ctx);
  if (arn.length > 1011) fail("ResourceArn", "at most 1011 characters", arn, ctx);
}

function checkSandboxPhone(value: unknown, ctx: Ctx): void {
  const phone = requireString(value, "PhoneNumber", ctx);
  if (phone.length > 20 || !SANDBOX_PHONE_NUMBER.test(phone)) {
    fail("PhoneNumber", "an E.164 phone number (+ and 8 to 19 digits)", phone, ctx);
  }
}

function nextToken(input: Input, ctx: Ctx, name = "NextToken"): void {
  optionalString(input[name], name, ctx);
}

/** Checks AddPermission input. */
export function AddPermission(input: Input, ctx: Ctx): void {
  checkArn(input.TopicArn, "TopicArn", ctx);
  const label = requireString(input.Label, "Label", ctx);
  if (!LABEL.test(label)) fail("Label", "1 to 80 of A-Z a-z 0-9 _ -", label, ctx);
  requireList(input.AWSAccountId, "AWSAccountId", ctx);
  requireList(input.ActionName, "ActionName", ctx);
}

/** Checks CheckIfPhoneNumberIsOptedOut input. */
export function CheckIfPhoneNumberIsOptedOut(input: Input, ctx: Ctx): void {
  requireString(input.phoneNumber, "phoneNumber", ctx);
}

/** Checks ConfirmSubscription input. */
export function ConfirmSubscription(input: Input, ctx: Ctx): void {
  checkArn(input.TopicArn, "TopicArn", ctx);
  requireString(input.Token, "Token", ctx);
  checkBooleanString(input.AuthenticateOnUnsubscribe, "AuthenticateOnUnsubscribe", ctx);
}

/** Checks CreatePlatformApplication input. */
export function CreatePlatformApplication(input: Input, ctx: Ctx): void {
  const name = requireString(input.Name, "Name", ctx);
  if (!PLATFORM_APPLICATION_NAME.test(name)) fail("Name", "1 to 256 of A-Z a-z 0-9 _ - .", name, ctx);
  requireString(input.Platform, "Platform", ctx);
  requireMap(input.Attributes, "Attributes", ctx);
}

/** Checks CreatePlatformEndpoint input. */
export function CreatePlatformEndpoint(input: Input, ctx: Ctx): void {
  checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
  requireString(input.Token, "Token", ctx);
  optionalString(input.CustomUserData, "CustomUserData", ctx);
  optionalStringMap(input.Attributes, "Attributes", ctx);
}

/** Checks CreateSMSSandboxPhoneNumber input. */
export function CreateSMSSandboxPhoneNumber(input: Input, ctx: Ctx): void {
  checkSandboxPhone(input.PhoneNumber, ctx);
  optionalString(input.LanguageCode, "LanguageCode", ctx);
}

/** Checks CreateTopic input. */
export function CreateTopic(input: Input, ctx: Ctx): void {
  const name = checkTopicName(input.Name, "Name", ctx);
  const attributes = optionalStringMap(input.Attributes, "Attributes", ctx) ?? {};
  for (const key in attributes) checkTopicAttribute(key, attributes[key], `Attributes.${key}`, ctx);
  const fifo = attributes.FifoTopic;
  if (fifo === "true" && !isFifoTopic(name)) fail("Name", "ending in .fifo for a FIFO topic", name, ctx);
  if (fifo !== "true" && isFifoTopic(name)) {
    fail("Attributes.FifoTopic", '"true" for a topic whose name ends in .fifo', fifo, ctx);
  }
  checkTags(input.Tags, "Tags", ctx, false);
  checkJson(input.DataProtectionPolicy, "DataProtectionPolicy", ctx);
}

/** Checks DeleteEndpoint input. */
export function DeleteEndpoint(input: Input, ctx: Ctx): void {
  checkArn(input.EndpointArn, "EndpointArn", ctx);
}

/** Checks DeletePlatformApplication input. */
export function DeletePlatformApplication(input: Input, ctx: Ctx): void {
  checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
}

/** Checks DeleteSMSSandboxPhoneNumber input. */
export function DeleteSMSSandboxPhoneNumber(input: Input, ctx: Ctx): void {
  checkSandboxPhone(input.PhoneNumber, ctx);
}

/** Checks DeleteTopic input. */
export function DeleteTopic(input: Input, ctx: Ctx): void {
  checkArn(input.TopicArn, "TopicArn", ctx);
}

/** Checks GetDataProtectionPolicy input. */
export function GetDataProtectionPolicy(input: Input, ctx: Ctx): void {
  checkResourceArn(input.ResourceArn, ctx);
}

/** Checks GetEndpointAttributes input. */
export function GetEndpointAttributes(input: Input, ctx: Ctx): void {
  checkArn(input.EndpointArn, "EndpointArn", ctx);
}

/** Checks GetPlatformApplicationAttributes input. */
export function GetPlatformApplicationAttributes(input: Input, ctx: Ctx): void {
  checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
}

/** Checks GetSMSAttributes input. */
export function GetSMSAttributes(input: Input, ctx: Ctx): void {
  optionalStringList(input.attributes, "attributes", ctx);
}

/** Checks GetSMSSandboxAccountStatus input. */
export function GetSMSSandboxAccountStatus(): void {}

/** Checks GetSubscriptionAttributes input. */
export function GetSubscriptionAttributes(input: Input, ctx: Ctx): void {
  checkArn(input.SubscriptionArn, "SubscriptionArn", ctx);
}

/** Checks GetTopicAttributes input. */
export function GetTopicAttributes(input: Input, ctx: Ctx): void {
  checkArn(input.TopicArn, "TopicArn", ctx);
}

/** Checks ListEndpointsByPlatformApplication input. */
export function ListEndpointsByPlatformApplication(input: Input, ctx: Ctx): void {
  checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
  nextToken(input, ctx);
}

/** Checks ListOriginationNumbers input. */
export function ListOriginationNumbers(input: Input, ctx: Ctx): void {
  nextToken(input, ctx);
  optionalInteger(input.MaxResults, "MaxResults", 1, 30, ctx);
}

/** Checks ListPhoneNumbersOptedOut input. */
export function ListPhoneNumbersOptedOut(input: Input, ctx: Ctx): void {
  nextToken(input, ctx, "nextToken");
}

/** Checks ListPlatformApplications input. */
export function ListPlatformApplications(input: Input, ctx: Ctx): void {
  nextToken(input, ctx);
}

/** Checks ListSMSSandboxPhoneNumbers input. */
export function ListSMSSandboxPhoneNumbers(input: Input, ctx: Ctx): void {
  nextToken(input, ctx);
  optionalInteger(input.MaxResults, "MaxResults", 1, 100, ctx);
}

/** Checks ListSubscriptions input. */
export function ListSubscriptions(input: Input, ctx: Ctx): void {
  nextToken(input, ctx);
}

/** Checks ListSubscriptionsByTopic input. */
export function ListSubscriptionsByTopic(input: Input, ctx: Ctx): void {
  checkArn(input.TopicArn, "TopicArn", ctx);
  nextToken(input, ctx);
}

/** Checks ListTagsForResource input. */
export function ListTagsForResource(input: Input, ctx: Ctx): void {
  checkResourceArn(input.ResourceArn, ctx);
}

/** Checks ListTopics input. */
export function ListTopics(input: Input, ctx: Ctx): void {
  nextToken(input, ctx);
}

/** Checks OptInPhoneNumber input. */
export function OptInPhoneNumber(input: Input, ctx: Ctx): void {
  requireString(input.phoneNumber, "phoneNumber", ctx);
}

/** Checks Publish input. */
export function Publish(input: Input, ctx: Ctx): void {
  const targets = ["TopicArn", "TargetArn", "PhoneNumber"].filter((key) => input[key] !== undefined);
  if (targets.length !== 1) {
    fail(
      "TopicArn",
      "set, or else exactly one of TargetArn and PhoneNumber",
      targets.length ? targets.join(" and ") : undefined,
      ctx,
    );
  }
  optionalArn(input.TopicArn, "TopicArn", ctx);
  optionalArn(input.TargetArn, "TargetArn", ctx);
  if (input.PhoneNumber !== undefined) requireString(input.PhoneNumber, "PhoneNumber", ctx);
  const target = input.TopicArn ?? input.TargetArn;
  // A TargetArn may name a topic or a mobile endpoint: only a topic's kind is known from its ARN.
  const fifo = isFifoTopic(target) ? true : input.TopicArn !== undefined ? false : undefined;
  checkMessage(input, "", fifo, ctx);
}

/** Checks PublishBatch input. */
export function PublishBatch(input: Input, ctx: Ctx): void {
  const topicArn = checkArn(input.TopicArn, "TopicArn", ctx);
  const fifo = isFifoTopic(topicArn);
  const field = "PublishBatchRequestEntries";
  const entries = input[field];
  if (!Array.isArray(entries)) fail(field, "an array of 1 to 10 entries", entries, ctx);
  if (entries.length < 1 || entries.length > MAX_PUBLISH_BATCH_ENTRIES)
    fail(field, "1 to 10 entries", entries, ctx);
  const ids = new Set<string>();
  let total = 0;
  entries.forEach((entry: unknown, i) => {
    const prefix = `${field}[${i}].`;
    if (!isRecord(entry)) fail(`${field}[${i}]`, "an object", entry, ctx);
    const id = entry.Id;
    if (typeof id !== "string" || !BATCH_ID.test(id))
      fail(`${prefix}Id`, "1 to 80 of A-Z a-z 0-9 _ -", id, ctx);
    if (ids.has(id)) fail(`${prefix}Id`, "unique within the batch", id, ctx);
    ids.add(id);
    total += checkMessage(entry, prefix, fifo, ctx);
  });
  if (total > MAX_PUBLISH_BYTES) {
    fail(
      field,
      `at most ${MAX_PUBLISH_BYTES} bytes (256 KiB) in total, with attributes`,
      `${total} bytes`,
      ctx,
    );
  }
}

/** Checks PutDataProtectionPolicy input. */
export function PutDataProtectionPolicy(input: Input, ctx: Ctx): void {
  checkResourceArn(input.ResourceArn, ctx);
  requireString(input.DataProtectionPolicy, "DataProtectionPolicy", ctx);
  checkJson(input.DataProtectionPolicy, "DataProtectionPolicy", ctx);
}

/** Checks RemovePermission input. */
export function RemovePermission(input: Input, ctx: Ctx): void {
  checkArn(input.TopicArn, "TopicArn", ctx);
  requireString(input.Label, "Label", ctx);
}

/** Checks SetEndpointAttributes input. */
export function SetEndpointAttributes(input: Input, ctx: Ctx): void {
  checkArn(input.EndpointArn, "EndpointArn", ctx);
  requireMap(input.Attributes, "Attributes", ctx);
}

/** Checks SetPlatformApplicationAttributes input. */
export function SetPlatformApplicationAttributes(input: Input, ctx: Ctx): void {
  checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
  requireMap(input.Attributes, "Attributes", ctx);
}

/** Checks SetSMSAttributes input. */
export function SetSMSAttributes(input: Input, ctx: Ctx): void {
  requireMap(input.attributes, "attributes", ctx);
}

/** Checks SetSubscriptionAttributes input. */
export function SetSubscriptionAttributes(input: Input, ctx: Ctx): void {
  checkArn(input.SubscriptionArn, "SubscriptionArn", ctx);
  const name = requireString(input.AttributeName, "AttributeName", ctx);
  optionalString(input.AttributeValue, "AttributeValue", ctx);
  checkSubscriptionAttribute(name, input.AttributeValue, "AttributeValue", ctx);
}

/** Checks SetTopicAttributes input. */
export function SetTopicAttributes(input: Input, ctx: Ctx): void {
  checkArn(input.TopicArn, "TopicArn", ctx);
  const name = requireString(input.AttributeName, "AttributeName", ctx);
  optionalString(input.AttributeValue, "AttributeValue", ctx);
  checkTopicAttribute(name, input.AttributeValue, "AttributeValue", ctx);
}

/** Checks Subscribe input. */
export function Subscribe(input: Input, ctx: Ctx): void {
  checkArn(input.TopicArn, "TopicArn", ctx);
  const protocol = requireString(input.Protocol, "Protocol", ctx);
  if (!PROTOCOLS.has(protocol)) fail("Protocol", `one of ${[...PROTOCOLS].join(", ")}`, protocol, ctx);
  const endpoint = optionalString(input.Endpoint, "Endpoint", ctx);
  if (protocol === "sqs" && (endpoint === undefined || !SQS_ARN.test(endpoint))) {
    fail(
      "Endpoint",
      "the queue's ARN (arn:<partition>:sqs:...), not its URL, for the sqs protocol",
      endpoint,
      ctx,
    );
  }
  const attributes = optionalStringMap(input.Attributes, "Attributes", ctx) ?? {};
  for (const key in attributes) checkSubscriptionAttribute(key, attributes[key], `Attributes.${key}`, ctx);
  optionalBoolean(input.ReturnSubscriptionArn, "ReturnSubscriptionArn", ctx);
}

/** Checks TagResource input. */
export function TagResource(input: Input, ctx: Ctx): void {
  checkResourceArn(input.ResourceArn, ctx);
  checkTags(input.Tags, "Tags", ctx, true);
}

/** Checks Unsubscribe input. */
export function Unsubscribe(input: Input, ctx: Ctx): void {
  checkArn(input.SubscriptionArn, "SubscriptionArn", ctx);
}

/** Checks UntagResource input. */
export function UntagResource(input: Input, ctx: Ctx): void {
  checkResourceArn(input.ResourceArn, ctx);
  requireList(input.TagKeys, "TagKeys", ctx);
  (input.TagKeys as string[]).forEach((key, i) => {
    if (key.length > 128) fail(`TagKeys[${i}]`, "1 to 128 characters", key, ctx);
  });
}

/** Checks VerifySMSSandboxPhoneNumber input. */
export function VerifySMSSandboxPhoneNumber(input: Input, ctx: Ctx): void {
  checkSandboxPhone(input.PhoneNumber, ctx);
  const otp = requireString(input.OneTimePassword, "OneTimePassword", ctx);
  if (!ONE_TIME_PASSWORD.test(otp)) fail("OneTimePassword", "5 to 8 digits", otp, ctx);
}
