import { type Command, flag, UsageError } from "../args.js";
import { readLine } from "../input.js";
import { openQueue, queueInfo } from "../queues.js";

export const purge: Command = {
  name: "purge",
  summary: "delete every message of a queue (asks for its name first)",
  usage: "purge <queue> [--yes] [options]",
  description: [
    "Deletes every message of the queue with PurgeQueue. Asks for the queue's name to be typed",
    "back first (on stdin, so `echo orders | asyncaws purge orders` confirms too); refuses (exit",
    "code 2) when the name typed differs or nothing was typed, unless --yes is given. SQS allows",
    "one purge per queue every 60 seconds.",
  ].join("\n"),
  options: {
    yes: { type: "boolean", short: "y", help: "purge without asking" },
  },
  positionals: [1, 1],
  examples: ["asyncaws purge orders-dlq", "asyncaws purge orders-dlq --yes"],
  async run(context, { values, positionals }) {
    const { queue, url } = await openQueue(context, positionals[0]!);
    const output = context.output;
    const info = await queueInfo(context.sqs, url, context.signal);
    if (!flag(values, "yes")) {
      const stdin = context.io.stdin;
      if (stdin.isTTY) {
        context.io.stderr.write(
          `${output.paintErr("yellow", "purge")} ${info.name}: ${info.visible} visible, ${info.inFlight} in flight, ${info.delayed} delayed.\n` +
            `Type the queue's name to delete every message: `,
        );
      }
      const answer = await readLine(stdin, context.signal);
      if (answer === undefined || answer.trim() !== queue.name) {
        throw new UsageError(
          answer === undefined || answer.trim() === ""
            ? `not purged: confirm by typing the queue's name (${queue.name}), or pass --yes`
            : `not purged: ${JSON.stringify(answer.trim())} is not ${JSON.stringify(queue.name)}`,
          purge,
        );
      }
    }
    await queue.purge({ signal: context.signal });
    output.result(
      { purged: queue.name, visible: info.visible, inFlight: info.inFlight, delayed: info.delayed },
      () => queue.name,
    );
    return 0;
  },
};
