import { isServiceError, type ListMessageMoveTasksResultEntry } from "../../index.js";
import { type Command, Failure, flag, int, num, str, UsageError } from "../args.js";
import type { Context } from "../context.js";
import { arnParts, type ClientMoveResult, moveClientSide, serviceTaskUnavailable, sleep } from "../moving.js";
import { Progress } from "../progress.js";
import { openQueue, queueName } from "../queues.js";

/** Follows a service move task until it ends (or Ctrl-C), with a progress bar. */
async function followTask(
  context: Context,
  sourceArn: string,
  taskHandle: string | undefined,
  intervalMs: number,
): Promise<number> {
  const output = context.output;
  const progress = new Progress(
    context.io.stderr,
    context.interactive,
    { label: "moving", done: 0 },
    output.paintErr,
  );
  let task: ListMessageMoveTasksResultEntry | undefined;
  try {
    for (;;) {
      const { Results = [] } = await context.sqs.listMessageMoveTasks(
        { SourceArn: sourceArn, MaxResults: 10 },
        { signal: context.signal },
      );
      task = (taskHandle ? Results.find((r) => r.TaskHandle === taskHandle) : undefined) ?? Results[0];
      if (!task) throw new Failure(`no move task found for ${queueName(sourceArn)}`);
      progress.update(
        { done: task.ApproximateNumberOfMessagesMoved ?? 0, total: task.ApproximateNumberOfMessagesToMove },
        true,
      );
      if (task.Status !== "RUNNING" && task.Status !== "CANCELLING") break;
      await sleep(intervalMs, context.signal);
      if (context.signal.aborted) break;
    }
  } catch (error) {
    if (!context.signal.aborted) throw error;
  } finally {
    progress.clear();
  }
  const result = {
    mode: "service",
    TaskHandle: task?.TaskHandle ?? taskHandle,
    Status: context.signal.aborted ? (task?.Status ?? "RUNNING") : task?.Status,
    moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
    toMove: task?.ApproximateNumberOfMessagesToMove,
    ...(task?.DestinationArn ? { destination: queueName(task.DestinationArn) } : {}),
    ...(task?.FailureReason ? { FailureReason: task.FailureReason } : {}),
  };
  if (output.format === "table") {
    output.line(
      `${result.Status}: ${result.moved}${result.toMove !== undefined ? ` of ${result.toMove}` : ""} messages moved from ${queueName(sourceArn)} to ${result.destination ?? "their source queues"}`,
    );
    if (result.FailureReason) output.error(result.FailureReason);
  } else output.result(result, () => String(result.moved));
  if (context.signal.aborted) {
    output.note(`the task goes on in SQS; asyncaws move ${queueName(sourceArn)} --cancel stops it`);
    return 0;
  }
  return task?.Status === "COMPLETED" ? 0 : 1;
}

/**
 * Moves messages here (receive, send, then delete; see moving.ts), with a progress bar, and
 * prints what moved where.
 */
async function clientMove(
  context: Context,
  source: { url: string; arn: string; name: string; visible: number },
  destination: { url: string; name: string } | undefined,
  options: { rate: number | undefined; max: number; visibility: number; groupId: string | undefined },
): Promise<number> {
  const output = context.output;
  const progress = new Progress(
    context.io.stderr,
    context.interactive,
    { label: "moving", done: 0, total: Math.min(source.visible, options.max) || undefined },
    output.paintErr,
  );
  let outcome: ClientMoveResult;
  try {
    outcome = await moveClientSide(context.sqs, source, destination, {
      ...options,
      signal: context.signal,
      onProgress: ({ moved, failed }) => progress.update({ done: moved, failed }),
      onWarning: (text) => output.warn(text),
    });
  } catch (error) {
    // A FIFO destination without a group: the usage line of this command goes with it.
    if (error instanceof UsageError && !error.command) throw new UsageError(error.message, move);
    throw error;
  } finally {
    progress.clear();
  }
  const { moved, failed, notDeleted, destinations } = outcome;
  const result = {
    mode: "client",
    moved,
    failed,
    ...(notDeleted ? { notDeleted } : {}),
    destinations,
    ...(outcome.interrupted ? { interrupted: true } : {}),
  };
  if (output.format === "table") {
    const to = Object.entries(destinations)
      .map(([name, n]) => `${name} (${n})`)
      .join(", ");
    output.line(
      `moved ${moved} message${moved === 1 ? "" : "s"} from ${source.name}${to ? ` to ${to}` : ""}, client-side`,
    );
  } else output.result(result, () => String(moved));
  if (notDeleted)
    output.warn(
      `${notDeleted} were sent but could not be deleted from ${source.name}: they are now on both queues`,
    );
  if (context.signal.aborted) return 130;
  return failed || notDeleted ? 1 : 0;
}

export const move: Command = {
  name: "move",
  summary: "redrive a dead-letter queue (or move messages between any queues)",
  usage: "move <source> [destination] [--rate N] [--cancel] [--client-side] [options]",
  description: [
    "Moves the messages of a dead-letter queue back to the queues they came from (destination",
    "omitted) or to another queue, with SQS's own move task (StartMessageMoveTask), and follows it",
    "with a progress bar (ListMessageMoveTasks) until it ends; Ctrl-C stops following, not the",
    "task; --cancel cancels the running task. Where the service task does not apply (the source is",
    "not a dead-letter queue, the destination is in another account or region, or an emulator",
    "lacks the action) the move is done here: receive, send to the destination, then delete from",
    "the source, in that order, so nothing is lost (a message whose send failed stays on the",
    "source). A client-side move sends new messages: the bodies and attributes are kept, the",
    "system attributes (sent time, receive count) start again. --rate limits messages per second",
    "(the service task takes 1 to 500).",
  ].join("\n"),
  options: {
    rate: { type: "string", value: "N", help: "at most N messages per second" },
    cancel: { type: "boolean", help: "cancel the source's running move task" },
    "client-side": { type: "boolean", help: "move here (receive, send, delete) even where SQS could" },
    "no-wait": { type: "boolean", help: "start the service task and return its handle" },
    max: { type: "string", value: "N", help: "client-side: stop after N messages" },
    "group-id": {
      type: "string",
      value: "id",
      help: "client-side, to a FIFO queue: the group of messages that have none",
    },
    interval: {
      type: "string",
      value: "seconds",
      help: "how often to poll a service task's progress (default 1)",
    },
  },
  positionals: [1, 2],
  examples: [
    "# back to the queues the messages came from",
    "asyncaws move orders-dlq",
    "asyncaws move orders-dlq orders-replay --rate 50",
    "asyncaws move orders-dlq --cancel",
  ],
  async run(context, { values, positionals }) {
    const [sourceName, destinationName] = positionals as [string, string | undefined];
    const rateOption = str(values, "rate");
    const rate =
      rateOption === undefined ? undefined : num(values, "rate", 0, { min: 0.1, max: 100_000 }, move);
    const max = int(values, "max", Number.MAX_SAFE_INTEGER, { min: 1 }, move);
    const interval = num(values, "interval", 1, { min: 0.05, max: 60 }, move);
    const source = await openQueue(context, sourceName);
    const attributes = await source.queue.attributes(["QueueArn", "ApproximateNumberOfMessages"], {
      signal: context.signal,
    });
    const sourceArn = attributes.QueueArn ?? "";
    const visible = Number(attributes.ApproximateNumberOfMessages ?? 0);
    if (flag(values, "cancel")) {
      if (destinationName !== undefined) throw new UsageError("--cancel takes the source queue only", move);
      const { Results = [] } = await context.sqs.listMessageMoveTasks(
        { SourceArn: sourceArn, MaxResults: 10 },
        { signal: context.signal },
      );
      const running = Results.find((r) => r.Status === "RUNNING");
      if (!running?.TaskHandle) throw new Failure(`no move task is running on ${source.queue.name}`);
      const { ApproximateNumberOfMessagesMoved } = await context.sqs.cancelMessageMoveTask(
        { TaskHandle: running.TaskHandle },
        { signal: context.signal },
      );
      context.output.result(
        { cancelled: running.TaskHandle, moved: ApproximateNumberOfMessagesMoved ?? 0 },
        () => running.TaskHandle ?? "",
      );
      return 0;
    }
    let destination: { url: string; name: string; arn: string } | undefined;
    if (destinationName !== undefined) {
      const opened = await openQueue(context, destinationName);
      const { QueueArn = "" } = await opened.queue.attributes(["QueueArn"], { signal: context.signal });
      destination = { url: opened.url, name: opened.queue.name, arn: QueueArn };
    }
    const sourceInfo = { url: source.url, arn: sourceArn, name: source.queue.name, visible };
    const clientOptions = { rate, max, visibility: 60, groupId: str(values, "group-id") };
    const remote =
      destination &&
      (arnParts(destination.arn).region !== arnParts(sourceArn).region ||
        arnParts(destination.arn).account !== arnParts(sourceArn).account);
    if (flag(values, "client-side") || remote || str(values, "max") !== undefined) {
      if (remote) context.output.note("the destination is in another account or region: moving client-side");
      return clientMove(context, sourceInfo, destination, clientOptions);
    }
    if (rate !== undefined && (rate < 1 || rate > 500 || !Number.isInteger(rate)))
      throw new UsageError(
        "--rate of a service move task is a whole number from 1 to 500 (or use --client-side)",
        move,
      );
    // A task already running on the source: follow it rather than start another.
    let taskHandle: string | undefined;
    try {
      const { Results = [] } = await context.sqs.listMessageMoveTasks(
        { SourceArn: sourceArn, MaxResults: 1 },
        { signal: context.signal },
      );
      if (Results[0]?.Status === "RUNNING") {
        context.output.note(`a move task is already running on ${source.queue.name}: following it`);
        return followTask(context, sourceArn, Results[0].TaskHandle, interval * 1000);
      }
      const started = await context.sqs.startMessageMoveTask(
        {
          SourceArn: sourceArn,
          ...(destination ? { DestinationArn: destination.arn } : {}),
          ...(rate !== undefined ? { MaxNumberOfMessagesPerSecond: rate } : {}),
        },
        { signal: context.signal },
      );
      taskHandle = started.TaskHandle;
    } catch (error) {
      if (!serviceTaskUnavailable(error)) throw error;
      const code = isServiceError(error) ? error.code : "";
      context.output.note(`SQS's move task does not apply here (${code}): moving client-side`);
      return clientMove(context, sourceInfo, destination, clientOptions);
    }
    if (flag(values, "no-wait")) {
      context.output.result(
        { mode: "service", TaskHandle: taskHandle, Status: "RUNNING" },
        () => taskHandle ?? "",
      );
      return 0;
    }
    return followTask(context, sourceArn, taskHandle, interval * 1000);
  },
};
