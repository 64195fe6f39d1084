import { readFileSync } from "node:fs";
import type { PublishBatchMessage } from "../../index.js";
import { type Command, Failure, str, UsageError } from "../args.js";
import { openLines, readAll } from "../input.js";
import { lineToEntry } from "../messages.js";
import { Progress } from "../progress.js";
import { sendDefaults } from "./send.js";
import { resolveTopic } from "./topics.js";

export const publish: Command = {
  name: "publish",
  summary: "publish a message (or newline-delimited messages) to an SNS topic",
  usage:
    "publish <topic> [message] [--file F | --ndjson F|-] [--subject S] [--attr name[:Type]=value]... [options]",
  description: [
    "Publishes one message (the argument, or the whole of --file), or one per line of --ndjson FILE",
    "or of stdin (when no message is given and stdin is not a terminal), in PublishBatch requests",
    "of up to 10 entries and 256 KiB. The topic is a name (looked up, never created) or an ARN.",
    "Attributes as for `send`; a FIFO topic needs --group-id and, unless content-based",
    "deduplication is on, --dedup-id.",
  ].join("\n"),
  options: {
    file: { type: "string", short: "f", value: "path", help: "publish the whole file as one message" },
    ndjson: { type: "string", value: "path|-", help: "publish each line as a message (- for stdin)" },
    subject: { type: "string", value: "text", help: "the Subject (email subscriptions)" },
    attr: {
      type: "string",
      short: "a",
      multiple: true,
      value: "name[:Type]=value",
      help: "a message attribute",
    },
    "group-id": { type: "string", value: "id", help: "FIFO message group id" },
    "dedup-id": { type: "string", value: "id", help: "FIFO deduplication id (one message only)" },
  },
  positionals: [1, 2],
  examples: [
    `asyncaws publish events '{"kind":"order","id":42}' --attr kind=order`,
    "cat events.ndjson | asyncaws publish events",
  ],
  async run(context, { values, positionals }) {
    const [name, message] = positionals as [string, string | undefined];
    const file = str(values, "file");
    const ndjson = str(values, "ndjson");
    const subject = str(values, "subject");
    const sources = [message !== undefined, file !== undefined, ndjson !== undefined].filter(Boolean).length;
    if (sources > 1) throw new UsageError("give one of: a message, --file or --ndjson", publish);
    const defaults = sendDefaults(values, publish);
    const lines = ndjson ?? (sources === 0 ? "-" : undefined);
    if (lines === "-" && context.io.stdin.isTTY)
      throw new UsageError("no message: give one, --file or --ndjson, or pipe lines on stdin", publish);
    if (lines !== undefined && defaults.MessageDeduplicationId !== undefined)
      throw new UsageError("--dedup-id applies to one message", publish);
    const topic = context.sns.topic(await resolveTopic(context, name));
    const output = context.output;
    if (lines === undefined) {
      let text: string;
      try {
        text =
          file === undefined
            ? message!
            : file === "-"
              ? await readAll(context.io.stdin)
              : readFileSync(file, "utf8");
      } catch (error) {
        throw new Failure(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          2,
        );
      }
      const result = await topic.publish(
        text,
        {
          ...(subject !== undefined ? { Subject: subject } : {}),
          ...(defaults.MessageAttributes ? { MessageAttributes: defaults.MessageAttributes } : {}),
          ...(defaults.MessageGroupId !== undefined ? { MessageGroupId: defaults.MessageGroupId } : {}),
          ...(defaults.MessageDeduplicationId !== undefined
            ? { MessageDeduplicationId: defaults.MessageDeduplicationId }
            : {}),
        },
        { signal: context.signal },
      );
      output.result(
        {
          MessageId: result.MessageId,
          ...(result.SequenceNumber ? { SequenceNumber: result.SequenceNumber } : {}),
        },
        () => result.MessageId ?? "",
      );
      return 0;
    }
    const source = openLines(lines, context.io.stdin);
    const progress = new Progress(
      context.io.stderr,
      context.interactive,
      { label: "publishing", done: 0 },
      output.paintErr,
    );
    let published = 0;
    const failures: { line: number; code: string; message: string }[] = [];
    let batch: PublishBatchMessage[] = [];
    let batchLines: number[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const result = await topic.publishBatch(batch, { signal: context.signal });
      published += result.Successful.length;
      for (const f of result.Failed)
        failures.push({ line: batchLines[f.index] ?? -1, code: f.Code, message: f.Message ?? "" });
      batch = [];
      batchLines = [];
      progress.update({
        done: published,
        failed: failures.length,
        fraction: source.size ? Math.min(1, readBytes / source.size) : undefined,
      });
    };
    let lineNo = 0;
    let readBytes = 0;
    try {
      for await (const line of source.lines) {
        lineNo++;
        if (context.signal.aborted) break;
        readBytes += Buffer.byteLength(line) + 1;
        const entry = lineToEntry(line, defaults, `line ${lineNo}`);
        if (!entry) continue;
        const { MessageBody, DelaySeconds: _, ...rest } = entry;
        batch.push({ ...rest, Message: MessageBody, ...(subject !== undefined ? { Subject: subject } : {}) });
        batchLines.push(lineNo);
        if (batch.length === 100) await flush();
      }
      if (!context.signal.aborted) await flush();
    } finally {
      source.close();
      progress.clear();
    }
    if (output.format === "table") {
      output.line(`published ${published} message${published === 1 ? "" : "s"} to ${topic.name}`);
      for (const f of failures.slice(0, 20)) output.error(`line ${f.line}: ${f.code}: ${f.message}`);
    } else
      output.result({ published, failed: failures.length, ...(failures.length ? { failures } : {}) }, () =>
        String(published),
      );
    if (context.signal.aborted) return 130;
    return failures.length ? 1 : 0;
  },
};
