/**
 * The Amazon S3 client with one method per action, derived from the operation table: the
 * operations a payload store needs (PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects,
 * CreateBucket, HeadBucket, ListObjectsV2), generated from AWS's model like the other services.
 *
 * @module
 */

import { defineOperations } from "../core/operation.js";
import { withObserver } from "../observability/request.js";
import { S3Client, type S3Options } from "./client.js";
import type { S3Methods } from "./methods.js";
import { operations, paginators } from "./operations.js";

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
export class S3 extends S3Client {
  /** @param options - as {@link S3Options} says; `hooks` as a plain object, or made by `observe` */
  constructor(options: S3Options = {}) {
    super(withObserver(options));
  }
}

// The typed methods, declared by the generated interface and defined from the table.
export interface S3 extends S3Methods {}
defineOperations(S3, operations, paginators);
