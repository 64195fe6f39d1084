// The CLI's reader of CloudWatch's ApproximateAgeOfOldestMessage (`queues`, `watch`, `ui`): what a
// refusal, a passing fault and a CloudWatch that never answers each leave behind.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OldestAges } from "../../src/cli/oldest.js";
import type { QueueInfo } from "../../src/cli/queues.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { type Reply, startLoopback, xml } from "../helpers/loopback.js";

const answer = (age: number): Reply =>
  xml(
    `<GetMetricStatisticsResponse><GetMetricStatisticsResult><Datapoints><member><Timestamp>2026-12-05T10:01:00Z</Timestamp><Maximum>${age}</Maximum></member></Datapoints></GetMetricStatisticsResult></GetMetricStatisticsResponse>`,
  );
const fault = (status: number, code: string): Reply =>
  xml(`<ErrorResponse><Error><Code>${code}</Code><Message>m</Message></Error></ErrorResponse>`, status);

const ages = (endpoint: string, timeoutMs?: number) =>
  new OldestAges(
    "us-east-1",
    { endpoint: "http://127.0.0.1:1" },
    { AWS_ENDPOINT_URL_CLOUDWATCH: endpoint },
    { credentials: async () => TEST_CREDENTIALS, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
  );
const info = (name: string) => ({ name }) as QueueInfo;

describe("cli oldest ages", () => {
  it("a refusal (403 AccessDenied) stops the asking for the session", async () => {
    const server = await startLoopback(() => fault(403, "AccessDenied"));
    try {
      const reader = ages(server.endpoint);
      const infos = [info("a")];
      await reader.fill(infos);
      assert.equal(infos[0]!.oldestAgeSeconds, undefined);
      assert.match(reader.unavailable ?? "", /AccessDenied/);
      await reader.fill([info("b")]);
      assert.equal(server.requests.length, 1, "not asked again");
    } finally {
      await server.close();
    }
  });

  for (const [status, code] of [
    [503, "ServiceUnavailable"],
    [400, "Throttling"],
    [429, "TooManyRequests"],
  ] as const) {
    it(`a passing fault (${status} ${code}) leaves that age unknown, not CloudWatch off`, async () => {
      let first = true;
      const server = await startLoopback((request) => {
        const queue = new URLSearchParams(request.body).get("Dimensions.member.1.Value");
        if (queue === "a" && first) {
          first = false;
          return fault(status, code);
        }
        return answer(42);
      });
      try {
        const reader = ages(server.endpoint);
        const a = [info("a")];
        await reader.fill(a);
        assert.equal(a[0]!.oldestAgeSeconds, undefined);
        assert.equal(reader.unavailable, undefined);
        const b = [info("b")];
        await reader.fill(b);
        assert.equal(b[0]!.oldestAgeSeconds, 42, "other queues are still asked");
        await reader.fill(a);
        assert.equal(server.requests.length, 2, "the failed queue waits a minute before it is asked again");
      } finally {
        await server.close();
      }
    });
  }

  it("a CloudWatch that never answers: the read ends after timeoutMs with the age unknown", async () => {
    const server = await startLoopback(() => ({ raw: () => undefined }));
    try {
      const reader = ages(server.endpoint, 200);
      const infos = [info("a")];
      await reader.fill(infos);
      assert.equal(infos[0]!.oldestAgeSeconds, undefined);
      assert.equal(reader.unavailable, undefined);
    } finally {
      await server.close();
    }
  });

  it("an aborted command's read leaves CloudWatch asked next time", async () => {
    const server = await startLoopback((request) =>
      new URLSearchParams(request.body).get("Dimensions.member.1.Value") === "slow"
        ? { raw: () => undefined }
        : answer(7),
    );
    try {
      const reader = ages(server.endpoint);
      const controller = new AbortController();
      const pending = reader.fill([info("slow")], controller.signal);
      setTimeout(() => controller.abort(), 50);
      await pending;
      assert.equal(reader.unavailable, undefined);
      const next = [info("fast")];
      await reader.fill(next);
      assert.equal(next[0]!.oldestAgeSeconds, 7);
    } finally {
      await server.close();
    }
  });
});
