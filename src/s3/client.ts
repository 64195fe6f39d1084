/**
 * The bare S3 client, `S3Client`: configuration, the REST-XML protocol (path-style or
 * virtual-hosted addressing), SigV4 with the payload hash header, and transport. `S3` (in `s3.ts`)
 * adds the methods.
 *
 * @module
 */

import {
  type BareClientOptions,
  type ClientOptions,
  ServiceClient,
  type ServiceInfo,
} from "../core/client.js";
import type { Endpoint } from "../core/config.js";
import { ValidationError } from "../core/errors.js";
import { isDnsSafeBucket, restXmlProtocol } from "../core/protocol/rest-xml.js";

/** Options of the S3 clients. */
export interface S3Options extends ClientOptions {
  /**
   * Address buckets in the path (`https://host/bucket/key`) rather than in the host name
   * (`https://bucket.host/key`, virtual-hosted).
   * @default path-style for endpoints other than AWS's own (emulators, MinIO, proxies) and for
   * bucket names that cannot be a host name label (dots, upper case); virtual-hosted otherwise
   */
  forcePathStyle?: boolean | undefined;
}

const S3_INFO: ServiceInfo = {
  signingName: "s3",
  endpointPrefix: "s3",
  envKey: "S3",
  resourceKeys: ["Bucket"],
};

/** Host names of AWS's own endpoints, where virtual-hosted addressing works. */
function isAwsHost(hostname: string): boolean {
  return /\.(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/.test(hostname);
}

/**
 * A bare S3 client: configuration, signing and transport, with no method of its own; the base of
 * {@link S3}, which is what programs use.
 */
export class S3Client extends ServiceClient {
  constructor(options: BareClientOptions<S3Options> = {}) {
    const force = options?.forcePathStyle;
    if (force !== undefined && typeof force !== "boolean") {
      throw new ValidationError("forcePathStyle", "a boolean", force);
    }
    super(
      S3_INFO,
      restXmlProtocol({
        pathStyle: (bucket: string, endpoint: Endpoint) =>
          force ?? (!isAwsHost(endpoint.hostname) || !isDnsSafeBucket(bucket)),
        signingName: S3_INFO.signingName,
      }),
      options,
    );
  }
}
