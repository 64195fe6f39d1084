// paginateListQueues and paginateListDeadLetterSourceQueues against a loopback server handing out
// NextToken: every page, in order, stopping at the last; a repeated token ends with an error; a
// `break` stops the requests.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { isAbortError, isAsyncAwsError } from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import {
  json,
  type Loopback,
  type RecordedRequest,
  type Reply,
  startLoopback,
  xml,
} from "../helpers/loopback.js";
import { caught, delay, queryXml, targetOf } from "../helpers/sqs.js";

const BASE = "https://sqs.us-east-1.amazonaws.com/177715257436";
/** The pages, by the token that asks for them ("" for the first). */
const PAGES: Record<string, { urls: string[]; next?: string }> = {
  "": { urls: [`${BASE}/q1`, `${BASE}/q2`], next: "token-1" },
  "token-1": { urls: [`${BASE}/q3`, `${BASE}/q4`], next: "token-2" },
  "token-2": { urls: [`${BASE}/q5`] },
};

let mode: "normal" | "repeat" = "normal";
let server: Loopback;
let sqs: SQS;

function page(request: RecordedRequest): Reply {
  const input = JSON.parse(request.body) as { NextToken?: string };
  if (mode === "repeat") return json({ QueueUrls: [`${BASE}/again`], NextToken: "stuck" });
  const found = PAGES[input.NextToken ?? ""];
  if (!found) return json({ __type: "com.amazonaws.sqs#InvalidParameterValue", message: "bad token" }, 400);
  const key = targetOf(request) === "ListDeadLetterSourceQueues" ? "queueUrls" : "QueueUrls";
  return json(found.next ? { [key]: found.urls, NextToken: found.next } : { [key]: found.urls });
}

before(async () => {
  server = await startLoopback(page);
  sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  mode = "normal";
});

const bodies = () => server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe("paginateListQueues", () => {
  it("yields the 3 pages in order, passing the input and each NextToken, and stops at the last", async () => {
    const pages = [];
    for await (const p of sqs.paginateListQueues({ QueueNamePrefix: "q", MaxResults: 2 })) pages.push(p);
    assert.deepEqual(
      pages.map((p) => p.QueueUrls),
      [[`${BASE}/q1`, `${BASE}/q2`], [`${BASE}/q3`, `${BASE}/q4`], [`${BASE}/q5`]],
    );
    assert.equal(pages[2]!.NextToken, undefined);
    assert.deepEqual(bodies(), [
      { QueueNamePrefix: "q", MaxResults: 2 },
      { QueueNamePrefix: "q", MaxResults: 2, NextToken: "token-1" },
      { QueueNamePrefix: "q", MaxResults: 2, NextToken: "token-2" },
    ]);
    assert.ok(server.requests.every((r) => targetOf(r) === "ListQueues" && r.signatureValid));
  });

  it("works with no input at all", async () => {
    let count = 0;
    for await (const _ of sqs.paginateListQueues()) count++;
    assert.equal(count, 3);
    assert.equal(server.requests.length, 3);
  });

  it("ends with an error, not an endless loop, when the server repeats a token", async () => {
    mode = "repeat";
    const seen: unknown[] = [];
    const error = await caught(async () => {
      for await (const p of sqs.paginateListQueues({})) {
        seen.push(p);
        if (seen.length > 10) assert.fail("looping");
      }
    });
    assert.ok(isAsyncAwsError(error), String(error));
    assert.equal(error.operation, "ListQueues");
    assert.match(error.message, /same page token/);
    assert.equal(seen.length, 2);
    assert.equal(server.requests.length, 2);
  });

  it("sends no more requests after a break", async () => {
    for await (const p of sqs.paginateListQueues({})) {
      assert.equal(p.QueueUrls?.[0], `${BASE}/q1`);
      break;
    }
    await delay(50);
    assert.equal(server.requests.length, 1);

    server.requests.length = 0;
    let n = 0;
    for await (const _ of sqs.paginateListQueues({})) if (++n === 2) break;
    await delay(50);
    assert.equal(server.requests.length, 2);
  });

  it("does not start requesting before it is iterated", async () => {
    const pages = sqs.paginateListQueues({});
    await delay(50);
    assert.equal(server.requests.length, 0);
    const first = await pages.next();
    assert.equal(first.done, false);
    assert.equal(server.requests.length, 1);
    await pages.return?.(undefined);
  });

  it("stops with an AbortError when the signal aborts between pages", async () => {
    const controller = new AbortController();
    const error = await caught(async () => {
      for await (const _ of sqs.paginateListQueues({}, { signal: controller.signal })) controller.abort();
    });
    assert.ok(isAbortError(error), String(error));
    assert.equal(server.requests.length, 1);
  });

  it("passes a service error of a later page through", async () => {
    const failing = await startLoopback((request) => {
      const input = JSON.parse(request.body) as { NextToken?: string };
      return input.NextToken
        ? json({ __type: "com.amazonaws.sqs#InvalidParameterValue", message: "expired token" }, 400)
        : json({ QueueUrls: [`${BASE}/q1`], NextToken: "expired" });
    });
    try {
      const client = new SQS({
        endpoint: failing.endpoint,
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
      });
      const seen: unknown[] = [];
      const error = await caught(async () => {
        for await (const p of client.paginateListQueues({})) seen.push(p);
      });
      assert.equal(seen.length, 1);
      assert.equal((error as { code?: string }).code, "InvalidParameterValue");
      assert.equal(failing.requests.length, 2, "a 400 is not retried");
    } finally {
      await failing.close();
    }
  });
});

describe("paginateListDeadLetterSourceQueues", () => {
  it("yields the 3 pages in order with the queue URL in every request", async () => {
    const queueUrl = `${BASE}/dlq`;
    const urls: string[] = [];
    for await (const p of sqs.paginateListDeadLetterSourceQueues({ QueueUrl: queueUrl, MaxResults: 2 })) {
      urls.push(...(p.queueUrls ?? []));
    }
    assert.deepEqual(urls, [`${BASE}/q1`, `${BASE}/q2`, `${BASE}/q3`, `${BASE}/q4`, `${BASE}/q5`]);
    assert.deepEqual(bodies(), [
      { QueueUrl: queueUrl, MaxResults: 2 },
      { QueueUrl: queueUrl, MaxResults: 2, NextToken: "token-1" },
      { QueueUrl: queueUrl, MaxResults: 2, NextToken: "token-2" },
    ]);
    assert.ok(server.requests.every((r) => targetOf(r) === "ListDeadLetterSourceQueues"));
  });

  it("ends with an error naming the queue when the server repeats a token", async () => {
    mode = "repeat";
    const error = await caught(async () => {
      for await (const _ of sqs.paginateListDeadLetterSourceQueues({ QueueUrl: `${BASE}/dlq` })) {
        // drain
      }
    });
    assert.ok(isAsyncAwsError(error));
    assert.equal(error.operation, "ListDeadLetterSourceQueues");
    assert.equal(error.resource, `${BASE}/dlq`);
    assert.equal(server.requests.length, 2);
  });

  it("stops after a break", async () => {
    for await (const _ of sqs.paginateListDeadLetterSourceQueues({ QueueUrl: `${BASE}/dlq` })) break;
    await delay(50);
    assert.equal(server.requests.length, 1);
  });
});

describe("pagination over the Query protocol", () => {
  it("reads NextToken from the XML and sends it back as a form parameter", async () => {
    const queryServer = await startLoopback((request) => {
      const token = new URLSearchParams(request.body).get("NextToken") ?? "";
      const found = PAGES[token]!;
      const inner = [
        ...found.urls.map((u) => `    <QueueUrl>${u}</QueueUrl>`),
        ...(found.next ? [`    <NextToken>${found.next}</NextToken>`] : []),
      ].join("\n");
      return xml(queryXml("ListQueues", inner, "req"));
    });
    try {
      const client = new SQS({
        endpoint: queryServer.endpoint,
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
        protocol: "query",
      });
      const urls: string[] = [];
      for await (const p of client.paginateListQueues({ MaxResults: 2 })) urls.push(...(p.QueueUrls ?? []));
      assert.equal(urls.length, 5);
      assert.deepEqual(
        queryServer.requests.map((r) => r.body),
        [
          "Action=ListQueues&Version=2012-11-05&MaxResults=2",
          "Action=ListQueues&Version=2012-11-05&MaxResults=2&NextToken=token-1",
          "Action=ListQueues&Version=2012-11-05&MaxResults=2&NextToken=token-2",
        ],
      );
    } finally {
      await queryServer.close();
    }
  });
});
