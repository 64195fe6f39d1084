/**
 * The JSON endpoints of `asyncaws ui`: queues, peek, send, delete, purge, redrive, topics,
 * publish, subscribe. Each takes the clients and the request's parsed input and returns a JSON
 * value, or throws an ApiError with a status; the server turns AWS errors into 502 answers with the
 * library's message.
 *
 * @module
 */

import type { SNS, SQS } from "../../index.js";
import { peekWarning } from "../commands/peek.js";
import { linkSources } from "../commands/queues.js";
import { tailRecord } from "../commands/tail.js";
import { attributesFromRecord, type MessageRecord, messageToRecord } from "../messages.js";
import { Held, listQueueUrls, pool, queueInfo } from "../queues.js";

/** An answer other than 200, with a message for the page. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** What the endpoints work with. */
export interface ApiContext {
  sqs: SQS;
  sns: SNS;
  readOnly: boolean;
}

const text = (value: unknown, name: string, optional = false): string | undefined => {
  if (value === undefined || value === null || value === "") {
    if (optional) return undefined;
    throw new ApiError(400, `${name} is required`);
  }
  if (typeof value !== "string") throw new ApiError(400, `${name} must be a string`);
  return value;
};

/** GET /api/queues */
export async function listQueues(api: ApiContext, prefix?: string) {
  const urls = await listQueueUrls(api.sqs, prefix);
  const infos = await pool(urls, 8, (url) => queueInfo(api.sqs, url));
  infos.sort((a, b) => a.name.localeCompare(b.name));
  linkSources(infos);
  return infos;
}

/** GET /api/queues/:name/peek?n=&unwrap= : received and released at once. */
export async function peekQueue(api: ApiContext, name: string, count: number, unwrap: boolean) {
  const queue = api.sqs.queue(name);
  const url = await queue.url();
  const { RedrivePolicy } = await queue.attributes(["RedrivePolicy"]);
  const held = new Held(api.sqs, url, 30);
  const records: (MessageRecord & { ReceiptHandle: string })[] = [];
  try {
    while (records.length < count) {
      const messages = await queue.receive({
        MaxNumberOfMessages: Math.min(10, count - records.length),
        WaitTimeSeconds: records.length ? 0 : 1,
        VisibilityTimeout: 30,
      });
      if (!messages.length) break;
      for (const message of messages) {
        const again = held.has(message.MessageId);
        held.add(message);
        if (again) continue;
        records.push({
          ...(unwrap ? tailRecord(message, true) : messageToRecord(message)),
          ReceiptHandle: message.ReceiptHandle ?? "",
        });
      }
    }
  } finally {
    await held.release();
  }
  return {
    messages: records,
    warning: records.length ? peekWarning(records.length, records, RedrivePolicy) : undefined,
  };
}

function readOnly(api: ApiContext): void {
  if (api.readOnly) throw new ApiError(403, "read-only: started with --read-only");
}

/** POST /api/queues/:name/send {body, attributes?, groupId?, dedupId?, delay?} */
export async function sendToQueue(api: ApiContext, name: string, input: Record<string, unknown>) {
  readOnly(api);
  const body = text(input.body, "body")!;
  const params: Record<string, unknown> = {};
  const attributes = attributesFromRecord(input.attributes ?? undefined, "attributes");
  if (attributes && Object.keys(attributes).length) params.MessageAttributes = attributes;
  const group = text(input.groupId, "groupId", true);
  if (group) params.MessageGroupId = group;
  const dedup = text(input.dedupId, "dedupId", true);
  if (dedup) params.MessageDeduplicationId = dedup;
  if (input.delay !== undefined && input.delay !== "" && input.delay !== null)
    params.DelaySeconds = Number(input.delay);
  const result = await api.sqs.queue(name).send(body, params);
  return { MessageId: result.MessageId, SequenceNumber: result.SequenceNumber };
}

/** POST /api/queues/:name/delete {receiptHandle} */
export async function deleteFromQueue(api: ApiContext, name: string, input: Record<string, unknown>) {
  readOnly(api);
  await api.sqs.queue(name).delete(text(input.receiptHandle, "receiptHandle")!);
  return { deleted: true };
}

/** POST /api/queues/:name/purge {confirm}: the queue's name typed back. */
export async function purgeQueue(api: ApiContext, name: string, input: Record<string, unknown>) {
  readOnly(api);
  if (input.confirm !== name) throw new ApiError(400, `type the queue's name (${name}) to purge it`);
  await api.sqs.queue(name).purge();
  return { purged: name };
}

/** POST /api/queues/:name/redrive {destination?}: StartMessageMoveTask. */
export async function redriveQueue(api: ApiContext, name: string, input: Record<string, unknown>) {
  readOnly(api);
  const queue = api.sqs.queue(name);
  const { QueueArn } = await queue.attributes(["QueueArn"]);
  const destination = text(input.destination, "destination", true);
  let DestinationArn: string | undefined;
  if (destination) DestinationArn = (await api.sqs.queue(destination).attributes(["QueueArn"])).QueueArn;
  const started = await api.sqs.startMessageMoveTask({
    SourceArn: QueueArn ?? "",
    ...(DestinationArn ? { DestinationArn } : {}),
  });
  return { TaskHandle: started.TaskHandle };
}

/** GET /api/queues/:name/redrive : the latest move task. */
export async function redriveStatus(api: ApiContext, name: string) {
  const { QueueArn } = await api.sqs.queue(name).attributes(["QueueArn"]);
  const { Results = [] } = await api.sqs.listMessageMoveTasks({ SourceArn: QueueArn ?? "", MaxResults: 1 });
  return { task: Results[0] ?? null };
}

/** GET /api/topics */
export async function listTopics(api: ApiContext) {
  const arns: string[] = [];
  for await (const page of api.sns.paginateListTopics({}))
    for (const t of page.Topics ?? []) if (t.TopicArn) arns.push(t.TopicArn);
  const topics = await pool(arns, 8, async (arn) => {
    const subscriptions: { SubscriptionArn?: string; Protocol?: string; Endpoint?: string }[] = [];
    for await (const page of api.sns.paginateListSubscriptionsByTopic({ TopicArn: arn }))
      for (const s of page.Subscriptions ?? [])
        subscriptions.push({
          SubscriptionArn: s.SubscriptionArn,
          Protocol: s.Protocol,
          Endpoint: s.Endpoint,
        });
    return { name: arn.slice(arn.lastIndexOf(":") + 1), arn, subscriptions };
  });
  return topics.sort((a, b) => a.name.localeCompare(b.name));
}

async function topicArn(api: ApiContext, name: string): Promise<string> {
  for (const topic of await listTopicArns(api)) if (topic.endsWith(`:${name}`)) return topic;
  throw new ApiError(404, `no topic named ${name}`);
}

async function listTopicArns(api: ApiContext): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of api.sns.paginateListTopics({}))
    for (const t of page.Topics ?? []) if (t.TopicArn) arns.push(t.TopicArn);
  return arns;
}

/** POST /api/topics/:name/publish {message, subject?, attributes?, groupId?, dedupId?} */
export async function publishToTopic(api: ApiContext, name: string, input: Record<string, unknown>) {
  readOnly(api);
  const message = text(input.message, "message")!;
  const params: Record<string, unknown> = {};
  const subject = text(input.subject, "subject", true);
  if (subject) params.Subject = subject;
  const attributes = attributesFromRecord(input.attributes ?? undefined, "attributes");
  if (attributes && Object.keys(attributes).length) params.MessageAttributes = attributes;
  const group = text(input.groupId, "groupId", true);
  if (group) params.MessageGroupId = group;
  const dedup = text(input.dedupId, "dedupId", true);
  if (dedup) params.MessageDeduplicationId = dedup;
  const result = await api.sns.topic(await topicArn(api, name)).publish(message, params);
  return { MessageId: result.MessageId };
}

/** POST /api/topics/:name/subscribe {queue, raw?, filter?} (the queue's policy merged). */
export async function subscribeQueue(api: ApiContext, name: string, input: Record<string, unknown>) {
  readOnly(api);
  const queueName = text(input.queue, "queue")!;
  let filterPolicy: Record<string, unknown> | undefined;
  const filter = text(input.filter, "filter", true);
  if (filter) {
    try {
      filterPolicy = JSON.parse(filter) as Record<string, unknown>;
    } catch {
      throw new ApiError(400, "filter must be a JSON object");
    }
  }
  const result = await api.sns.topic(await topicArn(api, name)).subscribeQueue(api.sqs.queue(queueName), {
    raw: input.raw === true,
    ...(filterPolicy ? { filterPolicy } : {}),
  });
  return { SubscriptionArn: result.SubscriptionArn, policyChanged: result.policyChanged };
}
