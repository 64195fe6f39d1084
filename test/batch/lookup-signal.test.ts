// The batch targets look up the queue URL (GetQueueUrl) or the topic ARN (STS GetCallerIdentity,
// or CreateTopic with { create: true }) under the batch's signal and deadline: a producer's abort,
// close({ timeoutMs }) or deadlineMs ends a lookup that hangs, on the wire; a lookup shared by
// several callers runs on while one of them still waits, and stops once none does. Loopback
// servers of the test's own hold the lookup open and record when the client hangs up.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { clearCallerAccounts } from "../../src/core/account.js";
import { isAbortError, isTimeoutError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { SQS } from "../../src/sqs/index.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { json, type Loopback, type RecordedRequest, startLoopback, xml } from "../helpers/loopback.js";

const ACCOUNT = "000000000000";

/** A few turns of the event loop. */
async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Resolves with true once `happened()` holds, false if it does not within 5 s (a guard, not a measure). */
async function eventually(happened: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 5) {
    if (happened()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return happened();
}

interface LookupServer {
  server: Loopback;
  /** Lookups received. */
  lookups: number;
  /** Lookups whose connection the client closed before an answer. */
  hungUp: number;
  /** Lets the held lookups (and later ones) be answered. */
  release(): void;
  /** Batch requests received. */
  batches: number;
}

/**
 * A loopback server that holds each lookup (`isLookup`) until `release()`, answering it then with
 * `answer`, and accepts every entry of a batch request.
 */
async function lookupServer(
  isLookup: (request: RecordedRequest) => boolean,
  answer: () => ReturnType<typeof json>,
  accept: (request: RecordedRequest) => ReturnType<typeof json>,
): Promise<LookupServer> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state: LookupServer = {
    server: undefined as never,
    lookups: 0,
    hungUp: 0,
    batches: 0,
    release: () => release(),
  };
  state.server = await startLoopback((request) => {
    if (!isLookup(request)) {
      state.batches++;
      return accept(request);
    }
    state.lookups++;
    return {
      raw: (_req, res) => {
        let answered = false;
        res.on("close", () => {
          if (!answered) state.hungUp++;
        });
        void released.then(() => {
          if (res.destroyed) return;
          answered = true;
          const reply = answer();
          res.writeHead(reply.status ?? 200, reply.headers ?? {});
          res.end(reply.body ?? "");
        });
      },
    };
  });
  return state;
}

/** An SQS server: GetQueueUrl held, SendMessageBatch accepted. */
function sqsServer(): Promise<LookupServer> {
  let server: LookupServer;
  const promise = lookupServer(
    (request) => request.headers["x-amz-target"] === "AmazonSQS.GetQueueUrl",
    () => json({ QueueUrl: `${server.server.endpoint}/${ACCOUNT}/jobs` }),
    (request) => {
      const { Entries } = JSON.parse(request.body) as { Entries: { Id: string }[] };
      return json({ Successful: Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })), Failed: [] });
    },
  );
  return promise.then((s) => {
    server = s;
    return s;
  });
}

const sqsOf = (server: LookupServer) =>
  new SQS({ endpoint: server.server.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });

describe("batch targets: the queue URL lookup ends with the batch's signal or deadline", () => {
  it("a producer's signal aborts a GetQueueUrl that hangs", async () => {
    const server = await sqsServer();
    try {
      const controller = new AbortController();
      const producer = sqsOf(server).queue("jobs").producer({ lingerMs: 0, signal: controller.signal });
      const sent = producer.send("x").then(
        () => assert.fail("sent"),
        (error: unknown) => error,
      );
      assert.ok(await eventually(() => server.lookups === 1), "the lookup went out");
      controller.abort(new Error("stop"));
      assert.ok(isAbortError(await sent));
      assert.ok(await eventually(() => server.hungUp === 1), "the lookup was aborted on the wire");
      assert.equal(server.batches, 0);
    } finally {
      await server.server.close();
    }
  });

  it("close({ timeoutMs }) gives up on a GetQueueUrl that hangs, and ends it", async () => {
    const server = await sqsServer();
    try {
      const producer = sqsOf(server).queue("jobs").producer({ lingerMs: 0 });
      const sent = producer.send("x").then(
        () => assert.fail("sent"),
        (error: unknown) => error,
      );
      assert.ok(await eventually(() => server.lookups === 1));
      await producer.close({ timeoutMs: 20 });
      assert.ok(isTimeoutError(await sent));
      assert.ok(await eventually(() => server.hungUp === 1), "the lookup was aborted on the wire");
    } finally {
      await server.server.close();
    }
  });

  it("a producer's deadlineMs bounds the lookup: the entry fails with a TimeoutError, the lookup ends", async () => {
    const server = await sqsServer();
    try {
      // The modules a producer loads at its first batch, loaded: the lookup goes out at once, well
      // within the deadline, however busy the machine.
      await sqsOf(server)
        .queue(`${server.server.endpoint}/${ACCOUNT}/warm`)
        .producer({ lingerMs: 0 })
        .send("w");
      const producer = sqsOf(server).queue("jobs").producer({ lingerMs: 0, deadlineMs: 500 });
      let settled = false;
      const sent = producer.send("x").then(
        () => assert.fail("sent"),
        (error: unknown) => {
          settled = true;
          return error;
        },
      );
      assert.ok(await eventually(() => server.lookups === 1), "the lookup went out");
      assert.ok(await eventually(() => settled), "the entry settled by its deadline");
      assert.ok(isTimeoutError(await sent));
      assert.ok(await eventually(() => server.hungUp === 1), "the lookup was aborted on the wire");
      await producer.close();
    } finally {
      await server.server.close();
    }
  });

  it("a lookup shared with a caller still waiting runs on when one aborts; it stops once none waits", async () => {
    const server = await sqsServer();
    try {
      // The modules each path loads at its first use, loaded: every caller below joins the
      // lookup within microtasks of its call.
      const warm = sqsOf(server).queue(`${server.server.endpoint}/${ACCOUNT}/warm`);
      await warm.producer({ lingerMs: 0 }).send("warm");
      await warm.sendBatch(["warm"]);
      const queue = sqsOf(server).queue("jobs");
      // A producer that aborts, and a sendBatch that waits on its own signal.
      const first = new AbortController();
      const producer = queue.producer({ lingerMs: 0, signal: first.signal });
      const sent = producer.send("from the producer").catch((error: unknown) => error);
      const second = new AbortController();
      const batch = queue.sendBatch(["from sendBatch"], { signal: second.signal });
      assert.ok(await eventually(() => server.lookups === 1));
      await turns();
      first.abort(new Error("the producer stops"));
      assert.ok(isAbortError(await sent));
      await turns();
      assert.equal(server.hungUp, 0, "the lookup runs on for sendBatch");
      server.release();
      const result = await batch;
      assert.equal(result.Successful.length, 1);
      assert.equal(server.lookups, 1, "one lookup, shared");

      // Both wait on signals of their own: the lookup ends when the second one leaves.
      const a = new AbortController();
      const b = new AbortController();
      const held = await sqsServer();
      try {
        const other = sqsOf(held).queue("jobs");
        const one = other.url({ signal: a.signal }).catch((error: unknown) => error);
        const two = other.sendBatch(["x"], { signal: b.signal }).catch((error: unknown) => error);
        assert.ok(await eventually(() => held.lookups === 1));
        a.abort();
        assert.ok(isAbortError(await one));
        await turns();
        assert.equal(held.hungUp, 0, "still one caller waiting");
        b.abort();
        assert.ok(isAbortError(await two));
        assert.ok(await eventually(() => held.hungUp === 1), "the lookup ended once none waited");
        // The next caller starts a new lookup.
        held.release();
        assert.match(await other.url(), /\/jobs$/);
        assert.equal(held.lookups, 2);
      } finally {
        await held.server.close();
      }
    } finally {
      await server.server.close();
    }
  });

  it("a caller's deadline bounds its own wait, not a shared lookup another caller waits on", async () => {
    const server = await sqsServer();
    try {
      const queue = sqsOf(server).queue("jobs");
      const hurried = queue.url({ deadlineMs: 30 }).catch((error: unknown) => error);
      const patient = queue.url();
      assert.ok(isTimeoutError(await hurried));
      await turns();
      assert.equal(server.hungUp, 0);
      server.release();
      assert.match(await patient, /\/jobs$/);
      assert.equal(server.lookups, 1);
    } finally {
      await server.server.close();
    }
  });
});

describe("batch targets: the topic ARN lookup ends with the batch's signal", () => {
  beforeEach(() => clearCallerAccounts());

  for (const how of ["GetCallerIdentity", "CreateTopic"] as const) {
    it(`a producer's signal aborts a ${how} that hangs`, async () => {
      const server = await lookupServer(
        (request) => new URLSearchParams(request.body).get("Action") === how,
        () =>
          xml(
            how === "CreateTopic"
              ? `<CreateTopicResponse><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:${ACCOUNT}:events</TopicArn></CreateTopicResult></CreateTopicResponse>`
              : `<GetCallerIdentityResponse><GetCallerIdentityResult><Account>${ACCOUNT}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
          ),
        () => xml("<ErrorResponse><Error><Code>Unexpected</Code></Error></ErrorResponse>", 400),
      );
      try {
        const sns = new SNS({
          endpoint: server.server.endpoint,
          region: "us-east-1",
          credentials: TEST_CREDENTIALS,
          maxAttempts: 1,
        });
        const controller = new AbortController();
        const topic = how === "CreateTopic" ? sns.topic("events", { create: true }) : sns.topic("events");
        const producer = topic.producer({ lingerMs: 0, signal: controller.signal });
        const sent = producer.send("x").catch((error: unknown) => error);
        assert.ok(await eventually(() => server.lookups === 1), "the lookup went out");
        controller.abort();
        assert.ok(isAbortError(await sent));
        assert.ok(await eventually(() => server.hungUp === 1), "the lookup was aborted on the wire");
        assert.equal(server.batches, 0);
      } finally {
        await server.server.close();
      }
    });
  }
});

describe("sendBatch and publishBatch: deadlineMs bounds the whole call, its lookup included", () => {
  beforeEach(() => clearCallerAccounts());

  it("a lookup that took 120 ms of a 1000 ms deadline leaves the batches the rest", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // The lookups answer after 120 ms; the batch requests are never answered.
    const server = await startLoopback(async (request) => {
      const action = request.headers["x-amz-target"] ?? new URLSearchParams(request.body).get("Action");
      if (action === "AmazonSQS.GetQueueUrl") {
        await sleep(120);
        return json({ QueueUrl: `http://127.0.0.1:1/${ACCOUNT}/jobs` });
      }
      if (action === "CreateTopic") {
        await sleep(120);
        return xml(
          `<CreateTopicResponse><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:${ACCOUNT}:events</TopicArn></CreateTopicResult></CreateTopicResponse>`,
        );
      }
      return { raw: () => undefined };
    });
    try {
      const options = { endpoint: server.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
      const [queued, published] = await Promise.all([
        new SQS(options).queue("jobs").sendBatch(["x"], { deadlineMs: 1000 }),
        new SNS({ ...options, region: "us-east-1" })
          .topic("events", { create: true })
          .publishBatch(["x"], { deadlineMs: 1000 }),
      ]);
      for (const result of [queued, published]) {
        assert.equal(result.Successful.length, 0);
        const error = result.Failed[0]?.error;
        assert.ok(isTimeoutError(error), String(error));
        // The batch request was given what the lookup left of the deadline, not 1000 ms again.
        assert.ok((error.timeoutMs ?? 1000) <= 900, `the batch was given ${error.timeoutMs} ms`);
      }
    } finally {
      await server.close();
    }
  });
});
