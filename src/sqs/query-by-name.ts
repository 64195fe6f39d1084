/**
 * The deprecated `protocol: "query"` of the SQS clients: `asyncaws/sqs/query` loaded on first use.
 * Bundlers for browsers and Workers take `query-by-name.browser.ts` instead (package.json's
 * `browser` field), so that the string form does not pull the Query and XML code into every
 * browser bundle.
 *
 * @module
 */

import type { Protocol } from "../core/protocol/types.js";

/** Loads SQS's Query protocol. */
export function loadQueryProtocol(): Promise<Protocol> {
  return import("./query.js").then((m) => m.sqsQuery);
}
