// A small in-memory SQS of the tests' own, speaking AWS JSON 1.0 on 127.0.0.1, that behaves as SQS
// does where fauxqs cannot be steered: a long poll takes messages the moment they are there and
// makes them invisible, then answers a little later, whether or not the client is still listening
// (a poll the client abandons still takes messages, which then stay invisible for their visibility
// timeout). It counts what is invisible, so that a test can show nothing was stranded.
import { createHash } from "node:crypto";
import {
  json,
  type Loopback,
  type RecordedRequest,
  type Reply,
  startLoopback,
} from "../../helpers/loopback.js";

interface Stored {
  id: string;
  body: string;
  /** Receipts so far; the handle of the last one is the valid one. */
  receives: number;
  visibleAt: number;
  deleted: boolean;
}

interface WaitingPoll {
  max: number;
  visibility: number;
  take: (messages: Stored[]) => void;
}

export interface SqsLike {
  endpoint: string;
  /** The queue's URL. */
  url: string;
  server: Loopback;
  /** Adds messages; long polls waiting take them at once. */
  add(bodies: readonly string[]): void;
  /** Messages neither deleted nor visible now. */
  invisible(): number;
  /** Messages deleted. */
  deleted(): number;
  /** Messages handed out by ReceiveMessage, counting each receipt. */
  handedOut(): number;
  /** Long polls waiting for messages on the server's side (whether or not their client still listens). */
  waiting(): number;
  close(): Promise<void>;
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts the server. `answerDelayMs`: how long after taking messages a poll answers (the window
 * in which a client that gives up on the poll loses them).
 */
export async function startSqsLike(
  options: { visibilityTimeout?: number; answerDelayMs?: number } = {},
): Promise<SqsLike> {
  const defaultVisibility = options.visibilityTimeout ?? 60;
  const answerDelayMs = options.answerDelayMs ?? 20;
  const messages: Stored[] = [];
  const polls: WaitingPoll[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let nextId = 0;
  let handedOut = 0;

  const visible = (now: number) => messages.filter((m) => !m.deleted && m.visibleAt <= now);
  const take = (max: number, visibility: number): Stored[] => {
    const now = Date.now();
    const taken = visible(now).slice(0, max);
    for (const message of taken) {
      message.receives++;
      message.visibleAt = now + visibility * 1000;
    }
    handedOut += taken.length;
    return taken;
  };
  const handleOf = (m: Stored) => `${m.id}#${m.receives}`;
  const find = (handle: string) => messages.find((m) => !m.deleted && handleOf(m) === handle);
  const feedPolls = () => {
    while (polls.length > 0 && visible(Date.now()).length > 0) {
      const poll = polls.shift()!;
      poll.take(take(poll.max, poll.visibility));
    }
  };

  const answer = (taken: Stored[]): Reply =>
    json({
      Messages: taken.map((m) => ({
        MessageId: m.id,
        ReceiptHandle: handleOf(m),
        Body: m.body,
        MD5OfBody: md5(m.body),
        Attributes: { ApproximateReceiveCount: String(m.receives) },
      })),
    });

  const handler = async (request: RecordedRequest): Promise<Reply> => {
    const action = String(request.headers["x-amz-target"]).split(".")[1] ?? "";
    const input = JSON.parse(request.body || "{}") as Record<string, unknown>;
    switch (action) {
      case "GetQueueAttributes":
        return json({ Attributes: { VisibilityTimeout: String(defaultVisibility) } });
      case "ReceiveMessage": {
        const max = Number(input.MaxNumberOfMessages ?? 1);
        const visibility = Number(input.VisibilityTimeout ?? defaultVisibility);
        const wait = Number(input.WaitTimeSeconds ?? 0);
        let taken = take(max, visibility);
        if (taken.length === 0 && wait > 0) {
          // Waits for messages; never looks at the connection: an abandoned poll still takes them.
          taken = await new Promise<Stored[]>((resolve) => {
            const poll: WaitingPoll = { max, visibility, take: resolve };
            polls.push(poll);
            const timer = setTimeout(() => {
              timers.delete(timer);
              const index = polls.indexOf(poll);
              if (index >= 0) polls.splice(index, 1);
              resolve([]);
            }, wait * 1000);
            timers.add(timer);
          });
        }
        if (taken.length > 0) await sleep(answerDelayMs);
        return answer(taken);
      }
      case "DeleteMessageBatch": {
        const Successful: object[] = [];
        const Failed: object[] = [];
        for (const entry of input.Entries as { Id: string; ReceiptHandle: string }[]) {
          const message = find(entry.ReceiptHandle);
          if (message) {
            message.deleted = true;
            Successful.push({ Id: entry.Id });
          } else Failed.push({ Id: entry.Id, Code: "ReceiptHandleIsInvalid", SenderFault: true });
        }
        return json({ Successful, Failed });
      }
      case "ChangeMessageVisibilityBatch": {
        const Successful: object[] = [];
        const Failed: object[] = [];
        const now = Date.now();
        for (const entry of input.Entries as {
          Id: string;
          ReceiptHandle: string;
          VisibilityTimeout: number;
        }[]) {
          const message = find(entry.ReceiptHandle);
          if (message && message.visibleAt > now) {
            message.visibleAt = now + entry.VisibilityTimeout * 1000;
            Successful.push({ Id: entry.Id });
          } else Failed.push({ Id: entry.Id, Code: "MessageNotInflight", SenderFault: true });
        }
        setTimeout(feedPolls, 0);
        return json({ Successful, Failed });
      }
      default:
        return json({ __type: "InvalidAction", message: action }, 400);
    }
  };

  const server = await startLoopback(handler);
  return {
    endpoint: server.endpoint,
    url: `${server.endpoint}/000000000000/like-sqs`,
    server,
    add(bodies) {
      for (const body of bodies) {
        messages.push({ id: `m-${nextId++}`, body, receives: 0, visibleAt: 0, deleted: false });
      }
      feedPolls();
    },
    invisible: () => {
      const now = Date.now();
      return messages.filter((m) => !m.deleted && m.visibleAt > now).length;
    },
    deleted: () => messages.filter((m) => m.deleted).length,
    handedOut: () => handedOut,
    waiting: () => polls.length,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const poll of polls.splice(0)) poll.take([]);
      await server.close();
    },
  };
}
