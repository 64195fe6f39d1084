/**
 * A small typed event emitter that runs on every runtime (no `node:events`). A listener that
 * throws never reaches the caller of `emit`: the error goes to `onListenerError`.
 *
 * @module
 */

/** An event map: event name to the listener's argument list. */
export type EventMap<E> = { [K in keyof E]: unknown[] };

/** A listener of one event of `E`. */
export type Listener<E extends EventMap<E>, K extends keyof E> = (...args: E[K]) => void;

/** Typed `on` / `once` / `off` / `emit`. */
export class Emitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, Listener<E, keyof E>[]>();
  readonly #onListenerError: (error: unknown, event: keyof E) => void;

  constructor(onListenerError: (error: unknown, event: keyof E) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener. */
  on<K extends keyof E>(event: K, listener: Listener<E, K>): this {
    if (typeof listener !== "function")
      throw new TypeError(`listener of "${String(event)}" must be a function`);
    const list = this.#listeners.get(event);
    if (list) list.push(listener as Listener<E, keyof E>);
    else this.#listeners.set(event, [listener as Listener<E, keyof E>]);
    return this;
  }

  /** Adds a listener called at most once. */
  once<K extends keyof E>(event: K, listener: Listener<E, K>): this {
    const wrapper = ((...args: E[K]) => {
      this.off(event, wrapper);
      listener(...args);
    }) as Listener<E, K>;
    return this.on(event, wrapper);
  }

  /** Removes a listener. */
  off<K extends keyof E>(event: K, listener: Listener<E, K>): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    const index = list.indexOf(listener as Listener<E, keyof E>);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  /** How many listeners an event has. */
  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls each listener of `event`; one that throws does not stop the others. */
  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const listener of list.length === 1 ? list : [...list]) {
      try {
        (listener as Listener<E, K>)(...args);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }
}
