// 10,000 messages produced and consumed through a proxy that breaks about 20 % of the requests
// (connection resets before and after forwarding, stalls, truncated answers, 500, 503,
// throttling). Nothing may be lost, no message deleted before its handler resolved, and the
// consumer must still be running at the end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SQS } from "../../../src/sqs/index.js";
import { type FaultProxy, startFaultProxy } from "../../helpers/fault-proxy.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../../helpers/fauxqs.js";

const TOTAL = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("consumer and producer through a fault proxy", () => {
  let emulator: Emulator;
  let proxy: FaultProxy;
  /** Receipt handles whose handler resolved. */
  const completed = new Set<string>();
  /** Receipt handles seen in a delete request before their handler resolved. */
  const early: string[] = [];
  let receivesAfterStop = 0;
  let stopCalled = false;
  const seed = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));

  before(async () => {
    emulator = await startEmulator();
    proxy = await startFaultProxy({
      target: emulator.endpoint,
      faultRate: 0.2,
      seed,
      spare: ["CreateQueue"],
      onRequest: ({ action, body }) => {
        if (action === "ReceiveMessage" && stopCalled) receivesAfterStop++;
        if (action === "DeleteMessage") {
          const handle = String(body.ReceiptHandle);
          if (!completed.has(handle)) early.push(handle);
        }
        if (action === "DeleteMessageBatch") {
          for (const entry of (body.Entries as { ReceiptHandle: string }[]) ?? []) {
            if (!completed.has(entry.ReceiptHandle)) early.push(entry.ReceiptHandle);
          }
        }
      },
    });
  });

  after(async () => {
    await proxy?.close();
    await emulator?.stop();
  });

  it(`${TOTAL} messages, 0 lost, none deleted before its handler resolved`, async () => {
    const direct = new SQS({ endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS });
    const { QueueUrl } = await direct.createQueue({
      QueueName: uniqueName("stress"),
      // Short, so that messages whose receive answer the proxy lost come back soon.
      Attributes: { VisibilityTimeout: "5" },
    });
    const sqs = new SQS({ endpoint: proxy.endpoint, credentials: TEST_CREDENTIALS });
    const queue = sqs.queue(QueueUrl!);

    const handled = new Map<string, number>();
    const errors = new Map<string, number>();
    const consumer = queue.consume(
      async (message) => {
        await sleep(Math.random() * 3);
        handled.set(message.Body!, (handled.get(message.Body!) ?? 0) + 1);
        completed.add(message.ReceiptHandle!);
      },
      { concurrency: 50, waitTimeSeconds: 1 },
    );
    consumer.on("error", (_error, { source }) => errors.set(source, (errors.get(source) ?? 0) + 1));

    const producer = queue.producer();
    const sends: Promise<string>[] = [];
    for (let i = 0; i < TOTAL; i++) {
      await producer.ready();
      sends.push(producer.send(`m-${i}`));
    }
    const ids = await Promise.allSettled(sends);
    const rejected = ids.filter((result) => result.status === "rejected");
    assert.equal(
      rejected.length,
      0,
      `sends rejected: ${rejected.map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3)}`,
    );

    // A safety net only (the run's timeout per test is 300 s): on a quiet machine this takes
    // about 25 s, on one loaded to a load average of 20 about 100 s.
    const deadline = Date.now() + 240_000;
    while (handled.size < TOTAL && Date.now() < deadline) await sleep(100);
    const status = consumer.status;
    const duplicates = [...handled.values()].reduce((sum, count) => sum + count - 1, 0);
    console.log(
      `fault seed ${seed}; requests by action ${JSON.stringify(Object.fromEntries(proxy.actions))}; ` +
        `faults ${JSON.stringify(Object.fromEntries(proxy.injected))}; duplicates handled ${duplicates}; ` +
        `consumer errors by source ${JSON.stringify(Object.fromEntries(errors))}; producer ${JSON.stringify(producer.stats)}`,
    );
    const missing: string[] = [];
    for (let i = 0; i < TOTAL && missing.length < 5; i++) if (!handled.has(`m-${i}`)) missing.push(`m-${i}`);
    assert.equal(handled.size, TOTAL, `lost messages, such as ${missing.join(", ")}`);
    assert.deepEqual(early, [], "no message deleted before its handler resolved");
    assert.equal(status.state, "running");
    assert.ok(status.received >= TOTAL);
    assert.ok(status.lastReceiveAt instanceof Date);

    // Long polls already on their way when stop() is called may still arrive; no new one may.
    const inFlightPolls = consumer.status.receiving;
    stopCalled = true;
    await consumer.stop();
    const arrivedWhileStopping = receivesAfterStop;
    assert.ok(
      arrivedWhileStopping <= inFlightPolls,
      `${arrivedWhileStopping} receives after stop(), ${inFlightPolls} were in flight`,
    );
    await sleep(500);
    assert.equal(receivesAfterStop, arrivedWhileStopping, "no ReceiveMessage after stop() resolved");
    assert.equal(consumer.status.state, "stopped");
    assert.equal(consumer.status.inFlight, 0);
    await producer.close();
  });
});
