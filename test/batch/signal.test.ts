// The batch engine gives one abort signal to all its batches in flight: however many there are
// (maxInFlightBatches, or a consumer's deletes at concurrency 1,000), Node must not warn of a
// listener leak, and closing with a signal still cuts them all.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SQS } from "../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type RecordedRequest, startLoopback } from "../helpers/loopback.js";
import { listenerLeakWarnings } from "../helpers/warnings.js";
import { sleep } from "../sqs/consumer/setup.js";

const entriesOf = (request: RecordedRequest) =>
  (JSON.parse(request.body) as { Entries: { Id: string }[] }).Entries;

describe("batch engine: one signal for many batches", () => {
  it("30 batches in flight, each retried, give no MaxListenersExceededWarning", async () => {
    let calls = 0;
    const server = await startLoopback(async (request) => {
      calls++;
      // The first answer of each batch fails (a retry wait on the shared signal), then a slow success.
      if (calls <= 30) return json({ __type: "InternalError", message: "try again" }, 500);
      await sleep(200);
      return json({
        Successful: entriesOf(request).map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
        Failed: [],
      });
    });
    const leaks = listenerLeakWarnings();
    try {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      const producer = sqs.queue(`${server.endpoint}/000000000000/many`).producer({ maxInFlightBatches: 30 });
      const result = await producer.sendAll(Array.from({ length: 300 }, (_, i) => `body-${i}`));
      assert.deepEqual(result, { sent: 300, failed: 0 });
      await producer.close();
      await sleep(10);
      assert.deepEqual(leaks.messages(), []);
    } finally {
      leaks.stop();
      await server.close();
    }
  });
});
