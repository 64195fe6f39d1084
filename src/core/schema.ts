/**
 * Shape descriptors: the compact, generated description of an AWS API's inputs and outputs that
 * the protocol codecs walk. Generated from AWS's models by `scripts/gen-models.mjs`; never edited
 * by hand. Kept small on purpose: only what encoding and decoding need.
 *
 * @module
 */

/** A scalar shape. */
export type ScalarShape =
  /** string or enum */
  | "s"
  /** integer, long, float or double */
  | "n"
  /** boolean */
  | "b"
  /** blob: `Uint8Array` in the API, base64 on the wire */
  | "B"
  /** timestamp: `Date` in the API; epoch seconds in JSON, ISO 8601 in Query/XML */
  | "t";

/**
 * A member of a structure: its shape and, where it differs from the member name, its wire name.
 * The Query-only names (`name`, and the lists' and maps' `memberName`, `keyName`, `valueName`,
 * `flattened`) of a service that speaks JSON by default (SQS) are generated apart, in
 * `queryNames()` of its schema.ts, and put on the shapes when its Query protocol is made.
 */
export interface MemberShape {
  /** The member's shape. */
  readonly shape: Shape;
  /**
   * Name on the wire (Query parameter prefix, XML element; REST: header, query parameter or URI
   * label) when it differs from the member name.
   */
  readonly name?: string;
  /**
   * REST protocols: where the member goes, when not in the body: a label of the URI, a query
   * parameter, a header, headers sharing the name as a prefix (a map), or the status code.
   */
  readonly loc?: "uri" | "query" | "header" | "headers" | "status";
  /** REST-XML: the XML namespace of a structure sent as the whole body. */
  readonly ns?: string;
}

/** A structure: named members. */
export interface StructureShape {
  readonly type: "structure";
  readonly members: Readonly<Record<string, MemberShape>>;
  /**
   * The members that are, or hold at any depth, a blob or a timestamp, when there are some: the
   * JSON codec converts those and skips the rest (and structures without it).
   */
  readonly special?: readonly string[];
  /** REST protocols: the member that is the whole body (a blob, or a structure sent as XML). */
  readonly payload?: string;
}

/** A list. */
export interface ListShape {
  readonly type: "list";
  readonly member: Shape;
  /** Wire name of each item when not flattened: `member` unless the model names it. */
  readonly memberName?: string;
  /** Flattened: items repeat under the member's own name, with no wrapper element. */
  readonly flattened?: true;
  readonly special?: true;
}

/** A map. */
export interface MapShape {
  readonly type: "map";
  readonly value: Shape;
  /** Wire name of the key: `key` unless the model names it. */
  readonly keyName?: string;
  /** Wire name of the value: `value` unless the model names it. */
  readonly valueName?: string;
  /** Flattened: entries repeat under the member's own name, with no `entry` wrapper. */
  readonly flattened?: true;
  readonly special?: true;
}

/** Any shape. */
export type Shape = ScalarShape | StructureShape | ListShape | MapShape;

/** An operation as the protocol needs it. */
export interface OperationShape {
  /** The AWS action name, such as `SendMessage`. */
  readonly name: string;
  readonly input: StructureShape;
  readonly output: StructureShape;
  /** Query protocol: the element wrapping the output in the XML response (`SendMessageResult`). */
  readonly resultWrapper?: string;
  /**
   * REST protocols: the method, the URI template (`/{Bucket}/{Key+}`, `/{Bucket}?list-type=2`)
   * and the success status code when it is not 200.
   */
  readonly http?: { readonly method: string; readonly uri: string; readonly code?: number };
  /** REST protocols: the request needs a checksum of its body (S3 `Content-MD5`). */
  readonly checksumRequired?: true;
  /**
   * The body of a request, written by the code that built this very input (the producers'
   * batches, from entries they checked and hold), used by the JSON and Query protocols instead
   * of their generic encoding; `undefined` encodes as usual. The result must equal the generic
   * encoding. `format`: `json` asks for the whole JSON body; `query` for the form parameters
   * after `Action` and `Version`, each starting with `&`.
   */
  readonly writeBody?: ((input: object, format: "json" | "query") => string | undefined) | undefined;
  /**
   * Reads a successful answer's body faster than the protocol's generic reader does, for the
   * answers in their usual form (a batch action's); `undefined` reads it the generic way. The
   * output must equal the generic reader's. Only the Query protocol asks (`format` `query`).
   */
  readonly readBody?: ((body: string, format: "query") => Record<string, unknown> | undefined) | undefined;
}
