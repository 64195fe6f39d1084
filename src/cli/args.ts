/**
 * Arguments: the global options, each command's options, `--help` text, and usage errors (exit
 * code 2), on `node:util` `parseArgs`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Context } from "./context.js";
import type { Paint } from "./style.js";

/** An option of a command (or a global one). */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** The value's name in the help text (`<n>`). */
  value?: string;
  /** One line of help. */
  help: string;
}

/** The values parseArgs gives back. */
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** A command of the CLI. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The usage line after `asyncaws`, such as `peek <queue> [-n N]`. */
  usage: string;
  /** Paragraphs of help. */
  description: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments: at least, at most (Infinity for any). */
  positionals: [number, number];
  /** Examples, each a command line (with a `# comment` line before it when it helps). */
  examples: string[];
  /** Runs the command; resolves with the exit code (0 when nothing is returned). */
  run(context: Context, args: Parsed): Promise<number | undefined>;
}

/** A command's parsed arguments. */
export interface Parsed {
  values: Values;
  positionals: string[];
}

/** Bad usage: exit code 2, with the command's usage line. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  /** The command, for its usage line. */
  readonly command: Command | undefined;
  constructor(message: string, command?: Command) {
    super(message);
    this.command = command;
  }
}

/** The options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  region: { type: "string", value: "region", help: "AWS region (default: AWS_REGION, the profile)" },
  profile: { type: "string", value: "name", help: "profile of ~/.aws/config and ~/.aws/credentials" },
  endpoint: {
    type: "string",
    value: "url",
    help: "send every request here (an emulator such as `npm run emulator`)",
  },
  output: {
    type: "string",
    short: "o",
    value: "format",
    help: "json, ndjson, table or raw (default: table on a terminal, ndjson when piped)",
  },
  "no-color": { type: "boolean", help: "no colours (also NO_COLOR)" },
  quiet: { type: "boolean", short: "q", help: "no notes or progress on stderr, only results and errors" },
  debug: { type: "boolean", help: "log each request on stderr; stack traces on errors" },
  help: { type: "boolean", short: "h", help: "show help" },
};

/** Global options that take a value (to find the command name among the arguments). */
const VALUED = new Set(
  Object.entries(GLOBAL_OPTIONS).flatMap(([name, spec]) =>
    spec.type === "string" ? [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])] : [],
  ),
);

/** Splits argv into the command name and the rest (global options may come before the command). */
export function splitCommand(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (VALUED.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: [...argv] };
}

/** Parses a command's arguments (global options included), or throws a UsageError. */
export function parseCommand(command: Command, argv: readonly string[]): Parsed {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries({ ...GLOBAL_OPTIONS, ...command.options })) {
    options[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: Parsed;
  try {
    const result = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    parsed = { values: result.values as Values, positionals: result.positionals };
  } catch (error) {
    throw new UsageError(cleanParseError(error), command);
  }
  if (parsed.values.help) return parsed;
  const [min, max] = command.positionals;
  if (parsed.positionals.length < min) throw new UsageError("missing arguments", command);
  if (parsed.positionals.length > max)
    throw new UsageError(`unexpected argument: ${JSON.stringify(parsed.positionals[max])}`, command);
  return parsed;
}

/** parseArgs's messages, without Node's error-code prefix and its advice about `--`. */
function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/\. To specify a positional argument.*$/s, "")
    .replace(/^TypeError \[[A-Z_]+\]: /, "");
}

/** A string option, or undefined. */
export function str(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option (an empty array when absent). */
export function strs(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A boolean option. */
export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** An integer option within bounds, or `fallback` when absent; a UsageError otherwise. */
export function int(
  values: Values,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
  command?: Command,
): number {
  const text = str(values, name);
  if (text === undefined) return fallback;
  const number = Number(text);
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(
      `--${name} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`,
      command,
    );
  }
  return number;
}

/** A number option (fractions allowed) within bounds, or `fallback`. */
export function num(
  values: Values,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
  command?: Command,
): number {
  const text = str(values, name);
  if (text === undefined) return fallback;
  const number = Number(text);
  const { min = 0, max = Number.MAX_VALUE } = bounds;
  if (text.trim() === "" || !Number.isFinite(number) || number < min || number > max) {
    throw new UsageError(
      `--${name} takes a number from ${min} to ${max}, not ${JSON.stringify(text)}`,
      command,
    );
  }
  return number;
}

function optionLines(options: Record<string, OptionSpec>, paint: Paint): string[] {
  const heads = Object.entries(options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "    ";
    return `${short}--${name}${spec.type === "string" ? ` <${spec.value ?? "value"}>` : ""}`;
  });
  const width = Math.max(...heads.map((h) => h.length));
  return Object.values(options).map(
    (spec, i) =>
      `  ${paint("cyan", heads[i]!.padEnd(width))}  ${spec.help}${spec.multiple ? " (repeatable)" : ""}`,
  );
}

/** The `--help` text of a command. */
export function commandHelp(command: Command, paint: Paint): string {
  const lines = [`${paint("bold", "usage:")} asyncaws ${command.usage}`, "", command.description, ""];
  if (Object.keys(command.options).length)
    lines.push(paint("bold", "options:"), ...optionLines(command.options, paint), "");
  lines.push(paint("bold", "global options:"), ...optionLines(GLOBAL_OPTIONS, paint), "");
  lines.push(paint("bold", command.examples.length > 1 ? "examples:" : "example:"));
  for (const example of command.examples)
    lines.push(example.startsWith("#") ? `  ${paint("dim", example)}` : `  $ ${example}`);
  return lines.join("\n");
}

/** The top-level `--help` text. */
export function mainHelp(commands: readonly Command[], version: string, paint: Paint): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `asyncaws ${version}: look into and work with SQS queues and SNS topics`,
    "",
    `${paint("bold", "usage:")} asyncaws <command> [arguments] [options]`,
    "",
    paint("bold", "commands:"),
    ...commands.map((c) => `  ${paint("cyan", c.name.padEnd(width))}  ${c.summary}`),
    "",
    paint("bold", "global options:"),
    ...optionLines(GLOBAL_OPTIONS, paint),
    "      --version            print the version",
    "",
    "Credentials, region and endpoint come from the options, then the AWS CLI's environment",
    "variables (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...) and shared files.",
    "Exit codes: 0 success, 1 an AWS or network error, 2 bad usage.",
    "",
    `Run ${paint("cyan", "asyncaws <command> --help")} for a command's options and an example.`,
    `Try it with no AWS account: ${paint("cyan", "npm run emulator")} in a clone of the repository.`,
  ].join("\n");
}

/** A failure that is not bad usage (exit code 1), with a message for the user. */
export class Failure extends Error {
  override readonly name = "Failure";
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
