// The main job (`npm start`): asyncaws against the embedded fauxqs emulator, as a user would use
// it. With AWS_ENDPOINT_URL set, the same runs against that endpoint instead.
import { isServiceError, SNS, SQS, type TopicHandle, unwrapSnsMessage } from "../src/index.js";
import { S3 } from "../src/s3/index.js";

const log = (line = "") => console.log(line);
const step = (title: string) => log(`\n== ${title}`);

async function startEmbedded(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const { startFauxqs } = await import("fauxqs");
  const server = await startFauxqs({ port: 0, logger: false, host: "localhost" });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}

// ---------------------------------------------------------------------------------------------
// The consumer and the producer: messages flowing, with progress as they go.

async function consumeAndProduce(sqs: SQS, suffix: string, created: string[]): Promise<void> {
  const total = 3000;
  step(`Producer and consumer: ${total} messages, 50 handlers at once, progress as they flow`);
  const { QueueUrl } = await sqs.createQueue({
    QueueName: `demo-stream-${suffix}`,
    Attributes: { VisibilityTimeout: "10" },
  });
  created.push(QueueUrl);
  const queue = sqs.queue(QueueUrl);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const handled = new Set<string>();
  const consumer = queue.consume(
    async (message, { attempt }) => {
      await sleep(5 + Math.random() * 20);
      // Every 500th message fails on its first delivery: it comes back a second later.
      if (attempt === 1 && Number(message.Body.slice(4)) % 500 === 0) throw new Error("flaky downstream");
      handled.add(message.Body);
    },
    // stop() lets the long polls in flight finish (and releases what they bring): short polls stop sooner.
    { concurrency: 50, waitTimeSeconds: 2 },
  );
  consumer.on("failed", (message, error) =>
    log(`  failed ${message.Body} (attempt 1: ${(error as Error).message}); it will be retried`),
  );
  consumer.on("error", (error) => log(`  consumer error: ${(error as Error).message}`));

  const producer = queue.producer();
  const started = Date.now();
  const progress = () => {
    const s = consumer.status;
    log(
      `  produced ${producer.stats.sent}/${total} in ${producer.stats.batches} batches · handled ${handled.size} · ` +
        `in flight ${s.inFlight} · failed ${s.failed} · deleted ${s.deleted} · receives in flight ${s.receiving}`,
    );
  };
  const ticker = setInterval(progress, 250);
  const sends: Promise<string>[] = [];
  for (let i = 0; i < total; i++) {
    await producer.ready();
    sends.push(producer.send(`job-${i}`));
  }
  await Promise.all(sends);
  while (handled.size < total || consumer.status.deleted < total) await sleep(50);
  clearInterval(ticker);
  progress();
  const seconds = (Date.now() - started) / 1000;
  log(
    `  ${total} messages produced and consumed in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s)`,
  );
  await consumer.stop();
  await producer.close();
  const left = await queue.attributes([
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
  ]);
  log(
    `  consumer ${consumer.status.state}; left in the queue: ${left.ApproximateNumberOfMessages} visible, ` +
      `${left.ApproximateNumberOfMessagesNotVisible} in flight`,
  );

  step("A queue as an async iterator: ack() deletes, leaving the loop releases what was not acknowledged");
  const iterated = await sqs.createQueue({ QueueName: `demo-iterate-${suffix}` });
  created.push(iterated.QueueUrl);
  const tasks = sqs.queue(iterated.QueueUrl);
  await tasks.sendBatch(Array.from({ length: 10 }, (_, i) => `task-${i}`));
  const messages = tasks.messages({ concurrency: 3 });
  let acknowledged = 0;
  for await (const message of messages) {
    message.ack();
    log(`  got ${JSON.stringify(message.Body)}, acknowledged`);
    if (++acknowledged === 2) break;
  }
  const rest = await tasks.attributes(["ApproximateNumberOfMessages"]);
  log(
    `  left the loop: ${messages.status.deleted} deleted, ${messages.status.released} released at once; ` +
      `${rest.ApproximateNumberOfMessages} wait on the queue for later`,
  );
}

// ---------------------------------------------------------------------------------------------
// Messages of any size: one 5 MiB message through S3, in the format of AWS's extended clients.

async function largePayload(
  options: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  },
  sqs: SQS,
  suffix: string,
  created: string[],
): Promise<void> {
  step("Messages of any size: one 5 MiB message through S3 (largePayloads), sent and consumed");
  const bucket = `demo-payloads-${suffix}`;
  const s3 = new S3(options);
  await s3.createBucket({ Bucket: bucket });
  const { QueueUrl } = await sqs.createQueue({ QueueName: `demo-large-${suffix}` });
  created.push(QueueUrl);
  // The same client options plus largePayloads: the S3 client uses the same endpoint and keys.
  const large = new SQS({ ...options, largePayloads: { bucket } });
  const queue = large.queue(QueueUrl);
  const body = JSON.stringify({ report: "x".repeat(5 * 1024 * 1024 - 13) });
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  const started = Date.now();
  await queue.send(body);
  const sentMs = Date.now() - started;
  const listed = await s3.listObjectsV2({ Bucket: bucket });
  const object = listed.Contents?.[0];
  log(
    `  sent ${mib(body.length)} in ${sentMs} ms: s3://${bucket}/${object?.Key} (${mib(object?.Size ?? 0)})`,
  );
  // What the queue carries (a plain client sees it as is): the pointer, and the marker attribute.
  const [carried] = await sqs.queue(QueueUrl).receive({ WaitTimeSeconds: 1, MaxNumberOfMessages: 1 });
  if (carried) {
    const marker = carried.MessageAttributes?.ExtendedPayloadSize?.StringValue;
    log(`  the queue carries ${carried.Body?.length} bytes: ${carried.Body}`);
    log(`  with ExtendedPayloadSize=${marker}`);
    await sqs.queue(QueueUrl).changeVisibility(carried, 0);
  }
  const received = Date.now();
  let got: string | undefined;
  const consumer = queue.consume(
    async (message) => {
      got = message.Body;
    },
    { waitTimeSeconds: 1 },
  );
  while (got === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
  const receivedMs = Date.now() - received;
  await consumer.stop();
  const left = (await s3.listObjectsV2({ Bucket: bucket })).Contents?.length ?? 0;
  log(
    `  the consumer's handler got ${mib(got.length)} in ${receivedMs} ms, ${got === body ? "identical" : "DIFFERENT"}; ` +
      `deleted with its message, the object too (${left} left in the bucket)`,
  );
}

async function main(): Promise<void> {
  const external = process.env.AWS_ENDPOINT_URL;
  const emulator = external ? undefined : await startEmbedded();
  const endpoint = external ?? emulator!.endpoint;
  log(`asyncaws demo against ${external ? endpoint : `the embedded fauxqs emulator at ${endpoint}`}`);

  const sqs = new SQS({
    endpoint,
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: external ? undefined : { accessKeyId: "AKIDEMO", secretAccessKey: "demo-secret-not-real" },
  });
  const suffix = Date.now().toString(36);
  const created: string[] = [];
  const topics: TopicHandle[] = [];

  try {
    step("Create a queue with a dead-letter queue");
    const dlq = await sqs.createQueue({ QueueName: `demo-dlq-${suffix}` });
    created.push(dlq.QueueUrl);
    const { Attributes } = await sqs.getQueueAttributes({
      QueueUrl: dlq.QueueUrl,
      AttributeNames: ["QueueArn"],
    });
    const redrivePolicy = JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 2 });
    const jobs = await sqs.createQueue({
      QueueName: `demo-jobs-${suffix}`,
      Attributes: { RedrivePolicy: redrivePolicy, VisibilityTimeout: "30" },
    });
    created.push(jobs.QueueUrl);
    log(`jobs queue:        ${jobs.QueueUrl}`);
    log(`dead-letter queue: ${dlq.QueueUrl} (after 2 receives)`);

    const queue = sqs.queue(jobs.QueueUrl);

    step("Send a batch of 5 messages (MD5 of bodies and attributes checked)");
    const sent = await queue.sendBatch([
      "Hello, World!",
      {
        MessageBody: JSON.stringify({ task: "resize", id: 42 }),
        MessageAttributes: { kind: { DataType: "String", StringValue: "image" } },
      },
      {
        MessageBody: "priority job",
        MessageAttributes: { priority: { DataType: "Number", StringValue: "7" } },
      },
      {
        MessageBody: "binary attribute",
        MessageAttributes: { blob: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) } },
      },
      "poison: this one always fails",
    ]);
    log(`sent ${sent.Successful.length}, failed ${sent.Failed.length}`);

    step("Receive with long polling, handle, delete");
    let handled = 0;
    while (handled < 4) {
      const messages = await queue.receive({ WaitTimeSeconds: 2, MaxNumberOfMessages: 10 });
      if (messages.length === 0) break;
      for (const message of messages) {
        if (message.Body?.startsWith("poison")) {
          // Leave it: it becomes visible again and will be received again.
          await queue.changeVisibility(message, 0);
          continue;
        }
        const attributes = Object.entries(message.MessageAttributes ?? {})
          .map(([name, value]) => `${name}=${value.StringValue ?? `bytes[${value.BinaryValue?.length}]`}`)
          .join(", ");
        log(`  handled ${JSON.stringify(message.Body)}${attributes ? ` (${attributes})` : ""}`);
        await queue.delete(message);
        handled++;
      }
    }

    step("A message that keeps failing moves to the dead-letter queue");
    for (let receive = 1; receive <= 4; receive++) {
      const [message] = await queue.receive({ WaitTimeSeconds: 1, MaxNumberOfMessages: 1 });
      if (!message) {
        log(`  receive ${receive}: nothing: the message has left the queue`);
        break;
      }
      const count = message.Attributes?.ApproximateReceiveCount ?? "?";
      log(
        `  receive ${receive}: ${JSON.stringify(message.Body)} (receive count ${count}); the handler fails`,
      );
      await queue.changeVisibility(message, 0);
    }
    const dead = await sqs.queue(dlq.QueueUrl).receive({ WaitTimeSeconds: 2 });
    for (const message of dead) log(`  in the dead-letter queue: ${JSON.stringify(message.Body)}`);
    if (dead.length === 0) log("  (the dead-letter queue is still empty)");

    step("Errors are typed");
    try {
      await sqs.getQueueUrl({ QueueName: `no-such-queue-${suffix}` });
    } catch (error) {
      if (isServiceError(error)) log(`  caught ServiceError code=${error.code}: ${error.message}`);
      else throw error;
    }

    await consumeAndProduce(sqs, suffix, created);

    if (emulator) {
      await largePayload(
        {
          endpoint,
          region: "us-east-1",
          credentials: { accessKeyId: "AKIDEMO", secretAccessKey: "demo-secret-not-real" },
        },
        sqs,
        suffix,
        created,
      );
    } else {
      step("Messages of any size: skipped against an external endpoint (it would leave an S3 bucket)");
    }

    step("Fan out: a topic, two subscribed queues (one raw, one with a filter policy), publish");
    const sns = new SNS({
      endpoint,
      region: process.env.AWS_REGION ?? "us-east-1",
      credentials: external ? undefined : { accessKeyId: "AKIDEMO", secretAccessKey: "demo-secret-not-real" },
    });
    const topic = sns.topic(`demo-events-${suffix}`, { create: true });
    topics.push(topic);
    const everything = await sqs.createQueue({ QueueName: `demo-everything-${suffix}` });
    created.push(everything.QueueUrl);
    const orders = await sqs.createQueue({ QueueName: `demo-orders-${suffix}` });
    created.push(orders.QueueUrl);
    const rawQueue = sqs.queue(everything.QueueUrl);
    const ordersQueue = sqs.queue(orders.QueueUrl);
    log(`topic: ${await topic.arn()}`);
    const rawSubscription = await topic.subscribeQueue(rawQueue, { raw: true });
    log(`  ${rawQueue.name}: raw delivery (policy statement added: ${rawSubscription.policyChanged})`);
    const filter = { kind: ["order"] };
    const ordersSubscription = await topic.subscribeQueue(ordersQueue, { filterPolicy: filter });
    log(`  ${ordersQueue.name}: SNS envelope, filter policy ${JSON.stringify(filter)}`);
    const again = await topic.subscribeQueue(ordersQueue, { filterPolicy: filter });
    log(
      `  subscribing again changes nothing: same subscription ${again.SubscriptionArn === ordersSubscription.SubscriptionArn}, policy changed ${again.policyChanged}`,
    );
    const kind = (value: string) => ({ kind: { DataType: "String", StringValue: value } });
    await topic.publish(
      { order: 1001, total: 25.5 },
      { Subject: "New order", MessageAttributes: kind("order") },
    );
    await topic.publish("The shop closes at 6 pm today", { MessageAttributes: kind("notice") });
    const batch = await topic.publishBatch([
      { Message: { order: 1002, total: 9.99 }, MessageAttributes: kind("order") },
      { Message: "Stock is low on blue mugs", MessageAttributes: kind("alert") },
    ]);
    log(`published 2 messages, then a batch: ${batch.Successful.length} sent, ${batch.Failed.length} failed`);

    const show = async (queue: typeof rawQueue, expected: number) => {
      log(`  ${queue.name} received:`);
      let received = 0;
      for (let empty = 0; received < expected && empty < 2; ) {
        const messages = await queue.receive({ WaitTimeSeconds: 1 });
        if (messages.length === 0) empty++;
        for (const message of messages) {
          const { message: body, attributes, envelope } = unwrapSnsMessage(message);
          const how = envelope
            ? `envelope ${envelope.Type} from ${envelope.TopicArn.slice(envelope.TopicArn.lastIndexOf(":") + 1)}${envelope.Subject ? `, Subject ${JSON.stringify(envelope.Subject)}` : ""}`
            : "raw";
          log(`    ${JSON.stringify(body)} (kind=${attributes.kind?.StringValue ?? "?"}; ${how})`);
          await queue.delete(message);
          received++;
        }
      }
      return received;
    };
    const all = await show(rawQueue, 4);
    const filtered = await show(ordersQueue, 2);
    const more = await ordersQueue.receive({ WaitTimeSeconds: 1 });
    log(
      `the raw queue got all ${all}; the filter let ${filtered} orders through and held back the other ${all - filtered} (${more.length} more arrived)`,
    );
  } finally {
    step("Clean up");
    for (const topic of topics) await topic.deleteTopic().catch(() => undefined);
    for (const url of created) await sqs.deleteQueue({ QueueUrl: url }).catch(() => undefined);
    log(`deleted ${topics.length} topic and ${created.length} queues`);
    await emulator?.stop();
  }
  log("\ndone");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
