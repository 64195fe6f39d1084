// Consumer and producer figures on fauxqs, one scenario per process:
//   node bench/flow.mjs <scenario> <port> <messages>
// scenarios: producer-asyncaws, producer-sqs-producer, consumer-asyncaws-<n>,
// consumer-sqs-consumer-<n> (n = messages in flight: one sqs-consumer of batch size 10 per 10).
// The handler awaits 20 ms. Queue set-up and pre-filling are untimed; the timed part ends when
// every message was handled (consumers) or accepted (producers), and the clients are stopped.
// Checks: consumers handled each message exactly once and left the queue empty; producers put
// exactly the number of messages sent. Prints one JSON line.

import { MESSAGE_BODY } from "./fixtures.mjs";

const [scenario, port, countText] = process.argv.slice(2);
const N = Number(countText);
const endpoint = `http://127.0.0.1:${port}`;
const region = "us-east-1";
const credentials = {
  accessKeyId: "AKIDBENCHMARK0000000",
  secretAccessKey: "bench/secret/not-a-real-key/0000000000",
};
const HANDLER_MS = 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const { SQS } = await import("asyncaws");
const admin = new SQS({ endpoint, region, credentials });
const name = `bench-${scenario}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const { QueueUrl } = await admin.createQueue({ QueueName: name, Attributes: { VisibilityTimeout: "60" } });

async function queueDepth() {
  const { Attributes } = await admin.getQueueAttributes({
    QueueUrl,
    AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
  });
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

async function prefill() {
  const queue = admin.queue(QueueUrl);
  const bodies = Array.from({ length: N }, (_, i) => `${MESSAGE_BODY}#${i}`);
  const result = await queue.sendBatch(bodies);
  const failed = result.failed?.length ?? 0;
  if (failed) throw new Error(`pre-fill: ${failed} entries failed`);
}

/** Times `work` (CPU of this process and wall), which resolves when the scenario is done. */
async function timed(work) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const extra = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs,
    cpuUs: cpu.user + cpu.system,
    perSecond: (N * 1000) / wallMs,
    cpuPerMessageUs: (cpu.user + cpu.system) / N,
    ...extra,
  };
}

async function consumerAsyncaws(inFlight) {
  await prefill();
  const sqs = new SQS({ endpoint, region, credentials });
  const seen = new Set();
  let duplicates = 0;
  // The clock stops once every message is handled; the graceful stop after it waits for the idle
  // long polls in flight to end (up to waitTimeSeconds), which is not consuming.
  let stopped;
  const result = await timed(async () => {
    let done;
    const all = new Promise((resolve) => {
      done = resolve;
    });
    const consumer = sqs.queue(QueueUrl).consume(
      async (message) => {
        await sleep(HANDLER_MS);
        if (seen.has(message.MessageId)) duplicates++;
        seen.add(message.MessageId);
        if (seen.size === N) done();
      },
      { concurrency: inFlight, waitTimeSeconds: 1 },
    );
    consumer.on("error", () => {});
    await all;
    stopped = consumer.stop();
    return { duplicates };
  });
  await stopped;
  return result;
}

async function consumerSqsConsumer(inFlight) {
  await prefill();
  const { Consumer } = await import("sqs-consumer");
  const { SQSClient } = await import("@aws-sdk/client-sqs");
  const client = new SQSClient({ endpoint, region, credentials });
  const seen = new Set();
  let duplicates = 0;
  return timed(async () => {
    let done;
    const all = new Promise((resolve) => {
      done = resolve;
    });
    const consumers = [];
    for (let i = 0; i < inFlight / 10; i++) {
      const consumer = Consumer.create({
        queueUrl: QueueUrl,
        sqs: client,
        batchSize: 10,
        waitTimeSeconds: 1,
        handleMessage: async (message) => {
          await sleep(HANDLER_MS);
          if (seen.has(message.MessageId)) duplicates++;
          seen.add(message.MessageId);
          if (seen.size === N) done();
          return message;
        },
      });
      consumer.on("error", () => {});
      consumer.on("processing_error", () => {});
      consumer.start();
      consumers.push(consumer);
    }
    await all;
    // sqs-consumer deletes after the handler resolves; let its last deletes finish, then stop.
    for (const c of consumers) c.stop({ abort: false });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && consumers.some((c) => c.status?.isRunning)) await sleep(5);
    return { duplicates };
  });
}

async function producerAsyncaws() {
  const sqs = new SQS({ endpoint, region, credentials });
  const bodies = Array.from({ length: N }, (_, i) => `${MESSAGE_BODY}#${i}`);
  return timed(async () => {
    const producer = sqs.queue(QueueUrl).producer();
    await Promise.all(bodies.map((body) => producer.send(body)));
    await producer.close();
    return {};
  });
}

async function producerSqsProducer() {
  const { Producer } = await import("sqs-producer");
  const { SQSClient } = await import("@aws-sdk/client-sqs");
  const producer = Producer.create({
    queueUrl: QueueUrl,
    sqs: new SQSClient({ endpoint, region, credentials }),
    batchSize: 10,
  });
  const messages = Array.from({ length: N }, (_, i) => ({ id: String(i), body: `${MESSAGE_BODY}#${i}` }));
  return timed(async () => {
    const sent = await producer.send(messages);
    return { reported: sent.length };
  });
}

let result;
const probe = admin.queue(QueueUrl);
if (
  (scenario === "producer-asyncaws" && typeof probe.producer !== "function") ||
  (scenario.startsWith("consumer-asyncaws-") && typeof probe.consume !== "function")
) {
  await admin.deleteQueue({ QueueUrl }).catch(() => {});
  process.stdout.write(`${JSON.stringify({ scenario, unsupported: true })}\n`);
  process.exit(0);
}
try {
  if (scenario === "producer-asyncaws") result = await producerAsyncaws();
  else if (scenario === "producer-sqs-producer") result = await producerSqsProducer();
  else if (scenario.startsWith("consumer-asyncaws-"))
    result = await consumerAsyncaws(Number(scenario.split("-").pop()));
  else if (scenario.startsWith("consumer-sqs-consumer-"))
    result = await consumerSqsConsumer(Number(scenario.split("-").pop()));
  else throw new Error(`unknown scenario ${scenario}`);
  // The queue afterwards: producers put N, consumers left none (deletes may trail a little).
  const want = scenario.startsWith("producer") ? N : 0;
  let depth = await queueDepth();
  for (let i = 0; i < 50 && depth !== want; i++) {
    await sleep(100);
    depth = await queueDepth();
  }
  if (depth !== want) result.error = `queue holds ${depth} messages afterwards, expected ${want}`;
  if (result.duplicates) result.error = `${result.duplicates} messages handled twice`;
} catch (error) {
  result = { error: String(error?.message ?? error).split("\n")[0] };
}
await admin.deleteQueue({ QueueUrl }).catch(() => {});
process.stdout.write(`${JSON.stringify({ scenario, messages: N, ...result })}\n`);
process.exit(0);
