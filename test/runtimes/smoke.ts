// The runtime smoke suite: written once, run unchanged on Node 20 and 24, Bun, Deno, workerd and
// headless Chromium against fauxqs on loopback (see test/runtimes/README.md).
//
// It uses only the package's public API, handed in as `lib` (the namespace of dist/index.js, or of
// a bundle of it), so the suite has no runtime import of the library and bundles anywhere; its
// only imports are its own helpers (assert, smoke-sns, x509). The type import below is erased.
import type * as Asyncaws from "../../src/index.js";
import { CheckFailure, equalBytes, expect, show, unique } from "./assert.js";
import { runSnsChecks } from "./smoke-sns.js";

/** The library under test: the namespace of the built package. */
export type Library = typeof Asyncaws;

/** The outcome of one check. */
export interface CheckResult {
  /** `area.what`, such as `sqs.receive`. */
  name: string;
  status: "pass" | "fail" | "skip";
  /** Why it failed or was skipped. */
  detail?: string;
  /** Wall time of the check, for the log only (never asserted on). */
  ms: number;
}

/** What {@link runSmoke} needs. */
export interface SmokeOptions {
  /** The library under test. */
  lib: Library;
  /** The emulator (or the proxy in front of it), e.g. `http://127.0.0.1:41234`. */
  endpoint: string;
  /** A `fetch` to hand to the clients (the Worker's, the page's); the library's default when absent. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Access key id to sign with; the driver's proxy tells runtimes apart by it. */
  accessKeyId?: string;
  /** Progress output. */
  log?: (line: string) => void;
  /**
   * Where the default credential chain should find credentials: `"shared-file"` where the driver
   * set `AWS_SHARED_CREDENTIALS_FILE` to a file with `accessKeyId` and the test secret (processes),
   * `"none"` where the runtime has no environment and no files (Workers, browsers).
   * @default "none"
   */
  defaultCredentials?: "shared-file" | "none";
}

/** The test secret (never a real one); the driver's proxy checks signatures with it. */
export const TEST_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// Known values, computed once on Node 20: the MD5s with node:crypto directly (AWS's attribute
// digest written out by hand), the presigned URL's signature also by @smithy/signature-v4. Each
// runtime must produce the same, whichever hashing path it takes.
/** A body in two- and three-byte UTF-8 (fauxqs rejects characters above U+FFFF), and its MD5. */
const BODY = "Hello, World! \u00e9\u00e8 \u4e16\u754c \ufb01 \u20ac";
const MD5_OF_BODY = "ecadc15f084169f4f811c4839e5e3876";
/** The attributes sent with the first message, and the MD5 SQS computes of them. */
const BINARY = Uint8Array.of(0, 1, 2, 127, 128, 254, 255);
const MD5_OF_ATTRIBUTES = "d3c55cd32c9f074dd99b308b2c76c393";
/** SHA-256 of "x" repeated 20,000 times (node:crypto on Node 20). */
const SHA256_OF_20000_X = "42e8bc96b8eec8c4e5d503483ba0cb843ce95243c8ca8575ffc69cd25d12c61c";
/** A presigned URL with a fixed clock and fixed credentials. */
const PRESIGNED =
  "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs?Action=ReceiveMessage&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240229%2Feu-west-1%2Fsqs%2Faws4_request&X-Amz-Date=20240229T235959Z&X-Amz-SignedHeaders=host&X-Amz-Expires=900&X-Amz-Signature=05b87c1d87be19286c8ac23d177d4f54054fc41a68574bf0688ccd5c9210d5f9";

function attributes(): Record<string, Asyncaws.MessageAttributeValue> {
  return {
    kind: { DataType: "String", StringValue: "order \u00fcber" },
    count: { DataType: "Number", StringValue: "-12.5e3" },
    blob: { DataType: "Binary", BinaryValue: BINARY },
  };
}

function describeError(error: unknown): string {
  if (error instanceof CheckFailure) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: unknown }).cause;
    let text = `${error.name}: ${error.message}${typeof code === "string" ? ` [${code}]` : ""}`;
    if (cause instanceof Error) text += ` (cause: ${cause.name}: ${cause.message})`;
    return text;
  }
  return `thrown: ${show(error)}`;
}

function now(): number {
  return typeof performance === "object" ? performance.now() : Date.now();
}

/**
 * Runs every check in order and returns one result per check. Never throws: a check that throws
 * fails with the error's name and message; a check whose prerequisite failed fails saying so.
 */
export async function runSmoke(options: SmokeOptions): Promise<CheckResult[]> {
  const { lib, endpoint } = options;
  const log = options.log ?? (() => {});
  const credentials = { accessKeyId: options.accessKeyId ?? "AKIDEXAMPLE", secretAccessKey: TEST_SECRET };
  const anonymousOptions = {
    endpoint,
    region: "us-east-1",
    maxAttempts: 1,
    requestTimeoutMs: 30_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const clientOptions = { ...anonymousOptions, credentials };
  const results: CheckResult[] = [];
  const state: {
    queueUrl?: string;
    received?: Asyncaws.Message[];
  } = {};

  async function check(name: string, body: () => Promise<unknown>): Promise<void> {
    const started = now();
    let result: CheckResult;
    try {
      const skipped = await body();
      result =
        typeof skipped === "string"
          ? { name, status: "skip", detail: skipped, ms: Math.round(now() - started) }
          : { name, status: "pass", ms: Math.round(now() - started) };
    } catch (error) {
      result = { name, status: "fail", detail: describeError(error), ms: Math.round(now() - started) };
    }
    results.push(result);
    log(`${result.status} ${name}${result.detail ? `: ${result.detail}` : ""} (${result.ms} ms)`);
  }

  const sqs = new lib.SQS(clientOptions);

  // --- Pure computations: the hashing and signing paths this runtime takes --------------------

  await check("crypto.md5OfMessageAttributes", async () => {
    const md5 = lib.md5OfMessageAttributes(attributes());
    expect(md5 === MD5_OF_ATTRIBUTES, `got ${md5}, expected ${MD5_OF_ATTRIBUTES}`);
  });

  await check("signer.presignUrl", async () => {
    const url = lib.presignUrl(
      {
        method: "GET",
        host: "sqs.eu-west-1.amazonaws.com",
        path: "/123456789012/jobs",
        query: "Action=ReceiveMessage",
        headers: {},
      },
      {
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: TEST_SECRET },
        region: "eu-west-1",
        service: "sqs",
        date: new Date(Date.UTC(2024, 1, 29, 23, 59, 59)),
        expiresInSeconds: 900,
      },
    );
    expect(url === PRESIGNED, `got ${url}`);
  });

  await check("crypto.largeInput", async () => {
    // 20 KB hashed: where node:crypto exists, hashing moves to it after the first 16 KB (before,
    // the pure code). Both paths must give the same digests.
    const headers = lib.signRequest(
      {
        method: "POST",
        host: "sqs.eu-west-1.amazonaws.com",
        path: "/",
        headers: {},
        body: "x".repeat(20000),
      },
      {
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: TEST_SECRET },
        region: "eu-west-1",
        service: "sqs",
        signBody: true,
      },
    );
    const hash = headers["x-amz-content-sha256"];
    expect(hash === SHA256_OF_20000_X, `x-amz-content-sha256 ${show(hash)}`);
    const md5 = lib.md5OfMessageAttributes(attributes());
    expect(md5 === MD5_OF_ATTRIBUTES, `after the switch: got ${md5}, expected ${MD5_OF_ATTRIBUTES}`);
  });

  // --- SQS against the emulator -----------------------------------------------------------------

  await check("sqs.createQueue", async () => {
    const { QueueUrl } = await sqs.createQueue({
      QueueName: unique("smoke"),
      Attributes: { VisibilityTimeout: "60" },
    });
    expect(typeof QueueUrl === "string" && QueueUrl.includes("smoke-"), `QueueUrl ${show(QueueUrl)}`);
    state.queueUrl = QueueUrl;
  });

  await check("sqs.sendMessage", async () => {
    expect(state.queueUrl, "no queue (createQueue failed)");
    // The client checks both MD5s against its own; they must also match the known values.
    const sent = await sqs.sendMessage({
      QueueUrl: state.queueUrl,
      MessageBody: BODY,
      MessageAttributes: attributes(),
    });
    expect(sent.MD5OfMessageBody === MD5_OF_BODY, `MD5OfMessageBody ${show(sent.MD5OfMessageBody)}`);
    expect(
      sent.MD5OfMessageAttributes === MD5_OF_ATTRIBUTES,
      `MD5OfMessageAttributes ${show(sent.MD5OfMessageAttributes)}`,
    );
    expect(typeof sent.MessageId === "string" && sent.MessageId !== "", "no MessageId");
  });

  await check("sqs.sendBatch", async () => {
    expect(state.queueUrl, "no queue (createQueue failed)");
    const result = await sqs.queue(state.queueUrl).sendBatch([
      "batch one",
      { MessageBody: JSON.stringify({ n: 2 }) },
      {
        Id: "third",
        MessageBody: "batch three",
        MessageAttributes: { kind: { DataType: "String", StringValue: "third" } },
      },
    ]);
    expect(result.Failed.length === 0, `failed entries ${show(result.Failed)}`);
    expect(result.Successful.length === 3, `${result.Successful.length} successful entries, expected 3`);
  });

  await check("sqs.receiveMessage", async () => {
    expect(state.queueUrl, "no queue (createQueue failed)");
    const queue = sqs.queue(state.queueUrl);
    const messages: Asyncaws.Message[] = [];
    for (let round = 0; round < 5 && messages.length < 4; round++) {
      messages.push(...(await queue.receive({ WaitTimeSeconds: 1 })));
    }
    state.received = messages;
    expect(messages.length === 4, `received ${messages.length} messages, expected 4`);
    const first = messages.find((m) => m.Body === BODY);
    expect(first, `no message with the sent body; bodies ${show(messages.map((m) => m.Body))}`);
    expect(first.MD5OfBody === MD5_OF_BODY, `MD5OfBody ${show(first.MD5OfBody)}`);
    expect(
      first.MD5OfMessageAttributes === MD5_OF_ATTRIBUTES,
      `MD5OfMessageAttributes ${show(first.MD5OfMessageAttributes)}`,
    );
    const got = first.MessageAttributes ?? {};
    const want = attributes();
    for (const name of ["kind", "count"]) {
      expect(
        got[name]?.DataType === want[name]?.DataType && got[name]?.StringValue === want[name]?.StringValue,
        `attribute ${name}: ${show(got[name])}`,
      );
    }
    expect(got.blob?.DataType === "Binary", `attribute blob type ${show(got.blob?.DataType)}`);
    expect(
      equalBytes(got.blob?.BinaryValue, BINARY),
      `attribute blob value ${show(got.blob?.BinaryValue)}, expected ${show(BINARY)}`,
    );
    const bodies = messages.map((m) => m.Body).sort();
    expect(
      show(bodies) === show([BODY, JSON.stringify({ n: 2 }), "batch one", "batch three"].sort()),
      `bodies ${show(bodies)}`,
    );
    const third = messages.find((m) => m.Body === "batch three");
    expect(third?.MessageAttributes?.kind?.StringValue === "third", "the batch entry's attribute is missing");
  });

  await check("sqs.deleteMessage", async () => {
    expect(state.queueUrl && state.received?.length, "nothing received (receiveMessage failed)");
    const queue = sqs.queue(state.queueUrl);
    for (const message of state.received) await queue.delete(message);
    const counts = await queue.attributes([
      "ApproximateNumberOfMessages",
      "ApproximateNumberOfMessagesNotVisible",
    ]);
    expect(
      counts.ApproximateNumberOfMessages === "0" && counts.ApproximateNumberOfMessagesNotVisible === "0",
      `left in the queue: ${show(counts)}`,
    );
  });

  await check("sqs.serviceError", async () => {
    // The error code must come through whatever the runtime's fetch shows of the response.
    try {
      await sqs.getQueueUrl({ QueueName: unique("missing") });
    } catch (error) {
      expect(lib.isServiceError(error), `not a ServiceError: ${describeError(error)}`);
      expect(error.code === "QueueDoesNotExist", `code ${show(error.code)}`);
      expect(error.statusCode === 400, `status ${show(error.statusCode)}`);
      return;
    }
    throw new CheckFailure("GetQueueUrl of a missing queue succeeded");
  });

  await check("sqs.abortLongPoll", async () => {
    // A queue of its own: fauxqs hands the next message to an aborted long poll.
    const { QueueUrl } = await sqs.createQueue({ QueueName: unique("smoke-abort") });
    expect(QueueUrl, "no QueueUrl");
    try {
      const controller = new AbortController();
      const started = now();
      const timer = setTimeout(() => controller.abort(), 300);
      let outcome: unknown;
      try {
        outcome = await sqs.receiveMessage(
          { QueueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 1 },
          { signal: controller.signal },
        );
      } catch (error) {
        outcome = error;
      } finally {
        clearTimeout(timer);
      }
      const elapsed = now() - started;
      expect(lib.isAbortError(outcome), `not an AbortError: ${describeError(outcome)}`);
      // Not a timing assertion: only that the 20 s long poll did not run its course.
      expect(elapsed < 15_000, `the abort took ${Math.round(elapsed)} ms: the long poll ran its course`);
      // The client still works after an aborted request (no poisoned connection).
      const after = await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ["QueueArn"] });
      expect(after.Attributes?.QueueArn, "GetQueueAttributes after the abort returned no QueueArn");
    } finally {
      await sqs.deleteQueue({ QueueUrl });
    }
  });

  await check("sqs.fetchOption", async () => {
    // The `fetch` option: every request goes through the function given (where the runtime's
    // default is node:http, this is the only run of the fetch transport).
    expect(state.queueUrl, "no queue (createQueue failed)");
    const base = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
    let calls = 0;
    const counted = new lib.SQS({
      ...clientOptions,
      fetch: (input: string, init: RequestInit) => {
        calls++;
        return base(input, init);
      },
    });
    await counted.sendMessage({
      QueueUrl: state.queueUrl,
      MessageBody: BODY,
      MessageAttributes: { blob: { DataType: "Binary", BinaryValue: BINARY } },
    });
    const { Messages = [] } = await counted.receiveMessage({
      QueueUrl: state.queueUrl,
      WaitTimeSeconds: 2,
      MessageAttributeNames: ["All"],
    });
    expect(
      Messages.length === 1 && Messages[0]?.Body === BODY,
      `received ${show(Messages.map((m) => m.Body))}`,
    );
    expect(
      equalBytes(Messages[0]?.MessageAttributes?.blob?.BinaryValue, BINARY),
      `attribute blob ${show(Messages[0]?.MessageAttributes?.blob)}`,
    );
    await counted.deleteMessage({ QueueUrl: state.queueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle! });
    expect(calls === 3, `the fetch option was called ${calls} times, expected 3`);
  });

  await check("sqs.produceAndConsume", async () => {
    // The producer and the consumer (code loaded with import() on first use) on this runtime.
    const { QueueUrl } = await sqs.createQueue({ QueueName: unique("smoke-consume") });
    expect(QueueUrl, "no QueueUrl");
    try {
      const queue = sqs.queue(QueueUrl);
      const sent = await queue.producer().sendAll(["one", "two", "three"]);
      expect(sent.sent === 3 && sent.failed === 0, `sendAll ${show(sent)}`);
      const bodies: string[] = [];
      let all!: () => void;
      const handled = new Promise<void>((resolve) => {
        all = resolve;
      });
      const consumer = queue.consume(
        async (message) => {
          bodies.push(message.Body ?? "");
          if (bodies.length === 3) all();
        },
        { waitTimeSeconds: 1, concurrency: 3 },
      );
      const timer = setTimeout(all, 15_000);
      await handled;
      clearTimeout(timer);
      await consumer.stop();
      expect(show(bodies.sort()) === show(["one", "three", "two"]), `handled ${show(bodies)}`);
      expect(consumer.status.deleted === 3, `deleted ${consumer.status.deleted}, expected 3`);
    } finally {
      await sqs.deleteQueue({ QueueUrl });
    }
  });

  await check("observe.hooks", async () => {
    // The classes take the hooks as a plain object or made by observe; the bare client only the latter.
    expect(state.queueUrl, "no queue (createQueue failed)");
    const seen: Asyncaws.RequestContext[] = [];
    const hooks = { onResponse: (call: Asyncaws.RequestContext) => void seen.push(call) };
    for (const given of [hooks, lib.observe(hooks)]) {
      await new lib.SQS({ ...clientOptions, hooks: given }).sendMessage({
        QueueUrl: state.queueUrl,
        MessageBody: "observed",
      });
    }
    expect(seen.length === 2, `${seen.length} calls seen, expected 2`);
    for (const call of seen) {
      expect(call.operation === "SendMessage", `operation ${show(call.operation)}`);
      expect(call.attributes["messaging.operation.name"] === "send", `attributes ${show(call.attributes)}`);
    }
    let refused: unknown;
    try {
      new lib.SQSClient({ ...clientOptions, hooks: hooks as never });
    } catch (error) {
      refused = error;
    }
    expect(
      lib.isValidationError(refused) && refused.field === "hooks",
      `the bare client took plain hooks: ${describeError(refused)}`,
    );
  });

  await check("observe.channel", async () => {
    // Where the runtime has tracing channels, every client's calls are published, with one
    // context for the channel and the hooks.
    const dc = (
      globalThis as {
        process?: { getBuiltinModule?: (id: string) => unknown };
      }
    ).process?.getBuiltinModule?.("node:diagnostics_channel") as
      | {
          tracingChannel(name: string): {
            subscribe(handlers: object): void;
            unsubscribe(handlers: object): void;
          };
        }
      | undefined;
    if (typeof dc?.tracingChannel !== "function") return "no node:diagnostics_channel";
    const published: Asyncaws.RequestContext[] = [];
    const hooked: Asyncaws.RequestContext[] = [];
    const noop = () => {};
    const subscriber = {
      start: (context: Asyncaws.RequestContext) => void published.push(context),
      end: noop,
      asyncStart: noop,
      asyncEnd: noop,
      error: noop,
    };
    const channel = dc.tracingChannel(lib.REQUEST_CHANNEL);
    channel.subscribe(subscriber);
    try {
      await new lib.SQS(clientOptions).listQueues({ MaxResults: 1 });
      const hooks = lib.observe({ onResponse: (call) => void hooked.push(call) });
      await new lib.SQS({ ...clientOptions, hooks }).listQueues({ MaxResults: 1 });
    } finally {
      channel.unsubscribe(subscriber);
    }
    expect(
      published.length === 2 && published.every((call) => call.operation === "ListQueues"),
      `the request channel saw ${show(published.map((call) => call.operation))}`,
    );
    expect(
      hooked.length === 1 && hooked[0] === published[1],
      "the hooks got another context than the channel's",
    );
  });

  await check("sqs.deleteQueue", async () => {
    expect(state.queueUrl, "no queue (createQueue failed)");
    await sqs.deleteQueue({ QueueUrl: state.queueUrl });
  });

  await check("credentials.defaultChain", async () => {
    // No credentials option: the default chain runs on this runtime. Sources the runtime cannot
    // have (files, environment, instance metadata in a browser) must be skipped, not crash.
    const client = new lib.SQS(anonymousOptions);
    let failure: unknown;
    try {
      await client.listQueues({ MaxResults: 1 });
    } catch (error) {
      failure = error;
    }
    if (options.defaultCredentials === "shared-file") {
      if (failure === undefined) return;
      expect(lib.isCredentialsError(failure), `not a CredentialsError: ${describeError(failure)}`);
      const sources = failure.attempts.map((attempt) => attempt.source).join(", ");
      if (!/file|profile|shared/i.test(sources)) {
        return `this build's default chain reads no shared credentials file (tried: ${sources})`;
      }
      throw new CheckFailure(`the shared credentials file was not used: ${failure.message}`);
    }
    expect(failure !== undefined, "a call with no credentials anywhere succeeded");
    expect(lib.isCredentialsError(failure), `not a CredentialsError: ${describeError(failure)}`);
  });

  // --- SNS --------------------------------------------------------------------------------------

  await runSnsChecks({ lib, clientOptions, check, body: BODY, binary: BINARY });

  return results;
}
