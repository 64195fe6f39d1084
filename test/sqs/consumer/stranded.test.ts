// Nothing stranded: against an SQS of the tests' own whose long polls, like SQS's, take messages
// even as the client abandons them, every message the consumer received is deleted or released
// once stop() resolves or a for-await loop is left, at concurrency 1, 10 and 100; and
// stop({ abort: true }) counts what it may have left invisible.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SQS } from "../../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../../helpers/fauxqs.js";
import { sleep, waitFor } from "./setup.js";
import { type SqsLike, startSqsLike } from "./sqs-like.js";

const bodies = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

function client(server: SqsLike): SQS {
  return new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
}

describe("nothing stranded (an SQS that hands messages to abandoned polls)", () => {
  for (const concurrency of [1, 10, 100]) {
    it(`stop() at concurrency ${concurrency}: polls in flight finish, what they bring is released`, async () => {
      const server = await startSqsLike();
      try {
        const queue = client(server).queue(server.url);
        const first = Math.max(3, concurrency + 5);
        server.add(bodies("a", first));
        let handled = 0;
        const consumer = queue.consume(
          async () => {
            await sleep(1);
            handled++;
          },
          { concurrency, waitTimeSeconds: 2 },
        );
        await waitFor(
          () => consumer.status.deleted === first && server.waiting() > 0,
          "the first messages deleted and a long poll waiting",
        );
        const stopping = consumer.stop();
        // Messages arrive while the polls that were in flight when stopping began still wait.
        server.add(bodies("b", 15));
        await stopping;
        const status = consumer.status;
        assert.equal(status.state, "stopped");
        assert.equal(server.invisible(), 0, "no message left invisible");
        assert.ok(status.released > 0, "the messages handed to the waiting polls were released");
        assert.equal(status.received, status.deleted + status.released);
        assert.equal(status.received, server.handedOut());
        assert.equal(status.stranded, 0);
        assert.equal(status.inFlight, 0);
        assert.equal(handled, first, "no message that came after stop() was handled");
      } finally {
        await server.close();
      }
    });

    for (const how of ["break", "signal"] as const) {
      it(`leaving a loop by ${how} at concurrency ${concurrency}: nothing left invisible`, async () => {
        const server = await startSqsLike();
        try {
          const queue = client(server).queue(server.url);
          const total = Math.max(4, 2 * concurrency);
          // Some are held unacknowledged when the loop is left (fewer than concurrency, so that a
          // long poll is in flight then).
          const acked = total - Math.floor(concurrency / 2);
          server.add(bodies("a", total));
          const controller = new AbortController();
          const messages = queue.messages({ concurrency, waitTimeSeconds: 2, signal: controller.signal });
          let seen = 0;
          for await (const message of messages) {
            seen++;
            if (seen <= acked) message.ack();
            if (seen === total) {
              await waitFor(() => server.waiting() > 0, "a long poll waiting");
              server.add(bodies("b", 15)); // taken by the polls in flight as the loop is left
              if (how === "break") break;
              controller.abort();
            }
          }
          const status = messages.status;
          assert.equal(status.state, "stopped");
          assert.equal(server.invisible(), 0, "no message left invisible");
          assert.equal(status.deleted, acked);
          assert.equal(server.deleted(), acked);
          assert.equal(status.received, status.deleted + status.released);
          assert.equal(status.received, server.handedOut());
          assert.equal(status.stranded, 0);
        } finally {
          await server.close();
        }
      });
    }
  }

  it("stop({ abort: true }) is immediate: what the cut polls may have taken is counted in stranded", async () => {
    const server = await startSqsLike({ answerDelayMs: 200 });
    try {
      const queue = client(server).queue(server.url);
      server.add(bodies("a", 5));
      const consumer = queue.consume(async () => undefined, { concurrency: 30, waitTimeSeconds: 2 });
      await waitFor(() => consumer.status.deleted === 5 && server.waiting() > 0, "a long poll waiting");
      const asked = consumer.status.receiving;
      server.add(bodies("b", 25)); // taken by the waiting polls, answered 200 ms later
      await consumer.stop({ abort: true });
      const status = consumer.status;
      assert.equal(status.state, "stopped");
      assert.ok(server.invisible() > 0, "the cut polls' messages are invisible");
      assert.ok(
        status.stranded >= server.invisible(),
        `stranded ${status.stranded} counts at least the ${server.invisible()} invisible (${asked} polls cut)`,
      );
      assert.equal(status.inFlight, 0);
    } finally {
      await server.close();
    }
  });
});
