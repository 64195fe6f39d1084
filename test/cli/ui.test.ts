// `asyncaws ui`: the server's safety rules (each refusal), its JSON endpoints against fauxqs on
// loopback, and message bodies that stay text. The server runs in this process; requests are made
// with node:http, which lets a test send any Host and Origin.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import type { MessageRecord } from "../../src/cli/messages.js";
import { OldestAges } from "../../src/cli/oldest.js";
import { APP_JS, escapeHtml, renderIndex } from "../../src/cli/ui/page.js";
import { cookieToken, refusal, sameToken } from "../../src/cli/ui/security.js";
import { startUi, type UiServer } from "../../src/cli/ui/server.js";
import { SNS, SQS } from "../../src/index.js";
import { TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { json, startLoopback, xml } from "../helpers/loopback.js";
import { counts, createQueue, sns, sqs, useEmulator } from "./helpers.js";

useEmulator();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

/** One request to the server, with whatever headers the test wants. */
function call(
  server: UiServer,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        method,
        path,
        headers: {
          host: `127.0.0.1:${server.port}`,
          ...(body ? { "content-type": "application/json" } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

let server: UiServer;
let readOnlyServer: UiServer;
const origin = () => `http://127.0.0.1:${server.port}`;
const get = (path: string) =>
  call(server, "GET", path, { headers: { cookie: `asyncaws_ui_${server.port}=${server.token}` } });
const post = (path: string, body: unknown, target = server) =>
  call(target, "POST", path, {
    body,
    headers: { origin: `http://127.0.0.1:${target.port}`, "x-asyncaws-token": target.token },
  });

/** The clients, read when used (the emulator's hook sets them). */
const clients = (readOnly: boolean) => ({
  get sqs() {
    return sqs;
  },
  get sns() {
    return sns;
  },
  readOnly,
});

before(async () => {
  server = await startUi(clients(false));
  readOnlyServer = await startUi(clients(true));
});
after(async () => {
  await server.close();
  await readOnlyServer.close();
});

describe("ui safety", () => {
  it("listens on the loopback and prints an address with a long random token", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    assert.notEqual(server.token, readOnlyServer.token);
  });

  it("refuses requests without the token, or with a wrong one", async () => {
    const none = await call(server, "GET", "/");
    assert.equal(none.status, 401);
    assert.doesNotMatch(none.body, /<html/);
    assert.equal((await call(server, "GET", "/api/queues")).status, 401);
    assert.equal((await call(server, "GET", "/?token=wrong")).status, 401);
    assert.equal(
      (
        await call(server, "GET", "/api/queues", {
          headers: { cookie: `asyncaws_ui_${server.port}=${server.token}x` },
        })
      ).status,
      401,
    );
  });

  it("moves the printed token into an HttpOnly SameSite=Strict cookie and out of the address", async () => {
    const first = await call(server, "GET", `/?token=${server.token}`);
    assert.equal(first.status, 303);
    assert.equal(first.headers.location, "/");
    const cookie = String(first.headers["set-cookie"]);
    assert.match(
      cookie,
      new RegExp(`^asyncaws_ui_${server.port}=${server.token}; HttpOnly; SameSite=Strict; Path=/$`),
    );
    const page = await get("/");
    assert.equal(page.status, 200, page.body);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.match(String(page.headers["content-security-policy"]), /script-src 'self'/);
    assert.equal(page.headers["x-frame-options"], "DENY");
  });

  it("refuses a Host that is not its loopback address and port (DNS rebinding), even with the token", async () => {
    for (const host of [
      "evil.example",
      `evil.example:${server.port}`,
      "127.0.0.1:1",
      `127.0.0.2:${server.port}`,
    ]) {
      const answer = await call(server, "GET", `/api/queues?token=${server.token}`, {
        headers: { host, cookie: `asyncaws_ui_${server.port}=${server.token}` },
      });
      assert.equal(answer.status, 421, host);
    }
    const ok = await call(server, "GET", "/api/queues", {
      headers: { host: `localhost:${server.port}`, cookie: `asyncaws_ui_${server.port}=${server.token}` },
    });
    assert.equal(ok.status, 200);
  });

  it("takes changes only as POSTs from its own page: Origin and the token header checked", async () => {
    const { name, queue } = await createQueue("ui-csrf");
    const body = { body: "should not be sent" };
    const path = `/api/queues/${name}/send`;
    const cookie = `asyncaws_ui_${server.port}=${server.token}`;
    const noOrigin = await call(server, "POST", path, {
      body,
      headers: { cookie, "x-asyncaws-token": server.token },
    });
    assert.equal(noOrigin.status, 403);
    assert.match(noOrigin.json().error as string, /Origin refused/);
    const foreign = await call(server, "POST", path, {
      body,
      headers: { cookie, origin: "http://evil.example", "x-asyncaws-token": server.token },
    });
    assert.equal(foreign.status, 403);
    const cookieOnly = await call(server, "POST", path, { body, headers: { cookie, origin: origin() } });
    assert.equal(cookieOnly.status, 403, "a cookie alone (a form on another site) is not enough");
    assert.match(cookieOnly.json().error as string, /token in its header/);
    for (const method of ["PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const answer = await call(server, method, path, {
        headers: { cookie, origin: origin(), "x-asyncaws-token": server.token },
      });
      assert.equal(answer.status, 405, method);
      assert.equal(answer.headers["access-control-allow-origin"], undefined, "no CORS");
    }
    const viaGet = await get(`${path}?body=x`);
    assert.equal(viaGet.status, 404, "no change through GET");
    assert.deepEqual(await counts(queue), { visible: 0, inFlight: 0 }, "nothing was sent");
  });

  it("refuses every change in read-only mode, and the page says so", async () => {
    const { name, queue } = await createQueue("ui-ro");
    await queue.send("keep me");
    for (const [action, body] of [
      ["send", { body: "x" }],
      ["purge", { confirm: name }],
      ["delete", { receiptHandle: "x" }],
      ["redrive", {}],
    ] as const) {
      const answer = await post(`/api/queues/${name}/${action}`, body, readOnlyServer);
      assert.equal(answer.status, 403, action);
      assert.match(answer.json().error as string, /read-only/);
    }
    const page = await call(readOnlyServer, "GET", "/", {
      headers: { cookie: `asyncaws_ui_${readOnlyServer.port}=${readOnlyServer.token}` },
    });
    assert.match(page.body, /<meta name="asyncaws-read-only" content="1">/);
    assert.deepEqual(await counts(queue), { visible: 1, inFlight: 0 });
  });

  it("checks tokens in constant time and reads them from the cookie header", () => {
    assert.equal(sameToken("abc", "abc"), true);
    assert.equal(sameToken("abd", "abc"), false);
    assert.equal(sameToken("ab", "abc"), false);
    assert.equal(sameToken(undefined, "abc"), false);
    assert.equal(cookieToken("a=1; asyncaws_ui_80=t0k=n; b=2", "asyncaws_ui_80"), "t0k=n");
    assert.equal(cookieToken("asyncaws_ui_81=t", "asyncaws_ui_80"), undefined);
    const rules = {
      token: "t",
      cookie: "asyncaws_ui_1",
      hosts: new Set(["127.0.0.1:1"]),
      origins: new Set(["http://127.0.0.1:1"]),
    };
    const base = {
      method: "GET",
      host: "127.0.0.1:1",
      origin: undefined,
      cookie: undefined,
      headerToken: undefined,
      queryToken: "t",
    };
    assert.equal(refusal(base, rules), undefined);
    assert.equal(refusal({ ...base, host: undefined }, rules)?.status, 421);
  });
});

describe("ui endpoints", () => {
  it("lists queues, sends, peeks (released, with the warning), deletes, purges after the name is typed", async () => {
    const { name, queue } = await createQueue("ui-q");
    const sent = await post(`/api/queues/${name}/send`, {
      body: '{"id":7}',
      attributes: {
        kind: { DataType: "String", StringValue: "order" },
        n: { DataType: "Number", StringValue: "3" },
      },
    });
    assert.equal(sent.status, 200, sent.body);
    const listed = (await get("/api/queues")).json() as unknown as { name: string; visible: number }[];
    assert.equal(listed.find((q) => q.name === name)?.visible, 1);
    const peeked = await get(`/api/queues/${name}/peek?n=5`);
    assert.equal(peeked.status, 200);
    const { messages, warning } = peeked.json() as unknown as {
      messages: (MessageRecord & { ReceiptHandle: string })[];
      warning: string;
    };
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.Body, '{"id":7}');
    assert.equal(messages[0]!.MessageAttributes?.n?.StringValue, "3");
    assert.match(warning, /raised their receive count/);
    assert.deepEqual(await counts(queue), { visible: 1, inFlight: 0 }, "released at once");
    assert.match(messages[0]!.ReceiptHandle, /\S/);
    // fauxqs deletes only messages in flight (SQS also takes the handle of a released message):
    // the delete is tested with a message this test holds.
    const [held] = await queue.receive({ WaitTimeSeconds: 0 });
    const deleted = await post(`/api/queues/${name}/delete`, { receiptHandle: held!.ReceiptHandle });
    assert.equal(deleted.status, 200, deleted.body);
    assert.deepEqual(await counts(queue), { visible: 0, inFlight: 0 });
    await queue.sendBatch(["a", "b"]);
    const wrong = await post(`/api/queues/${name}/purge`, { confirm: "other" });
    assert.equal(wrong.status, 400);
    assert.deepEqual(await counts(queue), { visible: 2, inFlight: 0 });
    assert.equal((await post(`/api/queues/${name}/purge`, { confirm: name })).status, 200);
    assert.deepEqual(await counts(queue), { visible: 0, inFlight: 0 });
    const missing = await get(`/api/queues/${uniqueName("missing")}/peek`);
    assert.equal(missing.status, 502);
    assert.match(missing.json().error as string, /GetQueueUrl/);
  });

  it("redrives with SQS's move task where the service has it, and follows the task", async () => {
    const arn = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";
    const task = {
      TaskHandle: "task-1",
      Status: "RUNNING",
      SourceArn: arn,
      ApproximateNumberOfMessagesMoved: 1,
    };
    const stub = await startLoopback((request) => {
      const action = (request.headers["x-amz-target"] ?? "").replace("AmazonSQS.", "");
      const input = JSON.parse(request.body || "{}") as Record<string, unknown>;
      if (action === "GetQueueUrl")
        return json({ QueueUrl: `http://127.0.0.1/123456789012/${input.QueueName}` });
      if (action === "GetQueueAttributes")
        return json({ Attributes: { QueueArn: arn, ApproximateNumberOfMessages: "3" } });
      if (action === "StartMessageMoveTask") return json({ TaskHandle: "task-1" });
      if (action === "ListMessageMoveTasks") return json({ Results: [task] });
      return json({ __type: "com.amazonaws.sqs#InvalidAction", message: action }, 400);
    });
    const options = { endpoint: stub.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
    const ui = await startUi({ sqs: new SQS(options), sns: new SNS(options), readOnly: false });
    try {
      const started = await post("/api/queues/orders-dlq/redrive", {}, ui);
      assert.equal(started.status, 200, started.body);
      assert.deepEqual(started.json(), { mode: "service", TaskHandle: "task-1" });
      const start = stub.requests.find((r) => r.headers["x-amz-target"] === "AmazonSQS.StartMessageMoveTask");
      assert.deepEqual(JSON.parse(start?.body ?? "null"), { SourceArn: arn });
      const followed = await call(ui, "GET", "/api/queues/orders-dlq/redrive", {
        headers: { cookie: `asyncaws_ui_${ui.port}=${ui.token}` },
      });
      assert.deepEqual(followed.json(), { task });
      const actions = stub.requests.map((r) => r.headers["x-amz-target"]);
      assert.ok(!actions.includes("AmazonSQS.ReceiveMessage"), "nothing moved by the server itself");
    } finally {
      await ui.close();
      await stub.close();
    }
  });

  it("redrives by moving the messages itself where the service lacks the task (fauxqs), as asyncaws move does", async () => {
    const dlq = await createQueue("ui-dlq");
    const main = await createQueue("ui-main", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    await dlq.queue.sendBatch(["a", "b", "c"]);
    const none = (await get(`/api/queues/${dlq.name}/redrive`)).json();
    assert.deepEqual(none, { task: null }, "no task yet, and no error for the missing action");
    const started = await post(`/api/queues/${dlq.name}/redrive`, {});
    assert.equal(started.status, 200, started.body);
    assert.equal(started.json().mode, "client");
    assert.equal(started.json().reason, "InvalidAction");
    let task: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      task = (await get(`/api/queues/${dlq.name}/redrive`)).json().task as Record<string, unknown>;
      if (task.Status !== "RUNNING") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(task.Status, "COMPLETED", JSON.stringify(task));
    assert.equal(task.ApproximateNumberOfMessagesMoved, 3);
    assert.equal(task.ApproximateNumberOfMessagesToMove, 3);
    assert.equal(task.mode, "client");
    assert.deepEqual(await counts(dlq.queue), { visible: 0, inFlight: 0 });
    assert.deepEqual(await counts(main.queue), { visible: 3, inFlight: 0 });
    // A queue no other queue uses as its dead-letter queue: the task fails, nothing is lost.
    const lonely = await createQueue("ui-lonely");
    await lonely.queue.send("stay");
    assert.equal((await post(`/api/queues/${lonely.name}/redrive`, {})).status, 200);
    for (let i = 0; i < 200; i++) {
      task = (await get(`/api/queues/${lonely.name}/redrive`)).json().task as Record<string, unknown>;
      if (task.Status !== "RUNNING") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(task.Status, "FAILED");
    assert.match(
      String(task.FailureReason),
      /no queue uses .* as its dead-letter queue: name the destination/,
    );
    assert.deepEqual(await counts(lonely.queue), { visible: 1, inFlight: 0 });
  });

  it("moves a standard queue's messages into a FIFO queue only with a group id for them", async () => {
    const plain = await createQueue("ui-plain");
    const fifo = await createQueue("ui-into.fifo");
    await plain.queue.sendBatch(["a", "b"]);
    const refused = await post(`/api/queues/${plain.name}/redrive`, { destination: fifo.name });
    assert.equal(refused.status, 400, refused.body);
    assert.match(
      refused.json().error as string,
      new RegExp(
        `${fifo.name.replace(".", "\\.")} is a FIFO queue and the messages of ${plain.name} have no group: give the group id`,
      ),
    );
    assert.deepEqual(await counts(plain.queue), { visible: 2, inFlight: 0 }, "nothing moved");
    const started = await post(`/api/queues/${plain.name}/redrive`, {
      destination: fifo.name,
      groupId: "replay",
    });
    assert.equal(started.status, 200, started.body);
    assert.equal(started.json().mode, "client");
    let task: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      task = (await get(`/api/queues/${plain.name}/redrive`)).json().task as Record<string, unknown>;
      if (task.Status !== "RUNNING") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(task.Status, "COMPLETED", JSON.stringify(task));
    assert.equal(task.ApproximateNumberOfMessagesMoved, 2);
    assert.deepEqual(await counts(fifo.queue), { visible: 2, inFlight: 0 });
    // One group: its messages come one receive (and delete) after the other.
    const moved: [string | undefined, string | undefined][] = [];
    for (let i = 0; i < 10 && moved.length < 2; i++) {
      for (const m of await fifo.queue.receive({
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["MessageGroupId"],
      })) {
        moved.push([m.Body, m.Attributes?.MessageGroupId]);
        await fifo.queue.delete(m.ReceiptHandle!);
      }
    }
    assert.deepEqual(moved.sort(), [
      ["a", "replay"],
      ["b", "replay"],
    ]);
    assert.deepEqual(await counts(plain.queue), { visible: 0, inFlight: 0 });
  });

  it("a server closed during a move it does itself stops it, and every message is on one queue or the other", async () => {
    const dlq = await createQueue("ui-stop-dlq");
    const main = await createQueue("ui-stop-main", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    for (let i = 0; i < 4; i++)
      await dlq.queue.sendBatch(Array.from({ length: 10 }, (_, j) => `m${i * 10 + j}`));
    const ui = await startUi(clients(false));
    const started = await post(`/api/queues/${dlq.name}/redrive`, {}, ui);
    assert.equal(started.json().mode, "client");
    await ui.close();
    const left = await counts(dlq.queue);
    const moved = await counts(main.queue);
    assert.equal(left.inFlight, 0, "what the move held was released");
    assert.equal(moved.inFlight, 0);
    assert.equal(left.visible + moved.visible, 40, "none lost, none doubled");
  });

  it("lists topics, subscribes a queue (policy merged), publishes", async () => {
    const topicName = uniqueName("ui-topic");
    await sns.createTopic({ Name: topicName });
    const { name, queue } = await createQueue("ui-sub");
    const subscribed = await post(`/api/topics/${topicName}/subscribe`, { queue: name, raw: true });
    assert.equal(subscribed.status, 200, subscribed.body);
    assert.equal(subscribed.json().policyChanged, true);
    const published = await post(`/api/topics/${topicName}/publish`, { message: "hello", subject: "s" });
    assert.equal(published.status, 200, published.body);
    const topics = (await get("/api/topics")).json() as unknown as {
      name: string;
      subscriptions: unknown[];
    }[];
    assert.equal(topics.find((t) => t.name === topicName)?.subscriptions.length, 1);
    const [message] = await queue.receive({ WaitTimeSeconds: 2 });
    assert.equal(message?.Body, "hello");
  });
});

/** A CloudWatch on loopback whose GetMetricStatistics gives `ages[queue]` (no datapoints for the others). */
const cloudWatch = (ages: Record<string, number>) =>
  startLoopback((request) => {
    const params = new URLSearchParams(request.body);
    const age = ages[params.get("Dimensions.member.1.Value") ?? ""];
    const points =
      age === undefined
        ? ""
        : `<member><Timestamp>2026-12-05T10:00:00Z</Timestamp><Maximum>${age / 2}</Maximum><Unit>Seconds</Unit></member>` +
          `<member><Timestamp>2026-12-05T10:01:00Z</Timestamp><Maximum>${age}</Maximum><Unit>Seconds</Unit></member>`;
    return xml(
      `<GetMetricStatisticsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricStatisticsResult><Label>ApproximateAgeOfOldestMessage</Label><Datapoints>${points}</Datapoints></GetMetricStatisticsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetMetricStatisticsResponse>`,
    );
  });

/** The ages as `asyncaws ui` reads them beside an emulator, from the CloudWatch at `endpoint`. */
const agesFrom = (endpoint: string) =>
  new OldestAges(
    "us-east-1",
    { endpoint: "http://127.0.0.1:1" },
    { AWS_ENDPOINT_URL_CLOUDWATCH: endpoint },
    { credentials: async () => TEST_CREDENTIALS },
  );

describe("ui: the age of the oldest message", () => {
  it("comes from CloudWatch (signed GetMetricStatistics, once per queue a minute), in the JSON and in the page", async () => {
    const aged = await createQueue("ui-aged");
    const quiet = await createQueue("ui-quiet");
    const cw = await cloudWatch({ [aged.name]: 1500 });
    const ui = await startUi({ ...clients(false), ages: agesFrom(cw.endpoint) });
    const cookie = { cookie: `asyncaws_ui_${ui.port}=${ui.token}` };
    type Listed = { name: string; oldestAgeSeconds?: number }[];
    const list = async () =>
      (await call(ui, "GET", "/api/queues", { headers: cookie })).json() as unknown as Listed;
    try {
      // A poll never waits for CloudWatch: the first one gives no age, and starts reading them.
      const first = await list();
      assert.equal(first.find((q) => q.name === aged.name)?.oldestAgeSeconds, undefined);
      let listed = first;
      for (
        let i = 0;
        i < 200 && listed.find((q) => q.name === aged.name)?.oldestAgeSeconds === undefined;
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        listed = await list();
      }
      assert.equal(listed.find((q) => q.name === aged.name)?.oldestAgeSeconds, 1500, "the latest value");
      assert.ok(listed.some((q) => q.name === quiet.name));
      assert.equal(listed.find((q) => q.name === quiet.name)?.oldestAgeSeconds, undefined, "no datapoints");
      const page = await call(ui, "GET", "/", { headers: cookie });
      assert.match(
        page.body,
        new RegExp(`<tr data-queue="${aged.name}">.*?<td class="n">0</td><td class="n">25m</td><td></td>`),
      );
      assert.match(
        page.body,
        new RegExp(`<tr data-queue="${quiet.name}">.*?<td class="n">0</td><td class="n">-</td><td></td>`),
      );
      const asked = (name: string) =>
        cw.requests.filter((r) => new URLSearchParams(r.body).get("Dimensions.member.1.Value") === name);
      assert.equal(asked(aged.name).length, 1, "read once, however often the page polls");
      assert.equal(asked(quiet.name).length, 1);
      for (const request of asked(aged.name)) {
        assert.ok(request.signatureValid, "signed for CloudWatch");
        assert.match(request.headers.authorization!, /\/us-east-1\/monitoring\/aws4_request/);
        const params = new URLSearchParams(request.body);
        assert.equal(params.get("Action"), "GetMetricStatistics");
        assert.equal(params.get("MetricName"), "ApproximateAgeOfOldestMessage");
      }
    } finally {
      await ui.close();
      await cw.close();
    }
  });

  it("a CloudWatch that never answers holds up no poll, and closing the server ends its reads", async () => {
    const { name } = await createQueue("ui-silent");
    const silent = await startLoopback(() => ({ raw: () => undefined }));
    const ui = await startUi({ ...clients(false), ages: agesFrom(silent.endpoint) });
    const poll = async () => {
      const answer = await call(ui, "GET", "/api/queues", {
        headers: { cookie: `asyncaws_ui_${ui.port}=${ui.token}` },
      });
      assert.equal(answer.status, 200);
      const listed = answer.json() as unknown as { name: string; oldestAgeSeconds?: number }[];
      assert.equal(listed.find((q) => q.name === name)?.oldestAgeSeconds, undefined);
    };
    const asked = () =>
      silent.requests.some((r) => new URLSearchParams(r.body).get("Dimensions.member.1.Value") === name);
    try {
      await poll();
      for (let i = 0; i < 200 && !asked(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(asked(), "CloudWatch asked");
      // The read is under way (and never ends): the polls still answer.
      await poll();
      await poll();
    } finally {
      await ui.close();
      await silent.close();
    }
  });
});

describe("ui page: bodies stay text", () => {
  it("serves a <script> body as JSON data, and the script never writes HTML", async () => {
    const { name, queue } = await createQueue("ui-xss");
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    await queue.send(evil);
    const peeked = await get(`/api/queues/${name}/peek`);
    assert.match(String(peeked.headers["content-type"]), /^application\/json/);
    assert.equal(peeked.headers["x-content-type-options"], "nosniff");
    assert.equal((peeked.json() as { messages: { Body: string }[] }).messages[0]!.Body, evil);
    assert.doesNotMatch(APP_JS, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    assert.match(APP_JS, /textContent/);
    assert.equal(
      escapeHtml(evil),
      "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;",
    );
    const page = renderIndex({
      queues: [{ name: "<b>q</b>", url: "u", visible: 1, inFlight: 0, delayed: 0, fifo: false }],
      topics: [],
      token: "t",
      readOnly: false,
    });
    assert.ok(page.includes("&#60;b&#62;q&#60;/b&#62;"));
    assert.ok(!page.includes("<b>q</b>"));
  });

  it("lists queues and topics in the HTML itself (readable without JavaScript)", async () => {
    const { name } = await createQueue("ui-html");
    const page = await get("/");
    assert.match(
      page.body,
      new RegExp(
        `<tr data-queue="${name}"><th scope="row"><a href="#queue/${name}">${name}</a></th><td class="n">0</td>`,
      ),
    );
    assert.match(page.body, /<script src="\/app\.js" defer><\/script>/);
    assert.doesNotMatch(page.body, /<script>/, "no inline script (the CSP forbids it)");
    const script = await get("/app.js");
    assert.match(String(script.headers["content-type"]), /^text\/javascript/);
  });
});
