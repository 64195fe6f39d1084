// The benchmark's stub server: SQS over AWS JSON 1.0 and SNS over AWS Query, on 127.0.0.1, port 0,
// in a process of its own. It answers with pre-built responses carrying correct MD5 digests, checks
// every request (known action, well-formed input, a SigV4 Authorization header; each distinct
// signature is verified in full), and counts what it served per client, so that no client can look
// fast by failing or by skipping work.
//
// Control: started with an IPC channel; sends { type: "listening", port }; answers
// { type: "counts" } with { type: "counts", served, rejected, cpu, uptimeMs }.
//
// Which client sent a request is read from the resource it names: queue URL `.../bench-<tag>`,
// topic ARN `...:bench-<tag>`.

import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { MESSAGE_ID, RECEIVED, REQUEST_ID } from "./fixtures.mjs";
import { verifySignature } from "./sigv4-verify.mjs";

const md5 = (text) => createHash("md5").update(text, "utf8").digest("hex");

/** SQS's digest of message attributes (sorted names; length-prefixed name, type, transport byte, value). */
function md5OfAttributes(attributes) {
  const parts = [];
  const lengthPrefixed = (buffer) => {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(buffer.length);
    parts.push(prefix, buffer);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name];
    lengthPrefixed(Buffer.from(name, "utf8"));
    lengthPrefixed(Buffer.from(value.DataType, "utf8"));
    if (value.BinaryValue !== undefined) {
      parts.push(Buffer.of(2));
      lengthPrefixed(Buffer.from(value.BinaryValue, "base64"));
    } else {
      parts.push(Buffer.of(1));
      lengthPrefixed(Buffer.from(value.StringValue, "utf8"));
    }
  }
  return createHash("md5").update(Buffer.concat(parts)).digest("hex");
}

// ---------------------------------------------------------------------------------------------
// Pre-built answers, one per distinct request body (the benchmark sends the same input again and
// again, so each distinct body is checked and answered once and then served from this cache).

const JSON_TYPE = "application/x-amz-json-1.0";
const XML_TYPE = "text/xml";

function answer(status, contentType, text) {
  const body = Buffer.from(text, "utf8");
  return {
    status,
    headers: {
      "content-type": contentType,
      "content-length": String(body.length),
      "x-amzn-requestid": REQUEST_ID,
    },
    body,
  };
}

function jsonError(status, type, message) {
  return answer(status, JSON_TYPE, JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message }));
}

const QUEUE_TAG = /^https?:\/\/[^/]+\/000000000000\/bench-([A-Za-z0-9_-]+)$/;
const TOPIC_TAG = /^arn:aws:sns:[a-z0-9-]+:000000000000:bench-([A-Za-z0-9_-]+)$/;

/** The answer to an SQS JSON request, or an error answer. */
function buildSqs(action, text) {
  let input;
  try {
    input = JSON.parse(text);
  } catch {
    return { tag: "?", op: action, ok: false, ...jsonError(400, "SerializationException", "bad JSON") };
  }
  const tag = QUEUE_TAG.exec(input?.QueueUrl ?? "")?.[1];
  if (!tag)
    return { tag: "?", op: action, ok: false, ...jsonError(400, "QueueDoesNotExist", "no bench queue") };
  if (action === "SendMessage") {
    if (typeof input.MessageBody !== "string" || input.MessageBody === "") {
      return { tag, op: action, ok: false, ...jsonError(400, "MissingParameter", "MessageBody") };
    }
    const out = { MD5OfMessageBody: md5(input.MessageBody), MessageId: MESSAGE_ID };
    if (input.MessageAttributes && Object.keys(input.MessageAttributes).length > 0) {
      out.MD5OfMessageAttributes = md5OfAttributes(input.MessageAttributes);
    }
    return { tag, op: action, ok: true, ...answer(200, JSON_TYPE, JSON.stringify(out)) };
  }
  if (action === "ReceiveMessage") {
    const count = Math.min(input.MaxNumberOfMessages ?? 1, RECEIVED.length);
    const messages = RECEIVED.slice(0, count).map((m) => ({
      MessageId: m.MessageId,
      ReceiptHandle: m.ReceiptHandle,
      MD5OfBody: md5(m.Body),
      Body: m.Body,
      Attributes: m.Attributes,
      MD5OfMessageAttributes: md5OfAttributes(m.MessageAttributes),
      MessageAttributes: m.MessageAttributes,
    }));
    return { tag, op: action, ok: true, ...answer(200, JSON_TYPE, JSON.stringify({ Messages: messages })) };
  }
  if (action === "DeleteMessage") return { tag, op: action, ok: true, ...answer(200, JSON_TYPE, "{}") };
  return { tag, op: action, ok: false, ...jsonError(400, "UnsupportedOperation", action) };
}

function xmlError(code, message) {
  return answer(
    400,
    XML_TYPE,
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${REQUEST_ID}</RequestId></ErrorResponse>`,
  );
}

/** The answer to a Query (form-encoded) request: SNS Publish, or SQS SendMessage. */
function buildQuery(text) {
  const params = new URLSearchParams(text);
  const action = params.get("Action") ?? "?";
  if (action === "SendMessage") {
    // SQS over Query (asyncaws with protocol "query"; @aws-lite/sqs sends SendMessage this way).
    const tag = QUEUE_TAG.exec(params.get("QueueUrl") ?? "")?.[1];
    if (!tag) return { tag: "?", op: action, ok: false, ...xmlError("NonExistentQueue", "no bench queue") };
    const body = params.get("MessageBody");
    if (!body) return { tag, op: action, ok: false, ...xmlError("MissingParameter", "MessageBody") };
    return {
      tag,
      op: action,
      ok: true,
      ...answer(
        200,
        XML_TYPE,
        `<SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageResult><MD5OfMessageBody>${md5(body)}</MD5OfMessageBody><MessageId>${MESSAGE_ID}</MessageId></SendMessageResult><ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata></SendMessageResponse>`,
      ),
    };
  }
  if (action !== "Publish") return { tag: "?", op: action, ok: false, ...xmlError("InvalidAction", action) };
  const tag = TOPIC_TAG.exec(params.get("TopicArn") ?? "")?.[1];
  if (!tag) return { tag: "?", op: action, ok: false, ...xmlError("NotFound", "no bench topic") };
  if (!params.get("Message"))
    return { tag, op: action, ok: false, ...xmlError("InvalidParameter", "Message") };
  return {
    tag,
    op: action,
    ok: true,
    ...answer(
      200,
      XML_TYPE,
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${MESSAGE_ID}</MessageId></PublishResult><ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata></PublishResponse>`,
    ),
  };
}

const cache = new Map();
const CACHE_LIMIT = 10_000;

/** served[tag][op] = count; rejected[tag] = [reasons] (first few). */
const served = {};
const rejected = {};
let rejectedTotal = 0;

function reject(tag, reason) {
  rejectedTotal++;
  rejected[tag] ??= [];
  const list = rejected[tag];
  if (list.length < 5) list.push(reason);
}

function handle(req, res, text) {
  const target = req.headers["x-amz-target"];
  const key = `${target ?? ""}\n${req.url}\n${text}`;
  let entry = cache.get(key);
  if (entry === undefined) {
    if (typeof target === "string" && target.startsWith("AmazonSQS."))
      entry = buildSqs(target.slice(10), text);
    else if (String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
      entry = buildQuery(text);
    else if (text === "" && req.url.includes("?Action="))
      entry = buildQuery(req.url.slice(req.url.indexOf("?") + 1));
    else entry = { tag: "?", op: "?", ok: false, ...jsonError(400, "UnknownOperation", "unknown request") };
    entry.lastAuth = undefined;
    if (cache.size < CACHE_LIMIT) cache.set(key, entry);
  }
  if (!entry.ok) {
    reject(entry.tag, `${entry.op}: ${entry.body.toString("utf8").slice(0, 200)}`);
  } else {
    // Each distinct signature is verified once (a client signing the same body in the same
    // second produces the same one); a wrong signature gets a 403, as from AWS.
    const auth = req.headers.authorization;
    if (auth !== entry.lastAuth) {
      const problem = verifySignature(req.method, req.url, req.headers, text);
      if (problem) {
        reject(entry.tag, `${entry.op}: ${problem}`);
        const error =
          entry.op === "Publish"
            ? xmlError("SignatureDoesNotMatch", problem)
            : jsonError(403, "SignatureDoesNotMatch", problem);
        res.writeHead(403, error.headers);
        res.end(error.body);
        return;
      }
      entry.lastAuth = auth;
    }
    served[entry.tag] ??= {};
    const byOp = served[entry.tag];
    byOp[entry.op] = (byOp[entry.op] ?? 0) + 1;
  }
  res.writeHead(entry.status, entry.headers);
  res.end(entry.body);
}

const server = createServer(
  { keepAliveTimeout: 600_000, requestTimeout: 0, headersTimeout: 60_000 },
  (req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => handle(req, res, text));
  },
);
server.keepAliveTimeout = 600_000;
server.maxRequestsPerSocket = 0;

const started = performance.now();
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  if (process.send) process.send({ type: "listening", port });
  else console.log(`stub listening on 127.0.0.1:${port}`);
});

process.on("message", (message) => {
  if (message?.type === "counts") {
    process.send({
      type: "counts",
      served,
      rejected,
      rejectedTotal,
      cpu: process.cpuUsage(),
      uptimeMs: performance.now() - started,
    });
  } else if (message?.type === "exit") {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
