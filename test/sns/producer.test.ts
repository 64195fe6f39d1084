// The topic producer (topic.producer()): PublishBatch by 10 and by 256 KiB, per-entry retries and
// rejections, FIFO order under retries, back-pressure, flush/onIdle/close, validation before
// queueing; on fauxqs (through a counting proxy of the test's own) and on scripted loopback servers.
import assert from "node:assert/strict";
import { Agent, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { AsyncAwsError, isAsyncAwsError, isServiceError, isValidationError } from "../../src/core/errors.js";
import { SNS, TopicProducer } from "../../src/sns/index.js";
import { SQS } from "../../src/sqs/index.js";
import { seededRandom } from "../helpers/fault-proxy.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { type Loopback, type RecordedRequest, type Reply, startLoopback, xml } from "../helpers/loopback.js";

const ACCOUNT = "123456789012";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

/** One PublishBatch entry as the server decoded it from the form. */
interface WireEntry {
  Id: string;
  Message: string;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
  /** name → [DataType, StringValue] */
  attributes: Map<string, [string, string]>;
}

function actionOf(request: RecordedRequest): string | null {
  return new URLSearchParams(request.body).get("Action");
}

/** Decodes `PublishBatchRequestEntries.member.N.*` back into entries, in order. */
function entriesOf(request: RecordedRequest): WireEntry[] {
  const params = new URLSearchParams(request.body);
  const entries: WireEntry[] = [];
  for (let n = 1; params.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
    const at = (key: string) => params.get(`PublishBatchRequestEntries.member.${n}.${key}`) ?? undefined;
    const attributes = new Map<string, [string, string]>();
    for (let a = 1; at(`MessageAttributes.entry.${a}.Name`) !== undefined; a++) {
      attributes.set(at(`MessageAttributes.entry.${a}.Name`)!, [
        at(`MessageAttributes.entry.${a}.Value.DataType`)!,
        at(`MessageAttributes.entry.${a}.Value.StringValue`) ?? "",
      ]);
    }
    const entry: WireEntry = { Id: at("Id")!, Message: at("Message")!, attributes };
    const group = at("MessageGroupId");
    if (group !== undefined) entry.MessageGroupId = group;
    const dedup = at("MessageDeduplicationId");
    if (dedup !== undefined) entry.MessageDeduplicationId = dedup;
    entries.push(entry);
  }
  return entries;
}

/** An entry's size as SNS counts it: the message, and each attribute's name, type and value. */
function sizeOf(entry: WireEntry): number {
  let bytes = utf8(entry.Message);
  for (const [name, [type, value]] of entry.attributes) bytes += utf8(name) + utf8(type) + utf8(value);
  return bytes;
}

interface Outcome {
  ok?: string;
  fail?: { Code: string; SenderFault: boolean; Message?: string };
}

/** A PublishBatch answer in AWS's XML: each entry in Successful or Failed. */
function batchReply(entries: WireEntry[], outcomeOf: (entry: WireEntry) => Outcome): Reply {
  let successful = "";
  let failed = "";
  for (const entry of entries) {
    const outcome = outcomeOf(entry);
    if (outcome.fail) {
      const { Code, SenderFault, Message = `${Code} happened` } = outcome.fail;
      failed += `<member><Id>${entry.Id}</Id><Code>${Code}</Code><Message>${Message}</Message><SenderFault>${SenderFault}</SenderFault></member>`;
    } else {
      successful += `<member><Id>${entry.Id}</Id><MessageId>${outcome.ok ?? `id-${entry.Id}`}</MessageId></member>`;
    }
  }
  return xml(
    `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful>${successful}</Successful><Failed>${failed}</Failed></PublishBatchResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PublishBatchResponse>`,
  );
}

function errorReply(code: string, status: number, type = "Receiver"): Reply {
  return xml(
    `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${code} happened</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`,
    status,
  );
}

/** A loopback SNS that accepts every PublishBatch entry (MessageId = its Message). */
function acceptAll(delayMs = 0): Promise<Loopback> {
  let n = 0;
  return startLoopback(async (request) => {
    if (actionOf(request) !== "PublishBatch") return errorReply("InvalidAction", 400, "Sender");
    if (delayMs) await sleep(delayMs);
    return batchReply(entriesOf(request), () => ({ ok: `m-${n++}` }));
  });
}

function clientOf(server: { endpoint: string }, maxAttempts = 1): SNS {
  return new SNS({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    maxAttempts,
  });
}

const topicArn = (name: string) => `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`;

/** A proxy of the test's own in front of fauxqs that counts SNS actions (form-encoded `Action`). */
async function startCountingProxy(target: string) {
  const counts = new Map<string, number>();
  const entries: number[] = [];
  const agent = new Agent({ keepAlive: true });
  const { hostname, port } = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString("utf8"));
      const action = params.get("Action") ?? "";
      counts.set(action, (counts.get(action) ?? 0) + 1);
      if (action === "PublishBatch") {
        entries.push(
          [...params.keys()].filter((k) => /^PublishBatchRequestEntries\.member\.\d+\.Id$/.test(k)).length,
        );
      }
      const upstream = httpRequest(
        { host: hostname, port, method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    /** Entries per PublishBatch request, in arrival order. */
    entries,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("topic producer on fauxqs", () => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  let sns: SNS;
  let snsViaProxy: SNS;
  let sqs: SQS;
  before(async () => {
    emulator = await startEmulator();
    proxy = await startCountingProxy(emulator.endpoint);
    const options = { region: "us-east-1", credentials: TEST_CREDENTIALS };
    sns = new SNS({ ...options, endpoint: emulator.endpoint });
    snsViaProxy = new SNS({ ...options, endpoint: proxy.endpoint });
    sqs = new SQS({ ...options, endpoint: emulator.endpoint });
  });
  after(async () => {
    await proxy?.close();
    await emulator?.stop();
  });

  /** Receives until `count` bodies came (or the deadline); messages stay invisible, never deleted. */
  async function receiveAll(queueUrl: string, count: number, timeoutMs = 15_000): Promise<string[]> {
    const bodies: string[] = [];
    const deadline = Date.now() + timeoutMs;
    while (bodies.length < count && Date.now() < deadline) {
      const { Messages = [] } = await sqs.receiveMessage({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 600,
        WaitTimeSeconds: bodies.length === 0 ? 1 : 0,
      });
      if (Messages.length === 0) await sleep(20);
      for (const message of Messages) bodies.push(message.Body!);
    }
    return bodies;
  }

  it("2,000 sends make about 200 PublishBatch requests, and each message arrives once in a raw queue", async () => {
    const { TopicArn } = await sns.createTopic({ Name: uniqueName("produce") });
    const { QueueUrl } = await sqs.createQueue({ QueueName: uniqueName("produce") });
    await sns.topic(TopicArn!).subscribeQueue(sqs.queue(QueueUrl!), { raw: true });

    const producer = snsViaProxy.topic(TopicArn!).producer();
    assert.ok(producer instanceof TopicProducer);
    const ids = await Promise.all(Array.from({ length: 2000 }, (_, i) => producer.send(`m-${i}`)));
    assert.equal(new Set(ids).size, 2000, "2,000 distinct message ids");
    assert.ok(ids.every((id) => typeof id === "string" && id.length > 0));

    const requests = proxy.counts.get("PublishBatch") ?? 0;
    assert.ok(requests >= 200 && requests <= 210, `${requests} PublishBatch requests`);
    assert.ok(proxy.entries.every((n) => n >= 1 && n <= 10));
    assert.equal(proxy.counts.get("Publish") ?? 0, 0);
    assert.equal(producer.stats.sent, 2000);
    assert.equal(producer.stats.batches, requests);

    const bodies = await receiveAll(QueueUrl!, 2000);
    assert.equal(bodies.length, 2000);
    assert.deepEqual(
      [...bodies].sort(),
      Array.from({ length: 2000 }, (_, i) => `m-${i}`).sort(),
      "every message once",
    );
    // Nothing more comes.
    const { Messages = [] } = await sqs.receiveMessage({ QueueUrl: QueueUrl!, WaitTimeSeconds: 0 });
    assert.equal(Messages.length, 0);
    await producer.close();
  });

  it("keeps each group's order into a FIFO queue, objects JSON-encoded", async () => {
    const name = `${uniqueName("ordered")}.fifo`;
    const { TopicArn } = await sns.createTopic({ Name: name, Attributes: { FifoTopic: "true" } });
    const { QueueUrl } = await sqs.createQueue({
      QueueName: `${uniqueName("ordered")}.fifo`,
      Attributes: { FifoQueue: "true" },
    });
    await sns.topic(TopicArn!).subscribeQueue(sqs.queue(QueueUrl!), { raw: true });
    const producer = snsViaProxy.topic(TopicArn!).producer();
    const groups = ["a", "b", "c"];
    const sends: Promise<string>[] = [];
    for (let i = 0; i < 40; i++) {
      for (const group of groups) {
        sends.push(
          producer.send({ group, i }, { MessageGroupId: group, MessageDeduplicationId: `${group}-${i}` }),
        );
      }
    }
    await Promise.all(sends);
    const seen = new Map<string, number[]>();
    const deadline = Date.now() + 15_000;
    let total = 0;
    while (total < 120 && Date.now() < deadline) {
      const { Messages = [] } = await sqs.receiveMessage({
        QueueUrl: QueueUrl!,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      });
      for (const message of Messages) {
        const { group, i } = JSON.parse(message.Body!) as { group: string; i: number };
        seen.set(group, [...(seen.get(group) ?? []), i]);
        total++;
        await sqs.deleteMessage({ QueueUrl: QueueUrl!, ReceiptHandle: message.ReceiptHandle! });
      }
    }
    const expected = Array.from({ length: 40 }, (_, i) => i);
    for (const group of groups) assert.deepEqual(seen.get(group), expected, `group ${group}`);
    await producer.close();
  });
});

describe("topic producer against a scripted server", () => {
  it("splits batches by bytes at 256 KiB, counting each message with its attributes, in UTF-8 bytes", async () => {
    const server = await acceptAll();
    try {
      const producer = clientOf(server).topic(topicArn("bytes")).producer({ lingerMs: 50 });
      const batches = () => server.requests.filter((r) => actionOf(r) === "PublishBatch").map(entriesOf);
      const shapes = () => batches().map((entries) => entries.map(sizeOf));
      const reset = () => {
        // Every request was within the limits, as the server counts.
        for (const entries of batches()) {
          assert.ok(entries.length >= 1 && entries.length <= 10, `${entries.length} entries`);
          assert.ok(
            entries.reduce((sum, e) => sum + sizeOf(e), 0) <= 262_144,
            `${entries.reduce((sum, e) => sum + sizeOf(e), 0)} bytes`,
          );
        }
        server.requests.length = 0;
      };
      const sendAll = (messages: string[], params?: object) =>
        Promise.all(messages.map((m) => producer.send(m, params)));

      await sendAll(Array.from({ length: 10 }, () => "a".repeat(26_214))); // 262,140 bytes
      assert.deepEqual(
        shapes().map((s) => s.length),
        [10],
      );
      reset();

      await sendAll(Array.from({ length: 10 }, () => "b".repeat(26_215))); // 262,150 bytes
      assert.deepEqual(
        shapes().map((s) => s.length),
        [9, 1],
      );
      reset();

      await sendAll(Array.from({ length: 25 }, (_, i) => `small ${i}`));
      assert.deepEqual(
        shapes().map((s) => s.length),
        [10, 10, 5],
      );
      reset();

      // A message of exactly 256 KiB goes alone.
      await sendAll(["c".repeat(262_144), "d"]);
      assert.deepEqual(
        shapes().sort((x, y) => y[0]! - x[0]!),
        [[262_144], [1]],
      );
      reset();

      // Bytes, not characters: "é" is 2 bytes; 65,536 of them are 131,072 bytes.
      await sendAll(["é".repeat(65_536), "é".repeat(65_536)]);
      assert.deepEqual(shapes(), [[131_072, 131_072]]);
      reset();
      await sendAll(["é".repeat(65_536), `${"é".repeat(65_536)}x`]);
      assert.deepEqual(shapes(), [[131_072], [131_073]]);
      reset();

      // Attribute name, type and value count: 131,064 + 1 + 6 + 1 = 131,072 each, 262,144 in all.
      const attribute = (value: string) => ({
        MessageAttributes: { k: { DataType: "String", StringValue: value } },
      });
      await sendAll(["e".repeat(131_064), "f".repeat(131_064)], attribute("v"));
      assert.deepEqual(shapes(), [[131_072, 131_072]]);
      reset();
      await sendAll(["g".repeat(131_064), "h".repeat(131_064)], attribute("vv"));
      assert.deepEqual(shapes(), [[131_073], [131_073]]);
      reset();

      // Over the limit: rejected before queueing, nothing sent.
      const tooBig = await producer.send("i".repeat(262_145)).catch((error: unknown) => error);
      assert.ok(isValidationError(tooBig));
      assert.equal(tooBig.field, "Message");
      assert.equal(tooBig.value, "262145 bytes");
      const tooBigWithAttributes = await producer
        .send("j".repeat(262_140), attribute("v"))
        .catch((error: unknown) => error);
      assert.ok(isValidationError(tooBigWithAttributes));
      assert.equal(tooBigWithAttributes.value, "262148 bytes");
      await producer.flush();
      assert.equal(server.requests.length, 0, "nothing sent for a message over the limit");
      assert.equal(producer.stats.queued, 0);
      await producer.close();
    } finally {
      await server.close();
    }
  });

  it("retries entries that failed for a retryable reason, rejects the others one by one with AWS's code", async () => {
    const attemptsOf = new Map<string, number>();
    let requests = 0;
    const server = await startLoopback((request) => {
      requests++;
      if (requests === 1) return errorReply("InternalError", 500);
      return batchReply(entriesOf(request), (entry) => {
        const attempt = (attemptsOf.get(entry.Message) ?? 0) + 1;
        attemptsOf.set(entry.Message, attempt);
        const fail = (Code: string, SenderFault: boolean) => ({
          fail: { Code, SenderFault, Message: `${Code} for ${entry.Message}` },
        });
        if (entry.Message.startsWith("flaky") && attempt === 1) return fail("InternalError", false);
        if (entry.Message.startsWith("throttling") && attempt < 3) return fail("Throttling", false);
        // SNS's own throttling code comes as a sender fault; still worth another try.
        if (entry.Message.startsWith("throttled") && attempt < 3) return fail("Throttled", true);
        if (entry.Message.startsWith("kms") && attempt === 1) return fail("KMSThrottling", true);
        if (entry.Message.startsWith("bad")) return fail("InvalidParameter", true);
        if (entry.Message.startsWith("always")) return fail("InternalError", false);
        return { ok: `id-${entry.Message}` };
      });
    });
    try {
      const producer = clientOf(server)
        .topic(topicArn("partial"))
        .producer({ maxAttempts: 4, retryBaseDelayMs: 5, lingerMs: 20 });
      const messages = [
        "ok-1",
        "flaky-1",
        "bad-1",
        "throttling-1",
        "throttled-1",
        "always-1",
        "kms-1",
        "ok-2",
        "flaky-2",
      ];
      const results = await Promise.allSettled(messages.map((message) => producer.send(message)));
      const byMessage = new Map(messages.map((message, i) => [message, results[i]!]));
      for (const message of ["ok-1", "ok-2", "flaky-1", "flaky-2", "throttling-1", "throttled-1", "kms-1"]) {
        assert.deepEqual(byMessage.get(message), { status: "fulfilled", value: `id-${message}` }, message);
      }
      const bad = (byMessage.get("bad-1") as PromiseRejectedResult).reason;
      assert.ok(isServiceError(bad));
      assert.equal(bad.code, "InvalidParameter");
      assert.equal(bad.fault, "client");
      assert.equal(bad.retryable, false);
      assert.equal(bad.operation, "PublishBatch");
      assert.equal(bad.resource, "partial");
      assert.match(bad.message, /InvalidParameter for bad-1/);
      assert.equal(attemptsOf.get("bad-1"), 1, "a sender fault is not retried");
      const always = (byMessage.get("always-1") as PromiseRejectedResult).reason;
      assert.ok(isServiceError(always));
      assert.equal(always.code, "InternalError");
      assert.equal(always.fault, "server");
      // The first (whole-request) failure counts as an attempt: 4 in all, 3 seen entry by entry.
      assert.equal(attemptsOf.get("always-1"), 3);
      assert.equal(attemptsOf.get("throttled-1"), 3);
      assert.equal(producer.stats.sent, 7);
      assert.equal(producer.stats.failed, 2);
      assert.ok(producer.stats.retried > 0);
      assert.ok(
        server.requests.every((r) => r.signatureValid),
        "every request signed",
      );
      await producer.close();
    } finally {
      await server.close();
    }
  });

  it("rejects every entry of a request that failed for good, with the request's error", async () => {
    const server = await startLoopback(() => errorReply("AuthorizationError", 403, "Sender"));
    try {
      const producer = clientOf(server).topic(topicArn("denied")).producer({ lingerMs: 0 });
      const results = await Promise.allSettled(["a", "b", "c"].map((m) => producer.send(m)));
      for (const result of results) {
        assert.equal(result.status, "rejected");
        const reason = (result as PromiseRejectedResult).reason;
        assert.ok(isServiceError(reason) && reason.code === "AuthorizationError");
      }
      assert.equal(server.requests.length, 1, "not retried");
    } finally {
      await server.close();
    }
  });

  it("FIFO: keeps each group's order across retries, one request at a time per group", async () => {
    const random = seededRandom(Number(process.env.FAULT_SEED ?? 42));
    const published = new Map<string, number[]>();
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const server = await startLoopback(async (request) => {
      const entries = entriesOf(request);
      const groups = new Set(entries.map((entry) => entry.MessageGroupId!));
      for (const group of groups) {
        if (inFlight.has(group)) overlaps.push(group);
        inFlight.add(group);
      }
      await sleep(random() * 5);
      for (const group of groups) inFlight.delete(group);
      if (random() < 0.1) return errorReply("InternalError", 500);
      if (random() < 0.05) return errorReply("Throttled", 429, "Sender");
      const stopped = new Set<string>();
      return batchReply(entries, (entry) => {
        const group = entry.MessageGroupId!;
        // A failed entry stops its group for the rest of this request.
        if (stopped.has(group) || random() < 0.2) {
          stopped.add(group);
          return { fail: { Code: "InternalError", SenderFault: false } };
        }
        published.set(group, [...(published.get(group) ?? []), Number(entry.Message.split(":")[1])]);
        return { ok: entry.Message };
      });
    });
    try {
      const producer = clientOf(server)
        .topic(topicArn("ordered.fifo"))
        .producer({ maxAttempts: 50, retryBaseDelayMs: 2, retryMaxDelayMs: 20 });
      const sends: Promise<string>[] = [];
      for (let i = 0; i < 200; i++) {
        for (const group of ["a", "b", "c", "d"]) {
          sends.push(
            producer.send(`${group}:${i}`, {
              MessageGroupId: group,
              MessageDeduplicationId: `${group}-${i}`,
            }),
          );
        }
      }
      const ids = await Promise.all(sends);
      assert.equal(ids[0], "a:0");
      const expected = Array.from({ length: 200 }, (_, i) => i);
      for (const group of ["a", "b", "c", "d"])
        assert.deepEqual(published.get(group), expected, `group ${group}`);
      assert.deepEqual(overlaps, [], "never two requests in flight for one group");
      assert.ok(producer.stats.retried > 0);
      assert.equal(producer.stats.failed, 0);
    } finally {
      await server.close();
    }
  });

  it("FIFO: a failed entry whose group went on in the same request is rejected, not retried out of order", async () => {
    const published: string[] = [];
    const server = await startLoopback((request) =>
      // This server publishes the rest of a group after one of its entries failed.
      batchReply(entriesOf(request), (entry) => {
        if (entry.Message === "g:1" || entry.Message === "g:4") {
          return { fail: { Code: "InternalError", SenderFault: false } };
        }
        published.push(entry.Message);
        return { ok: entry.Message };
      }),
    );
    try {
      const producer = clientOf(server)
        .topic(topicArn("strict.fifo"))
        .producer({ lingerMs: 20, maxAttempts: 3, retryBaseDelayMs: 1 });
      const messages = ["g:0", "g:1", "g:2", "g:3", "g:4"];
      const results = await Promise.allSettled(
        messages.map((m, i) => producer.send(m, { MessageGroupId: "g", MessageDeduplicationId: `d${i}` })),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ["fulfilled", "rejected", "fulfilled", "fulfilled", "rejected"],
      );
      const skipped = (results[1] as PromiseRejectedResult).reason;
      assert.ok(isServiceError(skipped));
      assert.equal(skipped.code, "InternalError");
      assert.equal(skipped.retryable, false);
      assert.match(skipped.message, /not retried: a later message of its group "g" was accepted/);
      // g:4, the last of its group in the request, is retried (and fails for good after 3 attempts).
      const last = (results[4] as PromiseRejectedResult).reason;
      assert.ok(isServiceError(last) && last.code === "InternalError");
      assert.equal(server.requests.length, 3);
      assert.deepEqual(published, ["g:0", "g:2", "g:3"], "what was published is in order");
    } finally {
      await server.close();
    }
  });

  it("bounds what it holds under back-pressure; sends past maxQueued wait", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let n = 0;
    const server = await startLoopback(async (request) => {
      await gate;
      return batchReply(entriesOf(request), () => ({ ok: `m${n++}` }));
    });
    try {
      const sns = clientOf(server);
      const producer = sns
        .topic(topicArn("pressure"))
        .producer({ maxQueued: 50, maxInFlightBatches: 2, lingerMs: 0 });
      const sends = Array.from({ length: 500 }, (_, i) => producer.send(`m-${i}`));
      // Wait until both requests reached the (gated) server.
      for (let i = 0; i < 500 && server.requests.length < 2; i++) await sleep(10);
      let ready = false;
      void producer.ready().then(() => {
        ready = true;
      });
      const held = producer.stats;
      assert.equal(held.inFlightBatches, 2);
      assert.equal(held.inFlightEntries, 20);
      assert.equal(held.queued, 50);
      assert.equal(held.waiting, 430);
      assert.equal(ready, false);
      open();
      await Promise.all(sends);
      assert.equal(ready, true);
      assert.equal(producer.stats.sent, 500);

      // A fast source paced by ready(): the producer never holds more than its bounds.
      const paced = sns.topic(topicArn("paced")).producer({ maxQueued: 100, maxInFlightBatches: 4 });
      let most = 0;
      const pending: Promise<string>[] = [];
      const message = "p".repeat(1024);
      for (let i = 0; i < 5000; i++) {
        await paced.ready();
        pending.push(paced.send(message));
        const { queued, waiting, inFlightEntries } = paced.stats;
        most = Math.max(most, queued + waiting + inFlightEntries);
        if (pending.length >= 1000) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
      await paced.close();
      assert.ok(most <= 100 + 4 * 10, `held at most ${most} entries`);
      assert.equal(paced.stats.sent, 5000);
    } finally {
      await server.close();
    }
  });

  it("flush() sends without lingering, onIdle() waits, close() rejects later sends", async () => {
    // lingerMs is long enough that only flush() and close() send, and short because the
    // producer's linger timer outlives close() (it keeps the process up until it fires).
    const server = await acceptAll(5);
    try {
      const producer = clientOf(server).topic(topicArn("lifecycle")).producer({ lingerMs: 2000 });
      await producer.onIdle();
      const sends = ["a", "b", "c"].map((m) => producer.send(m));
      assert.equal(producer.stats.queued, 3);
      await producer.flush();
      assert.equal(server.requests.length, 1);
      assert.deepEqual(
        entriesOf(server.requests[0]!).map((e) => e.Message),
        ["a", "b", "c"],
      );
      assert.equal((await Promise.all(sends)).length, 3);

      const more = ["d", "e"].map((m) => producer.send(m));
      let idle = false;
      const idled = producer.onIdle().then(() => {
        idle = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(idle, false, "onIdle waits for what is queued");
      const closing = producer.close();
      assert.ok(producer.closed);
      const late = await producer.send("late").catch((error: unknown) => error);
      assert.ok(isAsyncAwsError(late) && late instanceof AsyncAwsError);
      assert.match(late.message, /closed/);
      assert.equal(late.operation, "PublishBatch");
      await closing;
      await idled;
      assert.deepEqual((await Promise.all(more)).length, 2);
      assert.equal(server.requests.length, 2);
      assert.equal(producer.stats.sent, 5);
    } finally {
      await server.close();
    }
  });

  it("checks every message before queueing it (nothing sent), and its options", async () => {
    const server = await acceptAll();
    try {
      const sns = clientOf(server);
      const topic = sns.topic(topicArn("checks"));
      const producer = topic.producer({ lingerMs: 0 });
      const failure = async (message: unknown, params?: object) => {
        const error = await producer.send(message, params as never).catch((e: unknown) => e);
        assert.ok(isValidationError(error), `a ValidationError for ${String(message)}`);
        assert.equal(error.operation, "PublishBatch");
        assert.equal(error.resource, "checks");
        return error;
      };
      assert.equal((await failure(undefined)).field, "message");
      assert.equal((await failure(() => 1)).field, "message");
      assert.equal((await failure("")).field, "Message");
      assert.equal((await failure("x", { Subject: "line\nbreak" })).field, "Subject");
      assert.equal((await failure("x", { Subject: "s".repeat(100) })).field, "Subject");
      const badType = await failure("x", {
        MessageAttributes: { k: { DataType: "Blob", StringValue: "v" } },
      });
      assert.equal(badType.field, "MessageAttributes.k.DataType");
      assert.equal(badType.value, "Blob");
      assert.equal(
        (await failure("x", { MessageAttributes: { k: { DataType: "Number", StringValue: "abc" } } })).field,
        "MessageAttributes.k.StringValue",
      );
      assert.equal((await failure("x", { MessageStructure: "json" })).field, "Message");
      assert.equal((await failure("x", { MessageDeduplicationId: "d" })).field, "MessageDeduplicationId");
      const unknown = await failure("x", { MessageGroupID: "g" });
      assert.equal(unknown.field, "params.MessageGroupID");
      assert.equal((await failure("x", { TopicArn: topicArn("other") })).field, "params.TopicArn");
      assert.equal((await failure("x", "params" as never)).field, "params");

      const fifo = sns.topic(topicArn("checks.fifo")).producer();
      const noGroup = await fifo.send("x").catch((e: unknown) => e);
      assert.ok(isValidationError(noGroup) && noGroup.field === "MessageGroupId");
      const longGroup = await fifo.send("x", { MessageGroupId: "g".repeat(129) }).catch((e: unknown) => e);
      assert.ok(isValidationError(longGroup) && longGroup.field === "MessageGroupId");

      await producer.flush();
      await fifo.flush();
      assert.equal(server.requests.length, 0, "nothing sent");
      assert.equal(producer.stats.queued + producer.stats.failed + producer.stats.sent, 0);

      // What passes goes out as given: an object encoded as JSON, with its members.
      const id = await producer.send({ hello: "world" }, {
        Subject: "Greeting",
        MessageAttributes: { kind: { DataType: "String.Array", StringValue: '["a",1]' } },
        // A member set to undefined is left out (as from a JavaScript caller).
        MessageGroupId: undefined,
      } as never);
      assert.equal(id, "m-0");
      const [entry] = entriesOf(server.requests[0]!);
      assert.equal(entry!.Message, '{"hello":"world"}');
      assert.equal(entry!.Id, "0");
      assert.deepEqual([...entry!.attributes], [["kind", ["String.Array", '["a",1]']]]);
      const params = new URLSearchParams(server.requests[0]!.body);
      assert.equal(params.get("PublishBatchRequestEntries.member.1.Subject"), "Greeting");
      assert.equal(params.get("TopicArn"), topicArn("checks"));
      assert.equal(params.has("PublishBatchRequestEntries.member.1.MessageGroupId"), false);

      for (const [options, field, value] of [
        [{ lingerMs: -1 }, "lingerMs", -1],
        [{ maxInFlightBatches: 0 }, "maxInFlightBatches", 0],
        [{ maxQueued: 1.5 }, "maxQueued", 1.5],
        [{ maxAttempts: "3" }, "maxAttempts", "3"],
        [{ retryMaxDelayMs: Number.NaN }, "retryMaxDelayMs", Number.NaN],
      ] as const) {
        assert.throws(
          () => topic.producer(options as never),
          (error: unknown) =>
            isValidationError(error) && error.field === field && Object.is(error.value, value),
        );
      }
      await producer.close();
    } finally {
      await server.close();
    }
  });

  it("resolves a topic name once (CreateTopic, with create: true), then publishes in batches", async () => {
    const server = await startLoopback((request) => {
      const params = new URLSearchParams(request.body);
      if (params.get("Action") === "CreateTopic") {
        return xml(
          `<CreateTopicResponse><CreateTopicResult><TopicArn>${topicArn(params.get("Name")!)}</TopicArn></CreateTopicResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateTopicResponse>`,
        );
      }
      return batchReply(entriesOf(request), (entry) => ({ ok: entry.Message }));
    });
    try {
      const producer = clientOf(server).topic("named", { create: true }).producer();
      await Promise.all(Array.from({ length: 25 }, (_, i) => producer.send(`n${i}`)));
      const actions = server.requests.map(actionOf);
      assert.deepEqual(actions, ["CreateTopic", "PublishBatch", "PublishBatch", "PublishBatch"]);
      assert.ok(
        server.requests
          .slice(1)
          .every((r) => new URLSearchParams(r.body).get("TopicArn") === topicArn("named")),
      );
    } finally {
      await server.close();
    }
  });
});
