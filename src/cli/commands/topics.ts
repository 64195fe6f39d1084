import { type Command, Failure } from "../args.js";
import type { Column } from "../output.js";
import { pool } from "../queues.js";

interface TopicRow {
  name: string;
  arn: string;
  fifo: boolean;
  subscriptions: number;
}

const COLUMNS: Column<TopicRow>[] = [
  { title: "TOPIC", value: (t) => t.name },
  { title: "SUBSCRIPTIONS", value: (t) => String(t.subscriptions), right: true },
  { title: "FIFO", value: (t) => (t.fifo ? "yes" : "") },
  { title: "ARN", value: (t) => t.arn },
];

export const topics: Command = {
  name: "topics",
  summary: "list SNS topics with their subscription counts",
  usage: "topics [prefix] [options]",
  description:
    "Lists the SNS topics (whose names start with the prefix, when given) and how many subscriptions each has.",
  options: {},
  positionals: [0, 1],
  examples: ["asyncaws topics", "asyncaws topics -o json"],
  async run(context, { positionals }) {
    const prefix = positionals[0] ?? "";
    const arns: string[] = [];
    for await (const page of context.sns.paginateListTopics({}, { signal: context.signal })) {
      for (const topic of page.Topics ?? []) if (topic.TopicArn) arns.push(topic.TopicArn);
    }
    const rows = await pool(
      arns.filter((arn) => arn.slice(arn.lastIndexOf(":") + 1).startsWith(prefix)),
      8,
      async (arn): Promise<TopicRow> => {
        let subscriptions = 0;
        for await (const page of context.sns.paginateListSubscriptionsByTopic(
          { TopicArn: arn },
          { signal: context.signal },
        )) {
          subscriptions += page.Subscriptions?.length ?? 0;
        }
        const name = arn.slice(arn.lastIndexOf(":") + 1);
        return { name, arn, fifo: name.endsWith(".fifo"), subscriptions };
      },
    );
    rows.sort((a, b) => a.name.localeCompare(b.name));
    context.output.records(rows, COLUMNS, (t) => t.arn);
    return 0;
  },
};

/** A topic's ARN from its name (looked up with ListTopics: never created) or its ARN. */
export async function resolveTopic(
  context: import("../context.js").Context,
  nameOrArn: string,
): Promise<string> {
  if (nameOrArn.startsWith("arn:")) return nameOrArn;
  for await (const page of context.sns.paginateListTopics({}, { signal: context.signal })) {
    for (const topic of page.Topics ?? []) {
      if (topic.TopicArn?.endsWith(`:${nameOrArn}`)) return topic.TopicArn;
    }
  }
  throw new Failure(`no topic named ${JSON.stringify(nameOrArn)} (asyncaws topics lists them)`);
}
