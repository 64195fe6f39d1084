/**
 * The bare STS client, `STSClient`: configuration, protocol (AWS Query), signing and transport, on
 * the regional STS endpoint (`https://sts.{region}.amazonaws.com`, FIPS and dual-stack on request).
 * `STS` (in `sts.ts`) adds the methods.
 *
 * @module
 */

import {
  type BareClientOptions,
  type ClientOptions,
  ServiceClient,
  type ServiceInfo,
  // biome-ignore lint/suspicious/noImportCycles: the one allowed cycle, credential chain <-> STS (see core/credentials/sts.ts)
} from "../core/client.js";

/** Options of the STS clients. */
export interface STSOptions extends ClientOptions {}

const STS_INFO: ServiceInfo = {
  signingName: "sts",
  endpointPrefix: "sts",
  envKey: "STS",
  resourceKeys: ["RoleArn"],
};

/**
 * A bare STS client: configuration, signing and transport, with no method of its own; the base of
 * {@link STS}, which is what programs use.
 */
export class STSClient extends ServiceClient {
  constructor(options: BareClientOptions<STSOptions> = {}) {
    super(
      STS_INFO,
      // The AWS Query protocol (with its XML reader) is loaded at the first call.
      () => import("../core/protocol/aws-query.js").then((m) => m.queryProtocol("2011-06-15")),
      options,
    );
  }
}
