import type { Endpoint } from "../config.js";
import type { ErrorContext } from "../errors.js";
import type { HttpResponse } from "../http.js";
import type { OperationShape } from "../schema.js";

/**
 * A request as a protocol builds it: method, path, query, headers and body. The client adds the
 * endpoint, signs and sends it; it knows nothing else of the wire format.
 */
export interface ProtocolRequest {
  /** The HTTP method (`POST` for the JSON and Query protocols). */
  readonly method: string;
  /**
   * The path below the endpoint's own path, starting with `/`, percent-encoded as it is sent
   * (`/` for the JSON and Query protocols).
   */
  readonly path: string;
  /** The query string as it is sent, without `?`; `""` for none (the signer's fast path). */
  readonly query: string;
  /**
   * The query in the canonical form SigV4 signs (`canonicalQuery(query)` of the signer: decoded,
   * encoded again, sorted). Required when `query` is not empty: the protocols that send a query
   * compute it, so that a program whose protocols send none (JSON, Query) carries no code for it.
   */
  readonly signedQuery?: string | undefined;
  /** The protocol's headers, names in lower case (`host` and the signature are the client's). */
  readonly headers: Record<string, string>;
  /** The body: text, or bytes. */
  readonly body: string | Uint8Array;
  /** Put before the endpoint's host name (S3 virtual-hosted addressing: `bucket.`). */
  readonly hostPrefix?: string | undefined;
  /** Read the response body as bytes (`HttpResponse.bytes`) rather than text. */
  readonly binaryResponse?: boolean | undefined;
}

/** A wire protocol: how an operation's input becomes a request and a response becomes output. */
export interface Protocol {
  /** Builds the whole request (the endpoint is where it goes, for protocols that address by host). */
  encode(op: OperationShape, input: object | undefined, endpoint: Endpoint): ProtocolRequest;
  /** Reads a response: the typed output, or throws a ServiceError or ResponseError. */
  decode(op: OperationShape, response: HttpResponse, context: ErrorContext): unknown;
}
