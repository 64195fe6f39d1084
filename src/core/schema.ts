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

/** A member of a structure: its shape and, where it differs from the member name, its wire name. */
export interface MemberShape {
  /** The member's shape. */
  readonly shape: Shape;
  /** Name on the wire (Query parameter prefix, XML element) when it differs from the member name. */
  readonly name?: string;
}

/** A structure: named members. */
export interface StructureShape {
  readonly type: "structure";
  readonly members: Readonly<Record<string, MemberShape>>;
  /** True when some member, at any depth, is a blob or a timestamp (the JSON codec skips the rest). */
  readonly special?: true;
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
}
