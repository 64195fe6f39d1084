import type { Command } from "../args.js";
import { formatAge } from "../oldest.js";
import type { Column } from "../output.js";
import { listQueueUrls, pool, type QueueInfo, queueInfo } from "../queues.js";

/** The columns of `queues` (and of `watch`'s first columns). */
export const QUEUE_COLUMNS: Column<QueueInfo>[] = [
  {
    title: "QUEUE",
    value: (q) => q.name,
    style: (q, text, paint) => (q.sources?.length ? paint("yellow", text) : text),
  },
  { title: "VISIBLE", value: (q) => String(q.visible), right: true },
  { title: "IN FLIGHT", value: (q) => String(q.inFlight), right: true },
  { title: "DELAYED", value: (q) => String(q.delayed), right: true },
  { title: "OLDEST", value: (q) => formatAge(q.oldestAgeSeconds), right: true },
  { title: "FIFO", value: (q) => (q.fifo ? "yes" : "") },
  {
    title: "DEAD-LETTER",
    value: (q) =>
      [
        q.deadLetterQueue ? `→ ${q.deadLetterQueue} (after ${q.maxReceiveCount ?? "?"})` : "",
        q.sources?.length ? `← ${q.sources.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("  "),
  },
];

/** Adds each queue's dead-letter sources (among the queues listed). */
export function linkSources(infos: QueueInfo[]): void {
  for (const info of infos) {
    const sources = infos.filter((other) => other.deadLetterQueue === info.name).map((other) => other.name);
    if (sources.length) info.sources = sources;
  }
}

export const queues: Command = {
  name: "queues",
  summary: "list queues with their counts and dead-letter links",
  usage: "queues [prefix] [options]",
  description: [
    "Lists the queues (whose names start with the prefix, when given), with the approximate",
    "numbers of visible, in-flight and delayed messages, whether each is FIFO, its dead-letter",
    "queue (→, with the receive count that moves a message there) and the queues whose",
    "dead-letter queue it is (←). OLDEST is the age of the oldest message, CloudWatch's",
    "ApproximateAgeOfOldestMessage (SQS has no attribute for it): a value a minute, a few minutes",
    "late, '-' when CloudWatch has none or cannot be asked (an emulator: set",
    "AWS_ENDPOINT_URL_CLOUDWATCH to name one).",
  ].join("\n"),
  options: {},
  positionals: [0, 1],
  examples: ["asyncaws queues", "asyncaws queues orders- -o json"],
  async run(context, { positionals }) {
    const urls = await listQueueUrls(context.sqs, positionals[0], context.signal);
    const infos = await pool(urls, 8, (url) => queueInfo(context.sqs, url, context.signal));
    infos.sort((a, b) => a.name.localeCompare(b.name));
    linkSources(infos);
    await context.oldestAges.fill(infos, context.signal);
    context.output.records(infos, QUEUE_COLUMNS, (q) => q.url);
    return 0;
  },
};
