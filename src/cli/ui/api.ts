/**
 * The JSON endpoints of `asyncaws ui`: queues, peek, send, delete, purge, redrive, topics,
 * publish, subscribe. Each takes the clients and the request's parsed input and returns a JSON
 * value, or throws an ApiError with a status; the server turns AWS errors into 502 answers with the
 * library's message.
 *
 * @module
 */

import { isServiceError, type SNS, type SQS } from "../../index.js";
import { peekWarning } from "../commands/peek.js";
import { linkSources } from "../commands/queues.js";
import { tailRecord } from "../commands/tail.js";
import { attributesFromRecord, type MessageRecord, messageToRecord } from "../messages.js";
import { moveClientSide, serviceTaskUnavailable } from "../moving.js";
import type { OldestAges } from "../oldest.js";
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
  /**
   * Where the ages of the queues' oldest messages come from (CloudWatch, as `asyncaws queues`
   * reads them). Absent: the ages are unknown (`-`).
   */
  ages?: OldestAges;
}

const text = (value: unknown, name: string, optional = false): string | undefined => {
  if (value === undefined || value === null || value === "") {
    if (optional) return undefined;
    throw new ApiError(400, `${name} is required`);
  }
  if (typeof value !== "string") throw new ApiError(400, `${name} must be a string`);
  return value;
};

/** How long the page's first answer waits for CloudWatch's ages before it is sent without them. */
const AGES_WAIT_MS = 2000;

/**
 * GET /api/queues (and the page's lists): the counts, and the ages of the oldest messages known.
 * The polls never wait for CloudWatch: they give the ages read in the last minute or two and
 * start reading the stale ones in the background (at most one read per queue at a time), so a
 * slow or silent CloudWatch never delays nor reorders the counts the page charts. `waitForAges`
 * (the page's first answer, which readers without JavaScript keep) waits for the reads a little.
 */
export async function listQueues(api: ApiContext, prefix?: string, waitForAges = false) {
  const urls = await listQueueUrls(api.sqs, prefix);
  const infos = await pool(urls, 8, (url) => queueInfo(api.sqs, url));
  infos.sort((a, b) => a.name.localeCompare(b.name));
  linkSources(infos);
  if (api.ages) {
    const { stop, running } = tasksOf(api);
    const reads = api.ages.fillKnown(infos, stop.signal);
    running.add(reads);
    void reads.finally(() => running.delete(reads));
    if (waitForAges) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = await Promise.race([
        reads.then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), AGES_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (waited) void api.ages.fillKnown(infos, stop.signal);
    }
  }
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

/**
 * A redrive done by this server (receive, send, delete) where SQS's move task does not apply, as
 * `asyncaws move` does: shown to the page in the shape of a ListMessageMoveTasks entry.
 */
interface ClientTask {
  TaskHandle: string;
  Status: "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
  SourceArn: string;
  DestinationArn?: string;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  FailureReason?: string;
  StartedTimestamp: number;
  /** "client": moved by this server, not by SQS. */
  mode: "client";
  /** Why SQS's task was not used (its error code). */
  reason: string;
}

/** The client-side tasks of each server (by source queue ARN), and what stops them. */
const clientTasks = new WeakMap<
  ApiContext,
  { tasks: Map<string, ClientTask>; stop: AbortController; running: Set<Promise<void>> }
>();

function tasksOf(api: ApiContext) {
  let entry = clientTasks.get(api);
  if (!entry) {
    entry = { tasks: new Map(), stop: new AbortController(), running: new Set() };
    clientTasks.set(api, entry);
  }
  return entry;
}

/** Stops the client-side moves under way (the server is closing); resolves once each released what it held. */
export async function stopMoves(api: ApiContext): Promise<void> {
  const entry = clientTasks.get(api);
  if (!entry) return;
  entry.stop.abort();
  await Promise.all(entry.running);
  clientTasks.delete(api);
}

/**
 * POST /api/queues/:name/redrive {destination?, groupId?}: SQS's move task (StartMessageMoveTask);
 * where the service refuses the action (an emulator without it, a source that is not a dead-letter
 * queue), the messages are moved by this server, as `asyncaws move` does, and the page follows
 * that move in the same shape. `groupId` is the message group, in a FIFO destination, of the
 * messages that have none (those of a standard queue; `asyncaws move --group-id`): such a move
 * is refused without it.
 */
export async function redriveQueue(api: ApiContext, name: string, input: Record<string, unknown>) {
  readOnly(api);
  const queue = api.sqs.queue(name);
  const url = await queue.url();
  const { QueueArn = "", ApproximateNumberOfMessages } = await queue.attributes([
    "QueueArn",
    "ApproximateNumberOfMessages",
  ]);
  const destinationName = text(input.destination, "destination", true);
  const groupId = text(input.groupId, "groupId", true);
  let destination: { url: string; name: string; arn: string } | undefined;
  if (destinationName) {
    const handle = api.sqs.queue(destinationName);
    const { QueueArn: arn = "" } = await handle.attributes(["QueueArn"]);
    destination = { url: await handle.url(), name: handle.name, arn };
  }
  const { tasks, stop, running } = tasksOf(api);
  if (tasks.get(QueueArn)?.Status === "RUNNING")
    throw new ApiError(409, `a move is already running on ${name}`);
  try {
    const started = await api.sqs.startMessageMoveTask({
      SourceArn: QueueArn,
      ...(destination ? { DestinationArn: destination.arn } : {}),
    });
    tasks.delete(QueueArn);
    return { mode: "service", TaskHandle: started.TaskHandle };
  } catch (error) {
    if (!serviceTaskUnavailable(error)) throw error;
    // Messages of a standard queue have no group, which a FIFO queue requires (a FIFO queue's
    // messages keep theirs; without a destination, each goes back to its source, of its kind).
    if (destination?.name.endsWith(".fifo") && !name.endsWith(".fifo") && groupId === undefined)
      throw new ApiError(
        400,
        `${destination.name} is a FIFO queue and the messages of ${name} have no group: give the group id to send them with`,
      );
    const task: ClientTask = {
      TaskHandle: `client-${Date.now().toString(36)}`,
      Status: "RUNNING",
      SourceArn: QueueArn,
      ...(destination ? { DestinationArn: destination.arn } : {}),
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: Number(ApproximateNumberOfMessages ?? 0),
      StartedTimestamp: Date.now(),
      mode: "client",
      reason: isServiceError(error) ? error.code : "unavailable",
    };
    tasks.set(QueueArn, task);
    const warnings: string[] = [];
    const moving = moveClientSide(api.sqs, { url, arn: QueueArn, name: queue.name }, destination, {
      max: Math.max(task.ApproximateNumberOfMessagesToMove, 1),
      visibility: 60,
      groupId,
      signal: stop.signal,
      onProgress: ({ moved }) => {
        task.ApproximateNumberOfMessagesMoved = moved;
      },
      onWarning: (warning) => warnings.push(warning),
    }).then(
      (result) => {
        task.ApproximateNumberOfMessagesMoved = result.moved;
        task.Status = result.interrupted
          ? "CANCELLED"
          : result.failed || result.notDeleted
            ? "FAILED"
            : "COMPLETED";
        if (warnings.length) task.FailureReason = warnings.join("; ");
      },
      (failure: unknown) => {
        task.Status = "FAILED";
        task.FailureReason = failure instanceof Error ? failure.message : String(failure);
      },
    );
    running.add(moving);
    void moving.finally(() => running.delete(moving));
    return { mode: "client", TaskHandle: task.TaskHandle, reason: task.reason };
  }
}

/** GET /api/queues/:name/redrive : the latest move task (this server's own, else SQS's). */
export async function redriveStatus(api: ApiContext, name: string) {
  const { QueueArn = "" } = await api.sqs.queue(name).attributes(["QueueArn"]);
  const own = tasksOf(api).tasks.get(QueueArn);
  if (own) return { task: own };
  try {
    const { Results = [] } = await api.sqs.listMessageMoveTasks({ SourceArn: QueueArn, MaxResults: 1 });
    return { task: Results[0] ?? null };
  } catch (error) {
    if (serviceTaskUnavailable(error)) return { task: null };
    throw error;
  }
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
