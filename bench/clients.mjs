// The clients under test. Each entry sets a client up (import, construct, pre-sign: untimed) and
// returns `call`, one complete operation whose result is checked: a client whose answer is wrong
// throws, and the benchmark reports it as failed instead of fast.
//
// Every client sends the same input (fixtures.mjs) to its own queue or topic on the stub
// (`bench-<tag>`), so the stub can count what it served to each.

import { createHash } from "node:crypto";
import {
  BENCH_CREDENTIALS,
  MESSAGE_BODY,
  MESSAGE_ID,
  queueUrl,
  RECEIVED,
  REGION,
  topicArn,
} from "./fixtures.mjs";

const DIST = new URL("../dist/index.js", import.meta.url).href;

/** An export of the built package: from its main entry, else `asyncaws/sns`, else dist/sns/index.js. */
export async function snsExport(name) {
  for (const specifier of [DIST, "asyncaws/sns", new URL("../dist/sns/index.js", import.meta.url).href]) {
    try {
      const value = (await import(specifier))[name];
      if (value) return value;
    } catch {
      // not there (yet)
    }
  }
  return undefined;
}
const md5 = (text) => createHash("md5").update(text, "utf8").digest("hex");
const SENT_MD5 = md5(MESSAGE_BODY);

function fail(what, value) {
  throw new Error(`wrong answer: ${what} (${JSON.stringify(value)?.slice(0, 200)})`);
}

/** Checks a SendMessage result as the API returns it. */
function checkSent(out) {
  if (out?.MessageId !== MESSAGE_ID) fail("MessageId", out?.MessageId);
  if (out.MD5OfMessageBody !== SENT_MD5) fail("MD5OfMessageBody", out.MD5OfMessageBody);
}

/** Checks a ReceiveMessage result: all ten messages, bodies and attributes. */
function checkReceived(out) {
  const messages = out?.Messages;
  if (!Array.isArray(messages) || messages.length !== RECEIVED.length) fail("Messages", messages?.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const want = RECEIVED[i];
    // The stub gives each delivery an id and a receipt handle of its own (fixtures.mjs).
    if (
      typeof m.MessageId !== "string" ||
      !m.MessageId.startsWith(want.MessageId.slice(0, 24)) ||
      m.Body !== want.Body ||
      !m.ReceiptHandle?.startsWith("AQEB")
    ) {
      fail(`message ${i}`, m);
    }
    if (m.MessageAttributes?.kind?.StringValue !== "image")
      fail(`message ${i} attributes`, m.MessageAttributes);
  }
}

function checkPublished(out) {
  if (out?.MessageId !== MESSAGE_ID) fail("MessageId", out?.MessageId);
}

const RECEIVE_INPUT = {
  MaxNumberOfMessages: 10,
  WaitTimeSeconds: 0,
  MessageAttributeNames: ["All"],
  MessageSystemAttributeNames: ["All"],
};

// ---------------------------------------------------------------------------------------------

/** asyncaws, the built package. */
async function asyncaws({ port, tag, op }) {
  const { SQS } = await import(DIST);
  const endpoint = `http://127.0.0.1:${port}`;
  if (op === "publish") {
    const SNS = await snsExport("SNS");
    if (!SNS) return undefined;
    const sns = new SNS({ endpoint, region: REGION, credentials: { ...BENCH_CREDENTIALS } });
    const TopicArn = topicArn(tag);
    return async () => checkPublished(await sns.publish({ TopicArn, Message: MESSAGE_BODY }));
  }
  const sqs = new SQS({ endpoint, region: REGION, credentials: { ...BENCH_CREDENTIALS } });
  const QueueUrl = queueUrl(port, tag);
  if (op === "send")
    return async () => checkSent(await sqs.sendMessage({ QueueUrl, MessageBody: MESSAGE_BODY }));
  if (op === "receive")
    return async () => checkReceived(await sqs.receiveMessage({ QueueUrl, ...RECEIVE_INPUT }));
  return undefined;
}

/** @aws-sdk/client-sqs and client-sns (v3), MD5 checks on as by default. */
async function awsSdk({ port, tag, op }) {
  const endpoint = `http://127.0.0.1:${port}`;
  if (op === "publish") {
    const { SNSClient, PublishCommand } = await import("@aws-sdk/client-sns");
    const sns = new SNSClient({ endpoint, region: REGION, credentials: { ...BENCH_CREDENTIALS } });
    const TopicArn = topicArn(tag);
    return async () =>
      checkPublished(await sns.send(new PublishCommand({ TopicArn, Message: MESSAGE_BODY })));
  }
  const { SQSClient, SendMessageCommand, ReceiveMessageCommand } = await import("@aws-sdk/client-sqs");
  const sqs = new SQSClient({ endpoint, region: REGION, credentials: { ...BENCH_CREDENTIALS } });
  const QueueUrl = queueUrl(port, tag);
  if (op === "send") {
    return async () =>
      checkSent(await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: MESSAGE_BODY })));
  }
  if (op === "receive") {
    return async () =>
      checkReceived(await sqs.send(new ReceiveMessageCommand({ QueueUrl, ...RECEIVE_INPUT })));
  }
  return undefined;
}

/** @aws-lite/client with its sqs and sns plugins (it sends SendMessage over Query). */
async function awsLite({ port, tag, op }) {
  const { default: awsLiteClient } = await import("@aws-lite/client");
  const plugin =
    op === "publish" ? (await import("@aws-lite/sns")).default : (await import("@aws-lite/sqs")).default;
  const aws = await awsLiteClient({
    ...BENCH_CREDENTIALS,
    region: REGION,
    protocol: "http",
    host: "127.0.0.1",
    port: Number(port),
    autoloadPlugins: false,
    plugins: [plugin],
    retries: 0,
  });
  const QueueUrl = queueUrl(port, tag);
  if (op === "send") {
    return async () => {
      const out = await aws.SQS.SendMessage({ QueueUrl, MessageBody: MESSAGE_BODY });
      checkSent(out);
    };
  }
  if (op === "receive")
    return async () => checkReceived(await aws.SQS.ReceiveMessage({ QueueUrl, ...RECEIVE_INPUT }));
  if (op === "publish") {
    const TopicArn = topicArn(tag);
    return async () => {
      const out = await aws.SNS.Publish({ TopicArn, Message: MESSAGE_BODY });
      checkPublished(out?.PublishResult ?? out);
    };
  }
  return undefined;
}

/** aws4fetch: a SigV4 signer over the runtime's fetch; the JSON protocol by hand. */
async function aws4fetch({ port, tag, op }) {
  const { AwsClient } = await import("aws4fetch");
  const aws = new AwsClient({
    ...BENCH_CREDENTIALS,
    region: REGION,
    service: op === "publish" ? "sns" : "sqs",
  });
  const url = `http://127.0.0.1:${port}/`;
  const QueueUrl = queueUrl(port, tag);
  const json = (action, input) => ({
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` },
    body: JSON.stringify(input),
  });
  const ok = async (response) => {
    const text = await response.text();
    if (response.status !== 200) fail(`status ${response.status}`, text);
    return text;
  };
  if (op === "send") {
    return async () => {
      const out = JSON.parse(
        await ok(await aws.fetch(url, json("SendMessage", { QueueUrl, MessageBody: MESSAGE_BODY }))),
      );
      if (out.MD5OfMessageBody !== md5(MESSAGE_BODY)) fail("MD5OfMessageBody", out.MD5OfMessageBody);
      checkSent(out);
    };
  }
  if (op === "receive") {
    return async () => {
      const out = JSON.parse(
        await ok(await aws.fetch(url, json("ReceiveMessage", { QueueUrl, ...RECEIVE_INPUT }))),
      );
      for (const m of out.Messages ?? []) if (md5(m.Body) !== m.MD5OfBody) fail("MD5OfBody", m.MD5OfBody);
      checkReceived(out);
    };
  }
  if (op === "publish") {
    const body = new URLSearchParams({
      Action: "Publish",
      Version: "2010-03-31",
      TopicArn: topicArn(tag),
      Message: MESSAGE_BODY,
    }).toString();
    return async () => {
      const text = await ok(
        await aws.fetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
          body,
        }),
      );
      const id = /<MessageId>([^<]*)<\/MessageId>/.exec(text)?.[1];
      checkPublished({ MessageId: id });
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Baselines: one request signed once (with aws4) and replayed as is. No client can do less work
// per call than this: it is the floor.

async function presigned({ port, tag, op }) {
  const { default: aws4 } = await import("aws4");
  const QueueUrl = queueUrl(port, tag);
  let body;
  let headers;
  if (op === "publish") {
    body = new URLSearchParams({
      Action: "Publish",
      Version: "2010-03-31",
      TopicArn: topicArn(tag),
      Message: MESSAGE_BODY,
    }).toString();
    headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
  } else {
    const action = op === "send" ? "SendMessage" : "ReceiveMessage";
    body = JSON.stringify(
      op === "send" ? { QueueUrl, MessageBody: MESSAGE_BODY } : { QueueUrl, ...RECEIVE_INPUT },
    );
    headers = { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` };
  }
  const signed = aws4.sign(
    {
      host: `127.0.0.1:${port}`,
      path: "/",
      method: "POST",
      service: op === "publish" ? "sns" : "sqs",
      region: REGION,
      headers,
      body,
    },
    { ...BENCH_CREDENTIALS },
  );
  const check = (text) => {
    if (op === "publish") checkPublished({ MessageId: /<MessageId>([^<]*)<\/MessageId>/.exec(text)?.[1] });
    else if (op === "send") checkSent(JSON.parse(text));
    else checkReceived(JSON.parse(text));
  };
  return { body, headers: signed.headers, check };
}

/** `node:http` with a keep-alive agent, replaying one pre-signed request. */
async function nodeHttpReplay(context) {
  const http = await import("node:http");
  const { body, headers, check } = await presigned(context);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const options = { host: "127.0.0.1", port: context.port, method: "POST", path: "/", headers, agent };
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request(options, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          try {
            if (res.statusCode !== 200) fail(`status ${res.statusCode}`, text);
            check(text);
            resolve();
          } catch (error) {
            reject(error);
          }
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
}

/** undici's `Pool`, replaying one pre-signed request. */
async function undiciReplay(context) {
  const { Pool } = await import("undici");
  const { body, headers, check } = await presigned(context);
  const pool = new Pool(`http://127.0.0.1:${context.port}`, { connections: 256, pipelining: 1 });
  const { host: _host, Host: _Host, ...rest } = headers;
  return async () => {
    const res = await pool.request({ path: "/", method: "POST", headers: rest, body });
    const text = await res.body.text();
    if (res.statusCode !== 200) fail(`status ${res.statusCode}`, text);
    check(text);
  };
}

/** The clients, in table order. `kind` separates the floor from real clients. */
export const CLIENTS = {
  asyncaws: { label: "asyncaws", kind: "client", setup: asyncaws },
  "aws-sdk": { label: "@aws-sdk v3", kind: "client", setup: awsSdk },
  "aws-lite": { label: "@aws-lite", kind: "client", setup: awsLite },
  aws4fetch: { label: "aws4fetch", kind: "client", setup: aws4fetch },
  "http-replay": { label: "node:http replay", kind: "floor", setup: nodeHttpReplay },
  "undici-replay": { label: "undici Pool replay", kind: "floor", setup: undiciReplay },
};
