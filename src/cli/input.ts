/**
 * Input: lines of a file or of stdin, with the bytes read so far (for a progress bar), and one
 * line typed at a prompt.
 *
 * @module
 */

import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { Failure } from "./args.js";

/** Lines of a file (or stdin for `-`), and the file's size (for a progress bar). */
export interface LineSource {
  lines: AsyncIterable<string>;
  /** The file's size, when known. */
  size: number | undefined;
  close(): void;
}

/** Opens `path` (or stdin for `-`) for reading line by line. */
export function openLines(path: string, stdin: NodeJS.ReadableStream): LineSource {
  let size: number | undefined;
  let input: NodeJS.ReadableStream;
  if (path === "-") input = stdin;
  else {
    try {
      size = statSync(path).size;
    } catch (error) {
      throw new Failure(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
    }
    input = createReadStream(path);
  }
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  return {
    lines: rl,
    size,
    close: () => rl.close(),
  };
}

/** Reads all of stdin as text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads one line from the stream (a prompt's answer); undefined at end of input or on abort. */
export function readLine(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stream, terminal: false });
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      signal.removeEventListener("abort", onAbort);
      rl.close();
      resolve(value);
    };
    const onAbort = () => finish(undefined);
    signal.addEventListener("abort", onAbort);
    rl.once("line", (line) => finish(line));
    rl.once("close", () => finish(undefined));
  });
}
