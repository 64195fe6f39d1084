import { readFileSync } from "node:fs";
import { type BatchMessage, isValidationError, type QueueHandle } from "../../index.js";
import { type Command, Failure, int, str, strs, UsageError } from "../args.js";
import type { Context } from "../context.js";
import { openLines, readAll } from "../input.js";
import { lineToEntry, parseAttributes, type SendDefaults, withDefaults } from "../messages.js";
import { Progress } from "../progress.js";
import { openQueue } from "../queues.js";

/** Entries per sendBatch call (the library splits each into requests of 10 entries and 1 MiB). */
const GROUP = 100;

/** One entry that failed, with its line. */
interface LineFailure {
  line: number;
  code: string;
  message: string;
}

/** Options shared by `send` and `publish`: attributes, FIFO ids, delay. */
export function sendDefaults(values: Record<string, unknown>, command: Command): SendDefaults {
  const defaults: SendDefaults = {};
  try {
    const attributes = parseAttributes(strs(values as never, "attr"));
    if (attributes) defaults.MessageAttributes = attributes;
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message, command);
    throw error;
  }
  const group = str(values as never, "group-id");
  if (group !== undefined) defaults.MessageGroupId = group;
  const dedup = str(values as never, "dedup-id");
  if (dedup !== undefined) defaults.MessageDeduplicationId = dedup;
  if ("delay" in command.options && str(values as never, "delay") !== undefined)
    defaults.DelaySeconds = int(values as never, "delay", 0, { min: 0, max: 900 }, command);
  return defaults;
}

/** A ValidationError about entry `messages[i]` of a group, told with the line it came from. */
function lineError(error: unknown, lines: readonly number[], sentBefore: number): unknown {
  if (!isValidationError(error)) return error;
  const match = /^messages\[(\d+)\]\.?(.*)$/.exec(error.field);
  const line = match ? lines[Number(match[1])] : undefined;
  const before = sentBefore ? ` (${sentBefore} messages were sent before it)` : "";
  if (line === undefined) return new UsageError(`${error.message}${before}`);
  return new UsageError(
    `line ${line}: ${match![2] || "the message"} must be ${error.rule}${before} (${error.message})`,
  );
}

/** Sends the lines of `path` (or stdin) in batches; returns the exit code. */
async function sendLines(
  context: Context,
  queue: QueueHandle,
  path: string,
  defaults: SendDefaults,
): Promise<number> {
  const output = context.output;
  const source = openLines(path, context.io.stdin);
  const progress = new Progress(
    context.io.stderr,
    context.interactive,
    { label: "sending", done: 0, total: undefined },
    output.paintErr,
  );
  const failures: LineFailure[] = [];
  let sent = 0;
  let lineNo = 0;
  let stopped = false;
  let group: BatchMessage[] = [];
  let groupLines: number[] = [];
  // Bytes of the lines sent (or failed): the bar's share of a file.
  let groupBytes = 0;
  let doneBytes = 0;
  const flush = async () => {
    if (group.length === 0) return;
    const entries = group;
    const lines = groupLines;
    const bytes = groupBytes;
    group = [];
    groupLines = [];
    groupBytes = 0;
    let result: Awaited<ReturnType<QueueHandle["sendBatch"]>>;
    try {
      result = await queue.sendBatch(entries);
    } catch (error) {
      throw lineError(error, lines, sent);
    }
    sent += result.Successful.length;
    for (const failed of result.Failed)
      failures.push({ line: lines[failed.index] ?? -1, code: failed.Code, message: failed.Message ?? "" });
    // A FIFO queue's order would break if later lines went on after a failure.
    if (result.Failed.length && queue.fifo) stopped = true;
    doneBytes += bytes;
    progress.update({
      done: sent,
      failed: failures.length,
      fraction: source.size ? doneBytes / source.size : undefined,
    });
  };
  // Standard queues: a few groups at once; FIFO queues: one after another, so order holds.
  const limit = queue.fifo ? 1 : 4;
  const running = new Set<Promise<void>>();
  let firstError: unknown;
  const launch = () => {
    const task: Promise<void> = flush()
      .catch((error: unknown) => {
        firstError ??= error;
      })
      .finally(() => running.delete(task));
    running.add(task);
  };
  try {
    for await (const line of source.lines) {
      lineNo++;
      if (context.signal.aborted || stopped || firstError) break;
      groupBytes += Buffer.byteLength(line) + 1;
      const entry = lineToEntry(line, defaults, `line ${lineNo}`);
      if (!entry) continue;
      group.push(entry);
      groupLines.push(lineNo);
      if (group.length === GROUP) {
        launch();
        while (running.size >= limit) await Promise.race(running);
      }
    }
    if (!context.signal.aborted && !stopped && !firstError) launch();
    await Promise.all(running);
    if (firstError) throw firstError;
  } finally {
    await Promise.all(running);
    source.close();
    progress.clear();
  }
  const seconds = progress.seconds;
  const summary = {
    sent,
    failed: failures.length,
    seconds: Math.round(seconds * 100) / 100,
    ...(failures.length ? { failures } : {}),
    ...(stopped
      ? { stopped: "a FIFO entry failed: the lines after it were not sent, so that order holds" }
      : {}),
    ...(context.signal.aborted ? { interrupted: true } : {}),
  };
  if (output.format === "table") {
    const rate = seconds > 0 ? ` (${Math.round(sent / seconds)}/s)` : "";
    output.line(
      `sent ${sent} message${sent === 1 ? "" : "s"} to ${queue.name} in ${seconds.toFixed(1)} s${rate}`,
    );
    for (const f of failures.slice(0, 20)) output.error(`line ${f.line}: ${f.code}: ${f.message}`);
    if (failures.length > 20) output.error(`... and ${failures.length - 20} more failed`);
    if (stopped) output.error(summary.stopped as string);
  } else output.result(summary, () => String(sent));
  if (context.signal.aborted) return 130;
  return failures.length || stopped ? 1 : 0;
}

export const send: Command = {
  name: "send",
  summary: "send a message, a file, or newline-delimited messages",
  usage: "send <queue> [body] [--file F | --ndjson F|-] [--attr name[:Type]=value]... [options]",
  description: [
    "Sends one message (the body argument, or the whole of --file), or one message per line of",
    "--ndjson FILE or of stdin (when no body is given and stdin is not a terminal), in",
    "SendMessageBatch requests of up to 10 entries and 1 MiB, with a progress bar on a terminal.",
    "A line that is a JSON object with a string Body is read as a record, as `asyncaws dump` writes",
    "them (Body, MessageAttributes, MessageGroupId or Attributes.MessageGroupId, ...); any other",
    "line is sent as it is. Attributes: --attr name=value (String), name:Number=42,",
    "name:Binary=<base64>, or a custom type such as name:Number.int=7. A FIFO queue needs",
    "--group-id (or a MessageGroupId per record), and --dedup-id unless content-based",
    "deduplication is on.",
  ].join("\n"),
  options: {
    file: { type: "string", short: "f", value: "path", help: "send the whole file as one message" },
    ndjson: { type: "string", value: "path|-", help: "send each line as a message (- for stdin)" },
    attr: {
      type: "string",
      short: "a",
      multiple: true,
      value: "name[:Type]=value",
      help: "a message attribute",
    },
    "group-id": { type: "string", value: "id", help: "FIFO message group id" },
    "dedup-id": { type: "string", value: "id", help: "FIFO deduplication id (one message only)" },
    delay: { type: "string", value: "seconds", help: "delay delivery by 0 to 900 seconds" },
  },
  positionals: [1, 2],
  examples: [
    `asyncaws send orders '{"id":42}' --attr kind=order --attr priority:Number=7`,
    "# restore a dump into another queue",
    "asyncaws send orders-copy --ndjson orders.ndjson",
    "seq 1 1000 | asyncaws send numbers",
  ],
  async run(context, { values, positionals }) {
    const [name, body] = positionals as [string, string | undefined];
    const file = str(values, "file");
    const ndjson = str(values, "ndjson");
    const sources = [body !== undefined, file !== undefined, ndjson !== undefined].filter(Boolean).length;
    if (sources > 1) throw new UsageError("give one of: a body, --file or --ndjson", send);
    const defaults = sendDefaults(values, send);
    const lines = ndjson ?? (sources === 0 ? "-" : undefined);
    if (lines === "-" && context.io.stdin.isTTY)
      throw new UsageError("no message: give a body, --file or --ndjson, or pipe lines on stdin", send);
    if (lines !== undefined && defaults.MessageDeduplicationId !== undefined)
      throw new UsageError(
        "--dedup-id applies to one message; give each line its own MessageDeduplicationId",
        send,
      );
    const { queue } = await openQueue(context, name);
    if (lines !== undefined) return sendLines(context, queue, lines, defaults);
    let text: string;
    if (file !== undefined) {
      try {
        text = file === "-" ? await readAll(context.io.stdin) : readFileSync(file, "utf8");
      } catch (error) {
        throw new Failure(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          2,
        );
      }
    } else text = body!;
    const entry = withDefaults({ MessageBody: text }, defaults);
    const { MessageBody, ...params } = entry;
    const result = await queue.send(MessageBody, params, { signal: context.signal });
    context.output.result(
      {
        MessageId: result.MessageId,
        MD5OfMessageBody: result.MD5OfMessageBody,
        ...(result.SequenceNumber ? { SequenceNumber: result.SequenceNumber } : {}),
      },
      () => result.MessageId ?? "",
    );
    return 0;
  },
};
