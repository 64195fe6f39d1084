// The SNS half of the smoke suite: topic, subscriptions of two queues (one with raw delivery),
// publish with attributes and its fan-out, publish batch, and the notification verifier with a
// certificate made on the spot. Until the package exports the SNS client (src/sns), each check is
// skipped and says so. Types come from the generated SNS shapes; the value is found at run time.
import type { SNSMethods } from "../../src/sns/methods.js";
import type { Message } from "../../src/sqs/types.js";
import { equalBytes, expect, show, unique } from "./assert.js";
import type { Library } from "./smoke.js";
import { base64, makeTestCertificate } from "./x509.js";

/** The slice of the SNS client used here. */
type SnsClient = Pick<SNSMethods, "createTopic" | "subscribe" | "publish" | "publishBatch" | "deleteTopic">;

/** A verified message, as far as the checks read it. */
interface VerifiedMessage {
  Type: string;
  Message: string;
  TopicArn: string;
}

/** What the SNS checks look for on the package (not in the public API yet when this was written). */
interface SnsExports {
  SNS?: new (options: object) => SnsClient;
  verifySnsMessage?: (
    payload: unknown,
    options?: {
      topicArns?: Iterable<string>;
      fetch?: (input: string, init: RequestInit) => Promise<Response>;
    },
  ) => Promise<VerifiedMessage>;
}

/** Runs one named check; a string returned means skipped, for that reason. */
export type Check = (name: string, body: () => Promise<unknown>) => Promise<void>;

/** What smoke.ts hands over. */
export interface SnsContext {
  lib: Library;
  clientOptions: object;
  check: Check;
  /** The message body the SQS checks use, and the bytes of their Binary attribute. */
  body: string;
  binary: Uint8Array;
}

const NAMES = [
  "sns.createTopic",
  "sns.subscribe",
  "sns.publish",
  "sns.publishBatch",
  "sns.verifyNotification",
] as const;

/** AWS's string to sign for a Notification: each present field's name and value, one per line. */
function notificationStringToSign(message: Record<string, unknown>): string {
  let out = "";
  for (const key of ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]) {
    const value = message[key];
    if (typeof value === "string") out += `${key}\n${value}\n`;
  }
  return out;
}

async function receiveAll(
  sqs: InstanceType<Library["SQS"]>,
  QueueUrl: string,
  count: number,
): Promise<Message[]> {
  const out: Message[] = [];
  for (let round = 0; round < 5 && out.length < count; round++) {
    const { Messages = [] } = await sqs.receiveMessage({
      QueueUrl,
      WaitTimeSeconds: 1,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ["All"],
    });
    for (const message of Messages) {
      out.push(message);
      await sqs.deleteMessage({ QueueUrl, ReceiptHandle: message.ReceiptHandle! });
    }
  }
  return out;
}

/** Runs the SNS checks (or skips them all, saying why). */
export async function runSnsChecks(context: SnsContext): Promise<void> {
  const { check } = context;
  const exports = context.lib as unknown as SnsExports;
  const SNS = exports.SNS;
  if (typeof SNS !== "function") {
    for (const name of NAMES) await check(name, async () => "the package does not export SNS yet (src/sns)");
    return;
  }
  const sns = new SNS(context.clientOptions);
  const sqs = new context.lib.SQS(context.clientOptions);
  const state: {
    topicArn?: string;
    queues?: { envelope: string; raw: string };
    envelope?: Record<string, unknown>;
  } = {};
  const queueUrls: string[] = [];

  try {
    await check("sns.createTopic", async () => {
      const { TopicArn } = await sns.createTopic({ Name: unique("smoke") });
      expect(typeof TopicArn === "string" && TopicArn.startsWith("arn:"), `TopicArn ${show(TopicArn)}`);
      state.topicArn = TopicArn;
    });

    await check("sns.subscribe", async () => {
      expect(state.topicArn, "no topic (createTopic failed)");
      const arns: string[] = [];
      for (const kind of ["envelope", "raw"]) {
        const { QueueUrl } = await sqs.createQueue({ QueueName: unique(`smoke-sns-${kind}`) });
        expect(QueueUrl, "createQueue returned no QueueUrl");
        queueUrls.push(QueueUrl);
        const { Attributes } = await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ["QueueArn"] });
        expect(Attributes?.QueueArn, `no QueueArn for ${QueueUrl}`);
        const { SubscriptionArn } = await sns.subscribe({
          TopicArn: state.topicArn,
          Protocol: "sqs",
          Endpoint: Attributes.QueueArn,
          ReturnSubscriptionArn: true,
          ...(kind === "raw" ? { Attributes: { RawMessageDelivery: "true" } } : {}),
        });
        expect(
          typeof SubscriptionArn === "string" && SubscriptionArn.startsWith(state.topicArn),
          `SubscriptionArn ${show(SubscriptionArn)}`,
        );
        arns.push(SubscriptionArn);
      }
      state.queues = { envelope: queueUrls[0]!, raw: queueUrls[1]! };
    });

    await check("sns.publish", async () => {
      expect(state.topicArn && state.queues, "no topic or subscriptions");
      const { MessageId } = await sns.publish({
        TopicArn: state.topicArn,
        Subject: "smoke",
        Message: context.body,
        MessageAttributes: {
          kind: { DataType: "String", StringValue: "order \u00fcber" },
          count: { DataType: "Number", StringValue: "-12.5e3" },
          blob: { DataType: "Binary", BinaryValue: context.binary },
        },
      });
      expect(typeof MessageId === "string" && MessageId !== "", `MessageId ${show(MessageId)}`);
      // Fan-out: the wrapped copy...
      const [wrapped] = await receiveAll(sqs, state.queues.envelope, 1);
      expect(wrapped?.Body, "nothing reached the queue subscribed without raw delivery");
      const envelope = JSON.parse(wrapped.Body) as Record<string, unknown>;
      const attributes = envelope.MessageAttributes as
        | Record<string, { Type: string; Value: string }>
        | undefined;
      expect(
        envelope.Type === "Notification" && envelope.Message === context.body,
        `envelope ${show(envelope).slice(0, 300)}`,
      );
      expect(envelope.MessageId === MessageId, `envelope MessageId ${show(envelope.MessageId)}`);
      expect(
        attributes?.kind?.Value === "order \u00fcber",
        `envelope attribute kind ${show(attributes?.kind)}`,
      );
      expect(
        attributes?.blob?.Type === "Binary" && attributes.blob.Value === base64(context.binary),
        `envelope attribute blob ${show(attributes?.blob)}`,
      );
      state.envelope = envelope;
      // ...and the raw one, with the attributes as SQS message attributes.
      const [raw] = await receiveAll(sqs, state.queues.raw, 1);
      expect(raw?.Body === context.body, `raw delivery body ${show(raw?.Body)}`);
      const rawAttributes = raw.MessageAttributes ?? {};
      expect(
        rawAttributes.count?.DataType === "Number" && rawAttributes.count.StringValue === "-12.5e3",
        `raw attribute count ${show(rawAttributes.count)}`,
      );
      expect(
        equalBytes(rawAttributes.blob?.BinaryValue, context.binary),
        `raw attribute blob ${show(rawAttributes.blob)}`,
      );
    });

    await check("sns.publishBatch", async () => {
      expect(state.topicArn && state.queues, "no topic or subscriptions");
      const entries = ["one", "two", "three"].map((word, i) => ({ Id: `e${i}`, Message: `batch ${word}` }));
      const result = await sns.publishBatch({
        TopicArn: state.topicArn,
        PublishBatchRequestEntries: entries,
      });
      expect((result.Failed ?? []).length === 0, `failed entries ${show(result.Failed)}`);
      expect(
        show((result.Successful ?? []).map((entry) => entry.Id).sort()) === show(["e0", "e1", "e2"]),
        `successful entries ${show(result.Successful)}`,
      );
      const raw = await receiveAll(sqs, state.queues.raw, 3);
      const bodies = raw.map((message) => message.Body).sort();
      expect(
        show(bodies) === show(["batch one", "batch three", "batch two"]),
        `the raw queue received ${show(bodies)}`,
      );
    });

    await check("sns.verifyNotification", async () => {
      const verify = exports.verifySnsMessage;
      if (typeof verify !== "function") return "the package does not export verifySnsMessage yet";
      const certificate = await makeTestCertificate("sns.us-east-1.amazonaws.com");
      const certUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
      let fetched = 0;
      const fetchCertificate = async (input: string) => {
        fetched++;
        return input === certUrl
          ? new Response(certificate.pem, { status: 200 })
          : new Response("not found", { status: 404 });
      };
      // The envelope fauxqs delivered (its signature is a placeholder), signed again with our key.
      const base: Record<string, unknown> = { ...(state.envelope ?? {}) };
      if (base.Subject === null) delete base.Subject;
      if (!state.envelope) {
        Object.assign(base, {
          Type: "Notification",
          MessageId: "0f4b1e8a-0000-4000-8000-000000000001",
          TopicArn: "arn:aws:sns:us-east-1:123456789012:smoke",
          Subject: "smoke",
          Message: context.body,
          Timestamp: new Date().toISOString(),
        });
      }
      const topicArn = base.TopicArn as string;
      for (const version of ["2", "1"] as const) {
        const message = { ...base, SignatureVersion: version, SigningCertURL: certUrl };
        const signature = await certificate.sign(
          notificationStringToSign(message),
          version === "2" ? "SHA-256" : "SHA-1",
        );
        const verified = await verify(
          { ...message, Signature: signature },
          { topicArns: [topicArn], fetch: fetchCertificate },
        );
        expect(
          verified.Type === "Notification" && verified.Message === base.Message,
          `SignatureVersion ${version}: verified ${show(verified).slice(0, 200)}`,
        );
        let tampered: unknown;
        try {
          await verify(
            { ...message, Signature: signature, Message: `${String(base.Message)}!` },
            { topicArns: [topicArn], fetch: fetchCertificate },
          );
        } catch (error) {
          tampered = error;
        }
        expect(
          context.lib.isSignatureVerificationError(tampered),
          `SignatureVersion ${version}: a tampered message was ${tampered === undefined ? "accepted" : `rejected with ${show(String(tampered))}`}`,
        );
      }
      expect(fetched > 0, "the verifier never fetched the certificate through the fetch option");
    });
  } finally {
    // Best effort: nothing here is a check.
    for (const QueueUrl of queueUrls) await sqs.deleteQueue({ QueueUrl }).catch(() => {});
    if (state.topicArn) await sns.deleteTopic({ TopicArn: state.topicArn }).catch(() => {});
  }
}
