// The producers' stop paths: a producer, and every sendBatch/publishBatch call (a producer of
// one call), listens on the signal it was given only while it has work: once closed and settled,
// it leaves the signal, so a long-lived signal (a process's shutdown signal) shared by many calls
// gathers no listeners, and keeps no finished producer alive. A loopback server of the test's own plays SQS and SNS.
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
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
