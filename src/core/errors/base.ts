/**
 * The base of the error hierarchy: {@link AsyncAwsError}, and the brands that the `isXError`
 * guards read (a registered symbol, so that they work across realms and duplicate package
 * copies). Each error class brands itself where it is defined: a bundle leaves out the classes a
 * program never reaches (`errors/verification.ts`, `errors/payload.ts`).
 *
 * @module
 */

const BRAND = Symbol.for("asyncaws.error");

/** Where an error happened: the operation and the queue or topic it concerned. */
export interface ErrorContext {
  /** The AWS action, such as `SendMessage`. */
  operation?: string | undefined;
  /** The queue URL or name, topic ARN or name the call was about. */
  resource?: string | undefined;
}

function where(ctx: ErrorContext | undefined): string {
  if (!ctx?.operation) return "";
  return ctx.resource ? `${ctx.operation} (${ctx.resource}): ` : `${ctx.operation}: `;
}

/** Base class of every asyncaws error. */
export class AsyncAwsError extends Error {
  /** The AWS action that failed, when there was one. */
  declare readonly operation: string | undefined;
  /** The queue or topic the call concerned, when known. */
  declare readonly resource: string | undefined;
  constructor(message: string, context?: ErrorContext, options?: { cause?: unknown }) {
    super(where(context) + message, options);
    this.operation = context?.operation;
    this.resource = context?.resource;
  }
}

/**
 * @internal Names a class (minifiers rename classes, so `name` is set explicitly) and records it
 * in the prototype's brand list that the guards read.
 */
export function brand(ctor: { prototype: object }, name: string): void {
  const parent = (Object.getPrototypeOf(ctor.prototype) as { [BRAND]?: string[] })[BRAND] ?? [];
  Object.defineProperty(ctor.prototype, "name", { value: name, writable: true, configurable: true });
  Object.defineProperty(ctor.prototype, BRAND, { value: [...parent, name] });
}

/** @internal Whether `value` carries the brand `name` (an error class's, or a parent's). */
export function hasBrand(value: unknown, name: string): boolean {
  if (typeof value !== "object" || value === null) return false;
  const brands = (value as { [BRAND]?: unknown })[BRAND];
  return Array.isArray(brands) && brands.includes(name);
}

brand(AsyncAwsError, "AsyncAwsError");

/** True for any error thrown by asyncaws. */
export const isAsyncAwsError = (value: unknown): value is AsyncAwsError => hasBrand(value, "AsyncAwsError");
