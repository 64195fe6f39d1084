// What every client sends and what the stub answers: one place, so that all clients do the same work.

/** Test credentials: the stub verifies signatures with them. Not a real key. */
export const BENCH_CREDENTIALS = {
  accessKeyId: "AKIDBENCHMARK0000000",
  secretAccessKey: "bench/secret/not-a-real-key/0000000000",
};

export const REGION = "us-east-1";

/** The MessageId the stub returns for every send and publish; clients check it. */
export const MESSAGE_ID = "5fea7756-0ea4-451a-a703-a558b933e274";
export const REQUEST_ID = "27daac76-34dd-47df-bd01-1f6e873584a0";

/** The body each SendMessage and Publish carries (a typical small job description, 124 bytes). */
export const MESSAGE_BODY = JSON.stringify({
  task: "resize",
  id: 42,
  source: "s3://bench-images/originals/42.png",
  sizes: [64, 256, 1024],
  requestedAt: "2024-01-01T00:00:00Z",
});

/** The queue URL a client uses, by its tag: the stub counts what it served per tag. */
export function queueUrl(port, tag) {
  return `http://127.0.0.1:${port}/000000000000/bench-${tag}`;
}

/** The topic ARN a client uses, by its tag. */
export function topicArn(tag) {
  return `arn:aws:sns:${REGION}:000000000000:bench-${tag}`;
}

/**
 * The ten messages every ReceiveMessage returns (MaxNumberOfMessages 10): bodies of about 200
 * bytes, three message attributes each. The stub gives each delivery a MessageId and a
 * ReceiptHandle of its own (the prefixes below and a serial number), as SQS does: a consumer that
 * keeps state per message sees distinct messages.
 */
export const RECEIVED = Array.from({ length: 10 }, (_, i) => ({
  MessageId: `0b5c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c${String(i).padStart(2, "0")}`,
  ReceiptHandle: `AQEB${"x".repeat(120)}${i}`,
  Body: JSON.stringify({
    task: "resize",
    id: 1000 + i,
    source: `s3://bench-images/originals/${1000 + i}.png`,
    sizes: [64, 256, 1024],
    requestedBy: `user-${1000 + i}@example.com`,
    requestedAt: "2024-01-01T00:00:00Z",
    priority: "normal",
  }),
  Attributes: {
    SenderId: "AIDAEXAMPLE",
    SentTimestamp: "1700000000000",
    ApproximateReceiveCount: "1",
    ApproximateFirstReceiveTimestamp: "1700000000100",
  },
  MessageAttributes: {
    kind: { DataType: "String", StringValue: "image" },
    id: { DataType: "Number", StringValue: String(1000 + i) },
    trace: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1" },
  },
}));

/** The MessageId of the delivery numbered `serial` (what the stub sends; 36 characters). */
export function deliveredId(serial) {
  return `0b5c1d2e-3f40-4a5b-8c6d-${serial.toString(16).padStart(12, "0")}`;
}

/** The ReceiptHandle of the delivery numbered `serial`. */
export function deliveredHandle(serial) {
  return `AQEB${"x".repeat(120)}${serial}`;
}

/**
 * The cold-start floor's request (headers and body, as JSON): a SendMessage to the stub at `port`,
 * signed beforehand with aws4, which `cold/floor.mjs` sends with `node:http`.
 */
export async function coldFloorRequest(port) {
  const { default: aws4 } = await import("aws4");
  const body = JSON.stringify({ QueueUrl: queueUrl(port, "cold-floor"), MessageBody: MESSAGE_BODY });
  const signed = aws4.sign(
    {
      host: `127.0.0.1:${port}`,
      path: "/",
      method: "POST",
      service: "sqs",
      region: REGION,
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.SendMessage" },
      body,
    },
    { ...BENCH_CREDENTIALS },
  );
  return JSON.stringify({ headers: signed.headers, body });
}
