/**
 * `unwrapSns`: what the handler gets for a message that came through SNS.
 *
 * @module
 */

import { type SnsDelivery, unwrapSnsMessage, withDeprecatedDeliveryNames } from "../../sns/envelope.js";
import type { Message } from "../types.js";

/**
 * What a handler gets with `unwrapSns: true`: the message as published to SNS (`Message`), its
 * attributes in SQS's shape (`MessageAttributes`), the envelope (`Envelope`, undefined for a raw
 * delivery), and the SQS message that carried it (`SqsMessage`). The lowerCamelCase names of
 * earlier versions (`message`, `attributes`, `envelope`, `sqs`) are still there, deprecated.
 */
export interface SnsQueueMessage extends SnsDelivery {
  /** The SQS message that carried it (receipt handle, receive count, ...). */
  readonly SqsMessage: Message;
  /** @deprecated Use `SqsMessage`; goes in the next minor version. */
  readonly sqs: Message;
}

/**
 * The former name of {@link SnsQueueMessage}.
 * @deprecated Use {@link SnsQueueMessage}: `SnsMessage` also names, in `asyncaws/sns`, the
 * signed message {@link verifySnsMessage} returns (now `SnsSignedMessage`). Goes in the next
 * minor version.
 */
export type SnsMessage = SnsQueueMessage;

/** Unwraps an SQS message that came through SNS, wrapped in the envelope or delivered raw. */
export function unwrapSns(message: Message): SnsQueueMessage {
  const delivery = unwrapSnsMessage(message);
  const unwrapped = withDeprecatedDeliveryNames({
    Message: delivery.Message,
    MessageAttributes: delivery.MessageAttributes,
    Envelope: delivery.Envelope,
    SqsMessage: message,
  });
  Object.defineProperty(unwrapped, "sqs", { value: message, enumerable: false, configurable: true });
  return unwrapped as typeof unwrapped & { readonly sqs: Message };
}
