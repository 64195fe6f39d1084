// Large payloads through S3 (issue 16): client CPU and wall time to send one 5 MiB message and
// to receive it whole (then delete the message and its object), on fauxqs, which serves S3 beside
// SQS. asyncaws's `largePayloads` against the AWS SDK's S3 and SQS clients doing the same
// offloading by hand (the extended clients' format: PutObject, a pointer body with the
// ExtendedPayloadSize marker; ReceiveMessage, GetObject, DeleteMessage, DeleteObject).
//
//   npm run build && node bench/payloads.mjs [--passes 3] [--rounds 3] [--mib 5] [--json FILE]
//
// The emulator runs in a process of its own (bench/fauxqs-server.mjs); each client runs in a
// process of its own, one after the other, in `passes` alternating passes of `rounds` timed
// rounds (after one untimed warm-up round per process). CPU is the client process's own
// (process.cpuUsage(), user+sys): the emulator's work is not in it. Each round checks that the
// received body is the one sent and that the object is gone afterwards.
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const region = "us-east-1";
const credentials = {
  accessKeyId: "AKIDBENCHMARK0000000",
  secretAccessKey: "bench/secret/not-a-real-key/0000000000",
};
const POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";
const CLIENTS = ["asyncaws", "aws-sdk"];

// ---------------------------------------------------------------------------------------------
// A worker: node bench/payloads.mjs --worker <client> <port> <rounds> <mib>

async function asyncawsClient(endpoint, bucket, QueueUrl) {
  const { SQS } = await import("asyncaws");
  const sqs = new SQS({ endpoint, region, credentials, largePayloads: { bucket } });
  const queue = sqs.queue(QueueUrl);
  return {
    send: (body) => queue.send(body),
    async receive() {
      const [message] = await queue.receive({ WaitTimeSeconds: 1, MaxNumberOfMessages: 1 });
      await queue.delete(message); // the message, then its object
      return message.Body;
    },
  };
}

async function awsSdkClient(endpoint, bucket, QueueUrl) {
  const { S3Client, PutObjectCommand, GetObjectCommand, DeleteObjectCommand } = await import(
    "@aws-sdk/client-s3"
  );
  const { SQSClient, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand } = await import(
    "@aws-sdk/client-sqs"
  );
  const s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  const sqs = new SQSClient({ endpoint, region, credentials });
  return {
    async send(body) {
      const key = randomUUID();
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: JSON.stringify([POINTER_CLASS, { s3BucketName: bucket, s3Key: key }]),
          MessageAttributes: {
            ExtendedPayloadSize: { DataType: "Number", StringValue: String(Buffer.byteLength(body)) },
          },
        }),
      );
    },
    async receive() {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ["All"],
        }),
      );
      const message = Messages[0];
      if (!message.MessageAttributes?.ExtendedPayloadSize) throw new Error("no marker");
      const [, pointer] = JSON.parse(message.Body);
      const object = await s3.send(
        new GetObjectCommand({ Bucket: pointer.s3BucketName, Key: pointer.s3Key }),
      );
      const body = await object.Body.transformToString();
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      await s3.send(new DeleteObjectCommand({ Bucket: pointer.s3BucketName, Key: pointer.s3Key }));
      return body;
    },
  };
}

async function worker(client, port, rounds, mib) {
  const endpoint = `http://127.0.0.1:${port}`;
  const { SQS } = await import("asyncaws");
  const { S3 } = await import("asyncaws/s3");
  const admin = new SQS({ endpoint, region, credentials });
  const s3 = new S3({ endpoint, region, credentials });
  const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const bucket = `bench-payloads-${suffix}`;
  await s3.createBucket({ Bucket: bucket });
  const { QueueUrl } = await admin.createQueue({ QueueName: `bench-payloads-${client}-${suffix}` });
  const target = await (client === "asyncaws" ? asyncawsClient : awsSdkClient)(endpoint, bucket, QueueUrl);
  const body = JSON.stringify({ data: "x".repeat(mib * 1024 * 1024 - 11) });

  const timed = async (fn) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await fn();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  const results = [];
  for (let round = 0; round <= rounds; round++) {
    const send = await timed(() => target.send(body));
    const receive = await timed(() => target.receive());
    if (receive.value !== body) throw new Error(`${client}: the body received is not the one sent`);
    const left = (await s3.listObjectsV2({ Bucket: bucket })).Contents?.length ?? 0;
    if (left !== 0) throw new Error(`${client}: ${left} objects left after the delete`);
    if (round === 0) continue; // warm-up
    results.push({
      sendWallMs: send.wallMs,
      sendCpuMs: send.cpuMs,
      receiveWallMs: receive.wallMs,
      receiveCpuMs: receive.cpuMs,
    });
  }
  await admin.deleteQueue({ QueueUrl });
  process.send({ type: "rounds", client, results });
}

// ---------------------------------------------------------------------------------------------
// The runner

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function child(args) {
  const file = fileURLToPath(import.meta.url);
  return fork(file, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

async function runWorker(client, port, rounds, mib) {
  const proc = child(["--worker", client, String(port), String(rounds), String(mib)]);
  return new Promise((resolve, reject) => {
    let results;
    proc.on("message", (message) => {
      if (message?.type === "rounds") results = message.results;
    });
    proc.on("exit", (code) =>
      code === 0 && results ? resolve(results) : reject(new Error(`${client} worker exited with ${code}`)),
    );
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      passes: { type: "string", default: "3" },
      rounds: { type: "string", default: "3" },
      mib: { type: "string", default: "5" },
      json: { type: "string" },
    },
  });
  const passes = Number(values.passes);
  const rounds = Number(values.rounds);
  const mib = Number(values.mib);
  const server = fork(fileURLToPath(new URL("./fauxqs-server.mjs", import.meta.url)), [], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise((resolve) =>
    server.on("message", (message) => {
      if (message?.type === "listening") resolve(message.port);
    }),
  );
  const runs = Object.fromEntries(CLIENTS.map((client) => [client, []]));
  try {
    for (let pass = 0; pass < passes; pass++) {
      for (const client of pass % 2 ? [...CLIENTS].reverse() : CLIENTS) {
        runs[client].push(...(await runWorker(client, port, rounds, mib)));
      }
    }
  } finally {
    server.send({ type: "exit" });
  }
  const summary = {};
  for (const client of CLIENTS) {
    const r = runs[client];
    summary[client] = {
      sendWallMs: median(r.map((x) => x.sendWallMs)),
      sendCpuMs: median(r.map((x) => x.sendCpuMs)),
      receiveWallMs: median(r.map((x) => x.receiveWallMs)),
      receiveCpuMs: median(r.map((x) => x.receiveCpuMs)),
      rounds: r.length,
    };
  }
  const fmt = (n) => n.toFixed(1).padStart(8);
  console.log(`One ${mib} MiB message through S3 on fauxqs: medians of ${passes * rounds} rounds (ms)`);
  console.log("client     send wall  send CPU  receive wall  receive CPU");
  for (const client of CLIENTS) {
    const s = summary[client];
    console.log(
      `${client.padEnd(10)} ${fmt(s.sendWallMs)}  ${fmt(s.sendCpuMs)}  ${fmt(s.receiveWallMs)}      ${fmt(s.receiveCpuMs)}`,
    );
  }
  const a = summary.asyncaws;
  const b = summary["aws-sdk"];
  console.log(
    `asyncaws / aws-sdk: send CPU ${(a.sendCpuMs / b.sendCpuMs).toFixed(2)}, receive CPU ${(a.receiveCpuMs / b.receiveCpuMs).toFixed(2)}, ` +
      `send wall ${(a.sendWallMs / b.sendWallMs).toFixed(2)}, receive wall ${(a.receiveWallMs / b.receiveWallMs).toFixed(2)}`,
  );
  if (values.json) {
    const { loadavg, cpus } = await import("node:os");
    writeFileSync(
      values.json,
      `${JSON.stringify({ mib, passes, rounds, node: process.version, cpus: cpus().length, loadavg: loadavg(), summary, runs }, null, 2)}\n`,
    );
  }
}

if (process.argv[2] === "--worker") {
  const [, , , client, port, rounds, mib] = process.argv;
  worker(client, Number(port), Number(rounds), Number(mib)).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  await main();
}
