// Batches sized after offloading (issue 16): the producers, sendBatch, publishBatch and publish
// take messages over the services' own limits when largePayloads sends them through S3, and
// count each such message as its pointer. On fauxqs; S3 requests go through the
// signature-checking proxy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isServiceError, isValidationError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/sqs.js";
import { type Emulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { json, startLoopback } from "../helpers/loopback.js";
import { type PayloadBench, type S3Proxy, startPayloadBench } from "../helpers/s3-proxy.js";
import { caught } from "../helpers/sqs.js";

let bench: PayloadBench;
let emulator: Emulator;
let proxy: S3Proxy;
let plain: SQS;
let reader: SQS;
const bucket = uniqueName("batches").toLowerCase();

/** Every call's operation, as the client's hooks see them. */
function options(operations: string[] = [], extra: Record<string, unknown> = {}) {
  return {
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    hooks: { onRequest: (call: { operation: string }) => operations.push(call.operation) },
    largePayloads: { bucket, s3: { endpoint: proxy.endpoint }, ...extra },
  };
}

const MiB = 1024 * 1024;
/** Just over SQS's limit (1 MiB) and SNS's (256 KiB): each goes through S3 at the default threshold. */
const overSqs = (c: string) => c.repeat(MiB + 10);
const overSns = (c: string) => c.repeat(256 * 1024 + 10);

async function drain(url: string, count: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < 20 && bodies.length < count; i++) {
    const got = await reader.queue(url).receive({ WaitTimeSeconds: 1, MaxNumberOfMessages: 10 });
    for (const message of got) {
      bodies.push(message.Body!);
      await reader.queue(url).delete(message);
    }
  }
  return bodies.sort();
}

before(async () => {
  bench = await startPayloadBench(bucket);
  ({ emulator, proxy } = bench);
  plain = new SQS({ endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
  reader = new SQS(options());
});
after(() => bench.close());

describe("SQS batches with largePayloads", () => {
  it("the producer takes messages over 1 MiB and batches them as pointers: ten in one request", async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("producer") });
    const operations: string[] = [];
    const sqs = new SQS(options(operations));
    const producer = sqs.queue(QueueUrl!).producer({ lingerMs: 50 });
    const bodies = ["a", "b", "c"].map(overSqs);
    const small = Array.from({ length: 7 }, (_, i) => `small ${i}`);
    const ids = await Promise.all([...bodies, ...small].map((body) => producer.send(body)));
    await producer.close();
    assert.equal(ids.length, 10);
    assert.equal(operations.filter((op) => op === "SendMessageBatch").length, 1);
    assert.equal(operations.filter((op) => op === "PutObject").length, 3);
    assert.deepEqual(await drain(QueueUrl!, 10), [...bodies, ...small].sort());
  });

  it("sendBatch takes messages over 1 MiB, sized as sent", async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("send-batch") });
    const operations: string[] = [];
    const sqs = new SQS(options(operations));
    const bodies = ["d", "e"].map(overSqs);
    const result = await sqs
      .queue(QueueUrl!)
      .sendBatch([bodies[0]!, "small", { Id: "big", MessageBody: bodies[1]! }]);
    assert.deepEqual(result.Failed, []);
    assert.deepEqual(
      result.Successful.map((s) => s.index),
      [0, 1, 2],
    );
    assert.equal(operations.filter((op) => op === "SendMessageBatch").length, 1);
    assert.deepEqual(await drain(QueueUrl!, 3), [...bodies, "small"].sort());
  });

  it("an upload that fails fails its message alone; the others are sent", async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("no-bucket") });
    const sqs = new SQS({
      ...options(),
      largePayloads: { bucket: "no-such-bucket", s3: { endpoint: proxy.endpoint } },
    });
    const producer = sqs.queue(QueueUrl!).producer({ lingerMs: 50, maxAttempts: 1 });
    const [big, small] = await Promise.allSettled([producer.send(overSqs("f")), producer.send("small")]);
    await producer.close();
    assert.equal(big.status, "rejected");
    assert.ok(isServiceError(big.reason), String(big.reason));
    assert.equal(small.status, "fulfilled");
    const got = await plain.receiveMessage({
      QueueUrl: QueueUrl!,
      WaitTimeSeconds: 1,
      MaxNumberOfMessages: 10,
    });
    assert.deepEqual(
      got.Messages?.map((m) => m.Body),
      ["small"],
    );
  });

  it("an entry retried by the producer is uploaded once: the retry sends the same pointer", async () => {
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("retried") });
    // In front of fauxqs: the first SendMessageBatch answers its first entry as failed, retryable.
    let failedOnce = false;
    const front = await startLoopback(async (request) => {
      const target = request.headers["x-amz-target"] ?? "";
      if (target.endsWith(".SendMessageBatch") && !failedOnce) {
        failedOnce = true;
        const { Entries } = JSON.parse(request.body) as { Entries: { Id: string }[] };
        return json({
          Successful: [],
          Failed: Entries.map((e) => ({ Id: e.Id, Code: "InternalError", SenderFault: false })),
        });
      }
      const answer = await fetch(`${emulator.endpoint}${request.url}`, {
        method: request.method,
        headers: { "content-type": request.headers["content-type"] ?? "", "x-amz-target": target },
        body: request.body,
      });
      return json(await answer.json(), answer.status);
    });
    try {
      const operations: string[] = [];
      const sqs = new SQS({ ...options(operations), endpoint: front.endpoint });
      const producer = sqs.queue(QueueUrl!).producer({ lingerMs: 0, retryBaseDelayMs: 1 });
      const body = overSqs("r");
      await producer.send(body);
      await producer.close();
      assert.equal(operations.filter((op) => op === "SendMessageBatch").length, 2);
      assert.equal(operations.filter((op) => op === "PutObject").length, 1);
      assert.deepEqual(await drain(QueueUrl!, 1), [body]);
    } finally {
      await front.close();
    }
  });

  it("the extended clients' rules still hold in a batch: reserved names, 10 attributes", async () => {
    const sqs = new SQS(options());
    const queue = sqs.queue(`${emulator.endpoint}/000000000000/${uniqueName("rules")}`);
    const reserved = await caught(() =>
      queue.producer().send("x", {
        MessageAttributes: { ExtendedPayloadSize: { DataType: "Number", StringValue: "1" } },
      }),
    );
    assert.ok(isValidationError(reserved));
    assert.equal(reserved.field, "MessageAttributes.ExtendedPayloadSize");
    const ten = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: "String", StringValue: "v" }]),
    );
    const tooMany = await caught(() => queue.sendBatch([{ MessageBody: "x", MessageAttributes: ten }]));
    assert.ok(isValidationError(tooMany));
    assert.equal(tooMany.field, "messages[0].MessageAttributes");
  });
});

describe("SNS batches with largePayloads", () => {
  it("the producer, publishBatch and publish take messages over 256 KiB, sized as sent", async () => {
    const operations: string[] = [];
    const sns = new SNS(options(operations));
    const topic = sns.topic(uniqueName("large-batches"), { create: true });
    const { QueueUrl } = await plain.createQueue({ QueueName: uniqueName("subscriber") });
    await topic.subscribeQueue(reader.queue(QueueUrl!), { raw: true });

    const producer = topic.producer({ lingerMs: 50 });
    const produced = ["g", "h", "i", "j"].map(overSns);
    await Promise.all([...produced, "small"].map((message) => producer.send(message)));
    await producer.close();
    assert.equal(operations.filter((op) => op === "PublishBatch").length, 1);

    const batched = ["k", "l"].map(overSns);
    const result = await topic.publishBatch([...batched, "tiny"]);
    assert.deepEqual(result.Failed, []);
    assert.equal(operations.filter((op) => op === "PublishBatch").length, 2);

    const single = overSns("m");
    await topic.publish(single);
    assert.equal(operations.filter((op) => op === "PutObject").length, 7);

    assert.deepEqual(await drain(QueueUrl!, 9), [...produced, "small", ...batched, "tiny", single].sort());
  });

  it('a message through S3 with MessageStructure "json" is refused before anything is queued', async () => {
    const sns = new SNS(options());
    const topic = sns.topic("arn:aws:sns:us-east-1:000000000000:never");
    const refused = await caught(() =>
      topic.producer().send(JSON.stringify({ default: overSns("n") }), { MessageStructure: "json" }),
    );
    assert.ok(isValidationError(refused));
    assert.equal(refused.field, "MessageStructure");
  });
});
