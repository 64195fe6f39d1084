/**
 * The bare SQS client, `SQSClient`: configuration, protocol, signing and transport. `SQS` (in
 * `sqs.ts`) adds the methods; the standalone functions of `functions.ts` take it as it is.
 *
 * @module
 */

import {
  type BareClientOptions,
  type ClientOptions,
  ServiceClient,
  type ServiceInfo,
} from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import { jsonProtocol } from "../core/protocol/json.js";
import type { Protocol } from "../core/protocol/types.js";
import type { LargePayloadOptions } from "../payloads/options.js";
import { normalizeCode } from "./codes.js";
import { loadQueryProtocol } from "./query-by-name.js";

/** Options of the SQS clients. */
export interface SQSOptions extends ClientOptions {
  /**
   * The wire protocol: AWS JSON 1.0 (the default), or a protocol object such as `sqsQuery` of
   * `asyncaws/sqs/query`, the older AWS Query (form-encoded, XML answers) that some SQS-compatible
   * servers still need. Only what a program imports ends up in its bundle.
   *
   * The strings `"json"` and `"query"` are still accepted but deprecated: `"query"` loads
   * `asyncaws/sqs/query` on first use on Node, Bun and Deno, and fails the first call in a
   * browser or Workers bundle (which carries only the code its program imports), saying to pass
   * `sqsQuery`.
   * @default JSON (AWS JSON 1.0)
   * @example
   * ```ts
   * import { sqsQuery } from "asyncaws/sqs/query";
   * const sqs = new SQS({ endpoint: "http://127.0.0.1:9324", protocol: sqsQuery });
   * ```
   */
  protocol?: Protocol | "json" | "query" | undefined;
  /**
   * Check the MD5 digests of sent and received bodies and attributes, throwing a ChecksumError on a mismatch.
   * @default true
   */
  checksums?: boolean | undefined;
  /**
   * Messages of any size, through S3, readable and writable by AWS's extended client libraries
   * (Java, Python): see {@link LargePayloadOptions}. Only the `SQS` class uses it (not the bare
   * `SQSClient` and its standalone functions).
   * @default none: messages go to SQS as they are, at most 1 MiB
   */
  largePayloads?: LargePayloadOptions | undefined;
}

const SQS_INFO: ServiceInfo = {
  signingName: "sqs",
  endpointPrefix: "sqs",
  envKey: "SQS",
  resourceKeys: ["QueueUrl", "QueueName", "SourceArn", "TaskHandle"],
};

/**
 * Options of the bare {@link SQSClient}: {@link SQSOptions}, with `hooks` only as `observe` makes
 * them (`hooks: observe({ onError })`), so that a program without hooks carries none of the
 * observation's code.
 */
export type SQSClientOptions = BareClientOptions<SQSOptions>;

/**
 * A bare SQS client: configuration, signing and transport, with no method of its own. Pair it
 * with the standalone functions (`sendMessage(client, input)`) when bundle size matters; use
 * {@link SQS} otherwise.
 *
 * @example
 * ```ts
 * import { SQSClient, sendMessage } from "asyncaws/sqs";
 *
 * const client = new SQSClient({ region: "eu-west-1" });
 * await sendMessage(client, { QueueUrl, MessageBody: "Hello, World!" });
 * ```
 *
 * Its `hooks` option takes what `observe` makes of the hooks, not the plain object (which
 * the `SQS` class takes): `new SQSClient({ hooks: observe({ onError }) })`.
 */
export class SQSClient extends ServiceClient {
  constructor(options: SQSClientOptions = {}) {
    const protocol = options?.protocol ?? "json";
    if (
      protocol !== "json" &&
      protocol !== "query" &&
      (typeof protocol !== "object" ||
        protocol === null ||
        typeof protocol.encode !== "function" ||
        typeof protocol.decode !== "function")
    ) {
      throw new ValidationError("protocol", 'a protocol such as sqsQuery, or "json" or "query"', protocol);
    }
    if (options?.checksums !== undefined && typeof options.checksums !== "boolean") {
      throw new ValidationError("checksums", "a boolean", options.checksums);
    }
    super(
      SQS_INFO,
      protocol === "json"
        ? jsonProtocol("AmazonSQS", normalizeCode)
        : protocol === "query"
          ? loadQueryProtocol
          : protocol,
      options,
      options?.checksums ?? true,
    );
  }
}
