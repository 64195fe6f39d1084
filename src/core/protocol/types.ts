import type { Endpoint } from "../config.js";
import type { ErrorContext } from "../errors.js";
import type { HttpResponse } from "../http.js";
import type { OperationShape } from "../schema.js";

/**
 * Where a request goes when it is not the endpoint's own path: what a REST protocol gives (the
 * operation's path, a query, a bucket's host name), placed on the endpoint and in the canonical
 * forms SigV4 signs, so that the client joins, encodes and canonicalizes nothing itself.
 */
export interface RequestTarget {
  /**
   * The path as sent, percent-encoded: the endpoint's own path, then the operation's, then `?` and
   * the query when there is one.
   */
  readonly path: string;
  /** The path's canonical URI, as the service signs it (`canonicalPath` of the signer). */
  readonly canonicalUri: string;
  /**
   * The query in the canonical form SigV4 signs (`canonicalQuery(query)` of the signer: decoded,
   * encoded again, sorted); `""` for none.
   */
  readonly signedQuery: string;
  /** The host name to connect to (S3 virtual-hosted addressing: `bucket.` then the endpoint's). */
  readonly hostname: string;
  /** The `host` header: the host name, and the endpoint's port when it is not the default. */
  readonly host: string;
}

/**
 * A request as a protocol builds it: method, headers, body, and where it goes. The client signs
 * and sends it; it knows nothing else of the wire format.
 */
export interface ProtocolRequest {
  /** The HTTP method (`POST` for the JSON and Query protocols). */
  readonly method: string;
  /** The protocol's headers, names in lower case (`host` and the signature are the client's). */
  readonly headers: Record<string, string>;
  /** The body: text, or bytes. */
  readonly body: string | Uint8Array;
  /**
   * Where the request goes, with its canonical forms, for protocols that address more than the
   * endpoint (REST). Absent (JSON, Query), it goes to the endpoint's own path, with no query.
   */
  readonly target?: RequestTarget | undefined;
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
