/**
 * Credentials from an external program, the `credential_process` setting of a profile: the
 * command runs through the shell and prints a JSON document on its standard output:
 * `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ..., "Expiration": ...}`
 * (`Expiration` in ISO 8601; without it the credentials never expire).
 *
 * Node-only: `node:child_process` is loaded lazily; elsewhere the source gives nothing.
 *
 * @module
 */

import { builtin, type NodeChildProcess } from "../runtime.js";
import {
  credentialsFrom,
  NotConfigured,
  parseJsonObject,
  type SecretCredentials,
  sourceFailed,
} from "./secret.js";

/** Options of the `credential_process` source (the command a profile names). */
export interface ProcessOptions {
  /**
   * Kill the program after this long, in milliseconds.
   * @default 60000
   */
  timeoutMs?: number | undefined;
}

const MAX_OUTPUT = 1024 * 1024;

/** A short, safe summary of what the program wrote on its error output. */
function stderrSummary(stderr: string): string {
  const text = stderr.trim().replace(/\s+/g, " ");
  if (!text) return "";
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

/**
 * Runs a `credential_process` command and reads its credentials. The command line itself is never
 * quoted in errors (it may hold a password), nor its standard output.
 *
 * @param source - names the source in errors (`credential_process of profile dev`)
 */
export async function runCredentialProcess(
  command: string,
  source: string,
  options: ProcessOptions = {},
): Promise<SecretCredentials> {
  const childProcess = await builtin<NodeChildProcess>("node:child_process");
  if (!childProcess) throw new NotConfigured(source, "this runtime cannot run programs");
  const timeout = options.timeoutMs ?? 60_000;
  const stdout = await new Promise<string>((resolve, reject) => {
    childProcess.exec(command, { timeout, maxBuffer: MAX_OUTPUT, windowsHide: true }, (error, out, err) => {
      if (!error) return resolve(out);
      const why = error.killed
        ? `the program was stopped after ${timeout} ms`
        : typeof error.code === "number"
          ? `the program exited with code ${error.code}${stderrSummary(err)}`
          : `the program could not run (${typeof error.code === "string" ? error.code : "error"})${stderrSummary(err)}`;
      reject(sourceFailed(source, why));
    });
  });
  const value = parseJsonObject(stdout.trim(), source);
  if (value.Version !== 1) throw sourceFailed(source, 'the program\'s JSON must have "Version": 1');
  return credentialsFrom(
    value,
    {
      accessKeyId: "AccessKeyId",
      secretAccessKey: "SecretAccessKey",
      sessionToken: "SessionToken",
      expiration: "Expiration",
    },
    source,
  );
}
