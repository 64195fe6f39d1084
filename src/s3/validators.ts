/**
 * The S3 validators record: one entry per action, named as the action, checking its input before
 * anything goes on the wire. `scripts/gen-models.mjs` puts each into the operation table
 * (`operations.ts`).
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "../core/errors.js";

type Input = Record<string, unknown>;

function requireString(record: Input, name: string, context: ErrorContext): void {
  const value = record[name];
  if (typeof value !== "string" || value === "") {
    throw new ValidationError(name, "a non-empty string", value, context);
  }
}

function checkBucket(input: Input, context: ErrorContext): void {
  requireString(input, "Bucket", context);
}

function checkObject(input: Input, context: ErrorContext): void {
  requireString(input, "Bucket", context);
  requireString(input, "Key", context);
  const key = input.Key as string;
  if (key.length > 1024)
    throw new ValidationError("Key", "at most 1024 characters", `${key.length} characters`, context);
}

/** Checks CreateBucket input. */
export const CreateBucket = checkBucket;
/** Checks DeleteObject input. */
export const DeleteObject = checkObject;
/** Checks GetObject input. */
export const GetObject = checkObject;
/** Checks HeadBucket input. */
export const HeadBucket = checkBucket;
/** Checks HeadObject input. */
export const HeadObject = checkObject;
/** Checks ListObjectsV2 input. */
export const ListObjectsV2 = checkBucket;

/** Checks DeleteObjects input: 1 to 1000 objects. */
export function DeleteObjects(input: Input, context: ErrorContext): void {
  checkBucket(input, context);
  const objects = (input as { Delete?: { Objects?: unknown } }).Delete?.Objects;
  if (!Array.isArray(objects) || objects.length === 0 || objects.length > 1000) {
    throw new ValidationError("Delete.Objects", "a list of 1 to 1000 objects", objects, context);
  }
}

/** Checks PutObject input: the body is bytes or a string. */
export function PutObject(input: Input, context: ErrorContext): void {
  checkObject(input, context);
  const body = input.Body;
  if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) {
    throw new ValidationError("Body", "a Uint8Array or a string", body, context);
  }
}
