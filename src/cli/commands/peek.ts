import type { SQS } from "../../index.js";
import { type Command, flag, int } from "../args.js";
import type { Context } from "../context.js";
import { type MessageRecord, messageToRecord, renderMessage } from "../messages.js";
import { RecordStream } from "../output.js";
import { Held, openQueue, pool, queueName, redriveOf } from "../queues.js";

/** A stream of message records in the chosen format (a terminal gets the readable form). */
export function messageStream(context: Context): RecordStream<MessageRecord> {
  return new RecordStream<MessageRecord>(
    context.output,
    (record) => renderMessage(record, context.output.paint),
    (record) => record.Body,
  );
}

/** Deletes messages by receipt handle, 10 to a request. @returns the ids that failed */
export async function deleteMessages(
  sqs: SQS,
  url: string,
  messages: readonly { Id: string; ReceiptHandle: string }[],
): Promise<string[]> {
  const groups: (typeof messages)[number][][] = [];
  for (let i = 0; i < messages.length; i += 10) groups.push(messages.slice(i, i + 10));
  const failed: string[] = [];
  await pool(groups, 4, async (group) => {
    const output = await sqs.deleteMessageBatch({
      QueueUrl: url,
      Entries: group.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
    });
    for (const f of output.Failed ?? []) failed.push(group[Number(f.Id)]?.Id ?? f.Id);
  });
  return failed;
}

/** The note after a peek: receives count toward the redrive policy. */
export function peekWarning(
  count: number,
  records: readonly MessageRecord[],
  redrivePolicy?: string,
): string {
  const redrive = redriveOf(redrivePolicy);
  let text = `${count} message${count === 1 ? "" : "s"} received and released: each peek raised their receive count by one`;
  if (redrive) {
    const atLimit = records.filter(
      (r) => Number(r.Attributes?.ApproximateReceiveCount ?? 0) >= redrive.maxReceiveCount,
    ).length;
    text += `; this queue moves a message to ${queueName(redrive.target)} after ${redrive.maxReceiveCount} receives`;
    if (atLimit) text += ` (${atLimit} of these will move there at their next receive)`;
  }
  return text;
}

export const peek: Command = {
  name: "peek",
  summary: "show messages without consuming them",
  usage: "peek <queue> [-n N] [--delete] [options]",
  description: [
    "Receives up to N messages, shows them, and releases them at once (visibility 0), so they stay",
    "on the queue. Each peek is a receive: it raises the messages' ApproximateReceiveCount, and on",
    "a queue with a redrive policy a message received maxReceiveCount times moves to the",
    "dead-letter queue at its next receive. With --delete the messages are consumed (deleted once",
    "they were written out). The queue is a name or a URL.",
  ].join("\n"),
  options: {
    number: { type: "string", short: "n", value: "N", help: "how many messages, at most (default 10)" },
    delete: { type: "boolean", help: "delete the messages shown (consume them)" },
    wait: { type: "string", value: "seconds", help: "long-poll wait for the first messages (default 1)" },
  },
  positionals: [1, 1],
  examples: ["asyncaws peek orders -n 5", "asyncaws peek orders-dlq -o json | jq '.[].Body'"],
  async run(context, { values, positionals }) {
    const max = int(values, "number", 10, { min: 1, max: 100_000 }, peek);
    const wait = int(values, "wait", 1, { min: 0, max: 20 }, peek);
    const remove = flag(values, "delete");
    const { queue, url } = await openQueue(context, positionals[0]!);
    const { RedrivePolicy } = await queue.attributes(["RedrivePolicy"], { signal: context.signal });
    // Messages are held (invisible) until all are received, so that none comes twice.
    const held = new Held(context.sqs, url, 30);
    const records: MessageRecord[] = [];
    const ids: string[] = [];
    let released = 0;
    try {
      while (records.length < max && !context.signal.aborted) {
        const messages = await queue.receive(
          {
            MaxNumberOfMessages: Math.min(10, max - records.length),
            WaitTimeSeconds: records.length === 0 ? wait : 0,
            VisibilityTimeout: 30,
          },
          // Not aborted by Ctrl-C: an aborted long poll may still take messages, out of reach.
        );
        if (messages.length === 0) break;
        for (const message of messages) {
          const again = held.has(message.MessageId);
          held.add(message);
          if (again) continue;
          records.push(messageToRecord(message));
          ids.push(message.MessageId ?? "");
        }
      }
      const stream = messageStream(context);
      for (const record of records) stream.write(record);
      stream.end();
      if (remove && records.length) {
        const handles = ids.map((Id) => ({ Id, ReceiptHandle: held.handle(Id) ?? "" }));
        const failed = new Set(await deleteMessages(context.sqs, url, handles));
        for (const h of handles) if (!failed.has(h.Id)) held.forget(h.Id);
        context.output.note(`${handles.length - failed.size} message(s) deleted`);
        if (failed.size) context.output.warn(`${failed.size} could not be deleted; they were released`);
      }
    } finally {
      released = await held.release();
    }
    if (released)
      context.output.note(context.output.paintErr("yellow", peekWarning(released, records, RedrivePolicy)));
    else if (records.length === 0) context.output.note("no messages");
    return 0;
  },
};
