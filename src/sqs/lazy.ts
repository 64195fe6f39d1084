/**
 * The SQS modules loaded on first use, each behind an `import()` of its own: the consumer's
 * engine and iterator (`consume.ts` loads them when a consumer starts), the payload store's
 * interceptor (`sqs.ts`, with `largePayloads`) and the work of `QueueHandle.sendBatch`
 * (`queue.ts`, at its first call); the producers' sending code has its own loader
 * (`producer-load.ts`: `queue-batch.ts` imports the producer, so one loader module for both
 * would make an import cycle). Node, Bun and Deno load them when first needed;
 * bundlers for browsers and Workers take `lazy.browser.ts` instead (package.json's `browser`
 * field), which imports them statically.
 *
 * @module
 */

/** The consumer's engine (`consumer/consumer.ts`). */
export function loadConsumer(): Promise<typeof import("./consumer/consumer.js")> {
  return import("./consumer/consumer.js");
}

/** The engine's iterator (`consumer/iterator.ts`). */
export function loadIterator(): Promise<typeof import("./consumer/iterator.js")> {
  return import("./consumer/iterator.js");
}

/** The payload store's SQS interceptor (`payloads/sqs.ts`). */
export function loadSqsPayloads(): Promise<typeof import("../payloads/sqs.js")> {
  return import("../payloads/sqs.js");
}

/** The work of `QueueHandle.sendBatch` (`queue-batch.ts`). */
export function loadQueueBatch(): Promise<typeof import("./queue-batch.js")> {
  return import("./queue-batch.js");
}

/**
 * The typed handles' and producers' work (`typed.ts`: encoding and decoding values, the typed
 * handlers, a typed queue's receive and messages).
 */
export function loadTyped(): Promise<typeof import("./typed.js")> {
  return import("./typed.js");
}
