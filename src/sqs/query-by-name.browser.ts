/**
 * The browser build's stand-in for `query-by-name.ts` (package.json's `browser` field maps one to
 * the other): a bundle has only the code its program imports, and the deprecated string form
 * `protocol: "query"` imports nothing, so the first call says what to import instead.
 *
 * @module
 */

import { AsyncAwsError } from "../core/errors.js";
import type { Protocol } from "../core/protocol/types.js";

/** Rejects: in a browser or Workers bundle, the Query protocol comes as `sqsQuery`. */
export function loadQueryProtocol(): Promise<Protocol> {
  return Promise.reject(
    new AsyncAwsError(
      'protocol: "query" is not bundled for browsers and Workers: import { sqsQuery } from "asyncaws/sqs/query" and pass protocol: sqsQuery',
    ),
  );
}
