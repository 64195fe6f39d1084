// The `asyncaws` command line (topics, publish, subscribe, verify-sns), run as a user runs it (the compiled bin in a
// child process) against fauxqs on loopback: outputs parsed in their formats, exit codes, stdin.
// The commands are split over a few files so that each gets its own emulator and time budget.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { uniqueName } from "../helpers/fauxqs.js";
import { makeSigner, signSnsMessage } from "../helpers/x509.js";
import { cli, createQueue, dir, runCli, sns, useEmulator } from "./helpers.js";

useEmulator();

describe("topics, publish, subscribe", () => {
  it("subscribes a queue (policy merged), publishes with attributes, lists topics", async () => {
    const topicName = uniqueName("events");
    const { TopicArn } = await sns.createTopic({ Name: topicName });
    const { name, queue } = await createQueue("sub");
    await queue.setAttributes({
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "keep-me", Effect: "Allow", Principal: "*", Action: "sqs:ReceiveMessage", Resource: "*" },
        ],
      }),
    });
    const subscribed = await cli([
      "subscribe",
      topicName,
      name,
      "--raw",
      "--filter",
      '{"kind":["order"]}',
      "-o",
      "json",
    ]);
    assert.equal(subscribed.code, 0, subscribed.stderr);
    const sub = JSON.parse(subscribed.stdout);
    assert.equal(sub.TopicArn, TopicArn);
    assert.equal(sub.policyChanged, true);
    const policy = JSON.parse((await queue.attributes(["Policy"])).Policy!);
    assert.equal(policy.Statement.length, 2);
    assert.equal(policy.Statement[0].Sid, "keep-me");
    const again = await cli([
      "subscribe",
      topicName,
      name,
      "--raw",
      "--filter",
      '{"kind":["order"]}',
      "-o",
      "json",
    ]);
    assert.equal(JSON.parse(again.stdout).policyChanged, false);
    const published = await cli(["publish", topicName, '{"id":1}', "--attr", "kind=order", "-o", "json"]);
    assert.equal(published.code, 0, published.stderr);
    assert.match(JSON.parse(published.stdout).MessageId, /\S/);
    const skipped = await cli(["publish", topicName, "noise", "--attr", "kind=notice"]);
    assert.equal(skipped.code, 0);
    const batch = await cli(["publish", topicName, "-o", "json", "--attr", "kind=order"], {
      input: "b1\nb2\nb3\n",
    });
    assert.equal(JSON.parse(batch.stdout).published, 3);
    const bodies: string[] = [];
    for (let empty = 0; empty < 2 && bodies.length < 4; ) {
      const messages = await queue.receive({ WaitTimeSeconds: 1 });
      if (!messages.length) empty++;
      for (const m of messages) bodies.push(m.Body!);
    }
    assert.deepEqual(bodies.sort(), ['{"id":1}', "b1", "b2", "b3"].sort(), "raw delivery, filter applied");
    const topics = await cli(["topics", topicName, "-o", "json"]);
    assert.deepEqual(JSON.parse(topics.stdout), [
      { name: topicName, arn: TopicArn, fifo: false, subscriptions: 1 },
    ]);
    const missing = await cli(["publish", uniqueName("nope"), "x"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no topic named "nope-.*" \(asyncaws topics lists them\)/);
  });
});

describe("verify-sns", () => {
  it("accepts a genuine notification and rejects a tampered one, with the reason", async () => {
    const signer = makeSigner();
    const certFile = join(dir, "cert.pem");
    writeFileSync(certFile, signer.pem);
    const message = signSnsMessage(
      {
        Type: "Notification",
        MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        TopicArn: "arn:aws:sns:us-east-1:123456789012:events",
        Subject: "hello",
        Message: "Hello, World!",
        Timestamp: new Date().toISOString(),
      },
      signer,
      "2",
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem",
    );
    const file = join(dir, "notification.json");
    writeFileSync(file, JSON.stringify(message));
    const valid = await runCli(["verify-sns", file, "--cert", certFile, "-o", "json"]);
    assert.equal(valid.code, 0, valid.stderr);
    assert.deepEqual(JSON.parse(valid.stdout), {
      valid: true,
      Type: "Notification",
      TopicArn: message.TopicArn,
      MessageId: message.MessageId,
      Timestamp: message.Timestamp,
      SignatureVersion: "2",
      Subject: "hello",
    });
    const tampered = await runCli(["verify-sns", "-", "--cert", certFile, "-o", "json"], {
      input: JSON.stringify({ ...message, Message: "Goodbye" }),
    });
    assert.equal(tampered.code, 1);
    const rejected = JSON.parse(tampered.stdout);
    assert.equal(rejected.valid, false);
    assert.equal(typeof rejected.reason, "string");
    const otherTopic = await runCli([
      "verify-sns",
      file,
      "--cert",
      certFile,
      "--topic-arn",
      "arn:aws:sns:us-east-1:123456789012:other",
      "-o",
      "table",
    ]);
    assert.equal(otherTopic.code, 1);
    assert.match(otherTopic.stdout, /^not valid: /);
  });
});
