// Issue 22, point 6 (the client's part): a whole-call deadline. `timeoutMs` is per attempt;
// `deadlineMs` (per call, or the client's default) bounds every attempt and every wait between
// attempts, and no retry waits past it for a Retry-After hint. Loopback servers of the test's
// own: one answering 503 with `Retry-After: 3600`, one that accepts and never answers. Each call
// also carries a safety signal, so that a missing deadline shows as an AbortError, not a hang.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isAbortError, isServiceError, isTimeoutError, isValidationError } from "../../../src/core/errors.js";
import { SQS } from "../../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../../helpers/fauxqs.js";
import { json, type Loopback, startLoopback } from "../../helpers/loopback.js";

let busy: Loopback;
let deaf: Loopback;
let flaky: Loopback;

before(async () => {
  busy = await startLoopback(() =>
    json({ __type: "ServiceUnavailable", message: "come back in an hour" }, 503, { "retry-after": "3600" }),
  );
  deaf = await startLoopback(() => ({ raw: () => {} }));
  flaky = await startLoopback(() => json({ __type: "ServiceUnavailable", message: "busy" }, 503));
});
after(async () => {
  await busy.close();
  await deaf.close();
  await flaky.close();
});

/** Aborts after 8 s: the calls under test must end before, by their deadline (a retry would wait 20 s or an hour). */
const safety = () => AbortSignal.timeout(8000);
const input = (server: Loopback) => ({
  QueueUrl: `${server.endpoint}/000000000000/jobs`,
  MessageBody: "hello",
});

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  assert.fail("the call succeeded");
}

describe("a whole-call deadline", () => {
  it("does not wait past the deadline for a Retry-After hint: the 503 is the answer", async () => {
    const sqs = new SQS({ endpoint: busy.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 3 });
    const before = busy.requests.length;
    const error = await failure(sqs.sendMessage(input(busy), { deadlineMs: 2500, signal: safety() }));
    assert.ok(isServiceError(error), String(error));
    assert.equal(error.statusCode, 503);
    assert.equal(busy.requests.length - before, 1, "no retry after an hour-long hint");
  });

  it("cuts an attempt that never answers at the deadline, with a TimeoutError", async () => {
    const sqs = new SQS({
      endpoint: deaf.endpoint,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 3,
      requestTimeoutMs: 60_000,
    });
    const error = await failure(sqs.sendMessage(input(deaf), { deadlineMs: 150, signal: safety() }));
    assert.ok(isTimeoutError(error), String(error));
    assert.equal(error.timeoutMs, 150);
    assert.match(error.message, /SendMessage/);
  });

  it("takes the client's deadlineMs by default, and a call's own over it", async () => {
    const sqs = new SQS({
      endpoint: deaf.endpoint,
      credentials: TEST_CREDENTIALS,
      requestTimeoutMs: 60_000,
      deadlineMs: 120,
    });
    const byDefault = await failure(sqs.sendMessage(input(deaf), { signal: safety() }));
    assert.ok(isTimeoutError(byDefault), String(byDefault));
    assert.equal(byDefault.timeoutMs, 120);
    const own = await failure(sqs.sendMessage(input(deaf), { deadlineMs: 80, signal: safety() }));
    assert.ok(isTimeoutError(own), String(own));
    assert.equal(own.timeoutMs, 80);
  });

  it("bounds many retried attempts, waits included", async () => {
    const sqs = new SQS({ endpoint: flaky.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 50 });
    const error = await failure(sqs.sendMessage(input(flaky), { deadlineMs: 300, signal: safety() }));
    assert.ok(!isAbortError(error), "ended by the deadline, not by the safety signal");
    assert.ok(isServiceError(error) || isTimeoutError(error), String(error));
  });

  it("checks deadlineMs", () => {
    assert.throws(
      () => new SQS({ endpoint: flaky.endpoint, credentials: TEST_CREDENTIALS, deadlineMs: -1 }),
      (error) => isValidationError(error) && error.field === "deadlineMs",
    );
    const sqs = new SQS({ endpoint: flaky.endpoint, credentials: TEST_CREDENTIALS });
    return assert.rejects(
      sqs.sendMessage(input(flaky), { deadlineMs: 0 }),
      (error) => isValidationError(error) && error.field === "deadlineMs",
    );
  });
});

describe("retriesUntil: no further request once it aborts", () => {
  it("retriesUntil aborted while the attempt is in flight: its error is the answer, nothing is cut, no retry", async () => {
    const stop = new AbortController();
    // onRequest runs as the attempt goes out: the abort comes while it is in flight.
    const sqs = new SQS({
      endpoint: flaky.endpoint,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 5,
      hooks: { onRequest: () => stop.abort() },
    });
    const before = flaky.requests.length;
    const error = await failure(
      sqs.sendMessage(input(flaky), { retriesUntil: stop.signal, signal: safety() }),
    );
    assert.ok(isServiceError(error) && error.code === "ServiceUnavailable", String(error));
    assert.equal(flaky.requests.length - before, 1, "one attempt, no retry");
  });

  it("retriesUntil aborted before the first attempt went out: nothing is sent, an AbortError", async () => {
    const sqs = new SQS({ endpoint: flaky.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 5 });
    const before = flaky.requests.length;
    const stop = new AbortController();
    stop.abort();
    const error = await failure(
      sqs.sendMessage(input(flaky), { retriesUntil: stop.signal, signal: safety() }),
    );
    assert.ok(isAbortError(error), String(error));
    assert.equal(flaky.requests.length - before, 0, "nothing sent");
  });

  it("checks retriesUntil before anything is sent", async () => {
    const sqs = new SQS({ endpoint: flaky.endpoint, credentials: TEST_CREDENTIALS });
    const before = flaky.requests.length;
    await assert.rejects(
      sqs.sendMessage(input(flaky), { retriesUntil: "soon" as never }),
      (error) => isValidationError(error) && error.field === "retriesUntil",
    );
    assert.equal(flaky.requests.length, before);
  });

  it("retries as usual while it has not aborted", async () => {
    const sqs = new SQS({ endpoint: flaky.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 2 });
    const before = flaky.requests.length;
    const stop = new AbortController();
    const error = await failure(
      sqs.sendMessage(input(flaky), { retriesUntil: stop.signal, signal: safety() }),
    );
    assert.ok(isServiceError(error), String(error));
    assert.equal(flaky.requests.length - before, 2, "both attempts");
  });
});
