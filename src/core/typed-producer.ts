/**
 * A typed producer: each value is checked by the schema, then JSON-encoded and handed to the
 * batching producer, in the order of the `send` calls (an asynchronous schema's checks can end in
 * any order; the values still reach the producer, and so a FIFO group, in call order). The
 * encoding and checking of values (`sqs/typed.ts`, with the typed handles' work) is loaded at the
 * first typed send; sends made before it is there wait for it, in order.
 *
 * @module
 */

import { loadTyped } from "../sqs/lazy.js";
import type { ErrorContext } from "./errors.js";
import type { StandardSchemaV1 } from "./standard-schema.js";
import { isThenable } from "./typed.js";

type TypedWork = typeof import("../sqs/typed.js");

/** The typed work, once loaded: from then on a typed send encodes synchronously. */
let work: TypedWork | undefined;

/** @internal The typed work (`sqs/typed.ts`), loaded once (again after a failed load). */
export function loadTypedWork(): Promise<TypedWork> {
  return loadTyped().then((m) => {
    work = m;
    return m;
  });
}

/** @internal The typed work if it is loaded. */
export function typedWork(): TypedWork | undefined {
  return work;
}

/** What a typed producer needs of the producer it wraps (a queue's or a topic's). */
export interface TextProducer<P, S> {
  send(body: string, params?: P): Promise<string>;
  flush(): Promise<void>;
  onIdle(): Promise<void>;
  close(): Promise<void>;
  readonly stats: S;
}

/**
 * The producer of a typed queue or topic: `send(value, params?)` checks the value with the
 * schema (rejecting with a ValidationError carrying the issues, before anything is queued), then
 * sends it JSON-encoded, batched as the underlying producer does.
 */
export class TypedProducer<In, P, S> {
  /** The producer underneath (it takes strings). */
  readonly producer: TextProducer<P, S>;
  readonly #schema: StandardSchemaV1;
  readonly #context: ErrorContext;
  /** Set once an asynchronous check was seen: later sends wait for the earlier ones. */
  #tail: Promise<void> | undefined;

  /** @internal Use the typed handle's `producer()`. */
  constructor(producer: TextProducer<P, S>, schema: StandardSchemaV1, context: ErrorContext) {
    this.producer = producer;
    this.#schema = schema;
    this.#context = context;
  }

  /** The underlying producer's counters. */
  get stats(): S {
    return this.producer.stats;
  }

  /** Checks the value, then sends it; resolves with the message id once its batch was accepted. */
  send(value: In, params?: P): Promise<string> {
    let body: string | Promise<string>;
    const m = work;
    try {
      body =
        m !== undefined
          ? m.encodeTyped(this.#schema, value, "value", this.#context)
          : loadTypedWork().then((loaded) => loaded.encodeTyped(this.#schema, value, "value", this.#context));
    } catch (error) {
      return Promise.reject(error);
    }
    if (!isThenable(body) && this.#tail === undefined) return this.producer.send(body, params);
    const ready = (this.#tail ?? Promise.resolve()).then(() => body);
    // The send promise travels in an object, so that waiting for the queueing does not wait for
    // the batch.
    const queued = ready.then((text) => ({ sent: this.producer.send(text, params) }));
    this.#tail = queued.then(
      () => undefined,
      () => undefined,
    );
    return queued.then(({ sent }) => sent);
  }

  /** Sends what is queued now (after the checks under way). */
  async flush(): Promise<void> {
    await this.#tail;
    await this.producer.flush();
  }

  /** Resolves once nothing is queued or in flight. */
  async onIdle(): Promise<void> {
    await this.#tail;
    await this.producer.onIdle();
  }

  /** Sends everything queued, then refuses new values. */
  async close(): Promise<void> {
    await this.#tail;
    await this.producer.close();
  }
}
