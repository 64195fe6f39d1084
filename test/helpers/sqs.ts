// Shared helpers of the SQS test suite: catching typed errors, checking ValidationErrors, reading
// form bodies, writing AWS Query XML answers, MD5 of the documented algorithm.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { isValidationError, type ValidationError } from "../../src/core/errors.js";
import { TEST_CREDENTIALS } from "./fauxqs.js";
import type { Loopback } from "./loopback.js";

/** The secret of TEST_CREDENTIALS: it must never show in an error or a client. */
export const TEST_SECRET = TEST_CREDENTIALS.secretAccessKey;

/** Runs `fn` and returns what it threw (or rejected with); fails when it did not throw. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  assert.fail("expected an error, got none");
}

/** What a ValidationError should say. */
export interface ExpectedValidation {
  field: string;
  /** A part of the rule (the whole rule is checked to appear in the message). */
  rule?: string | RegExp;
  /** The value received (deep-equal); omit to check only that `value` is present in the message. */
  value?: unknown;
}

function shown(value: unknown): string | undefined {
  if (typeof value === "string")
    return value.length > 100 ? `(${value.length} characters)` : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null)
    return String(value);
  if (value instanceof Uint8Array) return `(${value.length})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return undefined;
}

/**
 * Asserts that `fn` throws a ValidationError with the expected field, rule and value, whose message
 * names all three, and (when a loopback is given) that nothing reached the server.
 */
export async function expectValidation(
  fn: () => unknown,
  expected: ExpectedValidation,
  server?: Loopback,
): Promise<ValidationError> {
  const before = server?.requests.length ?? 0;
  const error = await caught(fn);
  assert.ok(isValidationError(error), `expected a ValidationError, got ${String(error)}`);
  assert.equal(error.name, "ValidationError");
  assert.equal(error.field, expected.field, `field of: ${error.message}`);
  assert.equal(typeof error.rule, "string");
  assert.ok(error.rule.length > 0, "the rule is named");
  if (expected.rule instanceof RegExp) assert.match(error.rule, expected.rule);
  else if (expected.rule !== undefined) assert.ok(error.rule.includes(expected.rule), `rule: ${error.rule}`);
  if ("value" in expected) assert.deepEqual(error.value, expected.value);
  assert.ok(error.message.includes(error.field), `message names the field: ${error.message}`);
  assert.ok(error.message.includes(error.rule), `message names the rule: ${error.message}`);
  const value = shown(error.value);
  if (value !== undefined)
    assert.ok(error.message.includes(value), `message names the value: ${error.message}`);
  if (server) assert.equal(server.requests.length, before, "nothing was sent");
  return error;
}

/** The parameters of a form-encoded body, in order, decoded. */
export function formPairs(body: string): [string, string][] {
  return [...new URLSearchParams(body)];
}

/** MD5 hex of a string's UTF-8 bytes, by node:crypto. */
export function md5(text: string | Uint8Array): string {
  return createHash("md5").update(text).digest("hex");
}

/** An attribute as SQS takes it. */
export interface Attr {
  DataType: string;
  StringValue?: string | undefined;
  BinaryValue?: Uint8Array | undefined;
}

/**
 * MD5OfMessageAttributes written independently of src/, straight from the algorithm in the SQS
 * Developer Guide: sort by name; for each, 4-byte big-endian length + UTF-8 name, length + data type,
 * transport byte 1 (string) or 2 (binary), length + value; MD5 of the concatenation.
 */
export function referenceMd5OfAttributes(attributes: Record<string, Attr>): string {
  const parts: Buffer[] = [];
  const withLength = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    withLength(Buffer.from(name, "utf8"));
    withLength(Buffer.from(attribute.DataType, "utf8"));
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      withLength(Buffer.from(attribute.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      withLength(Buffer.from(attribute.StringValue ?? "", "utf8"));
    }
  }
  return md5(Buffer.concat(parts));
}

const NS = "http://queue.amazonaws.com/doc/2012-11-05/";

/**
 * An SQS Query answer as AWS documents it: `<ActionResponse xmlns=...><ActionResult>...</ActionResult>
 * <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata></ActionResponse>`. With `result`
 * undefined the Result element is left out (actions that return nothing).
 */
export function queryXml(action: string, result: string | undefined, requestId: string): string {
  return (
    `<?xml version="1.0"?>\n<${action}Response xmlns="${NS}">\n` +
    (result === undefined ? "" : `  <${action}Result>\n${result}\n  </${action}Result>\n`) +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`
  );
}

/** An SQS Query error body as AWS documents it. */
export function queryErrorXml(type: "Sender" | "Receiver", code: string, message: string, requestId: string) {
  return (
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>${type}</Type>\n` +
    `    <Code>${code}</Code>\n    <Message>${message}</Message>\n    <Detail/>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`
  );
}

/** The `x-amz-target` action of a recorded JSON request. */
export function targetOf(request: { headers: Record<string, string> }): string {
  return (request.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
}

/** A promise that resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `fn` with environment variables set (undefined deletes), then restores them. */
export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  fn: () => T | Promise<T>,
): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const name of Object.keys(vars)) {
    saved[name] = process.env[name];
    const value = vars[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return await fn();
  } finally {
    for (const name of Object.keys(saved)) {
      const value = saved[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
