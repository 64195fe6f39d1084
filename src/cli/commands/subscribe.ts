import { type Command, flag, str, UsageError } from "../args.js";
import { resolveTopic } from "./topics.js";

export const subscribe: Command = {
  name: "subscribe",
  summary: "subscribe a queue to a topic (the queue policy merged)",
  usage: "subscribe <topic> <queue> [--raw] [--filter JSON] [--filter-on body] [options]",
  description: [
    "Subscribes the SQS queue to the SNS topic and lets the topic send to it: one statement",
    "granting sqs:SendMessage to this topic is merged into the queue's policy, the other",
    "statements kept (as the library's topic.subscribeQueue does). Running it again changes",
    "nothing. --raw delivers messages as published (no SNS envelope); --filter sets a filter",
    "policy, matched on message attributes, or on the body with --filter-on body.",
  ].join("\n"),
  options: {
    raw: { type: "boolean", help: "raw message delivery (no SNS envelope)" },
    filter: { type: "string", value: "json", help: `a filter policy, such as '{"kind":["order"]}'` },
    "filter-on": {
      type: "string",
      value: "attributes|body",
      help: "what the filter matches (default attributes)",
    },
  },
  positionals: [2, 2],
  examples: [`asyncaws subscribe events orders --raw --filter '{"kind":["order"]}'`],
  async run(context, { values, positionals }) {
    const [topicName, queueName] = positionals as [string, string];
    const filter = str(values, "filter");
    const on = str(values, "filter-on");
    let filterPolicy: Record<string, unknown> | undefined;
    if (filter !== undefined) {
      try {
        filterPolicy = JSON.parse(filter) as Record<string, unknown>;
      } catch {
        throw new UsageError(`--filter takes a JSON object, not ${JSON.stringify(filter)}`, subscribe);
      }
      if (filterPolicy === null || typeof filterPolicy !== "object" || Array.isArray(filterPolicy))
        throw new UsageError(`--filter takes a JSON object, not ${JSON.stringify(filter)}`, subscribe);
    }
    if (on !== undefined && on !== "attributes" && on !== "body")
      throw new UsageError(`--filter-on takes attributes or body, not ${JSON.stringify(on)}`, subscribe);
    if (on !== undefined && filterPolicy === undefined)
      throw new UsageError("--filter-on needs --filter", subscribe);
    const topic = context.sns.topic(await resolveTopic(context, topicName));
    const queue = context.sqs.queue(queueName);
    const result = await topic.subscribeQueue(
      queue,
      {
        raw: flag(values, "raw"),
        ...(filterPolicy ? { filterPolicy } : {}),
        ...(on
          ? { filterPolicyScope: on === "body" ? ("MessageBody" as const) : ("MessageAttributes" as const) }
          : {}),
      },
      { signal: context.signal },
    );
    context.output.result(
      {
        SubscriptionArn: result.SubscriptionArn,
        TopicArn: result.TopicArn,
        QueueArn: result.QueueArn,
        policyChanged: result.policyChanged,
      },
      () => result.SubscriptionArn,
    );
    return 0;
  },
};
