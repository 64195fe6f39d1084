/**
 * What each command gets: the clients (made on first use from the global options), the output,
 * the Ctrl-C signal, and the process's streams and environment.
 *
 * @module
 */

import { SNS, SQS } from "../index.js";
import { OldestAges } from "./oldest.js";
import type { Output } from "./output.js";

/** The process's streams, as the commands use them (replaceable in tests of render functions). */
export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  env: Record<string, string | undefined>;
}

/** The client options the global options give. */
export interface ClientSettings {
  region?: string;
  profile?: string;
  endpoint?: string;
  /** Logs each request on stderr (--debug). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/** A command's context. */
export class Context {
  readonly output: Output;
  readonly io: Io;
  /** Aborted by the first Ctrl-C (SIGINT or SIGTERM): commands stop cleanly, then return. */
  readonly signal: AbortSignal;
  readonly debug: boolean;
  readonly settings: ClientSettings;
  #sqs: SQS | undefined;
  #sns: SNS | undefined;
  #ages: OldestAges | undefined;

  constructor(options: {
    output: Output;
    io: Io;
    signal: AbortSignal;
    debug: boolean;
    settings: ClientSettings;
  }) {
    this.output = options.output;
    this.io = options.io;
    this.signal = options.signal;
    this.debug = options.debug;
    this.settings = options.settings;
  }

  /** The SQS client. */
  get sqs(): SQS {
    this.#sqs ??= new SQS({ ...this.settings });
    return this.#sqs;
  }

  /** The ages of queues' oldest messages (CloudWatch), read and kept for a minute. */
  get oldestAges(): OldestAges {
    this.#ages ??= new OldestAges(this.sqs.region, this.settings, this.io.env);
    return this.#ages;
  }

  /** The SNS client. */
  get sns(): SNS {
    this.#sns ??= new SNS({ ...this.settings });
    return this.#sns;
  }

  /** True when progress may be drawn on stderr (a terminal, and not --quiet). */
  get interactive(): boolean {
    return this.io.stderr.isTTY === true && !this.output.quiet && this.io.env.TERM !== "dumb";
  }
}
