// queue.consume() and queue.messages() return at once while the consumer's engine is loaded with
// import() (src/sqs/consume.ts): what a program does with them in that time (listeners added and
// removed, a stop, leaving the loop) must take effect as if the engine had been there.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Consumer as RootConsumer, MessageIterator as RootIterator } from "../../../src/index.js";
import { Consumer, MessageIterator } from "../../../src/sqs/index.js";
import { failNextImport, isSimulatedLoadFailure } from "../../helpers/failing-import.js";
import { type Bench, startBench, waitFor } from "./setup.js";

describe("consumer and iterator, engine loaded on first use", () => {
  let bench: Bench;
  before(async () => {
    bench = await startBench();
  });
  after(async () => {
    await bench?.close();
  });

  it("listeners added and removed at once take effect; a stop at once ends the consumer cleanly", async () => {
    const queue = await bench.queue("lazy-consume");
    await queue.sendBatch(["a", "b", "c"]);
    const handled: string[] = [];
    const events: string[] = [];
    const removed = () => events.push("removed listener called");
    const consumer = queue.consume(
      async (message) => {
        handled.push(message.Body!);
      },
      { waitTimeSeconds: 1, visibilityTimeout: 5 },
    );
    assert.ok(consumer instanceof Consumer);
    assert.ok(consumer instanceof RootConsumer, "the same class from asyncaws and asyncaws/sqs");
    assert.equal(consumer.state, "starting");
    assert.equal(consumer.status.received, 0);
    assert.equal(
      consumer.on("processed", () => events.push("processed")),
      consumer,
    );
    consumer.once("stopped", () => events.push("stopped"));
    consumer.on("processed", removed);
    consumer.off("processed", removed);
    assert.throws(() => consumer.on("processed", "not a function" as never), TypeError);
    await waitFor(() => handled.length === 3, "three messages handled");
    await consumer.stop();
    await consumer.closed;
    assert.equal(consumer.state, "stopped");
    assert.deepEqual(handled.sort(), ["a", "b", "c"]);
    assert.equal(events.filter((e) => e === "processed").length, 3);
    assert.ok(!events.includes("removed listener called"));
    assert.equal(events.filter((e) => e === "stopped").length, 1);
    assert.equal(consumer.status.deleted, 3);

    // Stopped before the engine was there: nothing is handled, closed resolves.
    await queue.sendBatch(["d"]);
    const early = queue.consume(async (message) => {
      handled.push(message.Body!);
    });
    await assert.rejects(early.stop({ abort: "yes" as never }), /abort/);
    const stopped = early.stop();
    assert.equal(early.stop({ timeoutMs: 0 }), stopped, "calling it again returns the same promise");
    assert.equal(early.state, "starting");
    await stopped;
    await early.closed;
    assert.equal(early.state, "stopped");
    assert.ok(!handled.includes("d"), "a consumer stopped at once handles nothing");
  });

  it("a fatal error still rejects closed; bad options still throw at once", async () => {
    const missing = bench.sqs.queue(`${bench.emulator.endpoint}/000000000000/no-such-queue-lazy`);
    const consumer = missing.consume(async () => undefined, { logger: { warn() {}, error() {} } as never });
    await assert.rejects(consumer.closed);
    assert.equal(consumer.state, "failed");
    const queue = await bench.queue("lazy-options");
    assert.throws(() => queue.consume(async () => undefined, { concurrency: -1 }), /concurrency/);
    assert.throws(() => queue.consume("nope" as never), /handler/);
    assert.throws(() => queue.messages({ batch: true } as never), /batch/);
  });

  it("an iterator left before its first next() is done and starts nothing", async () => {
    const queue = await bench.queue("lazy-iterate");
    const before = bench.requests.length;
    const messages = queue.messages({ waitTimeSeconds: 1 });
    assert.ok(messages instanceof MessageIterator);
    assert.ok(messages instanceof RootIterator);
    assert.deepEqual(await messages.return(), { done: true, value: undefined });
    assert.deepEqual(await messages.next(), { done: true, value: undefined });
    assert.equal(messages.status.state, "stopped");
    assert.equal(messages.status.received, 0);
    assert.equal(bench.requests.length, before, "nothing was sent");

    await queue.send("one");
    const iterator = queue.messages({ waitTimeSeconds: 1 });
    const first = iterator.next();
    const { value } = await first;
    assert.equal(value?.Body, "one");
    value?.ack();
    assert.equal(iterator.status.state, "running");
    await iterator.return();
  });
  it("an iterator whose engine failed to load loads it again at the next call", async () => {
    const queue = await bench.queue("lazy-load-again");
    await queue.send("after the failure");
    const iterator = queue.messages({ waitTimeSeconds: 1 });
    await failNextImport("/sqs/consumer/iterator.js");
    await assert.rejects(iterator.next(), (error: unknown) => isSimulatedLoadFailure(error));
    assert.equal(iterator.status.state, "failed");
    const { value } = await iterator.next();
    assert.equal(value?.Body, "after the failure");
    value?.ack();
    assert.equal(iterator.status.state, "running");
    await iterator.return();

    // Left after a failed load: nothing to release, done.
    const left = queue.messages({ waitTimeSeconds: 1 });
    await failNextImport("/sqs/consumer/iterator.js");
    await assert.rejects(left.next(), (error: unknown) => isSimulatedLoadFailure(error));
    assert.deepEqual(await left.return(), { done: true, value: undefined });
    assert.deepEqual(await left.next(), { done: true, value: undefined });
  });
});
