// The one batch engine (issue 15, item 1) under the pressure of issue 22: FIFO order on partial
// retries (point 3), every entry of sendBatch in exactly one list and every entry checked first
// (point 4), a concurrency bound counted on the wire (point 5), deadlines, signals and a bounded
// close() on producers and batch calls (point 6), sendAll's back-pressure (point 7), errors that
// name the caller's index and default ids that never clash (point 8); and the cases where the
// five batch paths had drifted: missing entries, the NotSent code, one concurrency rule.
// Loopback servers of the test's own play SQS (JSON) and SNS (Query).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  isAbortError,
  isAsyncAwsError,
  isServiceError,
  isTimeoutError,
  isValidationError,
} from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import {
  json,
  type Loopback,
  type RecordedRequest,
  type Reply,
  startLoopback,
  xml,
} from "../helpers/loopback.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ACCOUNT = "000000000000";

interface SqsEntry {
  Id: string;
  MessageBody: string;
  MessageGroupId?: string;
}
interface SqsAnswer {
  Successful: { Id: string; MessageId: string; MD5OfMessageBody?: string }[];
  Failed: { Id: string; Code: string; SenderFault: boolean; Message?: string }[];
}
type Script = (
  entries: SqsEntry[],
  request: RecordedRequest,
) => SqsAnswer | Reply | Promise<SqsAnswer | Reply>;

const sqsEntries = (request: RecordedRequest) =>
  (JSON.parse(request.body) as { Entries: SqsEntry[] }).Entries;
const isSendBatch = (request: RecordedRequest) =>
  request.headers["x-amz-target"] === "AmazonSQS.SendMessageBatch";
const md5 = async (text: string) =>
  (await import("node:crypto")).createHash("md5").update(text).digest("hex");

/**
 * Holds a request until `count()` reaches `target` (or 500 ms pass): requests a client sends
 * together are then all in flight together, however the machine schedules them.
 */
async function gather(count: () => number, target: number): Promise<void> {
  for (let waited = 0; count() < target && waited < 500; waited += 2) await sleep(2);
}

/** A loopback SQS whose SendMessageBatch answers follow the test's script; counts requests in flight. */
async function sqsServer(script: Script) {
  let inFlight = 0;
  const stats = { most: 0, gather: 0 };
  const server = await startLoopback(async (request) => {
    if (!isSendBatch(request)) return json({ __type: "InvalidAction" }, 400);
    inFlight++;
    stats.most = Math.max(stats.most, inFlight);
    if (stats.gather > 0) await gather(() => inFlight, stats.gather);
    try {
      const answer = await script(sqsEntries(request), request);
      if ("Successful" in answer) {
        // Real MD5s: the client checks them.
        for (const ok of answer.Successful) {
          const entry = sqsEntries(request).find((e) => e.Id === ok.Id);
          if (entry) ok.MD5OfMessageBody = await md5(entry.MessageBody);
        }
        return json(answer);
      }
      return answer;
    } finally {
      inFlight--;
    }
  });
  return Object.assign(server, { stats });
}

const acceptEvery = (entries: SqsEntry[]): SqsAnswer => ({
  Successful: entries.map((e) => ({ Id: e.Id, MessageId: `id-${e.MessageBody}` })),
  Failed: [],
});

const sqsClient = (server: Loopback, options: object = {}) =>
  new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS, ...options });
const queueOf = (server: Loopback, name: string, options: object = {}) =>
  sqsClient(server, options).queue(`${server.endpoint}/${ACCOUNT}/${name}`);

// ---------------------------------------------------------------------------------------------

describe("point 3: a FIFO group keeps its order on partial-batch retries, one rule for queue and topic", () => {
  it("queue producer: g1-first fails (retryable), g1-second and g1-third are accepted: first is rejected, not resent after them", async () => {
    const accepted: string[] = [];
    const server = await sqsServer((entries) => {
      const answer: SqsAnswer = { Successful: [], Failed: [] };
      for (const entry of entries) {
        if (entry.MessageBody === "g1-first") {
          answer.Failed.push({
            Id: entry.Id,
            Code: "InternalError",
            SenderFault: false,
            Message: "try again",
          });
        } else {
          accepted.push(entry.MessageBody);
          answer.Successful.push({ Id: entry.Id, MessageId: `id-${entry.MessageBody}` });
        }
      }
      return answer;
    });
    try {
      const producer = queueOf(server, "orders.fifo").producer({ lingerMs: 20, retryBaseDelayMs: 1 });
      const results = await Promise.allSettled(
        ["g1-first", "g1-second", "g1-third"].map((body, i) =>
          producer.send(body, { MessageGroupId: "g1", MessageDeduplicationId: `d${i}` }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ["rejected", "fulfilled", "fulfilled"],
      );
      const first = (results[0] as PromiseRejectedResult).reason;
      assert.ok(isServiceError(first));
      assert.equal(first.code, "InternalError");
      assert.match(first.message, /not retried: a later message of its group "g1" was accepted/);
      assert.equal(server.requests.length, 1, "g1-first was not sent again after g1-third");
      assert.deepEqual(accepted, ["g1-second", "g1-third"]);
      await producer.close();
    } finally {
      await server.close();
    }
  });

  it("queue producer: an entry given up on takes the group's later entries not yet sent with it (NotSent); other groups go on", async () => {
    const server = await sqsServer((entries) => {
      const answer: SqsAnswer = { Successful: [], Failed: [] };
      const stopped = new Set<string>();
      for (const entry of entries) {
        // Like SQS: after a failed entry, the rest of its group in the request fails too.
        if (entry.MessageBody === "a:0" || stopped.has(entry.MessageGroupId!)) {
          stopped.add(entry.MessageGroupId!);
          answer.Failed.push({ Id: entry.Id, Code: "InvalidParameterValue", SenderFault: true });
        } else answer.Successful.push({ Id: entry.Id, MessageId: `id-${entry.MessageBody}` });
      }
      return answer;
    });
    try {
      const producer = queueOf(server, "groups.fifo").producer({ lingerMs: 0, maxInFlightBatches: 1 });
      const sends = [
        ...Array.from({ length: 15 }, (_, i) =>
          producer.send(`a:${i}`, { MessageGroupId: "a", MessageDeduplicationId: `a${i}` }),
        ),
        ...Array.from({ length: 5 }, (_, i) =>
          producer.send(`b:${i}`, { MessageGroupId: "b", MessageDeduplicationId: `b${i}` }),
        ),
      ];
      const results = await Promise.allSettled(sends);
      const a = results.slice(0, 15);
      assert.ok(a.every((r) => r.status === "rejected"));
      for (const r of a.slice(10)) {
        const reason = (r as PromiseRejectedResult).reason;
        assert.ok(isAsyncAwsError(reason));
        assert.match(reason.message, /not sent: an earlier request of its group "a" failed/);
      }
      assert.ok(
        results.slice(15).every((r) => r.status === "fulfilled"),
        "group b is not held back",
      );
      const sentBodies = server.requests.flatMap((r) => sqsEntries(r).map((e) => e.MessageBody));
      assert.ok(!sentBodies.includes("a:10"), "the group's later entries were never sent");
    } finally {
      await server.close();
    }
  });

  it("topic producer follows the same rule", async () => {
    const published: string[] = [];
    const server = await startLoopback((request) => {
      const params = new URLSearchParams(request.body);
      let successful = "";
      let failed = "";
      for (let n = 1; params.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
        const id = params.get(`PublishBatchRequestEntries.member.${n}.Id`)!;
        const message = params.get(`PublishBatchRequestEntries.member.${n}.Message`)!;
        if (message === "g1-first")
          failed += `<member><Id>${id}</Id><Code>InternalError</Code><SenderFault>false</SenderFault></member>`;
        else {
          published.push(message);
          successful += `<member><Id>${id}</Id><MessageId>m-${id}</MessageId></member>`;
        }
      }
      return xml(
        `<PublishBatchResponse><PublishBatchResult><Successful>${successful}</Successful><Failed>${failed}</Failed></PublishBatchResult></PublishBatchResponse>`,
      );
    });
    try {
      const sns = new SNS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
      const producer = sns.topic(`arn:aws:sns:us-east-1:${ACCOUNT}:orders.fifo`).producer({ lingerMs: 20 });
      const results = await Promise.allSettled(
        ["g1-first", "g1-second", "g1-third"].map((m, i) =>
          producer.send(m, { MessageGroupId: "g1", MessageDeduplicationId: `d${i}` }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ["rejected", "fulfilled", "fulfilled"],
      );
      assert.equal(server.requests.length, 1);
      assert.deepEqual(published, ["g1-second", "g1-third"]);
    } finally {
      await server.close();
    }
  });
});

describe("point 4 and 15.1: sendBatch accounts for every entry, and checks every entry first", () => {
  it("an entry missing from the answer is Failed (MissingBatchEntry, naming messages[i]); an unknown id is ignored", async () => {
    const server = await sqsServer((entries) => {
      const answer = acceptEvery(entries.filter((e) => e.MessageBody !== "m13"));
      answer.Successful.push({ Id: "not-sent-by-anyone", MessageId: "ghost" });
      return answer;
    });
    try {
      const result = await queueOf(server, "jobs").sendBatch(Array.from({ length: 15 }, (_, i) => `m${i}`));
      assert.equal(result.Successful.length + result.Failed.length, 15);
      assert.ok(
        result.Successful.every((e) => e.index >= 0 && e.index < 15),
        "no index -1",
      );
      assert.deepEqual(
        result.Failed.map((f) => [f.index, f.Id, f.Code]),
        [[13, "13", "MissingBatchEntry"]],
      );
      assert.match(result.Failed[0]!.Message ?? "", /messages\[13\] is missing from the answer/);
      const indexes = [...result.Successful.map((e) => e.index), 13].sort((a, b) => a - b);
      assert.deepEqual(
        indexes,
        Array.from({ length: 15 }, (_, i) => i),
      );
    } finally {
      await server.close();
    }
  });

  it("publishBatch reports missing entries and never-sent entries with the same codes", async () => {
    let calls = 0;
    const server = await startLoopback((request) => {
      calls++;
      const params = new URLSearchParams(request.body);
      const first = params.get("PublishBatchRequestEntries.member.1.Id");
      if (first === "10") {
        return xml(
          "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>no</Message></Error></ErrorResponse>",
          400,
        );
      }
      // Answers all but the entry "3".
      let successful = "";
      for (let n = 1; params.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
        const id = params.get(`PublishBatchRequestEntries.member.${n}.Id`)!;
        if (id !== "3") successful += `<member><Id>${id}</Id><MessageId>m-${id}</MessageId></member>`;
      }
      return xml(
        `<PublishBatchResponse><PublishBatchResult><Successful>${successful}</Successful><Failed/></PublishBatchResult></PublishBatchResponse>`,
      );
    });
    try {
      const sns = new SNS({
        endpoint: server.endpoint,
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
        maxAttempts: 1,
      });
      const standard = await sns
        .topic(`arn:aws:sns:us-east-1:${ACCOUNT}:events`)
        .publishBatch(Array.from({ length: 25 }, (_, i) => `m${i}`));
      assert.equal(calls, 3);
      assert.equal(standard.Successful.length + standard.Failed.length, 25);
      let codes = new Map(standard.Failed.map((f) => [f.index, f.Code]));
      assert.equal(codes.get(3), "MissingBatchEntry", "as SQS reports it");
      assert.ok(isServiceError(standard.Failed.find((f) => f.index === 3)!.error));
      assert.equal(codes.get(10), "InvalidParameter");
      assert.equal(codes.size, 11);

      // FIFO: the missing entry is given up on, and its group's later entries are never sent.
      calls = 0;
      const fifo = await sns
        .topic(`arn:aws:sns:us-east-1:${ACCOUNT}:events.fifo`)
        .publishBatch(Array.from({ length: 25 }, (_, i) => ({ Message: `m${i}`, MessageGroupId: "g" })));
      assert.equal(calls, 1);
      codes = new Map(fifo.Failed.map((f) => [f.index, f.Code]));
      assert.equal(codes.get(3), "MissingBatchEntry");
      assert.equal(codes.get(24), "NotSent", "one code for never-sent entries, as SQS");
      assert.equal(fifo.Successful.length, 9);
      assert.equal(fifo.Failed.length, 16);
    } finally {
      await server.close();
    }
  });

  it("a bad Id at index 20 is refused before any request is sent", async () => {
    const server = await sqsServer(acceptEvery);
    try {
      const messages: ({ Id?: string; MessageBody: string } | string)[] = Array.from(
        { length: 25 },
        (_, i) => `m${i}`,
      );
      messages[20] = { Id: "not allowed!", MessageBody: "x" };
      await assert.rejects(
        queueOf(server, "jobs").sendBatch(messages),
        (error) => isValidationError(error) && error.field === "messages[20].Id",
      );
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });
});

describe("point 5 and 15.1: one concurrency bound, counted on the wire", () => {
  it("sendBatch sends at most 10 requests at once by default, and maxInFlightBatches when given", async () => {
    const server = await sqsServer(acceptEvery);
    try {
      const queue = queueOf(server, "wide");
      const messages = Array.from({ length: 300 }, (_, i) => `m${i}`);
      server.stats.gather = 11; // more than the bound: each request waits 500 ms for more
      const all = await queue.sendBatch(messages);
      assert.equal(all.Successful.length, 300);
      assert.equal(server.stats.most, 10);
      server.stats.most = 0;
      server.stats.gather = 4;
      const three = await queue.sendBatch(messages, { maxInFlightBatches: 3 });
      assert.equal(three.Successful.length, 300);
      assert.equal(server.stats.most, 3);
      await assert.rejects(
        queue.sendBatch(messages, { maxInFlightBatches: 0 }),
        (error) => isValidationError(error) && error.field === "maxInFlightBatches",
      );
    } finally {
      await server.close();
    }
  });

  it("publishBatch has the same bound and option", async () => {
    let inFlight = 0;
    let most = 0;
    let target = 11;
    const server = await startLoopback(async (request) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await gather(() => inFlight, target);
      inFlight--;
      const params = new URLSearchParams(request.body);
      let successful = "";
      for (let n = 1; params.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
        const id = params.get(`PublishBatchRequestEntries.member.${n}.Id`)!;
        successful += `<member><Id>${id}</Id><MessageId>m-${id}</MessageId></member>`;
      }
      return xml(
        `<PublishBatchResponse><PublishBatchResult><Successful>${successful}</Successful><Failed/></PublishBatchResult></PublishBatchResponse>`,
      );
    });
    try {
      const sns = new SNS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
      const topic = sns.topic(`arn:aws:sns:us-east-1:${ACCOUNT}:wide`);
      const messages = Array.from({ length: 200 }, (_, i) => `m${i}`);
      assert.equal((await topic.publishBatch(messages)).Successful.length, 200);
      assert.equal(most, 10);
      most = 0;
      target = 3;
      assert.equal((await topic.publishBatch(messages, { maxInFlightBatches: 2 })).Successful.length, 200);
      assert.equal(most, 2);
    } finally {
      await server.close();
    }
  });
});

describe("point 6: deadlines, signals and a bounded close()", () => {
  let deaf: Loopback;
  before(async () => {
    deaf = await startLoopback(() => ({ raw: () => {} }));
  });
  after(() => deaf.close());
  const slow = { requestTimeoutMs: 60_000 };

  it("a producer's deadlineMs rejects a send that is not accepted in time", { timeout: 10_000 }, async () => {
    const producer = queueOf(deaf, "deaf", slow).producer({ deadlineMs: 150, lingerMs: 0 });
    const error = await producer.send("x").catch((e: unknown) => e);
    assert.ok(isTimeoutError(error), String(error));
    await producer.close();
  });

  it("a producer's signal rejects what is left and closes it", { timeout: 10_000 }, async () => {
    const controller = new AbortController();
    const producer = queueOf(deaf, "deaf", slow).producer({ signal: controller.signal, lingerMs: 0 });
    const sends = [producer.send("a"), producer.send("b")];
    await sleep(30);
    controller.abort(new Error("shutting down"));
    const results = await Promise.allSettled(sends);
    assert.ok(results.every((r) => r.status === "rejected" && isAbortError(r.reason)));
    assert.ok(producer.closed);
  });

  it("close({ timeoutMs }) gives up on what is left and resolves; close({ signal }) too", {
    timeout: 10_000,
  }, async () => {
    const producer = queueOf(deaf, "deaf", slow).producer();
    const sends = Array.from({ length: 25 }, (_, i) => producer.send(`m${i}`).catch((e: unknown) => e));
    await producer.close({ timeoutMs: 100 });
    const errors = await Promise.all(sends);
    assert.ok(errors.every((e) => isTimeoutError(e)));
    assert.equal(producer.stats.failed, 25);

    const other = queueOf(deaf, "deaf", slow).producer();
    const pending = other.send("z").catch((e: unknown) => e);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await other.close({ signal: controller.signal });
    assert.ok(isAbortError(await pending));
  });

  it("sendBatch's deadlineMs bounds the whole call: every entry comes back Failed", {
    timeout: 10_000,
  }, async () => {
    const result = await queueOf(deaf, "deaf", slow).sendBatch(
      Array.from({ length: 12 }, (_, i) => `m${i}`),
      { deadlineMs: 150 },
    );
    assert.equal(result.Successful.length, 0);
    assert.equal(result.Failed.length, 12);
    assert.ok(result.Failed.every((f) => f.Code === "TimeoutError" && isTimeoutError(f.error)));
  });
});

describe("point 7: sendAll applies back-pressure to a source", () => {
  it("takes a message from the source only when there is room", async () => {
    const server = await sqsServer(async (entries) => {
      await sleep(2);
      return acceptEvery(entries);
    });
    try {
      const producer = queueOf(server, "source").producer({ maxQueued: 50, maxInFlightBatches: 2 });
      let pulled = 0;
      let most = 0;
      function* source() {
        for (let i = 0; i < 3000; i++) {
          pulled++;
          const held = pulled - producer.stats.sent - producer.stats.failed;
          most = Math.max(most, held);
          yield `m${i}`;
        }
      }
      const result = await producer.sendAll(source());
      assert.deepEqual(result, { sent: 3000, failed: 0 });
      assert.ok(most <= 50 + 2 * 10 + 1, `held at most ${most} messages`);
      const failing = await queueOf(server, "source.fifo")
        .producer()
        .sendAll(["a", "b"], {
          params: (_body, index) =>
            index === 0 ? { MessageGroupId: "g", MessageDeduplicationId: "a" } : undefined,
        });
      assert.equal(failing.sent, 1);
      assert.equal(failing.failed, 1);
      assert.ok(isValidationError(failing.firstError?.error) && failing.firstError.index === 1);
    } finally {
      await server.close();
    }
  });
});

describe("point 7b: sendAll settles each message through callbacks", () => {
  it("reads async sources too, tells onError of each failure with its index, survives a reporter that throws", async () => {
    const server = await sqsServer(acceptEvery);
    try {
      const producer = queueOf(server, "callbacks").producer({ maxQueued: 5 });
      async function* source() {
        for (let i = 0; i < 40; i++) yield i % 10 === 3 ? "bad \u0000" : `m${i}`;
      }
      const told: number[] = [];
      const result = await producer.sendAll(source(), {
        onError: (error, index) => {
          assert.ok(isValidationError(error));
          told.push(index);
          throw new Error("a reporter that throws");
        },
      });
      assert.equal(result.sent, 36);
      assert.equal(result.failed, 4);
      assert.deepEqual(told, [3, 13, 23, 33]);
      assert.equal(result.firstError?.index, 3);
      assert.equal(producer.stats.sent, 36);
      await producer.close();
      const closed = await producer.sendAll(["after close"]);
      assert.equal(closed.failed, 1);
      assert.ok(isAsyncAwsError(closed.firstError?.error));
      await assert.rejects(producer.sendAll(42 as never), isValidationError);
    } finally {
      await server.close();
    }
  });
});

describe("point 7c: sendAll stops reading its source once the producer is closed", () => {
  it("an endless source: sendAll resolves after close(), the rest of the source left unread", async () => {
    const server = await sqsServer(acceptEvery);
    try {
      for (const kind of ["async", "sync"] as const) {
        const producer = queueOf(server, `endless-${kind}`).producer({ maxQueued: 5 });
        let pulled = 0;
        let closedSource = false;
        const closeAt = (i: number) => {
          if (i === 30) void producer.close();
        };
        async function* endlessAsync() {
          try {
            // Endless for the test's purpose (bounded, so that a failure ends rather than spins).
            for (let i = 0; i < 200_000; i++) {
              pulled++;
              closeAt(i);
              yield `m${i}`;
            }
          } finally {
            closedSource = true;
          }
        }
        function* endlessSync() {
          try {
            // Endless for the test's purpose (bounded, so that a failure ends rather than spins).
            for (let i = 0; i < 200_000; i++) {
              pulled++;
              closeAt(i);
              yield `m${i}`;
            }
          } finally {
            closedSource = true;
          }
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hung = new Promise<"hung">((resolve) => {
          timer = setTimeout(() => resolve("hung"), 5000);
        });
        const result = await Promise.race([
          producer.sendAll(kind === "async" ? endlessAsync() : endlessSync()),
          hung,
        ]);
        clearTimeout(timer);
        assert.notEqual(result, "hung", `${kind}: sendAll ended`);
        if (result === "hung") return;
        // m0..m29 sent; m30, taken as close() was called, refused; nothing read after it.
        assert.equal(result.sent, 30, kind);
        assert.equal(result.failed, 1, kind);
        assert.match(String(result.firstError?.error), /closed/);
        assert.equal(result.firstError?.index, 30);
        assert.equal(pulled, 31, `${kind}: the source was read no further`);
        assert.ok(closedSource, `${kind}: the source was closed`);
      }
    } finally {
      await server.close();
    }
  });
});

describe("point 8: errors name the caller's index; generated ids never clash", () => {
  it("a default id that a user's id already took is replaced, not reported as the user's mistake", async () => {
    const server = await sqsServer(acceptEvery);
    try {
      const result = await queueOf(server, "ids").sendBatch([{ Id: "1", MessageBody: "mine" }, "default"]);
      assert.deepEqual(
        result.Successful.map((e) => [e.index, e.Id]),
        [
          [0, "1"],
          [1, "1_1"],
        ],
      );
      const wire = sqsEntries(server.requests[0]!).map((e) => e.Id);
      assert.deepEqual(wire, ["1", "1_1"]);
    } finally {
      await server.close();
    }
  });

  it("entry errors name messages[i], not the position inside an internal batch", async () => {
    const server = await sqsServer((entries) => ({
      Successful: [],
      Failed: entries.map((e) => ({
        Id: e.Id,
        Code: "InvalidParameterValue",
        SenderFault: true,
        Message: "bad",
      })),
    }));
    try {
      const producer = queueOf(server, "names").producer({ lingerMs: 0 });
      const error = await producer.send("x").catch((e: unknown) => e);
      assert.ok(isServiceError(error));
      assert.match(error.message, /the message failed: bad/);
      assert.doesNotMatch(error.message, /entry 0/);
    } finally {
      await server.close();
    }
  });
});
