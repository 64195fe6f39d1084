/**
 * AWS JSON 1.0 (SQS): `POST /` with `X-Amz-Target: <prefix>.<Action>` and a JSON body; errors
 * from the body's `__type` and the `x-amzn-query-error` header.
 *
 * @module
 */

import { fromBase64, toBase64 } from "../crypto.js";
import { type ErrorContext, ResponseError } from "../errors.js";
import type { HttpResponse } from "../http.js";
import type { Shape } from "../schema.js";
import { bodySummary, serviceErrorOf } from "./errors.js";
import type { Protocol, ProtocolRequest } from "./types.js";

export { retryAfterOf } from "./errors.js";

/**
 * Converts API values to their JSON wire form: blobs to base64, dates to epoch seconds. The
 * caller's objects are never changed: an object or list is copied only when something in it is
 * converted, and returned as it is otherwise (a batch of text messages goes to `JSON.stringify`
 * without a copy of each entry).
 */
export function toJsonValue(shape: Shape, value: unknown): unknown {
  return convert(shape, value, true);
}

/** Converts JSON wire values to API values, in place: base64 to `Uint8Array`, epoch seconds to `Date`. */
export function fromJsonValue(shape: Shape, value: unknown): unknown {
  return convert(shape, value, false);
}

/**
 * Both directions in one walk over the members that may hold a blob or a timestamp: to the wire
 * (`toWire`), copying an object or list the first time one of its items changes; from the wire,
 * in place (the parsed JSON is the caller's own).
 */
function convert(shape: Shape, value: unknown, toWire: boolean): unknown {
  if (typeof shape === "string") {
    if (toWire) {
      if (shape === "B" && value instanceof Uint8Array) return toBase64(value);
      if (shape === "t" && value instanceof Date) return value.getTime() / 1000;
    } else if (shape === "B") {
      if (typeof value === "string") return fromBase64(value);
    } else if (shape === "t") {
      if (typeof value === "number") return new Date(value * 1000);
      if (typeof value === "string") return new Date(value);
    }
    return value;
  }
  if (!shape.special || value === null || typeof value !== "object") return value;
  const source = value as Record<string | number, unknown>;
  /** The object written to: the wire form's copy once made; the value itself from the wire. */
  let out: Record<string | number, unknown> | undefined = toWire ? undefined : source;
  if (shape.type === "list") {
    if (!Array.isArray(value)) return value;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const converted = convert(shape.member, item, toWire);
      if (converted !== item) {
        out ??= value.slice() as unknown as Record<number, unknown>;
        out[i] = converted;
      }
    }
  } else if (shape.type === "map") {
    for (const key in source) {
      const item = source[key];
      const converted = convert(shape.value, item, toWire);
      if (converted !== item) {
        out ??= { ...source };
        out[key] = converted;
      }
    }
  } else {
    // Only the members that may hold a blob or a date, as the generator listed them.
    for (const key of shape.special) {
      const item = source[key];
      if (item === undefined) continue;
      const converted = convert(shape.members[key]!.shape, item, toWire);
      if (converted !== item) {
        out ??= { ...source };
        out[key] = converted;
      }
    }
  }
  return out ?? value;
}

/** The short error code of a `__type` such as `com.amazonaws.sqs#QueueDoesNotExist`. */
function shortCode(type: string): string {
  // After the last `#`, before the first `:` (a `:http://...` suffix names the error's origin).
  return type.slice(type.lastIndexOf("#") + 1).split(":")[0]!;
}

function decodeError(
  response: HttpResponse,
  context: ErrorContext,
  normalizeCode: (code: string) => string,
): Error {
  const requestId = response.headers["x-amzn-requestid"] ?? response.headers["x-amz-request-id"];
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown; code?: unknown } | undefined;
  try {
    const value: unknown = response.body ? JSON.parse(response.body) : undefined;
    if (value && typeof value === "object") parsed = value as typeof parsed;
  } catch {
    // not JSON: handled below
  }
  const queryError = response.headers["x-amzn-query-error"];
  const [queryCode, queryFault] = queryError ? queryError.split(";") : [];
  const type =
    (typeof parsed?.__type === "string" && parsed.__type) ||
    response.headers["x-amzn-errortype"] ||
    (typeof parsed?.code === "string" && parsed.code) ||
    (queryCode && normalizeCode(queryCode));
  if (!type) {
    return new ResponseError(
      `unreadable error response: ${bodySummary(response)}`,
      response.statusCode,
      requestId,
      context,
    );
  }
  const message = parsed?.message ?? parsed?.Message;
  const code = shortCode(type);
  return serviceErrorOf(
    typeof message === "string" ? message : "",
    code,
    queryFault,
    requestId,
    response,
    context,
  );
}

/**
 * The AWS JSON 1.0 protocol for a service with the given target prefix (`AmazonSQS`).
 * @param normalizeCode - maps the legacy Query codes of the `x-amzn-query-error` header to the model's
 * (SQS's `AWS.SimpleQueueService.NonExistentQueue` to `QueueDoesNotExist`), for answers without `__type`
 */
export function jsonProtocol(
  targetPrefix: string,
  normalizeCode: (code: string) => string = (code) => code,
): Protocol {
  const prefix = `${targetPrefix}.`;
  return {
    encode(op, input): ProtocolRequest {
      // A body the input's maker wrote (a producer's batch), else the generic encoding.
      const written = input === undefined ? undefined : op.writeBody?.(input, "json");
      return {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": prefix + op.name },
        body:
          written ??
          JSON.stringify(
            input === undefined ? {} : op.input.special ? convert(op.input, input, true) : input,
          ),
      };
    },
    decode(op, response, context) {
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw decodeError(response, context, normalizeCode);
      const requestId = response.headers["x-amzn-requestid"];
      const type = response.headers["content-type"];
      if (type !== undefined && !type.includes("json")) {
        throw new ResponseError(
          `expected JSON, got ${bodySummary(response)}`,
          response.statusCode,
          requestId,
          context,
        );
      }
      if (response.body === "" || response.body === "{}") {
        // An empty answer is only fine for an action that returns nothing.
        for (const _ in op.output.members) {
          if (response.body === "") {
            throw new ResponseError(
              `expected JSON, got ${bodySummary(response)}`,
              response.statusCode,
              requestId,
              context,
            );
          }
          break;
        }
        return {};
      }
      let value: unknown;
      try {
        value = JSON.parse(response.body);
      } catch (error) {
        throw new ResponseError(
          `unreadable JSON: ${bodySummary(response)}`,
          response.statusCode,
          requestId,
          context,
          { cause: error },
        );
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new ResponseError(
          `expected a JSON object, got ${bodySummary(response)}`,
          response.statusCode,
          requestId,
          context,
        );
      }
      if (!op.output.special) return value;
      try {
        return convert(op.output, value, false);
      } catch (error) {
        // A blob that is not base64: a broken answer, typed as the others are.
        throw new ResponseError(
          `unreadable JSON value: ${bodySummary(response)}`,
          response.statusCode,
          requestId,
          context,
          { cause: error },
        );
      }
    },
  };
}
