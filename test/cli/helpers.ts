// Runs the compiled `asyncaws` bin (.build/src/cli/bin.js, from the test build) in a child
// process, with test credentials and nothing else of the machine's AWS setup.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { SNS, SQS } from "../../src/index.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";

/** The bin as the test build compiles it. */
export const BIN = new URL("../../src/cli/bin.js", import.meta.url).pathname;

/** What a run gave. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const home = mkdtempSync(join(tmpdir(), "asyncaws-cli-home-"));

/** The environment of a run: test credentials, a region, an empty home; no colour forced either way. */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(home, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Options of a run. */
export interface RunOptions {
  /** Written to stdin, then stdin is closed (stdin is closed at once when absent). */
  input?: string;
  env?: Record<string, string | undefined>;
  /** Called with the child once it runs (to send it a signal). */
  started?: (child: ReturnType<typeof spawn>, output: { stdout: string; stderr: string }) => void;
}

/** Runs `asyncaws ...args` and collects its output. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cliEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const output = { stdout: "", stderr: "" };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output.stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output.stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, ...output }));
    child.stdin.on("error", () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
    options.started?.(child, output);
  });
}

/** The lines of an ndjson output, parsed. */
export function ndjson<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

// The emulator of one test file, and clients of it (live bindings, set by useEmulator's hook).
export let emulator: Emulator;
export let sqs: SQS;
export let sns: SNS;
/** A temporary folder of the test file. */
export let dir: string;

/** Starts fauxqs before the file's tests, stops it after. */
export function useEmulator(): void {
  before(async () => {
    emulator = await startEmulator();
    const options = { endpoint: emulator.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
    sqs = new SQS(options);
    sns = new SNS(options);
    dir = mkdtempSync(join(tmpdir(), "asyncaws-cli-"));
  });
  after(() => emulator.stop());
}

/** Runs the CLI against the emulator. */
export const cli = (args: string[], options: RunOptions = {}) =>
  runCli([...args, "--endpoint", emulator.endpoint], options);

/** Creates a queue with a unique name (FIFO when the prefix ends in .fifo). */
export async function createQueue(prefix: string, attributes: Record<string, string> = {}) {
  const fifo = prefix.endsWith(".fifo");
  const name = fifo ? `${uniqueName(prefix.slice(0, -5))}.fifo` : uniqueName(prefix);
  const { QueueUrl } = await sqs.createQueue({
    QueueName: name,
    Attributes: fifo ? { FifoQueue: "true", ...attributes } : attributes,
  });
  const queue = sqs.queue(QueueUrl!);
  const arn = (await queue.attributes(["QueueArn"])).QueueArn!;
  return { name, url: QueueUrl!, queue, arn };
}

/** A queue's visible and in-flight counts. */
export async function counts(queue: ReturnType<SQS["queue"]>) {
  const a = await queue.attributes(["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
  };
}
