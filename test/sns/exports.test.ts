// The SNS public API, as src/sns/index.ts exports it (src/index.ts re-exports it).
import assert from "node:assert/strict";
import { it } from "node:test";
import * as api from "../../src/sns/index.js";

it("exports the SNS client, the handle, the envelope parser, the verifier and its handlers", () => {
  assert.deepEqual(Object.keys(api).sort(), [
    "SNS",
    "SnsVerifier",
    "TopicHandle",
    "TopicProducer",
    "TypedTopicHandle",
    "checkSigningCertUrl",
    "confirmSnsSubscription",
    "parseSnsEnvelope",
    "snsFetchHandler",
    "snsNodeHandler",
    "unwrapSnsMessage",
    "verifySnsMessage",
  ]);
  const sns = new api.SNS({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  assert.equal(sns.endpoint, "https://sns.eu-west-1.amazonaws.com");
  for (const method of [
    "publish",
    "publishBatch",
    "createTopic",
    "verifySMSSandboxPhoneNumber",
    "paginateListTopics",
  ]) {
    assert.equal(typeof (sns as unknown as Record<string, unknown>)[method], "function", method);
  }
  assert.ok(sns.topic("events") instanceof api.TopicHandle);
  const methods = Object.getOwnPropertyNames(api.SNS.prototype).filter((name) => name !== "constructor");
  assert.equal(methods.filter((name) => name.startsWith("paginate")).length, 8, "8 paginators");
  assert.equal(
    methods.filter((name) => !name.startsWith("paginate") && name !== "topic").length,
    42,
    "42 actions",
  );
});
