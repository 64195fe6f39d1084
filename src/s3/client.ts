/**
 * The Amazon S3 client: the operations a payload store needs (PutObject, GetObject, HeadObject,
 * DeleteObject, DeleteObjects, CreateBucket, HeadBucket, ListObjectsV2), generated from AWS's
 * model like the other services, on the REST-XML protocol and SigV4 with the payload hash header.
 *
 * @module
 */

import {
  type ClientOptions,
  defineOperations,
  type OperationSpec,
  ServiceClient,
  type ServiceInfo,
} from "../core/client.js";
import type { Endpoint } from "../core/config.js";
import { type ErrorContext, ValidationError } from "../core/errors.js";
import { isDnsSafeBucket, restXmlProtocol } from "../core/protocol/rest-xml.js";
import type { S3Methods } from "./methods.js";
import { operations, paginators } from "./schema.js";

/** Options of the {@link S3} client. */
export interface S3Options extends ClientOptions {
  /**
   * Address buckets in the path (`https://host/bucket/key`) rather than in the host name
   * (`https://bucket.host/key`, virtual-hosted).
   * @default path-style for endpoints other than AWS's own (emulators, MinIO, proxies) and for
   * bucket names that cannot be a host name label (dots, upper case); virtual-hosted otherwise
   */
  forcePathStyle?: boolean | undefined;
}

const S3_INFO: ServiceInfo = {
  signingName: "s3",
  endpointPrefix: "s3",
  envKey: "S3",
  resourceKeys: ["Bucket"],
};

/** Host names of AWS's own endpoints, where virtual-hosted addressing works. */
function isAwsHost(hostname: string): boolean {
  return /\.(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/.test(hostname);
}

function requireString(record: Record<string, unknown>, name: string, context: ErrorContext): void {
  const value = record[name];
  if (typeof value !== "string" || value === "") {
    throw new ValidationError(name, "a non-empty string", value, context);
  }
}

function checkBucket(input: never, context: ErrorContext): void {
  requireString(input as Record<string, unknown>, "Bucket", context);
}

function checkObject(input: never, context: ErrorContext): void {
  const record = input as Record<string, unknown>;
  requireString(record, "Bucket", context);
  requireString(record, "Key", context);
  const key = record.Key as string;
  if (key.length > 1024)
    throw new ValidationError("Key", "at most 1024 characters", `${key.length} characters`, context);
}

function checkPut(input: never, context: ErrorContext): void {
  checkObject(input, context);
  const body = (input as Record<string, unknown>).Body;
  if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) {
    throw new ValidationError("Body", "a Uint8Array or a string", body, context);
  }
}

function checkDeleteObjects(input: never, context: ErrorContext): void {
  checkBucket(input, context);
  const objects = (input as { Delete?: { Objects?: unknown } }).Delete?.Objects;
  if (!Array.isArray(objects) || objects.length === 0 || objects.length > 1000) {
    throw new ValidationError("Delete.Objects", "a list of 1 to 1000 objects", objects, context);
  }
}

const s3Operations: Record<string, OperationSpec> = {
  CreateBucket: { ...operations.CreateBucket, validate: checkBucket },
  DeleteObject: { ...operations.DeleteObject, validate: checkObject },
  DeleteObjects: { ...operations.DeleteObjects, validate: checkDeleteObjects },
  GetObject: { ...operations.GetObject, validate: checkObject },
  HeadBucket: { ...operations.HeadBucket, validate: checkBucket },
  HeadObject: { ...operations.HeadObject, validate: checkObject },
  ListObjectsV2: { ...operations.ListObjectsV2, validate: checkBucket },
  PutObject: { ...operations.PutObject, validate: checkPut },
};

/**
 * An Amazon S3 client for what a payload store needs: one method per action, named as the action
 * in lowerCamelCase, taking and returning AWS's own shapes; object bodies are `Uint8Array` (a
 * string is accepted for `PutObject` and sent as UTF-8).
 *
 * @example
 * ```ts
 * import { S3 } from "asyncaws/s3";
 *
 * const s3 = new S3({ region: "eu-west-1" });
 * await s3.putObject({ Bucket: "my-bucket", Key: "a/b.json", Body: new TextEncoder().encode("{}") });
 * const { Body } = await s3.getObject({ Bucket: "my-bucket", Key: "a/b.json" });
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the methods come from the operation table (defineOperations below)
export class S3 extends ServiceClient {
  constructor(options: S3Options = {}) {
    const force = options?.forcePathStyle;
    if (force !== undefined && typeof force !== "boolean") {
      throw new ValidationError("forcePathStyle", "a boolean", force);
    }
    super(
      S3_INFO,
      restXmlProtocol({
        pathStyle: (bucket: string, endpoint: Endpoint) =>
          force ?? (!isAwsHost(endpoint.hostname) || !isDnsSafeBucket(bucket)),
      }),
      options,
    );
  }
}

// The typed methods, declared by the generated interface and defined from the table.
export interface S3 extends S3Methods {}
defineOperations(S3, s3Operations, paginators);
