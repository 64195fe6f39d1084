/**
 * Operations as data: the entry of an operation table (`OperationSpec`), the helpers the generated
 * tables (`<service>/operations.ts`) are written with, and `defineOperations`, which derives a
 * client class's methods from its table. It imports no value of the client, so that a service's
 * table and class depend on it alone (the STS client, on the credential chain's one import cycle,
 * adds no other).
 *
 * @module
 */

import type { CallOptions } from "./client.js";
import { AsyncAwsError, type ErrorContext } from "./errors.js";
import type { OperationShape } from "./schema.js";

/** @internal The symbol under which clients keep their call function. */
export const CALL = Symbol("asyncaws.call");
/** @internal The symbol of a client's function naming the queue or topic an input is about. */
export const RESOURCE = Symbol("asyncaws.resource");

/** An operation: its shapes and the service's per-operation behaviour. Described once, as data. */
export interface OperationSpec extends OperationShape {
  /** Rejects bad input before anything is sent (throws a ValidationError). */
  readonly validate?: ((input: never, context: ErrorContext) => void) | undefined;
  /** Checks the output against the input (MD5 digests); throws a ChecksumError. */
  readonly check?: ((input: never, output: never, context: ErrorContext) => void) | undefined;
  /** The least timeout this call needs (a long poll's wait), in milliseconds. */
  readonly minTimeoutMs?: ((input: never) => number) | undefined;
  /** Sent without a signature (STS AssumeRoleWithWebIdentity): no credentials needed. */
  readonly unsigned?: boolean | undefined;
}

/**
 * One entry of a generated operation table (`<service>/operations.ts`): the action's shapes from
 * AWS's model, with the service's hand-written validator and output check, if any.
 */
export function operation(
  shape: OperationShape,
  validate?: OperationSpec["validate"],
  check?: OperationSpec["check"],
  extra?: Pick<OperationSpec, "minTimeoutMs" | "unsigned">,
): OperationSpec {
  return { ...shape, validate, check, ...extra };
}

/**
 * The least timeout of a long poll (an action whose input has `WaitTimeSeconds`): the longest it
 * may wait (20 seconds when the input leaves it to the queue), plus 5 seconds.
 */
export function longPollTimeout(input: { WaitTimeSeconds?: number }): number {
  return ((input.WaitTimeSeconds ?? 20) + 5) * 1000;
}

/** How a paginated action pages. */
export interface PaginatorSpec {
  readonly inputToken: string;
  readonly outputToken: string;
  readonly resultKey?: string;
  readonly limitKey?: string;
}

/** What `defineOperations`'s methods and {@link paginate} call: a client's call function. */
interface OperationTarget {
  [CALL](op: OperationSpec, input: object | undefined, options?: CallOptions): Promise<unknown>;
  [RESOURCE](input: object | undefined): string | undefined;
}

/**
 * @internal Iterates the pages of a paginated operation, calling it again with each page's token
 * until a page has none. A function rather than a client method, so that only the programs that
 * page carry it.
 */
export async function* paginate(
  client: OperationTarget,
  op: OperationSpec,
  paginator: PaginatorSpec,
  input: object | undefined,
  options?: CallOptions,
): AsyncGenerator<unknown, void, undefined> {
  const seen = new Set<string>();
  let request = input;
  for (;;) {
    const page = (await client[CALL](op, request, options)) as Record<string, unknown>;
    yield page;
    const token = page[paginator.outputToken];
    if (typeof token !== "string" || token === "") return;
    if (seen.has(token)) {
      throw new AsyncAwsError("the service returned the same page token twice; stopping", {
        operation: op.name,
        resource: client[RESOURCE](input),
      });
    }
    seen.add(token);
    request = { ...input, [paginator.inputToken]: token };
  }
}

/**
 * Derives one method per operation (and `paginate<Action>` per paginator) on a client class
 * from its operation table: the methods are data, not hand-written code.
 */
export function defineOperations(
  target: { prototype: object },
  operations: Readonly<Record<string, OperationSpec>>,
  paginators: Readonly<Record<string, PaginatorSpec>>,
): void {
  const proto = target.prototype as Record<string, unknown>;
  for (const name in operations) {
    const op = operations[name]!;
    proto[name[0]!.toLowerCase() + name.slice(1)] = function (
      this: OperationTarget,
      input?: object,
      options?: CallOptions,
    ) {
      return this[CALL](op, input, options);
    };
    const paginator = paginators[name];
    if (paginator) {
      proto[`paginate${name}`] = function (this: OperationTarget, input?: object, options?: CallOptions) {
        return paginate(this, op, paginator, input, options);
      };
    }
  }
}

/** An operation table with its paginators, as a service's `operations.ts` exports them. */
export interface OperationTable {
  readonly operations: Readonly<Record<string, OperationSpec>>;
  readonly paginators: Readonly<Record<string, PaginatorSpec>>;
}

/**
 * {@link defineOperations} for a table loaded on first use: the same methods, named from `names`
 * (the table's actions, in its order) and `paginated` (those with a paginator); the first call
 * of any of them loads the table (its shapes and validators) with `load`, and later calls go
 * straight to it. A class whose table is large (SNS, STS) then costs a cold start only its names
 * until a program calls it. A failed load is tried again at the next call.
 */
export function defineLazyOperations(
  target: { prototype: object },
  names: readonly string[],
  paginated: readonly string[],
  load: () => Promise<OperationTable>,
): void {
  let table: OperationTable | undefined;
  let loading: Promise<OperationTable> | undefined;
  const loaded = (): Promise<OperationTable> =>
    (loading ??= load().then(
      (value) => {
        table = value;
        return value;
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  const withPaginator = new Set(paginated);
  const proto = target.prototype as Record<string, unknown>;
  for (const name of names) {
    proto[name[0]!.toLowerCase() + name.slice(1)] = function (
      this: OperationTarget,
      input?: object,
      options?: CallOptions,
    ) {
      if (table !== undefined) return this[CALL](table.operations[name]!, input, options);
      return loaded().then((t) => this[CALL](t.operations[name]!, input, options));
    };
    if (withPaginator.has(name)) {
      proto[`paginate${name}`] = async function* (
        this: OperationTarget,
        input?: object,
        options?: CallOptions,
      ): AsyncGenerator<unknown, void, undefined> {
        const t = table ?? (await loaded());
        yield* paginate(this, t.operations[name]!, t.paginators[name]!, input, options);
      };
    }
  }
}
