/**
 * What every protocol reads the same way from an error answer: the request id, the server's
 * `Date` (clock skew), retry hints, whose fault it is, and a safe summary of a body that could
 * not be read. The JSON, Query and REST-XML protocols share these.
 *
 * @module
 */

import { type ErrorContext, ServiceError } from "../errors.js";
import type { HttpResponse } from "../http.js";
import { classify } from "../retry.js";

/** AWS's request id, from the headers (`x-amzn-requestid`, or S3's `x-amz-request-id`). */
export function requestIdOf(response: HttpResponse): string | undefined {
  return response.headers["x-amzn-requestid"] ?? response.headers["x-amz-request-id"];
}

/** Reads the `Date` header into a Date, if valid. */
export function serverDateOf(response: HttpResponse): Date | undefined {
  const header = response.headers.date;
  if (!header) return undefined;
  const date = new Date(header);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A `Retry-After` (seconds or an HTTP date) / `x-amz-retry-after` (milliseconds) hint, in milliseconds. */
export function retryAfterOf(response: HttpResponse): number | undefined {
  const ms = response.headers["x-amz-retry-after"];
  if (ms && /^\d+$/.test(ms)) return Number(ms);
  const after = response.headers["retry-after"];
  if (!after) return undefined;
  if (/^\d+$/.test(after)) return Number(after) * 1000;
  // The HTTP-date form: how long from now.
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Whether an error answer may succeed if the same request is sent again, as the retry policy sees it. */
export function isRetryableAnswer(code: string, statusCode: number): boolean {
  return classify(new ServiceError("", { code, statusCode })) !== "fatal";
}

/**
 * The ServiceError of an error answer, shared by every protocol.
 * @param who - AWS's word on whose fault it is (`Sender` or `Receiver`), when it gave one
 */
export function serviceErrorOf(
  message: string,
  code: string,
  who: string | undefined,
  requestId: string | undefined,
  response: HttpResponse,
  context: ErrorContext,
): ServiceError {
  return new ServiceError(message, {
    ...context,
    code,
    statusCode: response.statusCode,
    retryable: isRetryableAnswer(code, response.statusCode),
    requestId,
    fault:
      who === "Sender"
        ? "client"
        : who === "Receiver"
          ? "server"
          : response.statusCode >= 500
            ? "server"
            : "client",
    serverDate: serverDateOf(response),
    retryAfterMs: retryAfterOf(response),
  });
}

/** A short, safe description of an unreadable body for error messages. */
export function bodySummary(response: HttpResponse): string {
  const type = response.headers["content-type"] ?? "no content type";
  const length = response.bytes?.length ?? response.body.length;
  const unit = response.bytes ? "bytes" : "characters";
  return length === 0 ? `empty body (${type})` : `${length} ${unit} of ${type}`;
}
