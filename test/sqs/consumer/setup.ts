// Shared pieces of the consumer and producer tests.
import { SQS } from "../../../src/sqs/index.js";
import type { Queue } from "../../../src/sqs/queue.js";
import { type ProxiedRequest, startFaultProxy } from "../../helpers/fault-proxy.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../../helpers/fauxqs.js";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, checking every 10 ms; fails after `timeoutMs` with `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** fauxqs behind a recording (fault-free unless asked) proxy, and clients for both. */
export interface Bench {
  emulator: Emulator;
  /** Every request through the proxy, in arrival order. */
  requests: ProxiedRequest[];
  /** A client straight to the emulator (setup and checks). */
  direct: SQS;
  /** A client through the proxy (what the tests exercise). */
  sqs: SQS;
  /** Creates a queue (directly) and returns its handle through the proxy. */
  queue(prefix: string, attributes?: Record<string, string>, fifo?: boolean): Promise<Queue>;
  setFaultRate(rate: number): void;
  /** Faults injected so far, by kind. */
  injected(): Record<string, number>;
  close(): Promise<void>;
}

export async function startBench(options: { faultRate?: number; seed?: number } = {}): Promise<Bench> {
  const emulator = await startEmulator();
  const requests: ProxiedRequest[] = [];
  const proxy = await startFaultProxy({
    target: emulator.endpoint,
    faultRate: options.faultRate ?? 0,
    seed: options.seed ?? 7,
    onRequest: (request) => requests.push(request),
  });
  const direct = new SQS({ endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS });
  const sqs = new SQS({ endpoint: proxy.endpoint, credentials: TEST_CREDENTIALS });
  return {
    emulator,
    requests,
    direct,
    sqs,
    async queue(prefix, attributes = {}, fifo = false) {
      const { QueueUrl } = await direct.createQueue({
        QueueName: fifo ? `${uniqueName(prefix)}.fifo` : uniqueName(prefix),
        Attributes: fifo ? { FifoQueue: "true", ...attributes } : attributes,
      });
      return sqs.queue(QueueUrl!);
    },
    setFaultRate: (rate) => proxy.setFaultRate(rate),
    injected: () => Object.fromEntries(proxy.injected),
    async close() {
      await proxy.close();
      await emulator.stop();
    },
  };
}

/** The requests of one action (and queue) seen by the proxy. */
export function requestsOf(bench: Bench, action: string, queueUrl?: string): ProxiedRequest[] {
  return bench.requests.filter(
    (request) => request.action === action && (queueUrl === undefined || request.body.QueueUrl === queueUrl),
  );
}

/** Receives (directly) until `count` messages came or `timeoutMs` passed; returns their bodies. */
export async function drain(
  sqs: SQS,
  queueUrl: string,
  count: number,
  timeoutMs = 10_000,
): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (bodies.length < count && Date.now() < deadline) {
    const { Messages = [] } = await sqs.receiveMessage({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
    });
    for (const message of Messages) {
      bodies.push(message.Body!);
      await sqs.deleteMessage({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! });
    }
  }
  return bodies;
}
