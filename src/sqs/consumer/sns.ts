/**
 * `unwrapSns`: what the handler gets for a message that came through SNS.
 *
 * @module
 */

import { type SnsDelivery, unwrapSnsMessage } from "../../sns/envelope.js";
import type { Message } from "../types.js";

/**
 * What a handler gets with `unwrapSns: true`: the message as published to SNS, its attributes in
 * SQS's shape, the envelope (undefined for a raw delivery), and the SQS message that carried it.
 */
export interface SnsMessage extends SnsDelivery {
  /** The SQS message that carried it (receipt handle, receive count, ...). */
  readonly sqs: Message;
}

/** Unwraps an SQS message that came through SNS, wrapped in the envelope or delivered raw. */
export function unwrapSns(message: Message): SnsMessage {
  return { ...unwrapSnsMessage(message), sqs: message };
}
