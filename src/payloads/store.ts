/**
 * The S3 side of the payload store, shared by SQS and SNS: the rule for what to offload, the
 * upload, the fetch (checked against the marker's size), the best-effort delete.
 *
 * @module
 */

import type { CallOptions } from "../core/client.js";
import { ChecksumError, type ErrorContext, isServiceError, PayloadNotFoundError } from "../core/errors.js";
import type { S3Options } from "../s3/client.js";
import { S3 } from "../s3/s3.js";
import { type AttributeValue, type PayloadPointer, pointerBody } from "./codec.js";
import { newKey } from "./codec-read.js";
import type { ResolvedLargePayloads } from "./options.js";
import { checkPayloadAttributes, shouldOffload } from "./plan.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/** The attribute maps this store made: they may hold the marker (users' may not). */
const offloaded = new WeakSet<object>();

/** Runs `fn` over `items`, at most `limit` at once, keeping the order of the results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A message to maybe offload: a body and its attributes. */
export interface Outgoing {
  readonly body: string;
  readonly attributes: Record<string, AttributeValue> | undefined;
}

/** The store of one client. */
export class PayloadStore {
  readonly options: ResolvedLargePayloads;
  #s3: S3 | undefined;

  constructor(options: ResolvedLargePayloads) {
    this.options = options;
  }

  /** The S3 client: the one given, or one made with the options given or the client's. */
  get s3(): S3 {
    if (this.#s3) return this.#s3;
    const given = this.options.s3;
    if (given instanceof S3) {
      this.#s3 = given;
      return given;
    }
    const client = this.options.client;
    const base: S3Options = {};
    for (const name of [
      "region",
      "endpoint",
      "credentials",
      "profile",
      "maxAttempts",
      "retryMode",
      "useFipsEndpoint",
      "useDualstackEndpoint",
      "requestTimeoutMs",
      "fetch",
      "hooks",
    ] as const) {
      if (client[name] !== undefined) (base as Record<string, unknown>)[name] = client[name];
    }
    this.#s3 = new S3({ ...base, ...(given as S3Options | undefined) });
    return this.#s3;
  }

  /** Checks a message's attributes against the extended clients' rules (see {@link checkPayloadAttributes}). */
  checkAttributes(
    attributes: Record<string, AttributeValue> | undefined,
    field: string,
    context: ErrorContext,
  ): void {
    if (!attributes || offloaded.has(attributes)) return;
    checkPayloadAttributes(this.options, attributes, field, context);
  }

  /** Whether a message goes through S3: always, or when body and attributes pass the threshold. */
  shouldOffload(message: Outgoing): boolean {
    return shouldOffload(this.options, message.body, message.attributes);
  }

  /** True when the attributes were made by {@link offload} (the marker is then allowed). */
  static isOffloaded(attributes: object | undefined): boolean {
    return attributes !== undefined && offloaded.has(attributes);
  }

  /**
   * Stores the body in S3 and gives the pointer body and the attributes with the marker.
   */
  async offload(
    message: Outgoing,
    options: CallOptions | undefined,
  ): Promise<{ body: string; attributes: Record<string, AttributeValue>; pointer: PayloadPointer }> {
    const bytes = encoder.encode(message.body);
    const pointer = { bucket: this.options.bucket, key: newKey(this.options.keyPrefix) };
    await this.s3.putObject({ Bucket: pointer.bucket, Key: pointer.key, Body: bytes }, options);
    const attributes: Record<string, AttributeValue> = {
      ...message.attributes,
      [this.options.markerName]: { DataType: "Number", StringValue: String(bytes.length) },
    };
    offloaded.add(attributes);
    return { body: pointerBody(pointer), attributes, pointer };
  }

  /**
   * Fetches a payload: the text, checked against the size the marker gave.
   * @throws PayloadNotFoundError when the object does not exist; ChecksumError when its size differs
   */
  async fetch(
    pointer: PayloadPointer,
    size: number | undefined,
    context: ErrorContext,
    options: CallOptions | undefined,
  ): Promise<string> {
    let body: Uint8Array | undefined;
    try {
      ({ Body: body } = await this.s3.getObject({ Bucket: pointer.bucket, Key: pointer.key }, options));
    } catch (error) {
      if (isServiceError(error) && (error.code === "NoSuchKey" || error.code === "NotFound")) {
        throw new PayloadNotFoundError(pointer.bucket, pointer.key, context, { cause: error });
      }
      throw error;
    }
    const bytes = body ?? new Uint8Array(0);
    if (size !== undefined && bytes.length !== size) {
      throw new ChecksumError("ExtendedPayloadSize", `${size} bytes`, `${bytes.length} bytes`, context);
    }
    return decoder.decode(bytes);
  }

  /** Deletes objects, best effort: failures go to `onError`, never to the caller. */
  async deleteQuietly(pointers: readonly PayloadPointer[]): Promise<void> {
    if (pointers.length === 0) return;
    const byBucket = new Map<string, PayloadPointer[]>();
    for (const pointer of pointers) {
      const list = byBucket.get(pointer.bucket);
      if (list) list.push(pointer);
      else byBucket.set(pointer.bucket, [pointer]);
    }
    await Promise.all(
      [...byBucket].map(async ([bucket, list]) => {
        try {
          if (list.length === 1) {
            await this.s3.deleteObject({ Bucket: bucket, Key: list[0]!.key });
            return;
          }
          for (let i = 0; i < list.length; i += 1000) {
            const part = list.slice(i, i + 1000);
            const output = await this.s3.deleteObjects({
              Bucket: bucket,
              Delete: { Objects: part.map((p) => ({ Key: p.key })), Quiet: true },
            });
            for (const failed of output.Errors ?? []) {
              const pointer = part.find((p) => p.key === failed.Key) ?? { bucket, key: failed.Key ?? "" };
              this.report(new Error(`${failed.Code ?? "Error"}: ${failed.Message ?? ""}`), pointer);
            }
          }
        } catch (error) {
          for (const pointer of list) this.report(error, pointer);
        }
      }),
    );
  }

  /** Tells `onError` about a failure that fails no call (a listener that throws changes nothing). */
  report(error: unknown, pointer: PayloadPointer): void {
    try {
      this.options.onError?.(error, pointer);
    } catch {
      // a listener that throws changes nothing
    }
  }
}
