// Cold start: a whole process that imports asyncaws (the built package, its SQS class), constructs a client,
// completes one checked SendMessage to the stub (port in argv[2]) and exits by itself; with argv[4] "construct", it stops after constructing.
import { SQS } from "asyncaws";

const importedAtMs = performance.now();
const port = process.argv[2];
const body = process.argv[3];
const sqs = new SQS({
  endpoint: `http://127.0.0.1:${port}`,
  region: "us-east-1",
  credentials: {
    accessKeyId: "AKIDBENCHMARK0000000",
    secretAccessKey: "bench/secret/not-a-real-key/0000000000",
  },
});
// Set up: imported and constructed, nothing sent yet.
const rssAfterSetup = process.memoryUsage().rss;
if (process.argv[4] === "construct") {
  // Import and construct only (argv[4]): the process ends here.
  process.stdout.write(
    `${JSON.stringify({ ok: true, cpuUs: cpuOf(process.cpuUsage()), importedAtMs, rssAfterSetup })}\n`,
  );
  process.exit(0);
}
const out = await sqs.sendMessage({
  QueueUrl: `http://127.0.0.1:${port}/000000000000/bench-cold-asyncaws`,
  MessageBody: body,
});
if (out.MessageId !== "5fea7756-0ea4-451a-a703-a558b933e274") throw new Error("wrong answer");
process.stdout.write(
  `${JSON.stringify({ ok: true, cpuUs: cpuOf(process.cpuUsage()), importedAtMs, sentAtMs: performance.now(), rssAfterSetup, rss: process.memoryUsage().rss })}\n`,
);

function cpuOf(usage) {
  // The whole process's CPU so far (every thread), user + system, in microseconds.
  return usage.user + usage.system;
}
