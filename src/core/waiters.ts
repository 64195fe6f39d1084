/**
 * One small helper for "wait until something happens": callers `wait()`, the owner settles them
 * all at once (or hands out to the first in line). It replaces the hand-rolled arrays of resolve
 * functions that the producer, the consumer and its parts each kept.
 *
 * @module
 */

/**
 * A line of promises waiting for one event.
 *
 * @internal
 */
export class Waiters<T = void> {
  #line: { resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];

  /** How many wait. */
  get size(): number {
    return this.#line.length;
  }

  /** A promise settled by the next {@link Waiters.resolveAll}, {@link Waiters.rejectAll} or {@link Waiters.resolveFirst}. */
  wait(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#line.push({ resolve, reject });
    });
  }

  /** Resolves every promise waiting now with `value`. */
  resolveAll(value: T): void;
  resolveAll(this: Waiters<void>): void;
  resolveAll(value?: T): void {
    if (this.#line.length === 0) return;
    const line = this.#line;
    this.#line = [];
    for (const waiter of line) waiter.resolve(value as T);
  }

  /** Rejects every promise waiting now with `error`. */
  rejectAll(error: unknown): void {
    if (this.#line.length === 0) return;
    const line = this.#line;
    this.#line = [];
    for (const waiter of line) waiter.reject(error);
  }

  /** Resolves the promise that has waited longest; false when none waits. */
  resolveFirst(value: T): boolean {
    const waiter = this.#line.shift();
    if (!waiter) return false;
    waiter.resolve(value);
    return true;
  }

  /** Takes every promise waiting now out of the line, to settle later (each with `resolve` and `reject`). */
  takeAll(): Waiters<T> {
    const taken = new Waiters<T>();
    taken.#line = this.#line;
    this.#line = [];
    return taken;
  }
}
