import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import { type Command, Failure, flag, int, str } from "../args.js";
import type { Context } from "../context.js";
import { messageToRecord } from "../messages.js";
import { jsonReplacer } from "../output.js";
import { Progress } from "../progress.js";
import { Held, openQueue } from "../queues.js";
import { deleteMessages } from "./peek.js";

/** Writes text to stdout and waits until it is handed to the system (so a delete never runs ahead). */
function writeOut(context: Context, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    context.io.stdout.write(text, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

export const dump: Command = {
  name: "dump",
  summary: "drain or copy a queue to newline-delimited JSON",
  usage: "dump <queue> [--out FILE] [--keep] [options]",
  description: [
    "Receives every message of the queue and writes each as one line of JSON (MessageId, Body,",
    "MessageAttributes, Attributes), to stdout or --out FILE; `asyncaws send <queue> --ndjson FILE`",
    "sends them back. Without --keep each message is deleted once its line is written (and, with",
    "--out, synced to disk): a drain. With --keep nothing is deleted: the messages are held",
    "invisible until the dump ends, then released, so each is written once (the dump raises their",
    "receive count by one). It ends when a receive finds the queue empty, or after --max messages.",
  ].join("\n"),
  options: {
    out: { type: "string", value: "path", help: "write to this file (appended; default stdout)" },
    keep: { type: "boolean", help: "copy: release the messages instead of deleting them" },
    max: { type: "string", value: "N", help: "stop after N messages" },
    wait: {
      type: "string",
      value: "seconds",
      help: "long-poll wait before deciding the queue is empty (default 1)",
    },
    visibility: {
      type: "string",
      value: "seconds",
      help: "visibility timeout while messages are held (default 60; kept up while the dump runs)",
    },
  },
  positionals: [1, 1],
  examples: [
    "asyncaws dump orders-dlq --out dlq.ndjson",
    "# a backup, then a restore",
    "asyncaws dump orders --keep > orders.ndjson && asyncaws send orders-copy --ndjson orders.ndjson",
  ],
  async run(context, { values, positionals }) {
    const keep = flag(values, "keep");
    const max = int(values, "max", Number.MAX_SAFE_INTEGER, { min: 1 }, dump);
    const wait = int(values, "wait", 1, { min: 0, max: 20 }, dump);
    const visibility = int(values, "visibility", 60, { min: 1, max: 43_200 }, dump);
    const path = str(values, "out");
    const { queue, url } = await openQueue(context, positionals[0]!);
    let fd: number | undefined;
    if (path !== undefined) {
      try {
        fd = openSync(path, "a");
      } catch (error) {
        throw new Failure(
          `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          2,
        );
      }
    }
    const held = new Held(context.sqs, url, visibility);
    const progress = new Progress(
      context.io.stderr,
      context.interactive && (fd !== undefined || !context.io.stdout.isTTY),
      { label: keep ? "copying" : "draining", done: 0 },
      context.output.paintErr,
    );
    const seen = new Set<string>();
    let written = 0;
    let deleted = 0;
    let released = 0;
    let failedDeletes = 0;
    // A few receives at once; each batch is written, then (without --keep) deleted. Every message
    // received is held until it is deleted, so whatever stops the dump (an error, Ctrl-C) releases
    // the rest. Receives are not aborted by Ctrl-C: an aborted long poll may still take messages.
    let claimed = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && claimed < max && !context.signal.aborted) {
        const take = Math.min(10, max - claimed);
        claimed += take;
        const messages = await queue.receive({
          MaxNumberOfMessages: take,
          WaitTimeSeconds: wait,
          VisibilityTimeout: visibility,
        });
        for (const m of messages) held.add(m);
        if (messages.length === 0) {
          stop = true;
          claimed -= take;
          return;
        }
        const fresh = messages.filter((m) => {
          // A message received twice (SQS delivers at least once) is written once.
          const duplicate = m.MessageId !== undefined && seen.has(m.MessageId);
          if (m.MessageId !== undefined) seen.add(m.MessageId);
          return !duplicate;
        });
        claimed -= take - fresh.length;
        const text = fresh.map((m) => `${JSON.stringify(messageToRecord(m), jsonReplacer)}\n`).join("");
        if (fd !== undefined) {
          writeSync(fd, text);
          if (!keep) fdatasyncSync(fd);
        } else await writeOut(context, text);
        written += fresh.length;
        if (!keep) {
          // Deleted only now that their lines are written.
          const handles = messages.map((m) => ({
            Id: m.MessageId ?? "",
            ReceiptHandle: m.ReceiptHandle ?? "",
          }));
          const failed = new Set(await deleteMessages(context.sqs, url, handles));
          for (const m of messages) if (!failed.has(m.MessageId ?? "")) held.forget(m.MessageId);
          failedDeletes += failed.size;
          deleted += handles.length - failed.size;
        }
        progress.update({ done: written });
      }
    };
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          worker().catch((error: unknown) => {
            stop = true;
            throw error;
          }),
        ),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failure) throw failure.reason;
    } finally {
      progress.clear();
      if (fd !== undefined) {
        fdatasyncSync(fd);
        closeSync(fd);
      }
      released = await held.release();
    }
    const summary = {
      written,
      ...(keep ? { released } : { deleted }),
      ...(failedDeletes ? { notDeleted: failedDeletes } : {}),
      ...(context.signal.aborted ? { interrupted: true } : {}),
    };
    const what = `${written} message${written === 1 ? "" : "s"}`;
    if (path !== undefined) {
      // stdout is free for the result; the messages went to the file.
      if (context.output.format === "table")
        context.output.line(
          keep
            ? `${what} copied from ${queue.name} to ${path}; ${released} released (their receive count rose by one)`
            : `${what} moved from ${queue.name} to ${path} (${deleted} deleted)`,
        );
      else context.output.result({ queue: queue.name, out: path, ...summary }, () => String(written));
    } else {
      context.output.note(
        keep
          ? `${what} copied from ${queue.name}; ${released} released (their receive count rose by one)`
          : `${what} drained from ${queue.name} (${deleted} deleted)`,
      );
    }
    if (failedDeletes)
      context.output.warn(`${failedDeletes} written but not deleted (they stay on the queue)`);
    if (context.signal.aborted) return 130;
    return failedDeletes ? 1 : 0;
  },
};
