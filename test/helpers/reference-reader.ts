// A small reader of extended-client messages that follows the AWS libraries' rules and shares no
// code with asyncaws: it receives with the AWS SDK's SQS client, detects an offloaded message by
// its marker attribute (ExtendedPayloadSize or SQSLargePayloadSize), parses the body as the JSON
// array [class name, {s3BucketName, s3Key}] (either class name), fetches the object with a plain
// HTTP GET (path-style, from the emulator, which checks no signature), and checks its length
// against the marker, as the Java library does.
import { request } from "node:http";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

const CLASSES = [
  "software.amazon.payloadoffloading.PayloadS3Pointer",
  "com.amazon.sqs.javamessaging.MessageS3Pointer",
];
const MARKERS = ["ExtendedPayloadSize", "SQSLargePayloadSize"];

export interface ReadMessage {
  body: string;
  /** The user's attributes (string values), markers removed. */
  attributes: Record<string, string>;
  /** Where the payload was, when it was offloaded. */
  pointer?: { bucket: string; key: string; marker: string };
}

function get(endpoint: string, path: string): Promise<{ status: number; body: Buffer }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Receives up to 10 messages from `queueUrl` and reads them by the AWS libraries' rules. */
export async function referenceRead(endpoint: string, queueUrl: string): Promise<ReadMessage[]> {
  const client = new SQSClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  });
  try {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    const out: ReadMessage[] = [];
    for (const message of Messages) {
      const attributes: Record<string, string> = {};
      let marker: string | undefined;
      for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
        if (MARKERS.includes(name)) marker = name;
        else attributes[name] = value.StringValue ?? "";
      }
      if (!marker) {
        out.push({ body: message.Body ?? "", attributes });
        continue;
      }
      const pointer = JSON.parse(message.Body ?? "") as unknown;
      if (!Array.isArray(pointer) || pointer.length !== 2 || !CLASSES.includes(pointer[0] as string)) {
        throw new Error(`not a pointer: ${message.Body}`);
      }
      const { s3BucketName, s3Key } = pointer[1] as { s3BucketName: string; s3Key: string };
      const path = `/${encodeURIComponent(s3BucketName)}/${s3Key.split("/").map(encodeURIComponent).join("/")}`;
      const object = await get(endpoint, path);
      if (object.status !== 200) throw new Error(`GET ${path}: ${object.status}`);
      const size = Number(message.MessageAttributes![marker]!.StringValue);
      if (object.body.length !== size) throw new Error(`size ${object.body.length}, marker says ${size}`);
      out.push({
        body: object.body.toString("utf8"),
        attributes,
        pointer: { bucket: s3BucketName, key: s3Key, marker },
      });
    }
    return out;
  } finally {
    client.destroy();
  }
}
