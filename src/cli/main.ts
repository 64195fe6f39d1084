/**
 * The `asyncaws` command line: finds the command, parses its arguments, builds the context,
 * runs it, and turns what went wrong into a message and an exit code (0 success, 1 an AWS or
 * network error, 2 bad usage; 130 after Ctrl-C interrupted a command that does not end that way).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { isAsyncAwsError, isServiceError, isValidationError } from "../index.js";
import {
  type Command,
  commandHelp,
  Failure,
  mainHelp,
  parseCommand,
  splitCommand,
  str,
  UsageError,
} from "./args.js";
import { dump } from "./commands/dump.js";
import { move } from "./commands/move.js";
import { peek } from "./commands/peek.js";
import { publish } from "./commands/publish.js";
import { purge } from "./commands/purge.js";
import { queues } from "./commands/queues.js";
import { send } from "./commands/send.js";
import { subscribe } from "./commands/subscribe.js";
import { tail } from "./commands/tail.js";
import { topics } from "./commands/topics.js";
import { ui } from "./commands/ui.js";
import { verifySns } from "./commands/verify-sns.js";
import { watch } from "./commands/watch.js";
import { type ClientSettings, Context, type Io } from "./context.js";
import { FORMATS, type Format, Output } from "./output.js";
import { colorEnabled, colored, plain } from "./style.js";

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  queues,
  peek,
  tail,
  send,
  dump,
  move,
  purge,
  watch,
  topics,
  publish,
  subscribe,
  verifySns,
  ui,
];

/** The package's version (read from package.json next to dist/ or src/). */
export function version(): string {
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "asyncaws" && pkg.version) return pkg.version;
    } catch {
      // try the next place
    }
  }
  return "unknown";
}

/** A `fetch` that logs each request and its status on stderr (--debug). */
function loggingFetch(err: Io["stderr"], paint: typeof plain): NonNullable<ClientSettings["fetch"]> {
  return async (input, init) => {
    const headers = new Headers(init.headers);
    const target = headers.get("x-amz-target");
    let action = target ? target.slice(target.indexOf(".") + 1) : undefined;
    if (!action && typeof init.body === "string") action = /(?:^|&)Action=([^&]+)/.exec(init.body)?.[1];
    const started = performance.now();
    try {
      const response = await fetch(input, init);
      const ms = (performance.now() - started).toFixed(0);
      const requestId =
        response.headers.get("x-amzn-requestid") ?? response.headers.get("x-amz-request-id") ?? "";
      err.write(
        `${paint("dim", `debug: ${init.method ?? "GET"} ${input} ${action ?? ""} -> ${response.status} ${ms} ms ${requestId}`)}\n`,
      );
      return response;
    } catch (error) {
      err.write(
        `${paint("dim", `debug: ${init.method ?? "GET"} ${input} ${action ?? ""} -> ${String(error)}`)}\n`,
      );
      throw error;
    }
  };
}

/** The text of an error for the user: the library's message, with AWS's code and request id. */
export function describeError(error: unknown): string {
  if (isServiceError(error)) {
    const id =
      error.requestId && !error.message.includes(error.requestId) ? ` (request id ${error.requestId})` : "";
    return `${error.message}${error.message.includes(error.code) ? "" : ` [${error.code}]`}${id}`;
  }
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const more =
      isAsyncAwsError(error) && cause instanceof Error && !error.message.includes(cause.message)
        ? `: ${cause.message}`
        : "";
    return `${error.message}${more}`;
  }
  return String(error);
}

/**
 * Runs the command line `argv` (without `node` and the script). Resolves with the exit code.
 * Installs SIGINT/SIGTERM handlers for its duration: the first one aborts the command's signal (it
 * stops cleanly), a second one exits at once with 130.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const { name, rest } = splitCommand(argv);
  const env = io.env;
  const noColor = rest.includes("--no-color");
  const paintOut = colorEnabled(io.stdout, env, noColor) ? colored : plain;
  const paintErr = colorEnabled(io.stderr, env, noColor) ? colored : plain;
  const fail = (message: string) => io.stderr.write(`${paintErr("red", "error:")} ${message}\n`);

  if (name === undefined) {
    if (rest.includes("--version") || rest.includes("-V")) {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    const help = mainHelp(COMMANDS, version(), paintOut);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(`${help}\n`);
      return 0;
    }
    io.stderr.write(`${help}\n`);
    return 2;
  }
  const command = COMMANDS.find((c) => c.name === name) ?? (name === "help" ? undefined : null);
  if (command === undefined) {
    // `asyncaws help [command]`
    const topic = rest.find((arg) => !arg.startsWith("-"));
    const target = COMMANDS.find((c) => c.name === topic);
    io.stdout.write(`${target ? commandHelp(target, paintOut) : mainHelp(COMMANDS, version(), paintOut)}\n`);
    return 0;
  }
  if (command === null) {
    const near = COMMANDS.find((c) => c.name.startsWith(name.slice(0, 2)));
    fail(
      `unknown command ${JSON.stringify(name)}${near ? ` (did you mean ${near.name}?)` : ""}; asyncaws --help lists them`,
    );
    return 2;
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      controller.abort(new Error("interrupted"));
      return;
    }
    io.stderr.write("\n");
    process.exit(130);
  };
  let debug = false;
  try {
    const parsed = parseCommand(command, rest);
    const values = parsed.values;
    debug = values.debug === true;
    if (values.help) {
      io.stdout.write(`${commandHelp(command, paintOut)}\n`);
      return 0;
    }
    const formatText = str(values, "output");
    if (formatText !== undefined && !FORMATS.includes(formatText as Format))
      throw new UsageError(
        `--output takes ${FORMATS.join(", ")}, not ${JSON.stringify(formatText)}`,
        command,
      );
    const format: Format = (formatText as Format | undefined) ?? (io.stdout.isTTY ? "table" : "ndjson");
    const output = new Output({
      format,
      quiet: values.quiet === true,
      paint: format === "table" ? paintOut : plain,
      paintErr,
      out: io.stdout,
      err: io.stderr,
    });
    const settings: ClientSettings = {};
    const region = str(values, "region");
    if (region !== undefined) settings.region = region;
    const profile = str(values, "profile");
    if (profile !== undefined) settings.profile = profile;
    const endpoint = str(values, "endpoint");
    if (endpoint !== undefined) {
      if (!/^https?:\/\/[^/\s]+/.test(endpoint))
        throw new UsageError(`--endpoint takes an http(s) URL, not ${JSON.stringify(endpoint)}`, command);
      settings.endpoint = endpoint;
    }
    if (debug) settings.fetch = loggingFetch(io.stderr, paintErr);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const context = new Context({ output, io, signal: controller.signal, debug, settings });
    const code = (await command.run(context, parsed)) ?? 0;
    return code;
  } catch (error) {
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    if (error instanceof UsageError) {
      fail(error.message);
      const usage = error.command ?? command;
      io.stderr.write(`usage: asyncaws ${usage.usage}\n(asyncaws ${usage.name} --help for more)\n`);
      return 2;
    }
    if (error instanceof Failure) {
      fail(error.message);
      return error.exitCode;
    }
    if (controller.signal.aborted) {
      io.stderr.write(`${paintErr("yellow", "interrupted")}\n`);
      return 130;
    }
    fail(describeError(error));
    // Bad input the library rejected before sending anything is bad usage.
    return isValidationError(error) ? 2 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
