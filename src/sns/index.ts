/**
 * The SNS part of the public API: the client, the topic handle, the envelope parser, the
 * notification verifier and its HTTP handlers, and AWS's SNS shapes.
 *
 * @module
 */

export type { LargePayloadOptions } from "../payloads/options.js";
export type { SNSOptions } from "./client.js";
export {
  parseSnsEnvelope,
  type SnsDelivery,
  type SnsEnvelope,
  type SnsEnvelopeAttribute,
  unwrapSnsMessage,
} from "./envelope.js";
export type { SNSMethods } from "./methods.js";
export { TopicProducer, type TopicProducerOptions } from "./producer.js";
export { SNS } from "./sns.js";
export {
  type FailedPublishEntry,
  type PublishBatchMessage,
  type PublishBatchResult,
  type PublishedEntry,
  type PublishParams,
  type SettableTopicAttributeName,
  type SubscribeQueueOptions,
  type SubscribeQueueResult,
  type TopicAttributeName,
  type TopicAttributes,
  TopicHandle,
  type TopicOptions,
} from "./topic.js";
export { TypedTopicHandle, type TypedTopicOptions, type TypedTopicProducer } from "./typed-topic.js";
export type * from "./types.js";
export { checkSigningCertUrl } from "./verify/cert-url.js";
export {
  confirmSnsSubscription,
  type NodeRequestLike,
  type NodeResponseLike,
  type SnsHandlerOptions,
  type SubscriptionConfirmer,
  snsFetchHandler,
  snsNodeHandler,
} from "./verify/handlers.js";
export {
  type CertificateFetch,
  type SnsMessage,
  type SnsNotification,
  type SnsSignedMessage,
  type SnsSubscriptionConfirmation,
  type SnsUnsubscribeConfirmation,
  SnsVerifier,
  type SnsVerifierOptions,
  type SnsVerifyOptions,
  verifySnsMessage,
} from "./verify/verifier.js";
