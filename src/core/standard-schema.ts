/**
 * The Standard Schema v1 interface (https://standardschema.dev), declared here as the
 * specification asks of libraries that accept schemas: no dependency on any schema library. Any
 * schema that implements it (zod 3.24 and later, valibot 1, arktype 2, effect, and others) can
 * type and check asyncaws messages.
 *
 * @module
 */

/** A schema that implements Standard Schema v1: it carries its validator under `~standard`. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The standard properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  /** The standard properties of a schema. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version of the specification: 1. */
    readonly version: 1;
    /** The library that made the schema (`zod`, `valibot`, `arktype`...). */
    readonly vendor: string;
    /** Validates a value: a result, or a promise of one for asynchronous schemas. */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** The schema's input and output types, for inference only (no value at run time). */
    readonly types?: Types<Input, Output> | undefined;
  }

  /** What `validate` gives: the value (success) or the issues (failure). */
  export type Result<Output> = SuccessResult<Output> | FailureResult;

  /** A successful validation: the output value. */
  export interface SuccessResult<Output> {
    /** The value, as the schema outputs it. */
    readonly value: Output;
    /** Absent on success. */
    readonly issues?: undefined;
  }

  /** A failed validation: what was wrong. */
  export interface FailureResult {
    /** The problems found, at least one. */
    readonly issues: ReadonlyArray<Issue>;
  }

  /** One problem found by a schema. */
  export interface Issue {
    /** What is wrong, in words. */
    readonly message: string;
    /** Where, from the root of the value. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }

  /** A step of an issue's path, as an object. */
  export interface PathSegment {
    /** The property name or array index. */
    readonly key: PropertyKey;
  }

  /** The types a schema declares. */
  export interface Types<Input = unknown, Output = Input> {
    /** The type of what the schema accepts. */
    readonly input: Input;
    /** The type of what the schema gives after validation (and transforms). */
    readonly output: Output;
  }

  /** The input type of a schema. */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["input"];

  /** The output type of a schema. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["output"];
}
