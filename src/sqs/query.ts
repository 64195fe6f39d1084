/**
 * The AWS Query protocol for SQS, `asyncaws/sqs/query`: form-encoded requests and XML answers, for
 * the SQS-compatible servers that do not speak AWS JSON 1.0 (the default). Give it to a client:
 * a program that never imports it carries none of the Query or XML code in its bundle.
 *
 * @example
 * ```ts
 * import { SQSClient, sendMessage } from "asyncaws/sqs";
 * import { sqsQuery } from "asyncaws/sqs/query";
 *
 * const client = new SQSClient({ endpoint: "http://127.0.0.1:9324", protocol: sqsQuery });
 * await sendMessage(client, { QueueUrl, MessageBody: "Hello, World!" });
 * ```
 *
 * @module sqs/query
 */

import { queryProtocol } from "../core/protocol/aws-query.js";
import type { Protocol } from "../core/protocol/types.js";
import { normalizeCode } from "./codes.js";
import { queryNames } from "./schema.js";

export type { Protocol } from "../core/protocol/types.js";

/**
 * SQS's AWS Query protocol (API version 2012-11-05), with the parameter names of AWS's model
 * (`AttributeName.N` for both `AttributeNames` and `MessageSystemAttributeNames`, numbered as one
 * list) and its error codes mapped to the model's names: `protocol: sqsQuery`.
 */
export const sqsQuery: Protocol = /* @__PURE__ */ withQueryNames(queryProtocol("2012-11-05", normalizeCode));

/**
 * Puts the Query names of SQS's shapes (`queryNames` of schema.ts: list items, map keys and
 * values, flattened lists and maps, members' wire names) on the shapes the JSON protocol shares,
 * which carry none, once, as this module loads; returns the protocol.
 */
function withQueryNames(protocol: Protocol): Protocol {
  for (const [shape, names] of queryNames()) {
    if (shape.type !== "structure") Object.assign(shape, names);
    else for (const member in names) Object.assign(shape.members[member]!, { name: names[member] });
  }
  return protocol;
}
