// sendAll of the queue and topic producers when its source fails mid-way: the messages already
// taken are sent and settled (each failure told to onError) before sendAll rejects, with the
// source's own error; a params function that throws fails its message only. Loopback servers of
// the test's own play SQS (JSON) and SNS (Query) and hold each batch's answer until the test lets
// it go, so that what is in flight when the source fails is known.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isValidationError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, type RecordedRequest, startLoopback, xml } from "../helpers/loopback.js";

const ACCOUNT = "000000000000";

/** A few turns of the event loop: long enough for a promise chain that is free to settle to do so. */
async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Held {
  server: Loopback;
  /** Resolves when the server has received `count` batch requests. */
  received(count: number): Promise<void>;
  /** Lets every held batch (and the later ones) be answered. */
  release(): void;
  /** The bodies the server received, in order. */
  bodies: string[];
}

/**
 * A loopback server that holds each batch request until `release()`, then accepts every entry
 * except those whose body is `"refuse"` (a non-retryable failure).
 */
async function heldServer(service: "sqs" | "sns"): Promise<Held> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const waiters: { count: number; resolve: () => void }[] = [];
  let batches = 0;
  const bodies: string[] = [];
  const server = await startLoopback(async (request: RecordedRequest) => {
    const entries = service === "sqs" ? sqsEntries(request) : snsEntries(request);
    for (const entry of entries) bodies.push(entry.body);
    batches++;
    for (const waiter of waiters) if (batches >= waiter.count) waiter.resolve();
    await released;
    const ok = entries.filter((e) => e.body !== "refuse");
    const bad = entries.filter((e) => e.body === "refuse");
    if (service === "sqs") {
      return json({
        Successful: ok.map((e) => ({ Id: e.id, MessageId: `id-${e.body}` })),
        Failed: bad.map((e) => ({
          Id: e.id,
          Code: "InvalidParameterValue",
          SenderFault: true,
          Message: "no",
        })),
      });
    }
    const members = (list: string[]) => list.map((m) => `<member>${m}</member>`).join("");
    return xml(
      `<PublishBatchResponse><PublishBatchResult><Successful>${members(
        ok.map((e) => `<Id>${e.id}</Id><MessageId>id-${e.body}</MessageId>`),
      )}</Successful><Failed>${members(
        bad.map(
          (e) =>
            `<Id>${e.id}</Id><Code>InvalidParameter</Code><Message>no</Message><SenderFault>true</SenderFault>`,
        ),
      )}</Failed></PublishBatchResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishBatchResponse>`,
    );
  });
  return {
    server,
    bodies,
    release,
    received: (count) =>
      batches >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
  };
}

function sqsEntries(request: RecordedRequest): { id: string; body: string }[] {
  const { Entries } = JSON.parse(request.body) as { Entries: { Id: string; MessageBody: string }[] };
  return Entries.map((e) => ({ id: e.Id, body: e.MessageBody }));
}

function snsEntries(request: RecordedRequest): { id: string; body: string }[] {
  const params = new URLSearchParams(request.body);
  const entries: { id: string; body: string }[] = [];
  for (let n = 1; params.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
    entries.push({
      id: params.get(`PublishBatchRequestEntries.member.${n}.Id`)!,
      body: params.get(`PublishBatchRequestEntries.member.${n}.Message`)!,
    });
  }
  return entries;
}

/** The queue or topic producer of a held server. */
function producerOf(service: "sqs" | "sns", server: Loopback, options: object = {}) {
  if (service === "sqs") {
    return new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS })
      .queue(`${server.endpoint}/${ACCOUNT}/send-all`)
      .producer(options);
  }
  return new SNS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS })
    .topic(`arn:aws:sns:us-east-1:${ACCOUNT}:send-all`)
    .producer(options);
}

for (const service of ["sqs", "sns"] as const) {
  describe(`sendAll (${service}) whose source fails mid-way`, () => {
    for (const kind of ["async", "sync"] as const) {
      it(`${kind} source: rejects with the source's error only after what it took settled, each failure told first`, async () => {
        const held = await heldServer(service);
        try {
          const producer = producerOf(service, held.server, { lingerMs: 1000 });
          const broken = new Error("the source broke");
          const bodies = ["one", "refuse", "three"];
          async function* asyncSource() {
            yield* bodies;
            throw broken;
          }
          function* syncSource() {
            yield* bodies;
            throw broken;
          }
          const told: number[] = [];
          let settledAt: number | undefined;
          const settled = producer
            .sendAll(kind === "async" ? asyncSource() : syncSource(), {
              onError: (_error, index) => told.push(index),
            })
            .then(
              () => assert.fail("sendAll resolved"),
              (error: unknown) => {
                settledAt = told.length;
                return error;
              },
            );
          // The messages taken go out at once (no lingering for the second left), and are held.
          await held.received(1);
          await turns();
          assert.equal(settledAt, undefined, "sendAll has not settled while its batch is in flight");
          held.release();
          const error = await settled;
          assert.equal(error, broken, "the source's own error");
          assert.deepEqual(held.bodies, bodies);
          assert.deepEqual(told, [1], "the refused message was told before sendAll rejected");
          assert.equal(settledAt, 1);
          assert.equal(producer.stats.sent, 2);
          assert.equal(producer.stats.failed, 1);
          await producer.close();
        } finally {
          await held.server.close();
        }
      });
    }

    it("a source whose first read fails: rejects with its error, nothing sent", async () => {
      const held = await heldServer(service);
      try {
        const producer = producerOf(service, held.server);
        const broken = new Error("no source at all");
        const source: AsyncIterable<string> = {
          [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(broken) }),
        };
        await assert.rejects(producer.sendAll(source), (error) => error === broken);
        assert.equal(held.bodies.length, 0);
        await producer.close();
      } finally {
        await held.server.close();
      }
    });

    it("a params function that throws fails its own message, told to onError; the others are sent", async () => {
      const held = await heldServer(service);
      held.release();
      try {
        const producer = producerOf(service, held.server, { lingerMs: 0 });
        const oops = new Error("params broke");
        const told: [unknown, number][] = [];
        const result = await producer.sendAll(["a", "b", "c"], {
          params: (_body, index) => {
            if (index === 1) throw oops;
            return undefined;
          },
          onError: (error, index) => told.push([error, index]),
        });
        assert.equal(result.sent, 2);
        assert.equal(result.failed, 1);
        assert.deepEqual(result.firstError, { error: oops, index: 1 });
        assert.deepEqual(told, [[oops, 1]]);
        assert.deepEqual(held.bodies.sort(), ["a", "c"]);
        assert.ok(!isValidationError(oops));
        await producer.close();
      } finally {
        await held.server.close();
      }
    });
  });
}
