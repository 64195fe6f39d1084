/**
 * The `largePayloads` option of the SQS and SNS clients, checked when the client is made (a
 * missing bucket or a bad key prefix is a ValidationError before anything is sent). Kept apart
 * from the store, which clients load only on first use.
 *
 * @module
 */

import type { CallOptions, ClientOptions, OperationSpec } from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import type { S3Options } from "../s3/client.js";
import type { S3 } from "../s3/s3.js";
import { type AttributeValue, MAX_KEY_PREFIX, type PayloadPointer } from "./codec.js";

/**
 * Messages of any size, through S3, in the format of AWS's extended client libraries (Java and
 * Python): a body over the threshold is stored in S3 and the message carries a pointer to it;
 * received pointers are resolved, receipt handles carry the pointer so that deleting the
 * message also deletes the object.
 *
 * @example
 * ```ts
 * const sqs = new SQS({ largePayloads: { bucket: "my-payloads" } });
 * await sqs.queue("jobs").send("x".repeat(5 * 1024 * 1024)); // stored in S3, a pointer queued
 * ```
 */
export interface LargePayloadOptions {
  /** The S3 bucket that holds the payloads. Required. */
  bucket: string;
  /**
   * Messages whose body and attributes (names, data types and values) are more bytes than this
   * go through S3. The AWS libraries default to 262,144 (SQS's limit when they were written).
   * @default the service's own limit: 1,048,576 for SQS, 262,144 for SNS
   */
  thresholdBytes?: number | undefined;
  /**
   * Send every message through S3, whatever its size.
   * @default false
   */
  alwaysThroughS3?: boolean | undefined;
  /**
   * Put before each object's key (a random UUID): letters, digits and `.`, `/`, `_`, `-`, at most
   * 988 characters.
   * @default ""
   */
  keyPrefix?: string | undefined;
  /**
   * Send the marker attribute as `SQSLargePayloadSize`, the name the Java SQS extended client
   * uses by default, rather than `ExtendedPayloadSize` (Python, SNS Java). Readers accept both.
   * @default false
   */
  legacyAttributeName?: boolean | undefined;
  /**
   * Delete the S3 object after its message is deleted (SQS only; best effort, after the
   * message's deletion succeeded). Set it to false when several queues share the objects (fan-out
   * from one SNS topic). Messages wrapped in an SNS envelope never delete their object.
   * @default true
   */
  deleteFromS3?: boolean | undefined;
  /**
   * What becomes of a received message whose S3 object is missing (a `PayloadNotFoundError`: the
   * object was deleted, or expired under a lifecycle rule), on SQS. `"fail"`: the message is
   * given as SQS carried it (the pointer as its body), `payloadErrorOf(message)` gives the error,
   * and the consumer counts it as failed without calling its handler, so the queue's redrive
   * policy moves it to the dead-letter queue after `maxReceiveCount` receives. `"delete"`: the
   * message is deleted from the queue when it is received and not given to the caller (nor to a
   * handler); `onError` is told, with the `PayloadNotFoundError`. A message whose deletion fails is
   * given as with `"fail"`. `sqsHandler` follows the same option (with `"delete"`, such a record
   * counts as handled, so Lambda deletes it).
   * @default "fail"
   */
  missingObject?: "fail" | "delete" | undefined;
  /**
   * The S3 client, or options for one (endpoint, region, credentials, `forcePathStyle`...).
   * @default an S3 client with this client's region, credentials, profile, retries, timeouts,
   * `fetch` and `hooks`, and its `endpoint` when one was given (emulators serve S3 on the same port)
   */
  s3?: S3Options | S3 | undefined;
  /**
   * Payload objects fetched or stored at once, per call.
   * @default 8
   */
  maxConcurrency?: number | undefined;
  /**
   * Told about failures that do not fail a call: an S3 object that could not be deleted after
   * its message was; with `missingObject: "delete"`, a message deleted because its object was
   * missing (the error is then the `PayloadNotFoundError`).
   * @default none: such failures are ignored
   */
  onError?: ((error: unknown, pointer: PayloadPointer) => void) | undefined;
}

/**
 * The `largePayloads` option of `sqsHandler` (`asyncaws/lambda`): records whose body is a pointer
 * are resolved through S3 before their handler runs. The bucket is the one each pointer names;
 * an SQS client's `largePayloads` object may be given as it is (the options for sending are
 * ignored).
 */
export interface HandlerPayloadOptions
  extends Pick<LargePayloadOptions, "s3" | "missingObject" | "onError" | "maxConcurrency"> {
  /** Ignored: each pointer names its bucket. Allowed so that a client's options can be shared. */
  bucket?: string | undefined;
  /**
   * Delete the S3 objects of the records whose handler succeeded, just before the function
   * answers (best effort, failures to `onError`). Off by default, unlike the SQS client's:
   * Lambda deletes the messages only after the function answered, so an object deleted first
   * would be missing if the message came back (Lambda failing to delete it); an S3 lifecycle
   * rule on the bucket expires the objects instead. Objects of SNS envelopes are never deleted.
   * @default false
   */
  deleteFromS3?: boolean | undefined;
  thresholdBytes?: number | undefined;
  alwaysThroughS3?: boolean | undefined;
  keyPrefix?: string | undefined;
  legacyAttributeName?: boolean | undefined;
}

/**
 * Checks `sqsHandler`'s `largePayloads` (`true`, or {@link HandlerPayloadOptions}); undefined
 * when it is off.
 * @internal
 */
export function resolveHandlerPayloads(value: unknown): ResolvedLargePayloads | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) value = {};
  if (value === null || typeof value !== "object") {
    throw new ValidationError("largePayloads", "true, or an object of options", value);
  }
  const given = value as HandlerPayloadOptions;
  return resolveLargePayloads(
    { ...given, bucket: given.bucket ?? "-", deleteFromS3: given.deleteFromS3 ?? false },
    1_048_576,
    {},
  );
}

/** The options with their defaults applied. */
export interface ResolvedLargePayloads {
  readonly bucket: string;
  readonly thresholdBytes: number;
  readonly alwaysThroughS3: boolean;
  readonly keyPrefix: string;
  readonly markerName: string;
  readonly deleteFromS3: boolean;
  readonly missingObject: "fail" | "delete";
  readonly s3: S3Options | S3 | undefined;
  readonly maxConcurrency: number;
  readonly onError: ((error: unknown, pointer: PayloadPointer) => void) | undefined;
  /** The client's own options, for the default S3 client. */
  readonly client: ClientOptions;
}

/** What a client gives its calls to: the interceptor of the payload store. */
export interface PayloadInterceptor {
  call(
    op: OperationSpec,
    input: object | undefined,
    options: CallOptions | undefined,
    next: (input: object | undefined) => Promise<unknown>,
  ): Promise<unknown>;
  /** Stores one body in S3: the pointer body, and the attributes with the marker. */
  offload(
    body: string,
    attributes: Record<string, AttributeValue> | undefined,
    options: CallOptions | undefined,
  ): Promise<{ body: string; attributes: Record<string, AttributeValue> }>;
}

/**
 * A client's payload store: its options, and its interceptor behind `import()`, loaded once on
 * first use (a failed load is tried again next time). Shared by the SQS and SNS clients.
 * @internal
 */
export interface ClientPayloads {
  readonly options: ResolvedLargePayloads;
  /** Runs one call through the interceptor. */
  call(
    op: OperationSpec,
    input: object | undefined,
    options: CallOptions | undefined,
    next: (input: object | undefined) => Promise<unknown>,
  ): Promise<unknown>;
  /** Stores one body in S3 (see {@link PayloadInterceptor.offload}). */
  offload: PayloadInterceptor["offload"];
}

/**
 * Where a client keeps its {@link ClientPayloads} (undefined without `largePayloads`), for the
 * producers and batch calls that size batches after offloading.
 * @internal
 */
export const LARGE_PAYLOADS: unique symbol = Symbol("asyncaws.largePayloads");

/** @internal Makes a client's {@link ClientPayloads}. */
export function clientPayloads(
  options: ResolvedLargePayloads,
  load: () => Promise<PayloadInterceptor>,
): ClientPayloads {
  let loaded: PayloadInterceptor | undefined;
  const get = async () => {
    loaded ??= await load();
    return loaded;
  };
  return {
    options,
    async call(op, input, call, next) {
      return (await get()).call(op, input, call, next);
    },
    async offload(body, attributes, call) {
      return (await get()).offload(body, attributes, call);
    },
  };
}

function optionalBoolean(name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ValidationError(`largePayloads.${name}`, "a boolean", value);
  }
  return value;
}

/**
 * Checks `largePayloads` and applies the defaults.
 * @param limit - the service's own message limit in bytes
 */
export function resolveLargePayloads(
  value: unknown,
  limit: number,
  client: ClientOptions,
): ResolvedLargePayloads {
  if (value === null || typeof value !== "object") {
    throw new ValidationError("largePayloads", "an object with a bucket", value);
  }
  const options = value as LargePayloadOptions;
  if (typeof options.bucket !== "string" || options.bucket === "") {
    throw new ValidationError("largePayloads.bucket", "a bucket name", options.bucket);
  }
  const threshold = options.thresholdBytes ?? limit;
  if (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold < 0 || threshold > limit) {
    throw new ValidationError("largePayloads.thresholdBytes", `an integer from 0 to ${limit}`, threshold);
  }
  const prefix = options.keyPrefix ?? "";
  if (typeof prefix !== "string" || prefix.length > MAX_KEY_PREFIX || !/^[a-zA-Z0-9./_-]*$/.test(prefix)) {
    throw new ValidationError(
      "largePayloads.keyPrefix",
      `at most ${MAX_KEY_PREFIX} of the characters a-z, A-Z, 0-9, '.', '/', '_', '-'`,
      prefix,
    );
  }
  const concurrency = options.maxConcurrency ?? 8;
  if (typeof concurrency !== "number" || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError("largePayloads.maxConcurrency", "a positive integer", concurrency);
  }
  if (options.s3 !== undefined && (options.s3 === null || typeof options.s3 !== "object")) {
    throw new ValidationError("largePayloads.s3", "an S3 client or S3 client options", options.s3);
  }
  const missingObject = options.missingObject ?? "fail";
  if (missingObject !== "fail" && missingObject !== "delete") {
    throw new ValidationError("largePayloads.missingObject", '"fail" or "delete"', missingObject);
  }
  if (options.onError !== undefined && typeof options.onError !== "function") {
    throw new ValidationError("largePayloads.onError", "a function", options.onError);
  }
  return {
    bucket: options.bucket,
    thresholdBytes: threshold,
    alwaysThroughS3: optionalBoolean("alwaysThroughS3", options.alwaysThroughS3) ?? false,
    keyPrefix: prefix,
    markerName: optionalBoolean("legacyAttributeName", options.legacyAttributeName)
      ? "SQSLargePayloadSize"
      : "ExtendedPayloadSize",
    deleteFromS3: optionalBoolean("deleteFromS3", options.deleteFromS3) ?? true,
    missingObject,
    s3: options.s3,
    maxConcurrency: concurrency,
    onError: options.onError,
    client,
  };
}
