/**
 * The bare SQS client, `SQSClient`: configuration, protocol, signing and transport. `SQS` (in
 * `sqs.ts`) adds the methods; the standalone functions of `functions.ts` take it as it is.
 *
 * @module
 */

import { type ClientOptions, ServiceClient, type ServiceInfo } from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import { jsonProtocol } from "../core/protocol/json.js";
import type { LargePayloadOptions } from "../payloads/options.js";
import { queryErrorCodes } from "./schema.js";

/** Options of the SQS clients. */
export interface SQSOptions extends ClientOptions {
  /**
   * The wire protocol: AWS JSON 1.0, or the older AWS Query (form-encoded, XML answers) that some
   * SQS-compatible servers still need.
   * @default "json"
   */
  protocol?: "json" | "query" | undefined;
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
 * Maps the Query protocol's error codes (`AWS.SimpleQueueService.NonExistentQueue`,
 * `KMS.AccessDeniedException`) to the model's error names (`QueueDoesNotExist`, `KmsAccessDenied`),
 * from the `awsQueryError` traits of AWS's model; other codes lose an `AWS.SimpleQueueService.`
 * prefix, if any.
 */
function normalizeCode(code: string): string {
  if (Object.hasOwn(queryErrorCodes, code)) return queryErrorCodes[code]!;
  return code.startsWith("AWS.SimpleQueueService.") ? code.slice(23) : code;
}

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
 */
export class SQSClient extends ServiceClient {
  constructor(options: SQSOptions = {}) {
    const protocol = options?.protocol ?? "json";
    if (protocol !== "json" && protocol !== "query") {
      throw new ValidationError("protocol", '"json" or "query"', protocol);
    }
    if (options?.checksums !== undefined && typeof options.checksums !== "boolean") {
      throw new ValidationError("checksums", "a boolean", options.checksums);
    }
    super(
      SQS_INFO,
      protocol === "json"
        ? jsonProtocol("AmazonSQS", normalizeCode)
        : () =>
            import("../core/protocol/aws-query.js").then((m) => m.queryProtocol("2012-11-05", normalizeCode)),
      options,
      options?.checksums ?? true,
    );
  }
}
