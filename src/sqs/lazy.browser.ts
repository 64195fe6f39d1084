/**
 * The browser build's stand-in for `lazy.ts` (package.json's `browser` field maps one to the
 * other): the same loaders, with the modules imported statically. A bundler puts every module
 * an `import()` reaches, in a single-file bundle, behind a lazy initializer of its own, and it
 * decides that before it leaves out the modules a program does not use: with `import()` here,
 * every browser and Workers program of `asyncaws/sqs` (which exports the consumer) had the whole
 * core so wrapped (about 550 bytes gzip of the smallest program) even when it never consumes. A
 * program that consumes, sets `largePayloads`, calls `sendBatch` or makes a producer carries these modules either
 * way; one that does none of that gets none of them (its bundler leaves out what is not used).
 * Any new `import()` reachable from `asyncaws/sqs` belongs here (test/bundle/browser.test.ts
 * fails otherwise).
 *
 * @module
 */

import * as payloads from "../payloads/sqs.js";
import * as consumer from "./consumer/consumer.js";
import * as iterator from "./consumer/iterator.js";
import * as queueBatch from "./queue-batch.js";
import * as typed from "./typed.js";

/** The consumer's engine (`consumer/consumer.ts`). */
export function loadConsumer(): Promise<typeof consumer> {
  return Promise.resolve(consumer);
}

/** The engine's iterator (`consumer/iterator.ts`). */
export function loadIterator(): Promise<typeof iterator> {
  return Promise.resolve(iterator);
}

/** The payload store's SQS interceptor (`payloads/sqs.ts`). */
export function loadSqsPayloads(): Promise<typeof payloads> {
  return Promise.resolve(payloads);
}

/** The work of `QueueHandle.sendBatch` (`queue-batch.ts`). */
export function loadQueueBatch(): Promise<typeof queueBatch> {
  return Promise.resolve(queueBatch);
}

/** The typed handles' and producers' work (`typed.ts`). */
export function loadTyped(): Promise<typeof typed> {
  return Promise.resolve(typed);
}
