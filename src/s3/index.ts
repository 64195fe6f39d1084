/**
 * The S3 part of the public API: a small client for what a payload store needs, and AWS's S3
 * shapes for those operations.
 *
 * @module
 */

export { S3, type S3Options } from "./client.js";
export type { S3Methods } from "./methods.js";
export type * from "./types.js";
