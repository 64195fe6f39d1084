import { type Message, payloadErrorOf, SQS, unwrapSnsMessage } from "../../index.js";
import { type Command, flag, int, str, strs, UsageError } from "../args.js";
import { attributesToRecord, type MessageRecord, messageToRecord } from "../messages.js";
import { Held, openQueue } from "../queues.js";
import { deleteMessages, messageStream } from "./peek.js";

/** A test on a message: `--grep` on the body, `--where path=value` on a JSON body's field. */
export type MessageFilter = (record: MessageRecord) => boolean;

/** The value at a dotted path of a JSON value (`order.items.0.sku`). */
export function pathValue(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The filter of `--grep` and `--where` options (all must match); undefined when none is given. */
export function buildFilter(
  grep: string | undefined,
  wheres: readonly string[],
  command?: Command,
): MessageFilter | undefined {
  const tests: MessageFilter[] = [];
  if (grep !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(grep, "u");
    } catch (error) {
      throw new UsageError(`--grep: ${(error as Error).message}`, command);
    }
    tests.push((record) => pattern.test(record.Body));
  }
  for (const where of wheres) {
    const eq = where.indexOf("=");
    if (eq <= 0) throw new UsageError(`--where takes path=value, not ${JSON.stringify(where)}`, command);
    const path = where.slice(0, eq);
    const expected = where.slice(eq + 1);
    tests.push((record) => {
      let body: unknown;
      try {
        body = JSON.parse(record.Body);
      } catch {
        return false;
      }
      const value = pathValue(body, path);
      return (
        value !== undefined &&
        (typeof value === "object" ? JSON.stringify(value) : String(value)) === expected
      );
    });
  }
  return tests.length ? (record) => tests.every((test) => test(record)) : undefined;
}

/** Whether a message carries a large-payload marker (its body is a pointer to S3). */
export function isOffloaded(message: Message): boolean {
  const attributes = message.MessageAttributes;
  if (attributes && ("ExtendedPayloadSize" in attributes || "SQSLargePayloadSize" in attributes)) return true;
  const body = message.Body;
  return (
    typeof body === "string" &&
    body.includes('"Notification"') &&
    /"(ExtendedPayloadSize|SQSLargePayloadSize)"/.test(body)
  );
}

/** A received message as a record, the SNS envelope unwrapped when asked. */
export function tailRecord(message: Message, unwrapSns: boolean): MessageRecord {
  const record = messageToRecord(message);
  if (!unwrapSns) return record;
  const delivery = unwrapSnsMessage(message);
  if (!delivery.envelope) return record;
  record.Body = delivery.message;
  const attributes = attributesToRecord(delivery.attributes);
  if (attributes) record.MessageAttributes = attributes;
  else delete record.MessageAttributes;
  const { TopicArn, MessageId, Subject, Timestamp } = delivery.envelope;
  record.Sns = { TopicArn, MessageId, ...(Subject ? { Subject } : {}), ...(Timestamp ? { Timestamp } : {}) };
  return record;
}

export const tail: Command = {
  name: "tail",
  summary: "print a queue's messages as they come (-f to follow)",
  usage: "tail <queue> [-f] [--delete] [--unwrap-sns] [--grep RE] [--where path=value]... [options]",
  description: [
    "Prints each message as it is received, with long polling. Without -f it stops when the queue",
    "is empty; with -f it follows until Ctrl-C. Without --delete nothing is consumed: messages",
    "are held invisible while the tail runs (so each is printed once; other consumers do not get",
    "them meanwhile) and released when it ends, Ctrl-C included. With --delete the messages",
    "printed are deleted (those the filter skips never are). --grep keeps messages whose body",
    "matches a regular expression; --where keeps JSON bodies whose field (a dotted path) has a",
    "value. --unwrap-sns shows what was published to SNS instead of the envelope.",
    "--large-payloads shows the bodies that AWS's extended clients (and asyncaws's largePayloads)",
    "put in S3, in place of their pointers: a message is one when it has the ExtendedPayloadSize",
    "or SQSLargePayloadSize attribute; the bucket is the one its pointer names, reached with the",
    "same region, credentials and --endpoint. With --delete, their S3 objects are deleted after",
    "their messages, unless --keep-objects. Without the option, a note says when such messages",
    "are seen.",
  ].join("\n"),
  options: {
    follow: { type: "boolean", short: "f", help: "keep following until Ctrl-C" },
    delete: { type: "boolean", help: "consume: delete each message printed" },
    "unwrap-sns": { type: "boolean", help: "show the message published to SNS, not its envelope" },
    "large-payloads": { type: "boolean", help: "show bodies stored in S3 instead of their pointers" },
    "keep-objects": { type: "boolean", help: "with --large-payloads --delete: keep the S3 objects" },
    grep: { type: "string", value: "regexp", help: "only bodies matching this regular expression" },
    where: {
      type: "string",
      multiple: true,
      value: "path=value",
      help: "only JSON bodies with this field value",
    },
    max: { type: "string", short: "n", value: "N", help: "stop after N messages printed" },
    wait: {
      type: "string",
      value: "seconds",
      help: "long-poll wait (default 5 with -f, else 1); Ctrl-C waits for the receive under way",
    },
    visibility: {
      type: "string",
      value: "seconds",
      help: "how long held messages stay invisible between heartbeats (default 30)",
    },
  },
  positionals: [1, 1],
  examples: [
    "asyncaws tail orders -f",
    `asyncaws tail events-queue -f --unwrap-sns --where kind=order -o ndjson`,
    "asyncaws tail uploads --large-payloads --delete",
  ],
  async run(context, { values, positionals }) {
    const follow = flag(values, "follow");
    const remove = flag(values, "delete");
    const unwrap = flag(values, "unwrap-sns");
    const max = int(values, "max", Number.MAX_SAFE_INTEGER, { min: 1 }, tail);
    const wait = int(values, "wait", follow ? 5 : 1, { min: 0, max: 20 }, tail);
    const visibility = int(values, "visibility", 30, { min: 2, max: 43_200 }, tail);
    const filter = buildFilter(str(values, "grep"), strs(values, "where"), tail);
    const large = flag(values, "large-payloads");
    if (flag(values, "keep-objects") && !large) {
      throw new UsageError("--keep-objects goes with --large-payloads", tail);
    }
    const { url } = await openQueue(context, positionals[0]!);
    // With --large-payloads, a client that resolves pointers: the bucket option is only for
    // sending; reading uses the bucket each pointer names.
    const sqs = large
      ? new SQS({
          ...context.settings,
          largePayloads: { bucket: "-", deleteFromS3: !flag(values, "keep-objects") },
        })
      : context.sqs;
    const queue = sqs.queue(url);
    const held = new Held(sqs, url, visibility);
    let hinted = large;
    const stream = messageStream(context);
    let skipped = 0;
    let deleted = 0;
    let released = 0;
    if (follow)
      context.output.note(context.output.paintErr("dim", `following ${queue.name} (Ctrl-C to stop)`));
    const onAbort = () =>
      context.output.note(
        context.output.paintErr(
          "dim",
          `stopping after the receive under way (at most ${wait} s), then releasing; Ctrl-C again quits at once`,
        ),
      );
    context.signal.addEventListener("abort", onAbort, { once: true });
    try {
      while (stream.count < max && !context.signal.aborted) {
        // Not aborted by Ctrl-C: a long poll aborted on the client may still take messages on the
        // server, which would then stay invisible; so the receive under way ends first.
        const messages: Message[] = await queue.receive({
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: wait,
          VisibilityTimeout: visibility,
        });
        if (context.signal.aborted) {
          for (const message of messages) held.add(message);
          break;
        }
        if (messages.length === 0) {
          if (follow) continue;
          break;
        }
        const toDelete: { Id: string; ReceiptHandle: string }[] = [];
        for (const message of messages) {
          if (held.has(message.MessageId)) {
            held.add(message); // the latest receipt handle
            continue;
          }
          if (!hinted && isOffloaded(message)) {
            hinted = true;
            context.output.note(
              context.output.paintErr(
                "dim",
                "some bodies are pointers to S3 (large payloads): --large-payloads shows the payloads",
              ),
            );
          }
          const payloadError = large ? payloadErrorOf(message) : undefined;
          if (payloadError !== undefined) {
            context.output.note(
              context.output.paintErr(
                "dim",
                `message ${message.MessageId}: its payload could not be fetched (${(payloadError as Error).message ?? payloadError}); shown as the queue carries it`,
              ),
            );
          }
          const record = tailRecord(message, unwrap);
          const shown = stream.count < max && (!filter || filter(record));
          if (shown) stream.write(record);
          else skipped++;
          if (shown && remove)
            toDelete.push({ Id: message.MessageId ?? "", ReceiptHandle: message.ReceiptHandle ?? "" });
          else held.add(message);
        }
        if (toDelete.length) {
          const failed = new Set(await deleteMessages(sqs, url, toDelete));
          deleted += toDelete.length - failed.size;
          for (const m of messages) if (failed.has(m.MessageId ?? "")) held.add(m);
        }
      }
    } finally {
      context.signal.removeEventListener("abort", onAbort);
      stream.end();
      released = await held.release();
    }
    const parts = [`${stream.count} shown`];
    if (skipped) parts.push(`${skipped} skipped by the filter`);
    if (remove) parts.push(`${deleted} deleted`);
    if (released) parts.push(`${released} released (their receive count rose by one)`);
    context.output.note(context.output.paintErr("dim", parts.join(", ")));
    return 0;
  },
};
