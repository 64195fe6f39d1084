import type { ErrorContext } from "../errors.js";
import type { HttpResponse } from "../http.js";
import type { OperationShape } from "../schema.js";

/** A wire protocol: how an operation's input becomes a request and a response becomes output. */
export interface Protocol {
  /** Builds the body and the protocol's headers (lower-case names). */
  encode(op: OperationShape, input: object | undefined): { body: string; headers: Record<string, string> };
  /** Reads a response: the typed output, or throws a ServiceError or ResponseError. */
  decode(op: OperationShape, response: HttpResponse, context: ErrorContext): unknown;
}
