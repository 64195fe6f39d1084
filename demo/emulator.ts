// `npm run emulator`: the embedded fauxqs emulator alone, on 127.0.0.1, with the demo's queues
// (jobs and its dead-letter queue, everything, orders) and topic (events, fanned out to
// everything raw and to orders through a filter), a few messages to look at, until Ctrl-C. It
// prints the --endpoint (and the environment) to give the `asyncaws` command line, so every
// command can be tried with no AWS account. Port: `--port N` or PORT, else 4566 (else any free one).
import { SNS, SQS } from "../src/index.js";

const CREDENTIALS = { accessKeyId: "AKIDEMO", secretAccessKey: "demo-secret-not-real" };

async function start(port: number) {
  const { startFauxqs } = await import("fauxqs");
  try {
    return await startFauxqs({ port, logger: false, host: "localhost" });
  } catch (error) {
    if ((error as { code?: string }).code !== "EADDRINUSE" || port === 0) throw error;
    return startFauxqs({ port: 0, logger: false, host: "localhost" });
  }
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf("--port");
  const port = Number(flag > 0 ? process.argv[flag + 1] : (process.env.PORT ?? 4566));
  const server = await start(Number.isInteger(port) && port >= 0 ? port : 4566);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const region = "us-east-1";
  const sqs = new SQS({ endpoint, region, credentials: CREDENTIALS });
  const sns = new SNS({ endpoint, region, credentials: CREDENTIALS });

  const dlq = await sqs.createQueue({ QueueName: "jobs-dlq" });
  const dlqArn = (await sqs.queue(dlq.QueueUrl!).attributes(["QueueArn"])).QueueArn;
  await sqs.createQueue({
    QueueName: "jobs",
    Attributes: {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
      VisibilityTimeout: "30",
    },
  });
  await sqs.createQueue({ QueueName: "everything" });
  await sqs.createQueue({ QueueName: "orders" });
  await sqs.createQueue({
    QueueName: "jobs.fifo",
    Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
  });
  const { TopicArn } = await sns.createTopic({ Name: "events" });
  const events = sns.topic(TopicArn!);
  await events.subscribeQueue(sqs.queue("everything"), { raw: true });
  await events.subscribeQueue(sqs.queue("orders"), { filterPolicy: { kind: ["order"] } });

  const kind = (value: string) => ({ kind: { DataType: "String", StringValue: value } });
  await sqs.queue("jobs").sendBatch([
    "Hello, World!",
    { MessageBody: JSON.stringify({ task: "resize", id: 42 }), MessageAttributes: kind("image") },
    {
      MessageBody: "priority job",
      MessageAttributes: { priority: { DataType: "Number", StringValue: "7" } },
    },
  ]);
  await sqs.queue("jobs-dlq").sendBatch([
    {
      MessageBody: JSON.stringify({ task: "resize", id: 7, error: "timeout" }),
      MessageAttributes: kind("image"),
    },
    "poison: this one always fails",
  ]);
  await events.publish({ kind: "order", id: 1001, total: 25.5 }, { MessageAttributes: kind("order") });
  await events.publish("The shop closes at 6 pm today", { MessageAttributes: kind("notice") });

  const lines = [
    `fauxqs emulator on ${endpoint} (region ${region}), until Ctrl-C`,
    "  queues: jobs (dead-letter queue jobs-dlq after 2 receives), jobs-dlq, everything, orders, jobs.fifo",
    "  topic:  events -> everything (raw), orders (filter kind=order)",
    "",
    "Try the command line against it (build it first with npm run build):",
    `  export AWS_ENDPOINT_URL=${endpoint} AWS_REGION=${region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
    "  npx asyncaws queues",
    "  npx asyncaws peek jobs",
    "  npx asyncaws move jobs-dlq",
    "",
    "or pass the endpoint to each command (with any AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set:",
    "the emulator checks no signature):",
    `  npx asyncaws queues --endpoint ${endpoint}`,
  ];
  console.log(lines.join("\n"));
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
