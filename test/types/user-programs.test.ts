// Programs as a new user writes them, type-checked with strict, exactOptionalPropertyTypes and
// noUncheckedIndexedAccess: members SQS and SNS always return need no `!`; every option takes
// `undefined` (as `process.env.X` gives it); the handles' names agree, and the old names still
// compile. A program that must NOT compile is checked for its error too.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type CompileError, describeErrors, typeCheck } from "./compile.js";

const PROGRAMS: Record<string, string> = {
  // Issue 14: `QueueUrl!`, `Body!`, `ReceiptHandle!` were needed even on queue.receive() results.
  "no-bang.ts": `
import { SNS, SQS, STS } from "asyncaws";

const sqs = new SQS({ region: "eu-west-1" });
const { QueueUrl } = await sqs.createQueue({ QueueName: "jobs" });
const url: string = QueueUrl;
const again: string = (await sqs.getQueueUrl({ QueueName: "jobs" })).QueueUrl;
const sent = await sqs.sendMessage({ QueueUrl, MessageBody: "Hello, World!" });
const ids: [string, string] = [sent.MessageId, sent.MD5OfMessageBody];
const { Messages = [] } = await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 });
for (const m of Messages) {
  const fields: string[] = [m.MessageId, m.ReceiptHandle, m.Body, m.MD5OfBody];
  await sqs.deleteMessage({ QueueUrl, ReceiptHandle: m.ReceiptHandle });
}
const batch = await sqs.sendMessageBatch({ QueueUrl, Entries: [{ Id: "1", MessageBody: "a" }] });
const okIds: string[] = batch.Successful.map((e) => e.Id);
const failedIds: string[] = batch.Failed.map((e) => e.Id);
const deleted = await sqs.deleteMessageBatch({ QueueUrl, Entries: [{ Id: "1", ReceiptHandle: "r" }] });
const deletedIds: string[] = [...deleted.Successful, ...deleted.Failed].map((e) => e.Id);
const changed = await sqs.changeMessageVisibilityBatch({ QueueUrl, Entries: [{ Id: "1", ReceiptHandle: "r" }] });
const changedIds: string[] = [...changed.Successful, ...changed.Failed].map((e) => e.Id);

const jobs = sqs.queue("jobs");
for (const message of await jobs.receive({ WaitTimeSeconds: 20 })) {
  const body: string = message.Body;
  JSON.parse(message.Body);
  await jobs.delete(message);
}
const consumer = jobs.consume(async (message) => {
  JSON.parse(message.Body);
});
for await (const message of jobs.messages()) {
  JSON.parse(message.Body);
  message.ack();
}

const sns = new SNS({ region: "eu-west-1" });
const { TopicArn } = await sns.createTopic({ Name: "events" });
const published: string = (await sns.publish({ TopicArn, Message: "hi" })).MessageId;
const subscribed: string = (
  await sns.subscribe({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:eu-west-1:123456789012:jobs" })
).SubscriptionArn;
const publishedBatch = await sns.publishBatch({ TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "m" }] });
const batchIds: string[] = [...publishedBatch.Successful.map((e) => e.Id), ...publishedBatch.Failed.map((e) => e.Id)];
const messageIds: string[] = publishedBatch.Successful.map((e) => e.MessageId);
for await (const page of sns.paginateListTopics({})) for (const t of page.Topics ?? []) t.TopicArn.startsWith("arn:");
const account: string = (await new STS({ region: "eu-west-1" }).getCallerIdentity()).Account;
void [url, again, ids, okIds, failedIds, deletedIds, changedIds, consumer, published, subscribed, batchIds, messageIds, account];
`,

  // Issue 14: new SQS({ region: process.env.AWS_REGION }) failed with TS2379; the demo cast it.
  "options-undefined.ts": `
import { cachedProvider, fromContainer, fromInstanceMetadata, fromWebIdentity, SNS, SQS, STS } from "asyncaws";
import { SnsVerifier, snsFetchHandler, snsNodeHandler, verifySnsMessage } from "asyncaws/sns";
import { SQSClient } from "asyncaws/sqs/client";

declare const maybeNumber: number | undefined;
declare const maybeBoolean: boolean | undefined;
declare const maybeSignal: AbortSignal | undefined;
const env = process.env;

const common = {
  region: env.AWS_REGION,
  endpoint: env.AWS_ENDPOINT_URL,
  profile: env.AWS_PROFILE,
  credentials: undefined,
  maxAttempts: maybeNumber,
  retryMode: undefined,
  useFipsEndpoint: maybeBoolean,
  useDualstackEndpoint: maybeBoolean,
  requestTimeoutMs: maybeNumber,
  fetch: undefined,
};
const sqs = new SQS({ ...common, protocol: undefined, checksums: maybeBoolean });
new SQSClient({ region: env.AWS_REGION });
const sns = new SNS(common);
new STS({ region: env.AWS_REGION });

const call = { signal: maybeSignal, timeoutMs: maybeNumber };
await sqs.listQueues({ QueueNamePrefix: env.PREFIX, MaxResults: maybeNumber, NextToken: undefined }, call);
const queue = sqs.queue("jobs", { ownerAccountId: env.OWNER });
await queue.url(call);
await queue.send("x", { DelaySeconds: maybeNumber, MessageGroupId: env.GROUP }, call);
await queue.receive({ WaitTimeSeconds: maybeNumber, MaxNumberOfMessages: undefined, VisibilityTimeout: maybeNumber }, call);
await queue.sendBatch([{ MessageBody: "x", DelaySeconds: maybeNumber, Id: undefined }], call);
const consumer = queue.consume(async () => {}, {
  concurrency: maybeNumber,
  waitTimeSeconds: maybeNumber,
  visibilityTimeout: maybeNumber,
  extendVisibility: maybeBoolean,
  maxHandlerSeconds: maybeNumber,
  retryDelay: maybeNumber,
  drainTimeoutMs: maybeNumber,
  signal: maybeSignal,
  unwrapSns: undefined,
  messageAttributeNames: undefined,
  messageSystemAttributeNames: undefined,
  batch: undefined,
  batchSize: maybeNumber,
});
await consumer.stop({ abort: maybeBoolean, timeoutMs: maybeNumber });
queue.consume(async (messages) => messages, { batch: true, batchSize: maybeNumber, unwrapSns: undefined });
queue.messages({ concurrency: maybeNumber, unwrapSns: undefined, signal: maybeSignal });
const producerOptions = {
  lingerMs: maybeNumber,
  maxInFlightBatches: maybeNumber,
  maxQueued: maybeNumber,
  maxAttempts: maybeNumber,
  retryBaseDelayMs: maybeNumber,
  retryMaxDelayMs: maybeNumber,
};
const producer = queue.producer(producerOptions);
await producer.send("x", { DelaySeconds: maybeNumber });
const topic = sns.topic("events", { accountId: env.ACCOUNT, create: maybeBoolean });
await topic.publish("x", { Subject: env.SUBJECT, MessageGroupId: undefined }, call);
await topic.subscribeQueue(queue, { raw: maybeBoolean, filterPolicy: undefined, filterPolicyScope: undefined, attributes: undefined }, call);
topic.producer(producerOptions);

// Issue 14 (a later find): the credential sources, the SNS verifier and its HTTP handlers too.
fromContainer({ timeoutMs: maybeNumber, maxAttempts: maybeNumber });
fromInstanceMetadata({ endpoint: env.IMDS, timeoutMs: maybeNumber, maxAttempts: maybeNumber });
fromWebIdentity({ roleArn: env.AWS_ROLE_ARN, webIdentityTokenFile: env.TOKEN_FILE, roleSessionName: env.SESSION, durationSeconds: maybeNumber });
cachedProvider(async () => ({ accessKeyId: "a", secretAccessKey: "b" }), { refreshBeforeMs: maybeNumber, now: undefined });
const verifyOptions = { topicArns: undefined, fetch: undefined, timeoutMs: maybeNumber, maxCertificateBytes: maybeNumber };
new SnsVerifier({ ...verifyOptions, cacheSize: maybeNumber });
await verifySnsMessage("{}", verifyOptions).catch(() => undefined);
snsFetchHandler({ ...verifyOptions, onNotification: () => undefined, sns: undefined, verifier: undefined, maxBodyBytes: maybeNumber });
snsNodeHandler({ onNotification: () => undefined, sns: undefined, verifier: undefined, maxBodyBytes: maybeNumber });
`,

  // Issue 14: one name per concept; the old names still compile (deprecated).
  "names.ts": `
import { type Queue, QueueHandle, SNS, type SnsQueueMessage, type SnsSignedMessage, SQS, TopicHandle, type TopicAttributes } from "asyncaws";
import { type SnsMessage as SignedAlias, verifySnsMessage } from "asyncaws/sns";
import type { SnsMessage as QueueAlias } from "asyncaws";

const sqs = new SQS({ region: "eu-west-1" });
const sns = new SNS({ region: "eu-west-1" });
const queue: QueueHandle = sqs.queue("jobs");
const old: Queue = queue;
const topic: TopicHandle = sns.topic("events");
await queue.deleteQueue();
await topic.deleteTopic();
await topic.delete();
const attributes: TopicAttributes = await topic.attributes();
const confirmed: string | undefined = attributes.SubscriptionsConfirmed;
await topic.setAttributes({ DisplayName: "Events", TracingConfig: undefined });
const queueAttributes = await queue.attributes(["QueueArn"]);
const arn: string | undefined = queueAttributes.QueueArn;
queue.consume(
  async (message) => {
    const m: SnsQueueMessage = message;
    const text: string = m.Message;
    const kind: string | undefined = m.MessageAttributes.kind?.StringValue;
    const topicArn: string | undefined = m.Envelope?.TopicArn;
    const receipt: string = m.SqsMessage.ReceiptHandle;
    const legacy: QueueAlias = m;
    const legacyText: string = legacy.message + legacy.sqs.Body + String(legacy.attributes) + String(legacy.envelope);
    void [text, kind, topicArn, receipt, legacyText];
  },
  { unwrapSns: true },
);
const signed: SnsSignedMessage = await verifySnsMessage("{}");
const signedAlias: SignedAlias = signed;
void [old, confirmed, arn, signedAlias];
`,

  // Must not compile: a misspelt option is still an error, and QueueUrl is no longer optional.
  "still-strict.ts": `
import { SQS } from "asyncaws";
const sqs = new SQS({ regoin: "eu-west-1" });
const { QueueUrl } = await sqs.createQueue({ QueueName: "jobs" });
const maybe: undefined extends typeof QueueUrl ? "optional" : "present" = "optional";
void maybe;
`,
};

let results: Map<string, CompileError[]>;
before(() => {
  results = typeCheck(PROGRAMS);
});

function assertCompiles(name: string): void {
  const errors = results.get(name) ?? [];
  assert.equal(errors.length, 0, `${name} does not compile:\n${describeErrors(PROGRAMS[name]!, errors)}`);
}

describe("user programs, type-checked under strict and exactOptionalPropertyTypes", () => {
  it("need no `!` for members SQS and SNS always return", () => assertCompiles("no-bang.ts"));
  it("pass options that may be undefined, to clients, calls, handles, consumers and producers", () =>
    assertCompiles("options-undefined.ts"));
  it("use one name per concept, and the deprecated names still compile", () => assertCompiles("names.ts"));
  it("still reject what is wrong", () => {
    const errors = results.get("still-strict.ts") ?? [];
    assert.ok(
      errors.some((e) => e.line === 3 && /regoin/.test(e.message)),
      describeErrors(PROGRAMS["still-strict.ts"]!, errors),
    );
    assert.ok(
      errors.some((e) => e.line === 5),
      `QueueUrl should be typed as present:\n${describeErrors(PROGRAMS["still-strict.ts"]!, errors)}`,
    );
    assert.equal(errors.length, 2, describeErrors(PROGRAMS["still-strict.ts"]!, errors));
  });
});
