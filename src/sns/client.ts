/**
 * The bare SNS client, `SNSClient`: configuration, protocol (AWS Query), signing and transport.
 * `SNS` (in `sns.ts`) adds the methods and the topic handles.
 *
 * @module
 */

import {
  type BareClientOptions,
  type ClientOptions,
  ServiceClient,
  type ServiceInfo,
} from "../core/client.js";
import type { LargePayloadOptions } from "../payloads/options.js";

/** @internal The SNS client's method giving the caller's account (defined in sns.ts). */
export const CALLER_ACCOUNT = Symbol("asyncaws.callerAccount");

/** Options of the SNS clients. Every option is optional. */
export interface SNSOptions extends ClientOptions {
  /**
   * Messages of any size, through S3, as the SNS extended client for Java sends them: see
   * {@link LargePayloadOptions} (`deleteFromS3` does not apply: SNS never deletes). Only the
   * `SNS` class uses it (not the bare `SNSClient`).
   * @default none: messages go to SNS as they are, at most 256 KiB
   */
  largePayloads?: LargePayloadOptions | undefined;
}

const SNS_INFO: ServiceInfo = {
  signingName: "sns",
  endpointPrefix: "sns",
  envKey: "SNS",
  resourceKeys: [
    "TopicArn",
    "TargetArn",
    "Name",
    "SubscriptionArn",
    "ResourceArn",
    "EndpointArn",
    "PlatformApplicationArn",
  ],
};

/**
 * A bare SNS client: configuration, signing and transport, with no method of its own; the base of
 * {@link SNS}, which is what programs use.
 */
export class SNSClient extends ServiceClient {
  constructor(options: BareClientOptions<SNSOptions> = {}) {
    super(
      SNS_INFO,
      // The AWS Query protocol (with its XML reader) is loaded at the first call.
      () => import("../core/protocol/aws-query.js").then((m) => m.queryProtocol("2010-03-31")),
      options,
    );
  }
}
