/**
 * The error hierarchy. Every error asyncaws throws is an {@link AsyncAwsError}; each class has an
 * `isXError` guard that also works across realms and duplicate package copies (it checks a
 * registered symbol, not only the prototype chain).
 *
 * No error ever carries credentials, signatures or request headers.
 *
 * @module
 */

import { AsyncAwsError, brand, type ErrorContext, hasBrand } from "./errors/base.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

export { AsyncAwsError, type ErrorContext, isAsyncAwsError } from "./errors/base.js";
export { isPayloadNotFoundError, PayloadNotFoundError } from "./errors/payload.js";
export {
  isSignatureVerificationError,
  SignatureVerificationError,
  UNVERIFIED_REASONS,
} from "./errors/verification.js";

/** One problem a Standard Schema found: its message and where (see StandardSchemaV1.Issue). */
export type SchemaIssue = StandardSchemaV1.Issue;

/** Details of an AWS error response. */
export interface ServiceErrorDetails extends ErrorContext {
  /** AWS's error code, such as `QueueDoesNotExist` or `RequestThrottled`. */
  code: string;
  /** The HTTP status of the response. */
  statusCode: number;
  /** AWS's request id (`x-amzn-RequestId` or `<RequestId>`), for AWS support. */
  requestId?: string | undefined;
  /** Sender (the request was wrong) or Receiver (AWS failed), when AWS says. */
  fault?: "client" | "server" | undefined;
  /** Whether retrying the same request may succeed. */
  retryable?: boolean | undefined;
  /** The server's `Date` header, used to correct a skewed clock. */
  serverDate?: Date | undefined;
  /** A `Retry-After` hint in milliseconds, when the response carried one. */
  retryAfterMs?: number | undefined;
}

/** AWS answered with an error. */
export class ServiceError extends AsyncAwsError {
  /** AWS's error code, such as `QueueDoesNotExist`. */
  declare readonly code: string;
  /** HTTP status of the response. */
  declare readonly statusCode: number;
  /** AWS's request id. */
  declare readonly requestId: string | undefined;
  /** Sender or receiver fault, when AWS says. */
  declare readonly fault: "client" | "server" | undefined;
  /** Whether the same request may succeed if retried. */
  declare readonly retryable: boolean;
  /** The server's clock, from its `Date` header. */
  declare readonly serverDate: Date | undefined;
  /** A retry-after hint in milliseconds. */
  declare readonly retryAfterMs: number | undefined;

  constructor(message: string, details: ServiceErrorDetails, options?: { cause?: unknown }) {
    super(
      `${details.code}: ${message || "(no message)"} [HTTP ${details.statusCode}${details.requestId ? `, request id ${details.requestId}` : ""}]`,
      details,
      options,
    );
    this.code = details.code;
    this.statusCode = details.statusCode;
    this.requestId = details.requestId;
    this.fault = details.fault;
    this.retryable = details.retryable ?? false;
    this.serverDate = details.serverDate;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Input was rejected before anything was sent. */
export class ValidationError extends AsyncAwsError {
  /** The field at fault, as a path (`Entries[3].Id`, `MessageAttributes.color.DataType`). */
  declare readonly field: string;
  /** The rule it broke, in words (`at most 10 entries`). */
  declare readonly rule: string;
  /** The value received (strings longer than 100 characters are cut in the message). */
  declare readonly value: unknown;
  /**
   * What a schema found wrong, each issue with its path, when a Standard Schema rejected the
   * value (typed queues and topics); undefined otherwise.
   */
  declare readonly issues: readonly SchemaIssue[] | undefined;

  constructor(
    field: string,
    rule: string,
    value: unknown,
    context?: ErrorContext,
    options?: { cause?: unknown; issues?: readonly SchemaIssue[] },
  ) {
    super(
      `invalid ${field}: must be ${rule}; received ${describe(value)}`,
      context,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.field = field;
    this.rule = rule;
    this.value = value;
    this.issues = options?.issues;
  }
}

/** A short, safe description of a received value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "string") {
    return value.length > 100
      ? `${JSON.stringify(`${value.slice(0, 100)}…`)} (${value.length} characters)`
      : JSON.stringify(value);
  }
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null || typeof value !== "object") return String(value);
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  return "an object";
}

/** The request could not be completed: connection refused or reset, DNS failure, broken response. */
export class NetworkError extends AsyncAwsError {
  /** The system error code when there is one (`ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND`). */
  declare readonly code: string | undefined;
  /** True when the failure came before any response byte: the request was certainly not processed twice. */
  declare readonly beforeResponse: boolean;

  constructor(
    message: string,
    context?: ErrorContext,
    options?: { cause?: unknown; code?: string | undefined; beforeResponse?: boolean },
  ) {
    super(message, context, options);
    this.code = options?.code;
    this.beforeResponse = options?.beforeResponse ?? false;
  }
}

/** The request took longer than its timeout. */
export class TimeoutError extends AsyncAwsError {
  /** The timeout that ran out, in milliseconds. */
  declare readonly timeoutMs: number;

  constructor(timeoutMs: number, context?: ErrorContext, options?: { cause?: unknown }) {
    super(`timed out after ${timeoutMs} ms`, context, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's `AbortSignal` aborted the call. `cause` is the signal's reason: for a signal of
 * `AbortSignal.timeout()` that fired, a `DOMException` named `TimeoutError`, and then
 * {@link isTimeoutError} is true too (as is {@link isAbortError}).
 */
export class AbortError extends AsyncAwsError {
  /** Never set: an AbortError says no timeout of its own (see {@link isTimeoutError}). */
  declare readonly timeoutMs?: undefined;
  constructor(context?: ErrorContext, options?: { cause?: unknown }) {
    super(isTimeoutReason(options?.cause) ? "aborted: the signal timed out" : "aborted", context, options);
  }
}

/** A signal's reason that says it timed out: `AbortSignal.timeout()`'s `DOMException`, or ours. */
function isTimeoutReason(reason: unknown): boolean {
  return (
    typeof reason === "object" &&
    reason !== null &&
    ((reason as { name?: unknown }).name === "TimeoutError" || hasBrand(reason, "TimeoutError"))
  );
}

/** An MD5 digest AWS returned does not match what was sent or received. */
export class ChecksumError extends AsyncAwsError {
  /** What was checked (`MD5OfMessageBody`, `MD5OfMessageAttributes`, ...). */
  declare readonly field: string;
  /** The digest computed locally. */
  declare readonly expected: string;
  /** The digest AWS returned. */
  declare readonly received: string;

  constructor(field: string, expected: string, received: string, context?: ErrorContext) {
    super(`${field} mismatch: computed ${expected}, AWS returned ${received}`, context);
    this.field = field;
    this.expected = expected;
    this.received = received;
  }
}

/** One credential source and why it gave nothing. */
export interface CredentialsAttempt {
  /** The source, such as `environment` or `profile default (~/.aws/credentials)`. */
  source: string;
  /** Why it gave no credentials. Never contains a secret. */
  reason: string;
}

/** No credentials could be found, or those found were refused. */
export class CredentialsError extends AsyncAwsError {
  /** The sources tried, in order, and why each gave nothing. */
  declare readonly attempts: readonly CredentialsAttempt[];

  constructor(
    message: string,
    attempts: readonly CredentialsAttempt[] = [],
    context?: ErrorContext,
    options?: { cause?: unknown },
  ) {
    super(
      attempts.length
        ? `${message} (tried: ${attempts.map((a) => `${a.source}: ${a.reason}`).join("; ")})`
        : message,
      context,
      options,
    );
    this.attempts = attempts;
  }
}

/** The response could not be read as the protocol requires (truncated, HTML, wrong type). */
export class ResponseError extends AsyncAwsError {
  /** HTTP status of the broken response. */
  declare readonly statusCode: number;
  /** AWS's request id, when the headers had one. */
  declare readonly requestId: string | undefined;

  constructor(
    message: string,
    statusCode: number,
    requestId?: string,
    context?: ErrorContext,
    options?: { cause?: unknown },
  ) {
    super(`${message} [HTTP ${statusCode}${requestId ? `, request id ${requestId}` : ""}]`, context, options);
    this.statusCode = statusCode;
    this.requestId = requestId;
  }
}

brand(ServiceError, "ServiceError");
brand(ValidationError, "ValidationError");
brand(NetworkError, "NetworkError");
brand(TimeoutError, "TimeoutError");
brand(AbortError, "AbortError");
brand(ChecksumError, "ChecksumError");
brand(CredentialsError, "CredentialsError");
brand(ResponseError, "ResponseError");

/** True for an error response from AWS. */
export const isServiceError = (value: unknown): value is ServiceError => hasBrand(value, "ServiceError");
/** True for input rejected before sending. */
export const isValidationError = (value: unknown): value is ValidationError =>
  hasBrand(value, "ValidationError");
/** True for a connection-level failure. */
export const isNetworkError = (value: unknown): value is NetworkError => hasBrand(value, "NetworkError");
/**
 * True for a request that timed out: a {@link TimeoutError} (the call's `timeoutMs` or
 * `deadlineMs`, or the client's `requestTimeoutMs`), and also an {@link AbortError} whose signal
 * timed out (the caller's `AbortSignal.timeout()`; `isAbortError` is true for it as well).
 */
export const isTimeoutError = (value: unknown): value is TimeoutError | AbortError =>
  hasBrand(value, "TimeoutError") ||
  (hasBrand(value, "AbortError") && isTimeoutReason((value as Error).cause));
/** True for a call aborted by its signal. */
export const isAbortError = (value: unknown): value is AbortError => hasBrand(value, "AbortError");
/** True for an MD5 mismatch. */
export const isChecksumError = (value: unknown): value is ChecksumError => hasBrand(value, "ChecksumError");
/** True for missing or refused credentials. */
export const isCredentialsError = (value: unknown): value is CredentialsError =>
  hasBrand(value, "CredentialsError");
/** True for a response that could not be read. */
export const isResponseError = (value: unknown): value is ResponseError => hasBrand(value, "ResponseError");
