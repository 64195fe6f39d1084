// The queue handle (`sqs.queue(nameOrUrl)`): URL resolution and its cache, sendBatch splitting by
// count and bytes, per-entry and per-request failures mapped to input indexes (loopback); and the
// everyday work against fauxqs: send, receive, change visibility, delete, purge, attributes.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { isAbortError, isServiceError } from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/sqs.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { json, type Loopback, type RecordedRequest, type Reply, startLoopback } from "../helpers/loopback.js";
import { caught, delay, expectValidation, md5, targetOf } from "../helpers/sqs.js";

const ACCOUNT = "177715257436";
const urlOf = (name: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`;
const MiB = 1_048_576;

interface Entry {
  Id: string;
  MessageBody: string;
}

/** Scripted behaviour of the loopback SQS. */
const script = {
  /** GetQueueUrl answers QueueDoesNotExist this many more times. */
  missingLookups: 0,
  /** GetQueueUrl answers after this many milliseconds. */
  lookupDelayMs: 0,
  /** GetQueueUrl answers without a QueueUrl. */
  lookupWithoutUrl: false,
  /** Batch entry ids that fail with a per-entry error. */
  failIds: new Set<string>(),
  /** A request holding one of these entry ids fails as a whole with a 400. */
  rejectRequestWith: new Set<string>(),
  /** Delay of batch answers (to see how many requests are in flight at once). */
  batchDelayMs: 0,
  /**
   * Batch answers wait until this many batch requests are in flight at once (or 5 s passed, a
   * safety net): requests sent at once may reach the server far apart on a loaded machine.
   */
  holdUntilInFlight: 0,
};
let inFlight = 0;
let maxInFlight = 0;
/** Releases the batch answers held for `holdUntilInFlight`. */
let releaseHeld: () => void = () => {};
let held: Promise<void> = Promise.resolve();

async function sqsLike(request: RecordedRequest): Promise<Reply> {
  const input = JSON.parse(request.body) as Record<string, unknown>;
  switch (targetOf(request)) {
    case "GetQueueUrl": {
      if (script.lookupDelayMs) await delay(script.lookupDelayMs);
      if (script.missingLookups > 0) {
        script.missingLookups--;
        return json(
          { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "The specified queue does not exist." },
          400,
          {
            "x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender",
          },
        );
      }
      if (script.lookupWithoutUrl) return json({});
      return json({ QueueUrl: urlOf(input.QueueName as string) });
    }
    case "SendMessage":
      return json({
        MessageId: `id-${request.body.length}`,
        MD5OfMessageBody: md5(input.MessageBody as string),
      });
    case "SendMessageBatch": {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (script.holdUntilInFlight) {
          if (inFlight >= script.holdUntilInFlight) releaseHeld();
          let safety: NodeJS.Timeout | undefined;
          await Promise.race([held, new Promise((resolve) => (safety = setTimeout(resolve, 5000)))]);
          clearTimeout(safety);
        }
        if (script.batchDelayMs) await delay(script.batchDelayMs);
        const entries = input.Entries as Entry[];
        if (entries.some((e) => script.rejectRequestWith.has(e.Id))) {
          return json({ __type: "com.amazonaws.sqs#BatchRequestTooLong", message: "too long" }, 400);
        }
        return json({
          Successful: entries
            .filter((e) => !script.failIds.has(e.Id))
            .map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) })),
          Failed: entries
            .filter((e) => script.failIds.has(e.Id))
            .map((e) => ({ Id: e.Id, SenderFault: false, Code: "InternalError", Message: "try again" })),
        });
      } finally {
        inFlight--;
      }
    }
    default:
      return json({ __type: "com.amazonaws.sqs#UnsupportedOperation" }, 400);
  }
}

let server: Loopback;
let sqs: SQS;

before(async () => {
  server = await startLoopback(sqsLike);
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  script.missingLookups = 0;
  script.lookupDelayMs = 0;
  script.lookupWithoutUrl = false;
  script.failIds = new Set();
  script.rejectRequestWith = new Set();
  script.batchDelayMs = 0;
  script.holdUntilInFlight = 0;
  held = new Promise((resolve) => {
    releaseHeld = resolve;
  });
  maxInFlight = 0;
  // A new client each test: handles are cached per client.
  sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});

const sent = (action: string) => server.requests.filter((r) => targetOf(r) === action);
const entriesOf = (r: RecordedRequest) => (JSON.parse(r.body) as { Entries: Entry[] }).Entries;

describe("queue URL resolution", () => {
  it("a GetQueueUrl answer without QueueUrl fails the call with an error naming GetQueueUrl and the queue", async () => {
    script.lookupWithoutUrl = true;
    const error = await caught(() => sqs.queue("orders").send("x"));
    assert.equal((error as { name?: string }).name, "ValidationError");
    const { operation, resource, message } = error as {
      operation?: string;
      resource?: string;
      message: string;
    };
    assert.equal(operation, "GetQueueUrl");
    assert.equal(resource, "orders");
    assert.match(message, /^GetQueueUrl \(orders\): invalid QueueUrl: must be returned by GetQueueUrl/);
  });

  it("resolves a name once with GetQueueUrl, however many sends (concurrent ones included)", async () => {
    const queue = sqs.queue("jobs");
    assert.equal(sqs.queue("jobs"), queue, "the same handle for the same name");
    assert.equal(queue.name, "jobs");
    assert.equal(queue.fifo, false);
    await Promise.all(Array.from({ length: 5 }, (_, i) => queue.send(`concurrent ${i}`)));
    for (let i = 0; i < 5; i++) await queue.send(`sequential ${i}`);
    assert.equal(sent("GetQueueUrl").length, 1);
    assert.deepEqual(JSON.parse(sent("GetQueueUrl")[0]!.body), { QueueName: "jobs" });
    assert.equal(sent("SendMessage").length, 10);
    for (const r of sent("SendMessage")) assert.equal(JSON.parse(r.body).QueueUrl, urlOf("jobs"));
    assert.equal(await queue.url(), urlOf("jobs"));
    assert.equal(sent("GetQueueUrl").length, 1);
  });

  it("retries a failed resolution at the next call", async () => {
    script.missingLookups = 1;
    const queue = sqs.queue("later");
    const error = await caught(() => queue.send("first"));
    assert.ok(isServiceError(error), String(error));
    assert.equal(error.code, "QueueDoesNotExist");
    assert.equal(sent("SendMessage").length, 0);
    await queue.send("second");
    await queue.send("third");
    assert.equal(sent("GetQueueUrl").length, 2, "one failed lookup, one that succeeded and was cached");
    assert.equal(sent("SendMessage").length, 2);
  });

  it("a caller whose signal aborts during the shared lookup fails alone: the others get the URL", async () => {
    script.lookupDelayMs = 300;
    const queue = sqs.queue("shared");
    const controller = new AbortController();
    const first = caught(() => queue.url({ signal: controller.signal }));
    const other = queue.send("x");
    await delay(50);
    controller.abort(new Error("this caller gave up"));
    assert.ok(isAbortError(await first), "the aborted caller gets an AbortError");
    await other;
    assert.equal(sent("GetQueueUrl").length, 1, "one lookup, shared");
    assert.equal(sent("SendMessage").length, 1);
    assert.equal(await queue.url(), urlOf("shared"), "cached");
    const aborted = caught(() => sqs.queue("never").url({ signal: AbortSignal.abort() }));
    assert.ok(isAbortError(await aborted));
    assert.equal(sent("GetQueueUrl").length, 1, "no lookup for a caller aborted already");
  });

  it("takes a URL as it is: no lookup, the name read from it", async () => {
    const queue = sqs.queue(urlOf("by-url.fifo"));
    assert.equal(queue.name, "by-url.fifo");
    assert.equal(queue.fifo, true);
    await queue.send("x", { MessageGroupId: "g" });
    assert.equal(sent("GetQueueUrl").length, 0);
    assert.equal(JSON.parse(sent("SendMessage")[0]!.body).QueueUrl, urlOf("by-url.fifo"));
  });

  it("asks for another account's queue with ownerAccountId", async () => {
    const queue = sqs.queue("shared", { ownerAccountId: "111122223333" });
    await queue.url();
    assert.deepEqual(JSON.parse(sent("GetQueueUrl")[0]!.body), {
      QueueName: "shared",
      QueueOwnerAWSAccountId: "111122223333",
    });
  });

  it("rejects a bad queue name at once", async () => {
    await expectValidation(() => sqs.queue("bad name!"), { field: "queue", value: "bad name!" }, server);
  });

  it("encodes a body that is not a string as JSON, and passes the other SendMessage members", async () => {
    const queue = sqs.queue("jobs");
    await queue.send({ task: "resize", id: 42 }, { DelaySeconds: 5 });
    const body = JSON.parse(sent("SendMessage")[0]!.body);
    assert.equal(body.MessageBody, '{"task":"resize","id":42}');
    assert.equal(body.DelaySeconds, 5);
  });
});

describe("sendBatch", () => {
  it("sends 25 messages in 3 requests of at most 10, every entry accounted for by index", async () => {
    const queue = sqs.queue(urlOf("jobs"));
    const messages = Array.from({ length: 25 }, (_, i) => `message ${i}`);
    const result = await queue.sendBatch(messages);
    const batches = sent("SendMessageBatch");
    assert.equal(batches.length, 3);
    assert.deepEqual(
      batches.map((r) => entriesOf(r).length).sort((a, b) => b - a),
      [10, 10, 5],
    );
    const ids = batches.flatMap((r) => entriesOf(r).map((e) => e.Id)).sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(
      ids,
      messages.map((_, i) => String(i)),
      "default ids are the input indexes",
    );
    assert.equal(result.Successful.length, 25);
    assert.deepEqual(
      result.Successful.map((e) => e.index),
      messages.map((_, i) => i),
    );
    assert.equal(result.Successful[7]!.MessageId, "m-7");
    assert.deepEqual(result.Failed, []);
  });

  it("splits by bytes: 5 messages of 300 KB go in requests of at most 1 MiB", async () => {
    const queue = sqs.queue(urlOf("jobs"));
    const big = Array.from({ length: 5 }, (_, i) => String(i).repeat(300_000));
    const result = await queue.sendBatch(big);
    const batches = sent("SendMessageBatch");
    assert.equal(batches.length, 2);
    for (const r of batches) {
      const bytes = entriesOf(r).reduce((n, e) => n + Buffer.byteLength(e.MessageBody), 0);
      assert.ok(bytes <= MiB, `${bytes} bytes in one request`);
    }
    assert.deepEqual(batches.map((r) => entriesOf(r).length).sort(), [2, 3]);
    assert.equal(result.Successful.length, 5);
  });

  it("splits by bytes counting attributes and multi-byte characters", async () => {
    const queue = sqs.queue(urlOf("jobs"));
    const body = "é".repeat(200_000); // 400 000 bytes
    const result = await queue.sendBatch([
      body,
      body,
      {
        MessageBody: "x".repeat(240_000),
        MessageAttributes: { pad: { DataType: "String", StringValue: "p".repeat(10_000) } },
      },
      "small",
    ]);
    const sizes = sent("SendMessageBatch").map((r) =>
      entriesOf(r).reduce((n, e) => n + Buffer.byteLength(e.MessageBody), 0),
    );
    for (const size of sizes) assert.ok(size <= MiB, `${size}`);
    assert.equal(result.Successful.length, 4);
    assert.ok(sizes.length >= 2);
  });

  it("maps per-entry failures to their input indexes", async () => {
    script.failIds = new Set(["3", "7", "x-11"]);
    const queue = sqs.queue(urlOf("jobs"));
    const messages = Array.from({ length: 12 }, (_, i) =>
      i === 11 ? { Id: "x-11", MessageBody: "custom id" } : `message ${i}`,
    );
    const result = await queue.sendBatch(messages);
    assert.deepEqual(
      result.Failed.map((f) => [f.index, f.Id, f.Code]),
      [
        [3, "3", "InternalError"],
        [7, "7", "InternalError"],
        [11, "x-11", "InternalError"],
      ],
    );
    assert.equal(result.Successful.length, 9);
    assert.ok(result.Successful.every((s) => ![3, 7, 11].includes(s.index)));
  });

  it("reports a failed request on each of its entries, the others succeeding", async () => {
    script.rejectRequestWith = new Set(["12"]);
    const queue = sqs.queue(urlOf("jobs"));
    const result = await queue.sendBatch(Array.from({ length: 15 }, (_, i) => `message ${i}`));
    assert.deepEqual(
      result.Successful.map((s) => s.index),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      result.Failed.map((f) => f.index),
      [10, 11, 12, 13, 14],
    );
    for (const failed of result.Failed) {
      assert.equal(failed.Code, "BatchRequestTooLong");
      assert.equal(failed.SenderFault, true);
      assert.ok(isServiceError(failed.error));
      assert.equal(failed.Id, String(failed.index));
    }
  });

  it("sends the requests of a standard queue at once, those of a FIFO queue one after another", async () => {
    script.holdUntilInFlight = 3;
    await sqs.queue(urlOf("jobs")).sendBatch(Array.from({ length: 30 }, (_, i) => `m${i}`));
    assert.equal(maxInFlight, 3);

    script.holdUntilInFlight = 0;
    script.batchDelayMs = 150;
    maxInFlight = 0;
    server.requests.length = 0;
    const fifo = sqs.queue(urlOf("jobs.fifo"));
    await fifo.sendBatch(
      Array.from({ length: 30 }, (_, i) => ({ MessageBody: `m${i}`, MessageGroupId: "g" })),
    );
    assert.equal(maxInFlight, 1);
    assert.deepEqual(
      sent("SendMessageBatch").map((r) => entriesOf(r)[0]!.Id),
      ["0", "10", "20"],
      "in order",
    );
  });

  it("stops a FIFO batch at the first failed request, reporting the rest as not sent", async () => {
    script.rejectRequestWith = new Set(["0"]);
    const fifo = sqs.queue(urlOf("jobs.fifo"));
    const result = await fifo.sendBatch(
      Array.from({ length: 25 }, (_, i) => ({ MessageBody: `m${i}`, MessageGroupId: "g" })),
    );
    assert.equal(sent("SendMessageBatch").length, 1, "nothing sent after the failed request");
    assert.equal(result.Successful.length, 0);
    assert.deepEqual(
      result.Failed.map((f) => f.index),
      Array.from({ length: 25 }, (_, i) => i),
    );
    assert.ok(result.Failed.slice(0, 10).every((f) => f.Code === "BatchRequestTooLong"));
    assert.ok(result.Failed.slice(10).every((f) => f.Code === "NotSent"));
  });

  it("checks every entry before sending anything, lookup included", async () => {
    const queue = sqs.queue("not-resolved-yet");
    await expectValidation(
      () => queue.sendBatch(["fine", "also fine", "", "fine"]),
      { field: "messages[2].MessageBody", value: "" },
      server,
    );
    await expectValidation(
      () =>
        queue.sendBatch([
          { Id: "same", MessageBody: "a" },
          { Id: "same", MessageBody: "b" },
        ]),
      { field: "messages[1].Id", value: "same" },
      server,
    );
    await expectValidation(
      () => sqs.queue("q.fifo").sendBatch([{ MessageBody: "no group" }]),
      { field: "messages[0].MessageGroupId", value: undefined },
      server,
    );
    assert.equal(server.requests.length, 0);
  });

  it("sends nothing for an empty list", async () => {
    assert.deepEqual(await sqs.queue("jobs").sendBatch([]), { Successful: [], Failed: [] });
    assert.equal(server.requests.length, 0);
  });
});

describe("the everyday work against fauxqs", () => {
  let emulator: Emulator;
  let real: SQS;

  before(async () => {
    emulator = await startEmulator();
    real = new SQS({ endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
  });
  after(() => emulator.stop());

  it("sends, receives (attributes included), changes visibility and deletes", async () => {
    const name = uniqueName("handle");
    await real.createQueue({ QueueName: name });
    const queue = real.queue(name);
    await queue.send(
      { hello: "world" },
      { MessageAttributes: { kind: { DataType: "String", StringValue: "greeting" } } },
    );

    const [message] = await queue.receive({ WaitTimeSeconds: 1, VisibilityTimeout: 600 });
    assert.ok(message);
    assert.equal(message.Body, '{"hello":"world"}');
    assert.deepEqual(message.MessageAttributes?.kind, { DataType: "String", StringValue: "greeting" });
    assert.match(message.Attributes?.SentTimestamp ?? "", /^\d+$/, "system attributes asked for by default");
    assert.deepEqual(await queue.receive({ WaitTimeSeconds: 0 }), []);

    await queue.changeVisibility(message, 0);
    const [again] = await queue.receive({ WaitTimeSeconds: 1 });
    assert.equal(again?.MessageId, message.MessageId);
    await queue.delete(again!);
    assert.deepEqual(await queue.receive({ WaitTimeSeconds: 0 }), []);
    assert.equal((await queue.attributes(["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages, "0");
  });

  it("deletes by receipt handle string too", async () => {
    const name = uniqueName("handle-rh");
    await real.createQueue({ QueueName: name });
    const queue = real.queue(name);
    await queue.send("one");
    const [message] = await queue.receive({ WaitTimeSeconds: 1 });
    await queue.changeVisibility(message!.ReceiptHandle!, 30);
    await queue.delete(message!.ReceiptHandle!);
    const { Attributes } = await real.getQueueAttributes({
      QueueUrl: await queue.url(),
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    });
    assert.deepEqual(Attributes, {
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
  });

  it("sends a batch of 25, reads and sets attributes, purges", async () => {
    const name = uniqueName("handle-batch");
    await real.createQueue({ QueueName: name });
    const queue = real.queue(name);
    const result = await queue.sendBatch(Array.from({ length: 25 }, (_, i) => `message ${i}`));
    assert.equal(result.Successful.length, 25);
    assert.deepEqual(result.Failed, []);
    assert.equal((await queue.attributes()).ApproximateNumberOfMessages, "25");

    await queue.setAttributes({ VisibilityTimeout: "60", DelaySeconds: "1" });
    const attributes = await queue.attributes(["VisibilityTimeout", "DelaySeconds"]);
    assert.deepEqual(attributes, { VisibilityTimeout: "60", DelaySeconds: "1" });

    await queue.purge();
    assert.equal((await queue.attributes(["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages, "0");
    assert.deepEqual(await queue.receive({ WaitTimeSeconds: 0 }), []);
  });

  it("keeps FIFO order through sendBatch", async () => {
    const name = `${uniqueName("handle")}.fifo`;
    await real.createQueue({
      QueueName: name,
      Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
    });
    const queue = real.queue(name);
    const result = await queue.sendBatch(
      Array.from({ length: 12 }, (_, i) => ({ MessageBody: `step ${i}`, MessageGroupId: "order-1" })),
    );
    assert.equal(result.Successful.length, 12);
    const sequence = result.Successful.map((s) => BigInt(s.SequenceNumber!));
    for (let i = 1; i < sequence.length; i++)
      assert.ok(sequence[i - 1]! < sequence[i]!, "sequence numbers rise");
    const [first] = await queue.receive({ WaitTimeSeconds: 1 });
    assert.equal(first?.Body, "step 0");
  });

  it("deletes the queue; the handle then finds no queue", async () => {
    const name = uniqueName("handle-del");
    await real.createQueue({ QueueName: name });
    const queue = real.queue(name);
    await queue.deleteQueue();
    const error = await caught(() => queue.send("late"));
    assert.ok(isServiceError(error), String(error));
    assert.equal(error.code, "QueueDoesNotExist");
  });
});
