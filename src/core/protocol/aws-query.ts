/**
 * The AWS Query protocol as a {@link Protocol}: form-encoded `POST` with `Action` and `Version`,
 * XML answers. Used by SNS and STS, and by SQS with `protocol: "query"`.
 *
 * @module
 */

import { type ErrorContext, ResponseError } from "../errors.js";
import type { HttpResponse } from "../http.js";
import { bodySummary, requestIdOf, serviceErrorOf } from "./errors.js";
import { decodeQueryResponse, encodeQuery, parseQueryError, type QueryError } from "./query.js";
import type { Protocol } from "./types.js";

function decodeError(
  response: HttpResponse,
  context: ErrorContext,
  normalizeCode: (code: string) => string,
  parsed: QueryError | undefined = parseQueryError(response.body),
): Error {
  if (!parsed) {
    return new ResponseError(
      `unreadable error response: ${bodySummary(response)}`,
      response.statusCode,
      requestIdOf(response),
      context,
    );
  }
  const code = normalizeCode(parsed.code);
  return serviceErrorOf(
    parsed.message,
    code,
    parsed.type,
    parsed.requestId ?? requestIdOf(response),
    response,
    context,
  );
}

/**
 * The AWS Query protocol for an API version.
 * @param normalizeCode - maps legacy error codes to the model's names (SQS's `AWS.SimpleQueueService.NonExistentQueue` to `QueueDoesNotExist`)
 */
export function queryProtocol(
  version: string,
  normalizeCode: (code: string) => string = (code) => code,
): Protocol {
  return {
    encode(op, input) {
      return {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: encodeQuery(op, input, version),
      };
    },
    decode(op, response, context) {
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw decodeError(response, context, normalizeCode);
      // An error body with a success status (proxies and emulators send them; AWS does not) is
      // the error it says, never a success decoded as `{}`. The cheap test first: a success
      // escapes every `<` of its values, so `<Error` is an element.
      if (response.body.includes("<Error")) {
        const parsed = parseQueryError(response.body);
        if (parsed) throw decodeError(response, context, normalizeCode, parsed);
      }
      const type = response.headers["content-type"];
      if (type !== undefined && !type.includes("xml")) {
        throw new ResponseError(
          `expected XML, got ${bodySummary(response)}`,
          response.statusCode,
          requestIdOf(response),
          context,
        );
      }
      try {
        // The operation's own reader for answers in their usual form (PublishBatch's), else the generic one.
        return op.readBody?.(response.body, "query") ?? decodeQueryResponse(op, response.body).output;
      } catch (error) {
        throw new ResponseError(
          `unreadable XML: ${bodySummary(response)}`,
          response.statusCode,
          requestIdOf(response),
          context,
          { cause: error },
        );
      }
    },
  };
}
