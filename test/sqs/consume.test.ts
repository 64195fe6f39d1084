// src/sqs/consume.ts, the facades that queue.consume() and queue.messages() return at once while
// the consumer's engine is loaded: what they show before the engine is there (the engine's own
// behaviour is tested under test/sqs/consumer/).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ConsumerStatus } from "../../src/sqs/index.js";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, startLoopback } from "../helpers/loopback.js";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/177715257436/jobs";

/** The status of a consumer that has counted nothing yet. */
const untouched = (state: ConsumerStatus["state"]): ConsumerStatus => ({
  state,
  received: 0,
  inFlight: 0,
  succeeded: 0,
  failed: 0,
  deleted: 0,
  released: 0,
  stranded: 0,
  receiving: 0,
  lastError: undefined,
  lastErrorAt: undefined,
  lastReceiveAt: undefined,
});

describe("MessageIterator.status before the first next()", () => {
  let server: Loopback;
  let sqs: SQS;
  before(async () => {
    // Answers every receive with no message (a 1 s long poll is not waited for here).
    server = await startLoopback(() => json({ Messages: [] }));
    sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
  });
  after(() => server.close());

  it("is a status at once: starting, nothing counted, nothing sent", async () => {
    const messages = sqs.queue(QUEUE_URL).messages({ waitTimeSeconds: 1 });
    const status: ConsumerStatus = messages.status; // typed without undefined
    assert.deepEqual(status, untouched("starting"));
    // Still so a while later: the consumer starts at the first next(), not before.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(messages.status, untouched("starting"));
    assert.equal(server.requests.length, 0);
    await messages.return();
  });

  it("is stopped once the loop was left without starting", async () => {
    const messages = sqs.queue(QUEUE_URL).messages();
    await messages.return();
    assert.deepEqual(messages.status, untouched("stopped"));
    assert.equal(server.requests.length, 0);
  });

  it("is the consumer's own once next() was called, and stopped after leaving", async () => {
    const messages = sqs.queue(QUEUE_URL).messages({ waitTimeSeconds: 1 });
    const pending = messages.next();
    // Whether the engine is loaded yet or not, the status is always there.
    assert.ok(["starting", "running"].includes(messages.status.state), messages.status.state);
    await messages.return();
    assert.deepEqual(await pending, { done: true, value: undefined });
    assert.equal(messages.status.state, "stopped");
    assert.equal(messages.status.inFlight, 0);
  });
});
