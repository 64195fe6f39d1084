/**
 * The bare SQS client, `SQSClient`: configuration, protocol, signing and transport. `SQS` (in
 * `sqs.ts`) adds the methods; the standalone functions of `functions.ts` take it as it is.
 *
 * @module
 */

import { type ClientOptions, ServiceClient, type ServiceInfo } from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import { jsonProtocol } from "../core/protocol/json.js";
import type { Protocol } from "../core/protocol/types.js";
import { nameOf } from "../observability/request.js";
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
  messaging: {
    system: "aws_sqs",
    operations: {
      SendMessage: ["send", "send"],
      SendMessageBatch: ["send", "send", "Entries"],
      ReceiveMessage: ["receive", "receive"],
    },
    destination(fields, attributes) {
      if (typeof fields.QueueUrl === "string") {
        attributes["aws.sqs.queue.url"] = fields.QueueUrl;
        return nameOf(fields.QueueUrl, "/");
      }
      return typeof fields.QueueName === "string" ? fields.QueueName : undefined;
    },
  },
};

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
