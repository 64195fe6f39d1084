import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { tracingChannel } from "node:diagnostics_channel";
import { before, describe, it } from "node:test";
import { isAsyncAwsError, isSignatureVerificationError, isValidationError } from "../../src/core/errors.js";
import { type SnsLambdaMessage, snsHandler } from "../../src/lambda/index.js";
import type { CertificateFetch } from "../../src/sns/verify/verifier.js";
import { makeSigner, signSnsMessage, type TestSigner } from "../helpers/x509.js";
import { fakeContext, snsEvent, snsRecord, TOPIC_ARN } from "./fixtures.js";

describe("snsHandler", () => {
  it("hands the handler the message, its attributes in SQS's shape, and the envelope", async () => {
    const seen: SnsLambdaMessage[] = [];
    const handler = snsHandler(async (message, { signal, attempt }) => {
      assert.equal(signal.aborted, false);
      assert.equal(attempt, 1);
      seen.push(message);
    });
    const record = snsRecord('{"id":42}');
    record.Sns.MessageAttributes = {
      ...record.Sns.MessageAttributes,
      Weight: { Type: "Number", Value: "1.25" },
    };
    assert.equal(await handler(snsEvent([record]), fakeContext()), undefined);
    const [message] = seen;
    assert.equal(message?.Message, '{"id":42}');
    assert.equal(message?.Envelope.TopicArn, TOPIC_ARN);
    assert.equal(message?.Envelope.Subject, "TestInvoke");
    assert.equal(message?.Envelope.SigningCertURL?.startsWith("https://sns.us-east-2.amazonaws.com/"), true);
    assert.equal(message?.SubscriptionArn, record.EventSubscriptionArn);
    assert.deepEqual(message?.MessageAttributes.Test, { DataType: "String", StringValue: "TestString" });
    assert.deepEqual(message?.MessageAttributes.Weight, { DataType: "Number", StringValue: "1.25" });
    assert.equal(new TextDecoder().decode(message?.MessageAttributes.TestBinary?.BinaryValue), "TestBinary");
    assert.deepEqual(handler.status, { invocations: 1, records: 1, succeeded: 1, failed: 0, skipped: 0 });
  });

  it("throws after every record is done when one failed, so that Lambda retries the invocation", async () => {
    const cause = new Error("db down");
    const handled: string[] = [];
    const handler = snsHandler(async (message) => {
      handled.push(message.Message);
      if (message.Message === "bad") throw cause;
    });
    const failed: unknown[] = [];
    handler.on("failed", (_message, error) => failed.push(error));
    await assert.rejects(
      handler(snsEvent([snsRecord("bad"), snsRecord("good")]), fakeContext()),
      (error: unknown) => {
        assert.ok(isAsyncAwsError(error));
        assert.match(error.message, /1 of 2 SNS records failed/);
        assert.match(error.message, /sns-lambda/);
        assert.equal((error as Error).cause, cause);
        return true;
      },
    );
    assert.deepEqual(handled.sort(), ["bad", "good"]);
    assert.deepEqual(failed, [cause]);
  });

  it("an event that is not an SNS event throws a ValidationError before any handler runs", async () => {
    let calls = 0;
    const handler = snsHandler(() => {
      calls++;
    });
    await assert.rejects(handler({} as never), (error: unknown) => isValidationError(error));
    const broken = snsRecord("x");
    (broken.Sns as unknown as Record<string, unknown>).Type = "Other";
    await assert.rejects(
      handler(snsEvent([snsRecord("ok"), broken])),
      (error: unknown) => isValidationError(error) && error.field === "event.Records[1].Sns",
    );
    assert.equal(calls, 0);
  });

  it("checks its options", () => {
    for (const [options, field] of [
      [{ verify: "yes" }, "verify"],
      [{ concurrency: 0 }, "concurrency"],
      [{ fifo: "stop" }, "options.fifo"],
    ] as const) {
      assert.throws(
        () => snsHandler(() => undefined, options as never),
        (error: unknown) => isValidationError(error) && error.field === field,
      );
    }
  });

  describe("verify", () => {
    let signer: TestSigner;
    const certUrl = `https://sns.us-east-2.amazonaws.com/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;
    const fetchCertificate: CertificateFetch = async (url) =>
      url === certUrl ? new Response(signer.pem, { status: 200 }) : new Response("no", { status: 404 });

    before(() => {
      signer = makeSigner();
    });

    /** A Lambda SNS record whose notification is signed by the test signer. */
    function signedRecord(message: string) {
      const record = snsRecord(message);
      const { SigningCertUrl: _url, Signature: _sig, SignatureVersion: _v, ...rest } = record.Sns;
      const signed = signSnsMessage(rest as Record<string, unknown>, signer, "2", certUrl);
      const { SigningCertURL, ...others } = signed;
      record.Sns = { ...(others as unknown as typeof record.Sns), SigningCertUrl: SigningCertURL };
      return record;
    }

    it("verify: handles a notification whose signature holds", async () => {
      const seen: string[] = [];
      const handler = snsHandler(
        (message) => {
          seen.push(message.Message);
        },
        { verify: { fetch: fetchCertificate, topicArns: [TOPIC_ARN] } },
      );
      await handler(snsEvent([signedRecord("signed")]), fakeContext());
      assert.deepEqual(seen, ["signed"]);
    });

    it("verify: a forged notification is a failed record; its handler never runs", async () => {
      let calls = 0;
      const handler = snsHandler(
        () => {
          calls++;
        },
        { verify: { fetch: fetchCertificate } },
      );
      const forged = signedRecord("signed");
      forged.Sns.Message = "forged";
      const failures: unknown[] = [];
      handler.on("failed", (_m, error) => failures.push(error));
      await assert.rejects(handler(snsEvent([forged]), fakeContext()));
      assert.equal(calls, 0);
      assert.ok(isSignatureVerificationError(failures[0]));
      // verify: true checks with the defaults: the fixture's certificate URL is never trusted blindly.
      const strict = snsHandler(() => undefined, { verify: true });
      const failed: unknown[] = [];
      strict.on("failed", (_m, error) => failed.push(error));
      const record = snsRecord("x");
      record.Sns.SigningCertUrl = "https://evil.example/cert.pem";
      await assert.rejects(strict(snsEvent([record]), fakeContext()));
      assert.ok(isSignatureVerificationError(failed[0]));
    });
  });
});

describe("snsHandler on the asyncaws:process channel", () => {
  it("publishes each record's handler run with the notification's id, the topic and the outcome", async () => {
    const seen: { event: string; context: Record<string, unknown> }[] = [];
    const on = (event: string) => (message: unknown) =>
      seen.push({ event, context: message as Record<string, unknown> });
    const handlers = {
      start: on("start"),
      end: () => {},
      asyncStart: () => {},
      asyncEnd: on("asyncEnd"),
      error: on("error"),
    };
    const channel = tracingChannel("asyncaws:process");
    channel.subscribe(handlers);
    try {
      const handler = snsHandler(async (message) => {
        if (message.Message === "bad") throw new TypeError("no");
      });
      const good = snsRecord("good");
      const bad = snsRecord("bad", { MessageId: "0b2d6d8c-0000-5cb9-9903-4c221d41eb5e" });
      await assert.rejects(handler(snsEvent([good, bad]), fakeContext()), /1 of 2 SNS records failed/);
    } finally {
      channel.unsubscribe(handlers);
    }
    const ends = seen.filter((s) => s.event === "asyncEnd").map((s) => s.context);
    assert.equal(ends.length, 2);
    assert.equal(seen.filter((s) => s.event === "error").length, 1);
    const byId = new Map(ends.map((end) => [end.messageId, end]));
    const good = byId.get("95df01b4-ee98-5cb9-9903-4c221d41eb5e")!;
    const bad = byId.get("0b2d6d8c-0000-5cb9-9903-4c221d41eb5e")!;
    for (const end of [good, bad]) {
      assert.equal(end.topicArn, TOPIC_ARN);
      assert.equal(end.queueUrl, undefined);
      assert.equal(end.attempt, 1);
      assert.equal(end.batch, false);
      assert.equal(end.spanName, "process sns-lambda");
      assert.equal(end.spanKind, "consumer");
      assert.equal(typeof end.durationMs, "number");
    }
    assert.deepEqual(good.attributes, {
      "messaging.system": "aws.sns",
      "messaging.operation.name": "process",
      "messaging.operation.type": "process",
      "messaging.destination.name": "sns-lambda",
      "aws.sns.topic.arn": TOPIC_ARN,
      "messaging.message.id": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
    });
    assert.equal(good.outcome, "success");
    assert.equal(bad.outcome, "failure");
    assert.equal((bad.attributes as Record<string, unknown>)["error.type"], "TypeError");
    assert.deepEqual(
      (good.messages as { MessageAttributes: Record<string, unknown> }[])[0]!.MessageAttributes.Test,
      { DataType: "String", StringValue: "TestString" },
      "the notification's attributes, where a traceparent rides",
    );
  });

  it("a notification that fails verification is a failed run", async () => {
    const ends: Record<string, unknown>[] = [];
    const handlers = {
      start: () => {},
      end: () => {},
      asyncStart: () => {},
      asyncEnd: (message: unknown) => {
        ends.push(message as Record<string, unknown>);
      },
      error: () => {},
    };
    const channel = tracingChannel("asyncaws:process");
    channel.subscribe(handlers);
    let calls = 0;
    try {
      const handler = snsHandler(
        async () => {
          calls++;
        },
        // Refused before any certificate is fetched: the topic is not an accepted one.
        { verify: { topicArns: [`${TOPIC_ARN}-other`] } },
      );
      await assert.rejects(handler(snsEvent([snsRecord("x")]), fakeContext()));
    } finally {
      channel.unsubscribe(handlers);
    }
    assert.equal(calls, 0);
    assert.equal(ends.length, 1);
    assert.equal(ends[0]!.outcome, "failure");
    assert.equal(
      (ends[0]!.attributes as Record<string, unknown>)["error.type"],
      "SignatureVerificationError",
    );
  });
});
