/**
 * The S3 part of the public API: a small client for what a payload store needs, and AWS's S3
 * shapes for those operations.
 *
 * @module
 */

export type { S3Options } from "./client.js";
export type { S3Methods } from "./methods.js";
export { S3 } from "./s3.js";
export type * from "./types.js";
