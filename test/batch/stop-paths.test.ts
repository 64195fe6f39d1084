// The producers' stop paths: close() checks its options before it closes anything; a producer,
// and every sendBatch/publishBatch call (a producer of one call), listens on the signal it was
// given only while it has work: once closed and settled, it leaves the signal, so a long-lived
// signal (a process's shutdown signal) shared by many calls gathers no listeners, and keeps no
// finished producer alive. A loopback server of the test's own plays SQS and SNS.
import assert from "node:assert/strict";
import { EventEmitter, getEventListeners, on } from "node:events";
import { describe, it } from "node:test";
import { isValidationError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, startLoopback, xml } from "../helpers/loopback.js";

const ACCOUNT = "000000000000";

async function acceptingServer() {
  return startLoopback((request) => {
    if (request.headers["x-amz-target"] === "AmazonSQS.SendMessageBatch") {
      const { Entries } = JSON.parse(request.body) as { Entries: { Id: string }[] };
      return json({ Successful: Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })), Failed: [] });
    }
    const params = new URLSearchParams(request.body);
    let members = "";
    for (let n = 1; params.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
      members += `<member><Id>${params.get(`PublishBatchRequestEntries.member.${n}.Id`)}</Id><MessageId>m</MessageId></member>`;
    }
    return xml(
      `<PublishBatchResponse><PublishBatchResult><Successful>${members}</Successful><Failed/></PublishBatchResult></PublishBatchResponse>`,
    );
  });
}

describe("close() with a bad option", () => {
  // First in the file: the first producer of the process is made before its engine is loaded.
  it("rejects with a ValidationError and leaves the producer open, before and after its engine is loaded", async () => {
    const server = await acceptingServer();
    try {
      const queue = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS }).queue(
        `${server.endpoint}/${ACCOUNT}/jobs`,
      );
      const producer = queue.producer();
      for (const bad of [{ timeoutMs: -1 }, { signal: "soon" }, null]) {
        await assert.rejects(producer.close(bad as never), isValidationError);
        assert.equal(producer.closed, false, JSON.stringify(bad));
        assert.match(await producer.send("still open"), /^m-/);
      }
      await producer.close();
      assert.equal(producer.closed, true);
    } finally {
      await server.close();
    }
  });
});

describe("producers leave the signal they were given once their work is done", () => {
  it("sendBatch and publishBatch: twenty calls on one signal leave no listener behind", async () => {
    const server = await acceptingServer();
    try {
      const options = { endpoint: server.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" };
      const queue = new SQS(options).queue(`${server.endpoint}/${ACCOUNT}/jobs`);
      const topic = new SNS(options).topic(`arn:aws:sns:us-east-1:${ACCOUNT}:events`);
      const shutdown = new AbortController();
      for (let i = 0; i < 20; i++) {
        const sent = await queue.sendBatch(["a", "b"], { signal: shutdown.signal });
        assert.equal(sent.Successful.length, 2);
        const published = await topic.publishBatch(["a", "b"], { signal: shutdown.signal });
        assert.equal(published.Successful.length, 2);
      }
      assert.equal(getEventListeners(shutdown.signal, "abort").length, 0);
    } finally {
      await server.close();
    }
  });

  it("a producer closed (plainly, or with a timeout) leaves its signal", async () => {
    const server = await acceptingServer();
    try {
      const queue = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS }).queue(
        `${server.endpoint}/${ACCOUNT}/jobs`,
      );
      const shutdown = new AbortController();
      for (const close of [undefined, { timeoutMs: 1000 }]) {
        const producer = queue.producer({ signal: shutdown.signal });
        await producer.send("x");
        assert.ok(getEventListeners(shutdown.signal, "abort").length > 0, "listens while open");
        await producer.close(close);
        assert.equal(
          getEventListeners(shutdown.signal, "abort").length,
          0,
          `after close(${JSON.stringify(close)})`,
        );
      }
    } finally {
      await server.close();
    }
  });
});

describe("sendAll on a source that waits for ever, when the producer is closed", () => {
  for (const how of ["close()", "close({ timeoutMs })", "its signal"] as const) {
    it(`${how}: the source is asked to end at once, and sendAll resolves with what it took`, async () => {
      const server = await acceptingServer();
      try {
        const controller = new AbortController();
        const producer = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS })
          .queue(`${server.endpoint}/${ACCOUNT}/jobs`)
          .producer({ lingerMs: 0, signal: controller.signal });
        // Two messages, then nothing, for ever (events of a socket, a queue of work, a bus):
        // events.on's iterator ends a pending read when asked to end (return()).
        const emitter = new EventEmitter();
        const events = on(emitter, "message");
        const result = producer.sendAll(events); // each message an array of the event's arguments
        emitter.emit("message", "one");
        emitter.emit("message", "two");
        for (let i = 0; i < 500 && producer.stats.sent < 2; i++) await new Promise((r) => setTimeout(r, 2));
        assert.equal(producer.stats.sent, 2);
        if (how === "close()") await producer.close();
        else if (how === "close({ timeoutMs })") await producer.close({ timeoutMs: 1000 });
        else controller.abort();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hung = new Promise<"hung">((resolve) => {
          timer = setTimeout(() => resolve("hung"), 5000);
        });
        const outcome = await Promise.race([result, hung]);
        clearTimeout(timer);
        assert.deepEqual(outcome, { sent: 2, failed: 0 });
        assert.equal(emitter.listenerCount("message"), 0, "the source was ended");
      } finally {
        await server.close();
      }
    });
  }
});
