// Typed queue and topic handles (`sqs.queue(name, { schema })`, `sns.topic(name, { schema })`)
// against fauxqs: send and publish check before sending; receive, consume, messages() and the
// producer decode and check; invalid messages fail, are deleted, or go to a callback.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import { isValidationError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/sqs.js";
import type { Message } from "../../src/sqs/types.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";

const Order = z.object({ id: z.number().int(), sku: z.string().min(1) });

let emulator: Emulator;
let sqs: SQS;
let sns: SNS;

before(async () => {
  emulator = await startEmulator();
  const options = { endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
  sqs = new SQS(options);
  sns = new SNS(options);
});
after(() => emulator.stop());

async function newQueue(prefix: string, attributes: Record<string, string> = {}): Promise<string> {
  const name = uniqueName(prefix);
  await sqs.createQueue({ QueueName: name, Attributes: { VisibilityTimeout: "1", ...attributes } });
  return name;
}

/** Waits until `condition` holds (checking every 10 ms), failing after 15 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("typed queue handle", () => {
  it("send checks the value before sending and JSON-encodes it; receive decodes into message.value", async () => {
    const orders = sqs.queue(await newQueue("typed"), { schema: Order });
    await assert.rejects(
      // @ts-expect-error: the schema's input type is enforced at compile time too
      orders.send({ id: "1", sku: "A" }),
      (error: unknown) => isValidationError(error) && error.issues?.[0]?.path?.[0] === "id",
    );
    await orders.send({ id: 1, sku: "A" });
    const received = await orders.receive({ WaitTimeSeconds: 1 });
    assert.equal(received.length, 1, "the rejected value was never sent");
    const [message] = received;
    const id: number = message!.value.id;
    assert.equal(id, 1);
    assert.equal(message!.Body, '{"id":1,"sku":"A"}');
    await orders.delete(message!);
  });

  it("receive leaves invalid messages alone (fail), or deletes them (delete)", async () => {
    const name = await newQueue("typed-recv");
    const failing = sqs.queue(name, { schema: Order });
    await failing.queue.send("not json");
    await failing.queue.send({ id: 2, sku: "B" });
    const got: Message[] = [];
    for (let i = 0; i < 5 && got.length < 1; i++)
      got.push(...(await failing.receive({ WaitTimeSeconds: 1 })));
    assert.deepEqual(
      got.map((m) => m.Body),
      ['{"id":2,"sku":"B"}'],
    );
    await failing.delete(got[0]!);
    const deleting = sqs.queue(name, { schema: Order, onInvalid: "delete" });
    // The invalid one comes back after its 1-second visibility timeout: this time it is deleted.
    let count = -1;
    for (let i = 0; i < 10; i++) {
      await deleting.receive({ WaitTimeSeconds: 1 });
      const attributes = await deleting.queue.attributes([
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
      ]);
      count =
        Number(attributes.ApproximateNumberOfMessages) +
        Number(attributes.ApproximateNumberOfMessagesNotVisible);
      if (count === 0) break;
    }
    assert.equal(count, 0);
  });

  it("consume hands the handler message.value; invalid messages fail with the ValidationError (then go to the callback)", async () => {
    const name = await newQueue("typed-consume");
    const routed: string[] = [];
    const orders = sqs.queue(name, {
      schema: v.object({ id: v.number(), sku: v.string() }),
      onInvalid: (message, error) => {
        routed.push(`${(message as Message).Body}|${error.field}`);
      },
    });
    await orders.send({ id: 1, sku: "A" });
    await orders.queue.send('{"id":"x"}');
    await orders.send({ id: 3, sku: "C" });
    const values: number[] = [];
    const consumer = orders.consume(
      async (message) => {
        values.push(message.value.id);
      },
      { waitTimeSeconds: 1, concurrency: 4 },
    );
    await until(() => values.length === 2 && routed.length === 1, "two values and one routed message");
    await consumer.stop();
    assert.deepEqual(values.sort(), [1, 3]);
    assert.deepEqual(routed, ['{"id":"x"}|Body']);
    assert.equal(consumer.status.succeeded, 3, "the routed message was deleted as handled");
  });

  it("consume with the default policy: an invalid message is a failed message", async () => {
    const orders = sqs.queue(await newQueue("typed-fail"), { schema: type({ id: "number" }) });
    await orders.queue.send("[1,2]");
    const failures: unknown[] = [];
    const consumer = orders.consume(async () => undefined, { waitTimeSeconds: 1, retryDelay: 0 });
    consumer.on("failed", (_message, error) => failures.push(error));
    await until(() => failures.length >= 1, "a failure");
    await consumer.stop();
    assert.ok(isValidationError(failures[0]));
  });

  it("consume in batches: the handler gets the valid ones; invalid ones are reported failed", async () => {
    const orders = sqs.queue(await newQueue("typed-batch"), { schema: Order });
    await orders.queue.sendBatch(['{"id":1,"sku":"A"}', "{}", '{"id":3,"sku":"C"}']);
    const seen: number[] = [];
    const failures: unknown[] = [];
    const consumer = orders.consume(
      async (messages) => {
        for (const message of messages) seen.push(message.value.id);
      },
      { batch: true, waitTimeSeconds: 1, retryDelay: 5 },
    );
    consumer.on("failed", (_m, error) => failures.push(error));
    await until(() => seen.length === 2 && failures.length === 1, "two handled, one failed");
    await consumer.stop();
    assert.deepEqual(seen.sort(), [1, 3]);
  });

  it("messages() yields typed messages; an invalid one is retried, never yielded", async () => {
    const orders = sqs.queue(await newQueue("typed-iter"), { schema: Order, onInvalid: "delete" });
    await orders.queue.send("nope");
    await orders.send({ id: 5, sku: "E" });
    for await (const message of orders.messages({ waitTimeSeconds: 1 })) {
      assert.equal(message.value.sku, "E");
      message.ack();
      break;
    }
  });

  it("the producer checks each value (a ValidationError, nothing queued) and keeps call order with an async schema", async () => {
    const asyncOrder = z.object({ id: z.number(), sku: z.string().refine(async (s) => s !== "bad") });
    const name = `${uniqueName("typed-prod")}.fifo`;
    await sqs.createQueue({
      QueueName: name,
      Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
    });
    const queue = sqs.queue(name, { schema: asyncOrder });
    const producer = queue.producer({ lingerMs: 1 });
    const sends = [1, 2, 3, 4, 5, 6].map((id) =>
      producer.send({ id, sku: `S${id}` }, { MessageGroupId: "g" }),
    );
    await assert.rejects(producer.send({ id: 7, sku: "bad" }, { MessageGroupId: "g" }), (error: unknown) =>
      isValidationError(error),
    );
    await Promise.all(sends);
    await producer.close();
    const ids: number[] = [];
    while (ids.length < 6) {
      const batch = await queue.receive({ WaitTimeSeconds: 1 });
      for (const message of batch) {
        ids.push(message.value.id);
        await queue.delete(message);
      }
    }
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6]);
  });
});

describe("typed topic handle", () => {
  it("publish checks the value before sending; a queue with the same schema reads it back through SNS", async () => {
    const Event = z.object({ kind: z.enum(["order", "refund"]), id: z.number() });
    const events = sns.topic(uniqueName("typed-topic"), { schema: Event, create: true });
    const inbox = sqs.queue(await newQueue("typed-inbox"), { schema: Event });
    await events.subscribeQueue(inbox);
    await assert.rejects(
      // @ts-expect-error: "other" is not a kind
      events.publish({ kind: "other", id: 1 }),
      (error: unknown) => isValidationError(error) && error.issues?.[0]?.path?.[0] === "kind",
    );
    await events.publish({ kind: "order", id: 9 });
    const producer = events.producer();
    await producer.send({ kind: "refund", id: 10 });
    await producer.close();
    const seen: [string, number, string | undefined][] = [];
    const consumer = inbox.consume(
      async (message) => {
        seen.push([message.value.kind, message.value.id, message.Envelope?.TopicArn]);
      },
      { unwrapSns: true, waitTimeSeconds: 1 },
    );
    await until(() => seen.length === 2, "two events");
    await consumer.stop();
    const arn = await events.arn();
    assert.deepEqual(
      seen.sort((a, b) => a[1] - b[1]),
      [
        ["order", 9, arn],
        ["refund", 10, arn],
      ],
    );
  });
});
