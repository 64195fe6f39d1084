/**
 * SNS input rules, checked before anything goes on the wire. Every failure is a ValidationError
 * naming the field, the rule and the value received.
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
  optionalBoolean,
  optionalInteger,
  optionalString,
  optionalStringList,
  optionalStringMap,
  requireString,
} from "../core/validate.js";

type Ctx = ErrorContext;
type Input = Record<string, unknown>;

/** Largest message, its attributes included: 256 KiB. Also the most a PublishBatch may carry in total. */
export const MAX_PUBLISH_BYTES = 262_144;
/** Most entries in one PublishBatch request. */
export const MAX_PUBLISH_BATCH_ENTRIES = 10;

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const DATA_TYPES = new Set(["String", "String.Array", "Number", "Binary"]);
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SNS_ARN = /^arn:[a-z0-9-]+:sns:[a-z0-9-]*:[0-9]*:\S+$/;
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

/** True when a topic name or ARN names a FIFO topic. */
export function isFifoTopic(nameOrArn: unknown): boolean {
  return typeof nameOrArn === "string" && nameOrArn.endsWith(".fifo");
}

/** A topic name: 1 to 256 of `[A-Za-z0-9_-]`, a FIFO topic's ending in `.fifo` (within the 256). */
export function checkTopicName(value: unknown, field: string, ctx: Ctx): string {
  const name = requireString(value, field, ctx);
  if (!TOPIC_NAME.test(name) && !FIFO_TOPIC_NAME.test(name)) {
    fail(
      field,
      "1 to 256 characters of A-Z a-z 0-9 _ - (a FIFO topic name ends in .fifo, within the 256)",
      name,
      ctx,
    );
  }
  return name;
}

/** An SNS ARN (topic, subscription, platform application or endpoint): `arn:<partition>:sns:...`. */
export function checkArn(value: unknown, field: string, ctx: Ctx): string {
  const arn = requireString(value, field, ctx);
  if (!SNS_ARN.test(arn)) fail(field, "an SNS ARN (arn:<partition>:sns:<region>:<account>:...)", arn, ctx);
  return arn;
}

function optionalArn(value: unknown, field: string, ctx: Ctx): void {
  if (value !== undefined) checkArn(value, field, ctx);
}

/** Text SNS can carry: a string with no lone surrogate (it must be valid UTF-8). */
function checkUtf8(text: string, field: string, ctx: Ctx): void {
  const bad = LONE_SURROGATE.exec(text);
  if (bad) fail(field, `valid UTF-8 text (a lone surrogate is at index ${bad.index})`, text, ctx);
}

/** A Subject: 1 to 99 characters, printable (no line breaks or control characters). */
function checkSubject(value: unknown, field: string, ctx: Ctx): void {
  if (value === undefined) return;
  const subject = requireString(value, field, ctx);
  checkUtf8(subject, field, ctx);
  if ([...subject].length >= 100) fail(field, "under 100 characters", subject, ctx);
  const control = CONTROL.exec(subject);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    fail(
      field,
      `printable text with no line breaks or control characters (found U+${code} at index ${control.index})`,
      subject,
      ctx,
    );
  }
  if (/^\s/.test(subject)) fail(field, "starting with a letter, a digit or punctuation", subject, ctx);
}

/** `MessageStructure: "json"`: the message is a JSON object with a string `default`. */
function checkStructure(structure: unknown, message: string, prefix: string, ctx: Ctx): void {
  if (structure === undefined) return;
  if (structure !== "json") fail(`${prefix}MessageStructure`, '"json" (or absent)', structure, ctx);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    fail(`${prefix}Message`, 'a JSON object when MessageStructure is "json"', message, ctx);
  }
  if (!isRecord(parsed)) {
    fail(`${prefix}Message`, 'a JSON object when MessageStructure is "json"', message, ctx);
  }
  if (typeof parsed.default !== "string") {
    fail(
      `${prefix}Message`,
      'a JSON object with a string "default" key when MessageStructure is "json"',
      message,
      ctx,
    );
  }
}

/**
 * Checks SNS message attributes and returns their size in bytes as SNS counts it: name, type and
 * value of each.
 */
export function checkMessageAttributes(value: unknown, field: string, ctx: Ctx): number {
  if (value === undefined) return 0;
  if (!isRecord(value))
    fail(field, "an object of attribute name to { DataType, StringValue | BinaryValue }", value, ctx);
  let bytes = 0;
  for (const name in value) {
    const path = `${field}.${name}`;
    checkAttributeName(name, field, ctx);
    const attribute = value[name];
    if (!isRecord(attribute)) fail(path, "an object { DataType, StringValue | BinaryValue }", attribute, ctx);
    const dataType = requireString(attribute.DataType, `${path}.DataType`, ctx);
    if (!DATA_TYPES.has(dataType)) {
      fail(`${path}.DataType`, "String, String.Array, Number or Binary", dataType, ctx);
    }
    bytes += utf8Length(name) + utf8Length(dataType);
    if (dataType === "Binary") {
      const binary = attribute.BinaryValue;
      if (!(binary instanceof Uint8Array) || binary.length === 0) {
        fail(`${path}.BinaryValue`, "a non-empty Uint8Array", binary, ctx);
      }
      if (attribute.StringValue !== undefined)
        fail(`${path}.StringValue`, "absent for a Binary attribute", attribute.StringValue, ctx);
      bytes += binary.length;
      continue;
    }
    const text = requireString(attribute.StringValue, `${path}.StringValue`, ctx);
    checkUtf8(text, `${path}.StringValue`, ctx);
    if (attribute.BinaryValue !== undefined)
      fail(`${path}.BinaryValue`, `absent for a ${dataType} attribute`, "a value", ctx);
    if (dataType === "Number") checkNumberText(text, `${path}.StringValue`, ctx);
    if (dataType === "String.Array") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed) || parsed.some((item) => item !== null && typeof item === "object")) {
        fail(
          `${path}.StringValue`,
          'a JSON array of strings, numbers, true, false or null (such as ["red", 3])',
          text,
          ctx,
        );
      }
    }
    bytes += utf8Length(text);
  }
  return bytes;
}

/**
 * Checks one message (Publish input or a PublishBatch entry) and returns its size in bytes: the
 * message and its attributes.
 * @param fifo - true, false, or undefined when the target's kind is unknown (a phone number, an endpoint)
 */
export function checkMessage(entry: Input, prefix: string, fifo: boolean | undefined, ctx: Ctx): number {
  const message = requireString(entry.Message, `${prefix}Message`, ctx);
  checkUtf8(message, `${prefix}Message`, ctx);
  checkSubject(entry.Subject, `${prefix}Subject`, ctx);
  checkStructure(entry.MessageStructure, message, prefix, ctx);
  checkFifoId(entry.MessageGroupId, `${prefix}MessageGroupId`, ctx);
  checkFifoId(entry.MessageDeduplicationId, `${prefix}MessageDeduplicationId`, ctx);
  if (fifo === true && entry.MessageGroupId === undefined) {
    fail(`${prefix}MessageGroupId`, "set for a FIFO topic", undefined, ctx);
  }
  if (fifo === false && entry.MessageDeduplicationId !== undefined) {
    fail(`${prefix}MessageDeduplicationId`, "absent for a standard topic", entry.MessageDeduplicationId, ctx);
  }
  const bytes =
    utf8Length(message) + checkMessageAttributes(entry.MessageAttributes, `${prefix}MessageAttributes`, ctx);
  if (bytes > MAX_PUBLISH_BYTES) {
    fail(
      `${prefix}Message`,
      `at most ${MAX_PUBLISH_BYTES} bytes (256 KiB) with its attributes`,
      `${bytes} bytes`,
      ctx,
    );
  }
  return bytes;
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

/** The validators, by action. */
export const validators: Readonly<Record<string, (input: Input, ctx: Ctx) => void>> = {
  AddPermission(input, ctx) {
    checkArn(input.TopicArn, "TopicArn", ctx);
    const label = requireString(input.Label, "Label", ctx);
    if (!LABEL.test(label)) fail("Label", "1 to 80 of A-Z a-z 0-9 _ -", label, ctx);
    requireList(input.AWSAccountId, "AWSAccountId", ctx);
    requireList(input.ActionName, "ActionName", ctx);
  },
  CheckIfPhoneNumberIsOptedOut(input, ctx) {
    requireString(input.phoneNumber, "phoneNumber", ctx);
  },
  ConfirmSubscription(input, ctx) {
    checkArn(input.TopicArn, "TopicArn", ctx);
    requireString(input.Token, "Token", ctx);
    checkBooleanString(input.AuthenticateOnUnsubscribe, "AuthenticateOnUnsubscribe", ctx);
  },
  CreatePlatformApplication(input, ctx) {
    const name = requireString(input.Name, "Name", ctx);
    if (!PLATFORM_APPLICATION_NAME.test(name)) fail("Name", "1 to 256 of A-Z a-z 0-9 _ - .", name, ctx);
    requireString(input.Platform, "Platform", ctx);
    requireMap(input.Attributes, "Attributes", ctx);
  },
  CreatePlatformEndpoint(input, ctx) {
    checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
    requireString(input.Token, "Token", ctx);
    optionalString(input.CustomUserData, "CustomUserData", ctx);
    optionalStringMap(input.Attributes, "Attributes", ctx);
  },
  CreateSMSSandboxPhoneNumber(input, ctx) {
    checkSandboxPhone(input.PhoneNumber, ctx);
    optionalString(input.LanguageCode, "LanguageCode", ctx);
  },
  CreateTopic(input, ctx) {
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
  },
  DeleteEndpoint(input, ctx) {
    checkArn(input.EndpointArn, "EndpointArn", ctx);
  },
  DeletePlatformApplication(input, ctx) {
    checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
  },
  DeleteSMSSandboxPhoneNumber(input, ctx) {
    checkSandboxPhone(input.PhoneNumber, ctx);
  },
  DeleteTopic(input, ctx) {
    checkArn(input.TopicArn, "TopicArn", ctx);
  },
  GetDataProtectionPolicy(input, ctx) {
    checkResourceArn(input.ResourceArn, ctx);
  },
  GetEndpointAttributes(input, ctx) {
    checkArn(input.EndpointArn, "EndpointArn", ctx);
  },
  GetPlatformApplicationAttributes(input, ctx) {
    checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
  },
  GetSMSAttributes(input, ctx) {
    optionalStringList(input.attributes, "attributes", ctx);
  },
  GetSMSSandboxAccountStatus() {},
  GetSubscriptionAttributes(input, ctx) {
    checkArn(input.SubscriptionArn, "SubscriptionArn", ctx);
  },
  GetTopicAttributes(input, ctx) {
    checkArn(input.TopicArn, "TopicArn", ctx);
  },
  ListEndpointsByPlatformApplication(input, ctx) {
    checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
    nextToken(input, ctx);
  },
  ListOriginationNumbers(input, ctx) {
    nextToken(input, ctx);
    optionalInteger(input.MaxResults, "MaxResults", 1, 30, ctx);
  },
  ListPhoneNumbersOptedOut(input, ctx) {
    nextToken(input, ctx, "nextToken");
  },
  ListPlatformApplications(input, ctx) {
    nextToken(input, ctx);
  },
  ListSMSSandboxPhoneNumbers(input, ctx) {
    nextToken(input, ctx);
    optionalInteger(input.MaxResults, "MaxResults", 1, 100, ctx);
  },
  ListSubscriptions(input, ctx) {
    nextToken(input, ctx);
  },
  ListSubscriptionsByTopic(input, ctx) {
    checkArn(input.TopicArn, "TopicArn", ctx);
    nextToken(input, ctx);
  },
  ListTagsForResource(input, ctx) {
    checkResourceArn(input.ResourceArn, ctx);
  },
  ListTopics(input, ctx) {
    nextToken(input, ctx);
  },
  OptInPhoneNumber(input, ctx) {
    requireString(input.phoneNumber, "phoneNumber", ctx);
  },
  Publish(input, ctx) {
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
  },
  PublishBatch(input, ctx) {
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
  },
  PutDataProtectionPolicy(input, ctx) {
    checkResourceArn(input.ResourceArn, ctx);
    requireString(input.DataProtectionPolicy, "DataProtectionPolicy", ctx);
    checkJson(input.DataProtectionPolicy, "DataProtectionPolicy", ctx);
  },
  RemovePermission(input, ctx) {
    checkArn(input.TopicArn, "TopicArn", ctx);
    requireString(input.Label, "Label", ctx);
  },
  SetEndpointAttributes(input, ctx) {
    checkArn(input.EndpointArn, "EndpointArn", ctx);
    requireMap(input.Attributes, "Attributes", ctx);
  },
  SetPlatformApplicationAttributes(input, ctx) {
    checkArn(input.PlatformApplicationArn, "PlatformApplicationArn", ctx);
    requireMap(input.Attributes, "Attributes", ctx);
  },
  SetSMSAttributes(input, ctx) {
    requireMap(input.attributes, "attributes", ctx);
  },
  SetSubscriptionAttributes(input, ctx) {
    checkArn(input.SubscriptionArn, "SubscriptionArn", ctx);
    const name = requireString(input.AttributeName, "AttributeName", ctx);
    optionalString(input.AttributeValue, "AttributeValue", ctx);
    checkSubscriptionAttribute(name, input.AttributeValue, "AttributeValue", ctx);
  },
  SetTopicAttributes(input, ctx) {
    checkArn(input.TopicArn, "TopicArn", ctx);
    const name = requireString(input.AttributeName, "AttributeName", ctx);
    optionalString(input.AttributeValue, "AttributeValue", ctx);
    checkTopicAttribute(name, input.AttributeValue, "AttributeValue", ctx);
  },
  Subscribe(input, ctx) {
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
  },
  TagResource(input, ctx) {
    checkResourceArn(input.ResourceArn, ctx);
    checkTags(input.Tags, "Tags", ctx, true);
  },
  Unsubscribe(input, ctx) {
    checkArn(input.SubscriptionArn, "SubscriptionArn", ctx);
  },
  UntagResource(input, ctx) {
    checkResourceArn(input.ResourceArn, ctx);
    requireList(input.TagKeys, "TagKeys", ctx);
    (input.TagKeys as string[]).forEach((key, i) => {
      if (key.length > 128) fail(`TagKeys[${i}]`, "1 to 128 characters", key, ctx);
    });
  },
  VerifySMSSandboxPhoneNumber(input, ctx) {
    checkSandboxPhone(input.PhoneNumber, ctx);
    const otp = requireString(input.OneTimePassword, "OneTimePassword", ctx);
    if (!ONE_TIME_PASSWORD.test(otp)) fail("OneTimePassword", "5 to 8 digits", otp, ctx);
  },
};
