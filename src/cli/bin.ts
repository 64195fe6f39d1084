#!/usr/bin/env node
/**
 * The `asyncaws` bin: runs the command line, waits for stdout to be flushed, exits with the
 * command's code (kept-alive connections would otherwise hold the process open).
 *
 * @module
 */

import { main } from "./main.js";

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.stdout.write("", () => process.exit(code));
