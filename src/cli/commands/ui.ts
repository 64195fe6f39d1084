import { type Command, flag, int, num, str } from "../args.js";
import { startUi } from "../ui/server.js";

export const ui: Command = {
  name: "ui",
  summary: "a local queue browser in the web browser",
  usage: "ui [--port N] [--read-only] [--open] [--host H] [--interval S] [options]",
  description: [
    "Starts a small web server on 127.0.0.1 (and ::1) and prints its address, with a random token",
    "that every request needs (then kept in an HttpOnly, SameSite=Strict cookie). The page lists",
    "the queues with live counts, the age of the oldest message (CloudWatch's metric, as queues",
    "shows it) and a chart, peeks messages (released at once), sends, deletes,",
    "purges (after the queue's name is typed), redrives dead-letter queues with a progress bar",
    "(moving the messages itself, as move does, where SQS's move task is unavailable), and",
    "publishes to and subscribes queues to topics. Requests whose Host is not the loopback",
    "address are refused (DNS rebinding), state-changing requests must be POSTs from the page",
    "itself (token header and Origin checked), and no CORS is offered. --read-only hides and",
    "refuses every change. --host listens elsewhere (never by default: the server holds your",
    "credentials). Runs until Ctrl-C.",
  ].join("\n"),
  options: {
    port: { type: "string", short: "p", value: "N", help: "port (default: any free one)" },
    "read-only": { type: "boolean", help: "no sending, deleting, purging or redriving" },
    open: { type: "boolean", help: "open the address in the default browser" },
    host: { type: "string", value: "address", help: "listen on this address instead of the loopback" },
    interval: {
      type: "string",
      short: "i",
      value: "seconds",
      help: "seconds between the page's refreshes of the counts (default 3)",
    },
  },
  positionals: [0, 0],
  examples: ["asyncaws ui", "asyncaws ui --read-only --profile prod --region eu-west-1"],
  async run(context, { values }) {
    const port = int(values, "port", 0, { min: 0, max: 65_535 }, ui);
    const host = str(values, "host");
    const interval = num(values, "interval", 3, { min: 0.25, max: 3600 }, ui);
    const server = await startUi(
      {
        sqs: context.sqs,
        sns: context.sns,
        readOnly: flag(values, "read-only"),
        ages: context.oldestAges,
      },
      {
        port,
        ...(host !== undefined ? { host } : {}),
        readOnly: flag(values, "read-only"),
        intervalMs: Math.round(interval * 1000),
      },
    );
    const output = context.output;
    if (output.format === "table") {
      output.line(`asyncaws ui on ${server.url}`);
      output.note(output.paintErr("dim", "open it in a browser; Ctrl-C stops the server"));
    } else output.result({ url: server.url, port: server.port }, () => server.url);
    if (host !== undefined && !["127.0.0.1", "::1", "localhost"].includes(host))
      output.warn(
        `listening on ${host}: anyone who can reach it and has the token can use your AWS credentials`,
      );
    if (flag(values, "open")) {
      const { spawn } = await import("node:child_process");
      const opener =
        process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
      try {
        spawn(opener, [server.url], { stdio: "ignore", detached: true })
          .on("error", () => undefined)
          .unref();
      } catch {
        output.note("could not open a browser: open the address yourself");
      }
    }
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      context.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await server.close();
    return 0;
  },
};
