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
import type { ErrorContext } from "./errors.js";
import type { OperationShape } from "./schema.js";

/** @internal The symbol under which clients keep their call function. */
export const CALL = Symbol("asyncaws.call");
/** @internal */
export const PAGINATE = Symbol("asyncaws.paginate");

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

/** What `defineOperations`'s methods call: a client's call and page functions. */
interface OperationTarget {
  [CALL](op: OperationSpec, input: object | undefined, options?: CallOptions): Promise<unknown>;
  [PAGINATE](
    op: OperationSpec,
    paginator: PaginatorSpec,
    input: object | undefined,
    options?: CallOptions,
  ): AsyncGenerator<unknown, void, undefined>;
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
        return this[PAGINATE](op, paginator, input, options);
      };
    }
  }
}
