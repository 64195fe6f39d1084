// Messages through batches: the scenarios of the `batch` section (run.mjs), all on the stub, with
// client CPU per message as the figure.
//
// - Floors: one request signed beforehand (aws4) and replayed as is, over undici's `Pool` and over
//   asyncaws's own `node:net` transport (dist/core/http-node.js, no signing, no checks but a
//   parse of the answer): ReceiveMessage of 10, DeleteMessageBatch of 10,
//   ChangeMessageVisibilityBatch of 10, SendMessageBatch of 10, SNS PublishBatch of 10, and
//   ReceiveMessage followed by DeleteMessageBatch (what a consumer needs per 10 messages).
// - asyncaws (the package as Node loads it, `asyncaws`): the consumer with a no-op handler at 10,
//   100 and 1,000 in flight, the iterator, receive + delete by hand, the producers at full speed,
//   sendBatch, publishBatch, the batch request methods, sqsHandler on a Lambda event.
// - Peers: sqs-consumer, sqs-producer, a hand-written @aws-sdk v3 receive / handle / batch-delete
//   loop, the SDK's batch commands, Powertools' batch processor on the same Lambda event.
//
// A scenario's setup (import, construct, pre-sign: untimed) returns either
//   { call, messages }: one complete unit of work handling `messages` messages, answer checked, or
//   { run(ms) }: a stream (consumer, producer) that runs for about `ms` and resolves with the
//   messages it handled, everything it started finished (deletes sent, batches answered).
// `counts` names the stub's operation (or operations) whose served entries must equal the messages
// handled.

import { createHash } from "node:crypto";
import { BENCH_CREDENTIALS, MESSAGE_BODY, queueUrl, RECEIVED, REGION, topicArn } from "./fixtures.mjs";

const md5 = (text) => createHash("md5").update(text, "utf8").digest("hex");
const SENT_MD5 = md5(MESSAGE_BODY);
const HTTP_NODE = new URL("../dist/core/http-node.js", import.meta.url).href;

function fail(what, value) {
  throw new Error(`wrong answer: ${what} (${JSON.stringify(value)?.slice(0, 200)})`);
}

/** Each of ten received messages: the fixture's body and attributes, an id and handle of its own. */
function checkMessages(messages) {
  if (!Array.isArray(messages) || messages.length !== RECEIVED.length) fail("Messages", messages?.length);
  for (let i = 0; i < messages.length; i++) checkMessage(messages[i], i);
}
// A message handed over alone (consumers, the iterator): its index read from its body's `"id":10NN`
// without parsing the body, which no floor does either.
const indexOf = (m) => {
  const at = typeof m.Body === "string" ? m.Body.indexOf('"id":') : -1;
  return at < 0 ? -1 : Number(m.Body.slice(at + 5, at + 9)) - 1000;
};
function checkMessage(m, i = indexOf(m)) {
  const want = RECEIVED[i];
  if (m.Body !== want?.Body || typeof m.MessageId !== "string" || !m.ReceiptHandle?.startsWith("AQEB"))
    fail(`message ${i}`, m);
  if (m.MessageAttributes?.kind?.StringValue !== "image")
    fail(`message ${i} attributes`, m.MessageAttributes);
}
function checkSuccessful(out, n = 10) {
  if (out?.Successful?.length !== n || out.Failed?.length) fail("Successful", out);
}

const RECEIVE_INPUT = {
  MaxNumberOfMessages: 10,
  WaitTimeSeconds: 0,
  MessageAttributeNames: ["All"],
  MessageSystemAttributeNames: ["All"],
};
const handleOf = (i) => `AQEB${"x".repeat(120)}${i}`;
// Built once: a call passes the same entries each time, as the floors replay the same body (the
// clients do not change their input).
const DELETE_ENTRIES = RECEIVED.map((_, i) => ({ Id: `m${i}`, ReceiptHandle: handleOf(i) }));
const VISIBILITY_ENTRIES = RECEIVED.map((_, i) => ({
  Id: `m${i}`,
  ReceiptHandle: handleOf(i),
  VisibilityTimeout: 30,
}));
const SEND_ENTRIES = RECEIVED.map((_, i) => ({ Id: `m${i}`, MessageBody: MESSAGE_BODY }));
const deleteEntries = () => DELETE_ENTRIES;
const visibilityEntries = () => VISIBILITY_ENTRIES;
const sendEntries = () => SEND_ENTRIES;
const TEN = Array.from({ length: 10 }, () => MESSAGE_BODY);

// ---------------------------------------------------------------------------------------------
// Floors: pre-signed replays

/** One request signed beforehand: { body, headers (lower case), check(text) }. */
async function presign(port, tag, op) {
  const { default: aws4 } = await import("aws4");
  const QueueUrl = queueUrl(port, tag);
  let body;
  let headers;
  let check;
  if (op === "PublishBatch") {
    const params = new URLSearchParams({
      Action: "PublishBatch",
      Version: "2010-03-31",
      TopicArn: topicArn(tag),
    });
    for (let i = 0; i < 10; i++) {
      params.set(`PublishBatchRequestEntries.member.${i + 1}.Id`, `m${i}`);
      params.set(`PublishBatchRequestEntries.member.${i + 1}.Message`, MESSAGE_BODY);
    }
    body = params.toString();
    headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
    check = (text) => {
      if (text.split("<MessageId>").length !== 11) fail("PublishBatch", text);
    };
  } else {
    const input = {
      ReceiveMessage: { QueueUrl, ...RECEIVE_INPUT },
      DeleteMessageBatch: { QueueUrl, Entries: deleteEntries() },
      ChangeMessageVisibilityBatch: { QueueUrl, Entries: visibilityEntries() },
      SendMessageBatch: { QueueUrl, Entries: sendEntries() },
    }[op];
    body = JSON.stringify(input);
    headers = { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${op}` };
    check =
      op === "ReceiveMessage"
        ? (text) => checkMessages(JSON.parse(text).Messages)
        : (text) => checkSuccessful(JSON.parse(text));
  }
  const signed = aws4.sign(
    {
      host: `127.0.0.1:${port}`,
      path: "/",
      method: "POST",
      service: op === "PublishBatch" ? "sns" : "sqs",
      region: REGION,
      headers,
      body,
    },
    { ...BENCH_CREDENTIALS },
  );
  const lower = {};
  for (const [name, value] of Object.entries(signed.headers)) lower[name.toLowerCase()] = String(value);
  delete lower["content-length"];
  return { body, headers: lower, check };
}

/** A sender of pre-signed requests over undici's Pool or asyncaws's node:net transport. */
async function replayer(port, transport) {
  if (transport === "undici") {
    const { Pool } = await import("undici");
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 256, pipelining: 1 });
    return async ({ body, headers, check }) => {
      const { host: _host, ...rest } = headers;
      const res = await pool.request({ path: "/", method: "POST", headers: rest, body });
      const text = await res.body.text();
      if (res.statusCode !== 200) fail(`status ${res.statusCode}`, text);
      check(text);
    };
  }
  const { netTransport } = await import(HTTP_NODE);
  const send = netTransport();
  const context = { operation: "replay" };
  return async ({ body, headers, check }) => {
    const res = await send(
      {
        method: "POST",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: String(port),
        path: "/",
        headers,
        body,
      },
      undefined,
      0,
      context,
    );
    if (res.statusCode !== 200) fail(`status ${res.statusCode}`, res.body);
    check(res.body);
  };
}

/** A floor: `ops` replayed one after the other per call (10 messages each call). */
function floor(transport, ops) {
  return async ({ port, tag }) => {
    const send = await replayer(port, transport);
    const requests = await Promise.all(ops.map((op) => presign(port, tag, op)));
    if (requests.length === 1) {
      const [one] = requests;
      return { messages: 10, call: () => send(one) };
    }
    return {
      messages: 10,
      call: async () => {
        for (const r of requests) await send(r);
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------
// asyncaws

async function library(port) {
  const mod = await import("asyncaws");
  const options = {
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { ...BENCH_CREDENTIALS },
  };
  return { mod, sqs: new mod.SQS(options), options };
}

/** Runs `start(onMessage)` for about `ms`, then `stop()`; resolves with the messages handled. */
async function streamFor(ms, start) {
  let handled = 0;
  const stop = start(() => {
    handled++;
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  await stop();
  return handled;
}

function asyncawsConsumer(concurrency) {
  return async ({ port, tag }) => {
    const { sqs } = await library(port);
    const queue = sqs.queue(queueUrl(port, tag));
    return {
      run: (ms) =>
        streamFor(ms, (count) => {
          const consumer = queue.consume(
            async (message) => {
              checkMessage(message);
              count();
            },
            { concurrency, waitTimeSeconds: 1 },
          );
          let error;
          consumer.on("error", (e) => {
            error ??= e;
          });
          return async () => {
            await consumer.stop();
            if (error) throw error;
          };
        }),
    };
  };
}

async function asyncawsIterator({ port, tag }) {
  const { sqs } = await library(port);
  const queue = sqs.queue(queueUrl(port, tag));
  return {
    run: async (ms) => {
      const end = performance.now() + ms;
      let handled = 0;
      for await (const message of queue.messages({ concurrency: 100, waitTimeSeconds: 1 })) {
        checkMessage(message);
        message.ack();
        handled++;
        if ((handled & 63) === 0 && performance.now() >= end) break;
      }
      return handled;
    },
  };
}

async function asyncawsReceiveDelete({ port, tag }) {
  const { sqs } = await library(port);
  const QueueUrl = queueUrl(port, tag);
  const queue = sqs.queue(QueueUrl);
  return {
    messages: 10,
    call: async () => {
      const messages = await queue.receive({ WaitTimeSeconds: 0 });
      checkMessages(messages);
      const out = await sqs.deleteMessageBatch({
        QueueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      });
      checkSuccessful(out);
    },
  };
}

async function asyncawsReceive({ port, tag }) {
  const { sqs } = await library(port);
  const QueueUrl = queueUrl(port, tag);
  return {
    messages: 10,
    call: async () => checkMessages((await sqs.receiveMessage({ QueueUrl, ...RECEIVE_INPUT })).Messages),
  };
}

/** The same with the client's MD5 checks off (`checksums: false`): what the checks cost. */
async function asyncawsReceiveNoChecksums({ port, tag }) {
  const { mod, options } = await library(port);
  const sqs = new mod.SQS({ ...options, checksums: false });
  const QueueUrl = queueUrl(port, tag);
  return {
    messages: 10,
    call: async () => checkMessages((await sqs.receiveMessage({ QueueUrl, ...RECEIVE_INPUT })).Messages),
  };
}

function asyncawsBatchMethod(method, entries) {
  return async ({ port, tag }) => {
    const { sqs } = await library(port);
    const QueueUrl = queueUrl(port, tag);
    return {
      messages: 10,
      call: async () => checkSuccessful(await sqs[method]({ QueueUrl, Entries: entries() })),
    };
  };
}

async function asyncawsSendBatch({ port, tag }) {
  const { sqs } = await library(port);
  const queue = sqs.queue(queueUrl(port, tag));
  return { messages: 10, call: async () => checkSuccessful(await queue.sendBatch(TEN)) };
}

/** Yields `body` until `end` (performance.now()); counts what it yielded. */
function* until(end, body, counter) {
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      counter.n++;
      yield body;
    }
  }
}

async function asyncawsProducer({ port, tag }) {
  const { sqs } = await library(port);
  const producer = sqs.queue(queueUrl(port, tag)).producer();
  return {
    run: async (ms) => {
      const counter = { n: 0 };
      const { sent, failed, firstError } = await producer.sendAll(
        until(performance.now() + ms, MESSAGE_BODY, counter),
      );
      if (failed) throw firstError?.error ?? new Error(`${failed} failed`);
      return sent;
    },
  };
}

async function snsClient(port) {
  const mod = await import("asyncaws");
  return new mod.SNS({
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { ...BENCH_CREDENTIALS },
  });
}

async function asyncawsTopicProducer({ port, tag }) {
  const sns = await snsClient(port);
  const producer = sns.topic(topicArn(tag)).producer();
  return {
    run: async (ms) => {
      const counter = { n: 0 };
      const { sent, failed, firstError } = await producer.sendAll(
        until(performance.now() + ms, MESSAGE_BODY, counter),
      );
      if (failed) throw firstError?.error ?? new Error(`${failed} failed`);
      return sent;
    },
  };
}

async function asyncawsPublishBatch({ port, tag }) {
  const sns = await snsClient(port);
  const topic = sns.topic(topicArn(tag));
  return { messages: 10, call: async () => checkSuccessful(await topic.publishBatch(TEN)) };
}

// ---------------------------------------------------------------------------------------------
// Lambda: the same SQS event of 10 records through asyncaws's sqsHandler and Powertools' batch
// processor (no network: CPU per record of the wrapper itself).

function lambdaEvent() {
  return {
    Records: RECEIVED.map((m, i) => ({
      messageId: m.MessageId,
      receiptHandle: handleOf(i),
      body: m.Body,
      attributes: m.Attributes,
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes).map(([k, v]) => [
          k,
          { stringValue: v.StringValue, stringListValues: [], binaryListValues: [], dataType: v.DataType },
        ]),
      ),
      md5OfBody: md5(m.Body),
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:${REGION}:000000000000:bench-lambda`,
      awsRegion: REGION,
    })),
  };
}

async function asyncawsLambda() {
  const { sqsHandler } = await import("asyncaws");
  let seen = 0;
  const handler = sqsHandler(async (message) => {
    if (message.Body.length < 10) fail("Body", message.Body);
    seen++;
  });
  const event = lambdaEvent();
  return {
    messages: 10,
    call: async () => {
      const before = seen;
      const out = await handler(event);
      if (out.batchItemFailures.length || seen - before !== 10) fail("sqsHandler", out);
    },
    offline: true,
  };
}

async function powertoolsLambda() {
  const { BatchProcessor, EventType, processPartialResponse } = await import("@aws-lambda-powertools/batch");
  const processor = new BatchProcessor(EventType.SQS);
  let seen = 0;
  const record = async (r) => {
    if (r.body.length < 10) fail("body", r.body);
    seen++;
  };
  const event = lambdaEvent();
  const context = { getRemainingTimeInMillis: () => 60_000 };
  return {
    messages: 10,
    call: async () => {
      const before = seen;
      const out = await processPartialResponse(event, record, processor, { context });
      if (out.batchItemFailures.length || seen - before !== 10) fail("processPartialResponse", out);
    },
    offline: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Peers over the network

async function sdkSqs(port) {
  const mod = await import("@aws-sdk/client-sqs");
  const client = new mod.SQSClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { ...BENCH_CREDENTIALS },
  });
  return { mod, client };
}

function sqsConsumerPeer(concurrency) {
  return async ({ port, tag }) => {
    const { Consumer } = await import("sqs-consumer");
    const { client } = await sdkSqs(port);
    const queueUrlValue = queueUrl(port, tag);
    return {
      run: (ms) =>
        streamFor(ms, (count) => {
          // sqs-consumer handles at most 10 at once: one instance of batch size 10 per 10 in flight.
          const consumers = [];
          let error;
          for (let i = 0; i < concurrency / 10; i++) {
            const consumer = Consumer.create({
              queueUrl: queueUrlValue,
              sqs: client,
              batchSize: 10,
              waitTimeSeconds: 1,
              handleMessage: async (message) => {
                checkMessage(message);
                count();
                return message;
              },
            });
            consumer.on("error", (e) => {
              error ??= e;
            });
            consumer.on("processing_error", (e) => {
              error ??= e;
            });
            consumer.start();
            consumers.push(consumer);
          }
          return async () => {
            for (const c of consumers) c.stop({ abort: false });
            // It deletes after each handler resolves; wait until every instance has stopped.
            const deadline = Date.now() + 10_000;
            while (Date.now() < deadline && consumers.some((c) => c.status?.isRunning || c.status?.isPolling))
              await new Promise((resolve) => setTimeout(resolve, 5));
            if (error) throw error;
          };
        }),
    };
  };
}

function sdkLoop(concurrency) {
  return async ({ port, tag }) => {
    const { mod, client } = await sdkSqs(port);
    const QueueUrl = queueUrl(port, tag);
    const handle = async (message) => checkMessage(message);
    return {
      run: (ms) =>
        streamFor(ms, (count) => {
          let running = true;
          const loop = async () => {
            while (running) {
              const { Messages = [] } = await client.send(
                new mod.ReceiveMessageCommand({ QueueUrl, ...RECEIVE_INPUT, WaitTimeSeconds: 1 }),
              );
              const done = [];
              await Promise.all(
                Messages.map(async (m) => {
                  await handle(m);
                  done.push(m);
                }),
              );
              if (done.length) {
                const out = await client.send(
                  new mod.DeleteMessageBatchCommand({
                    QueueUrl,
                    Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
                  }),
                );
                if (out.Failed?.length) fail("DeleteMessageBatch", out.Failed);
                for (let i = 0; i < done.length; i++) count();
              }
            }
          };
          const loops = Array.from({ length: concurrency / 10 }, loop);
          return async () => {
            running = false;
            await Promise.all(loops);
          };
        }),
    };
  };
}

function sdkBatchCommand(command, entries) {
  return async ({ port, tag }) => {
    const { mod, client } = await sdkSqs(port);
    const QueueUrl = queueUrl(port, tag);
    return {
      messages: 10,
      call: async () =>
        checkSuccessful(await client.send(new mod[command]({ QueueUrl, Entries: entries() }))),
    };
  };
}

async function sdkReceive({ port, tag }) {
  const { mod, client } = await sdkSqs(port);
  const QueueUrl = queueUrl(port, tag);
  return {
    messages: 10,
    call: async () =>
      checkMessages(
        (await client.send(new mod.ReceiveMessageCommand({ QueueUrl, ...RECEIVE_INPUT }))).Messages,
      ),
  };
}

async function sdkPublishBatch({ port, tag }) {
  const { SNSClient, PublishBatchCommand } = await import("@aws-sdk/client-sns");
  const client = new SNSClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { ...BENCH_CREDENTIALS },
  });
  const TopicArn = topicArn(tag);
  return {
    messages: 10,
    call: async () =>
      checkSuccessful(
        await client.send(
          new PublishBatchCommand({
            TopicArn,
            PublishBatchRequestEntries: TEN.map((Message, i) => ({ Id: `m${i}`, Message })),
          }),
        ),
      ),
  };
}

async function sqsProducerPeer({ port, tag }) {
  const { Producer } = await import("sqs-producer");
  const { client } = await sdkSqs(port);
  const producer = Producer.create({ queueUrl: queueUrl(port, tag), sqs: client, batchSize: 10 });
  const messages = TEN.map((body, i) => ({ id: `m${i}`, body }));
  return {
    messages: 10,
    call: async () => {
      const out = await producer.send(messages);
      if (out.length !== 10) fail("sqs-producer", out);
      for (const r of out) if (r.MD5OfMessageBody !== SENT_MD5) fail("MD5OfMessageBody", r);
    },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * The groups of the batch section: each group's scenarios run interleaved, and each ratio is of
 * two scenarios of one group. `floor` names the group's reference scenario; `concurrency` is
 * requests in flight for `call` scenarios (streams set their own).
 */
export const GROUPS = [
  {
    name: "consume",
    title: "Consuming: receive 10 + delete 10 per 10 messages (no-op handler)",
    floor: "floor-net-receive-delete",
    scenarios: {
      "floor-undici-receive-delete": {
        label: "floor: replay over undici Pool (c10)",
        kind: "floor",
        setup: floor("undici", ["ReceiveMessage", "DeleteMessageBatch"]),
        concurrency: 10,
        counts: "DeleteMessageBatch",
      },
      "floor-net-receive-delete": {
        label: "floor: replay over asyncaws node:net (c10)",
        kind: "floor",
        setup: floor("net", ["ReceiveMessage", "DeleteMessageBatch"]),
        concurrency: 10,
        counts: "DeleteMessageBatch",
      },
      "asyncaws-consumer-10": {
        label: "asyncaws consumer, 10 in flight",
        kind: "library",
        setup: asyncawsConsumer(10),
        counts: "DeleteMessageBatch",
      },
      "asyncaws-consumer-100": {
        label: "asyncaws consumer, 100 in flight",
        kind: "library",
        setup: asyncawsConsumer(100),
        counts: "DeleteMessageBatch",
      },
      "asyncaws-consumer-1000": {
        label: "asyncaws consumer, 1,000 in flight",
        kind: "library",
        setup: asyncawsConsumer(1000),
        counts: "DeleteMessageBatch",
      },
      "asyncaws-iterator": {
        label: "asyncaws iterator (messages(), ack), 100",
        kind: "library",
        setup: asyncawsIterator,
        counts: "DeleteMessageBatch",
      },
      "asyncaws-receive-delete": {
        label: "asyncaws receive + deleteMessageBatch by hand (c10)",
        kind: "library",
        setup: asyncawsReceiveDelete,
        concurrency: 10,
        counts: "DeleteMessageBatch",
      },
      "sqs-consumer-10": {
        label: "sqs-consumer, 10 in flight",
        kind: "peer",
        setup: sqsConsumerPeer(10),
        counts: ["DeleteMessage", "DeleteMessageBatch"],
      },
      "sqs-consumer-100": {
        label: "sqs-consumer, 100 in flight (10 instances)",
        kind: "peer",
        setup: sqsConsumerPeer(100),
        counts: ["DeleteMessage", "DeleteMessageBatch"],
      },
      "aws-sdk-loop-100": {
        label: "@aws-sdk v3 receive/handle/batch-delete loop, 100",
        kind: "peer",
        setup: sdkLoop(100),
        counts: "DeleteMessageBatch",
      },
    },
  },
  {
    name: "receive",
    title: "ReceiveMessage of 10 (3 attributes each, MD5s checked by the clients)",
    floor: "floor-net-receive",
    scenarios: {
      "floor-undici-receive": {
        label: "floor: replay over undici Pool",
        kind: "floor",
        setup: floor("undici", ["ReceiveMessage"]),
        concurrency: 10,
        counts: "ReceiveMessage",
      },
      "floor-net-receive": {
        label: "floor: replay over asyncaws node:net",
        kind: "floor",
        setup: floor("net", ["ReceiveMessage"]),
        concurrency: 10,
        counts: "ReceiveMessage",
      },
      "asyncaws-receive": {
        label: "asyncaws receiveMessage",
        kind: "library",
        setup: asyncawsReceive,
        concurrency: 10,
        counts: "ReceiveMessage",
      },
      "asyncaws-receive-nomd5": {
        label: "asyncaws receiveMessage, checksums: false",
        kind: "library",
        setup: asyncawsReceiveNoChecksums,
        concurrency: 10,
        counts: "ReceiveMessage",
      },
      "aws-sdk-receive": {
        label: "@aws-sdk v3 ReceiveMessageCommand",
        kind: "peer",
        setup: sdkReceive,
        concurrency: 10,
        counts: "ReceiveMessage",
      },
    },
  },
  {
    name: "delete",
    title: "DeleteMessageBatch and ChangeMessageVisibilityBatch of 10",
    floor: "floor-net-delete",
    scenarios: {
      "floor-undici-delete": {
        label: "floor: DeleteMessageBatch over undici Pool",
        kind: "floor",
        setup: floor("undici", ["DeleteMessageBatch"]),
        concurrency: 10,
        counts: "DeleteMessageBatch",
      },
      "floor-net-delete": {
        label: "floor: DeleteMessageBatch over asyncaws node:net",
        kind: "floor",
        setup: floor("net", ["DeleteMessageBatch"]),
        concurrency: 10,
        counts: "DeleteMessageBatch",
      },
      "asyncaws-delete": {
        label: "asyncaws deleteMessageBatch",
        kind: "library",
        setup: asyncawsBatchMethod("deleteMessageBatch", deleteEntries),
        concurrency: 10,
        counts: "DeleteMessageBatch",
      },
      "aws-sdk-delete": {
        label: "@aws-sdk v3 DeleteMessageBatchCommand",
        kind: "peer",
        setup: sdkBatchCommand("DeleteMessageBatchCommand", deleteEntries),
        concurrency: 10,
        counts: "DeleteMessageBatch",
      },
      "floor-undici-visibility": {
        label: "floor: ChangeMessageVisibilityBatch over undici Pool",
        kind: "floor",
        setup: floor("undici", ["ChangeMessageVisibilityBatch"]),
        concurrency: 10,
        counts: "ChangeMessageVisibilityBatch",
      },
      "floor-net-visibility": {
        label: "floor: ChangeMessageVisibilityBatch over asyncaws node:net",
        kind: "floor",
        setup: floor("net", ["ChangeMessageVisibilityBatch"]),
        concurrency: 10,
        counts: "ChangeMessageVisibilityBatch",
      },
      "asyncaws-visibility": {
        label: "asyncaws changeMessageVisibilityBatch",
        kind: "library",
        setup: asyncawsBatchMethod("changeMessageVisibilityBatch", visibilityEntries),
        concurrency: 10,
        counts: "ChangeMessageVisibilityBatch",
      },
    },
  },
  {
    name: "send",
    title: "Producing: SendMessageBatch of 10",
    floor: "floor-net-send",
    scenarios: {
      "floor-undici-send": {
        label: "floor: replay over undici Pool",
        kind: "floor",
        setup: floor("undici", ["SendMessageBatch"]),
        concurrency: 10,
        counts: "SendMessageBatch",
      },
      "floor-net-send": {
        label: "floor: replay over asyncaws node:net",
        kind: "floor",
        setup: floor("net", ["SendMessageBatch"]),
        concurrency: 10,
        counts: "SendMessageBatch",
      },
      "asyncaws-producer": {
        label: "asyncaws queue.producer(), sendAll at full speed",
        kind: "library",
        setup: asyncawsProducer,
        counts: "SendMessageBatch",
      },
      "asyncaws-sendbatch": {
        label: "asyncaws queue.sendBatch(10 bodies)",
        kind: "library",
        setup: asyncawsSendBatch,
        concurrency: 10,
        counts: "SendMessageBatch",
      },
      "asyncaws-sendmessagebatch": {
        label: "asyncaws sendMessageBatch",
        kind: "library",
        setup: asyncawsBatchMethod("sendMessageBatch", sendEntries),
        concurrency: 10,
        counts: "SendMessageBatch",
      },
      "sqs-producer": {
        label: "sqs-producer send(10)",
        kind: "peer",
        setup: sqsProducerPeer,
        concurrency: 10,
        counts: "SendMessageBatch",
      },
      "aws-sdk-sendbatch": {
        label: "@aws-sdk v3 SendMessageBatchCommand",
        kind: "peer",
        setup: sdkBatchCommand("SendMessageBatchCommand", sendEntries),
        concurrency: 10,
        counts: "SendMessageBatch",
      },
    },
  },
  {
    name: "publish",
    title: "Producing: SNS PublishBatch of 10",
    floor: "floor-net-publish",
    scenarios: {
      "floor-undici-publish": {
        label: "floor: replay over undici Pool",
        kind: "floor",
        setup: floor("undici", ["PublishBatch"]),
        concurrency: 10,
        counts: "PublishBatch",
      },
      "floor-net-publish": {
        label: "floor: replay over asyncaws node:net",
        kind: "floor",
        setup: floor("net", ["PublishBatch"]),
        concurrency: 10,
        counts: "PublishBatch",
      },
      "asyncaws-topic-producer": {
        label: "asyncaws topic.producer(), sendAll at full speed",
        kind: "library",
        setup: asyncawsTopicProducer,
        counts: "PublishBatch",
      },
      "asyncaws-publishbatch": {
        label: "asyncaws topic.publishBatch(10 bodies)",
        kind: "library",
        setup: asyncawsPublishBatch,
        concurrency: 10,
        counts: "PublishBatch",
      },
      "aws-sdk-publishbatch": {
        label: "@aws-sdk v3 PublishBatchCommand",
        kind: "peer",
        setup: sdkPublishBatch,
        concurrency: 10,
        counts: "PublishBatch",
      },
    },
  },
  {
    name: "lambda",
    title: "Lambda: an SQS event of 10 records, no-op handler (no network)",
    floor: "asyncaws-sqshandler",
    scenarios: {
      "asyncaws-sqshandler": {
        label: "asyncaws sqsHandler",
        kind: "library",
        setup: asyncawsLambda,
        concurrency: 1,
      },
      "powertools-batch": {
        label: "Powertools BatchProcessor + processPartialResponse",
        kind: "peer",
        setup: powertoolsLambda,
        concurrency: 1,
      },
    },
  },
];

/** Every scenario by name. */
export const SCENARIOS = Object.fromEntries(GROUPS.flatMap((g) => Object.entries(g.scenarios)));
