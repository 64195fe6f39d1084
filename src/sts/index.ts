/**
 * The STS part of the public API: the client and AWS's STS shapes.
 *
 * @module
 */

export type { STSOptions } from "./client.js";
export type { STSMethods } from "./methods.js";
export { STS } from "./sts.js";
export type * from "./types.js";
