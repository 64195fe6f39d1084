// The benchmark's stub server: SQS over AWS JSON 1.0 and SNS over AWS Query, on 127.0.0.1, port 0,
// in a process of its own. It answers with pre-built responses carrying correct MD5 digests, checks
// every request (known action, well-formed input, a SigV4 Authorization header; each distinct
// signature is verified in full), and counts what it served per client, so that no client can look
// fast by failing or by skipping work.
//
// Control: started with an IPC channel; sends { type: "listening", port }; answers
// { type: "counts" } with { type: "counts", served, entries, rejected, cpu, uptimeMs }.
//
// Which client sent a request is read from the resource it names: queue URL `.../bench-<tag>`,
// topic ARN `...:bench-<tag>`.

import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { deliveredHandle, deliveredId, MESSAGE_ID, RECEIVED, REQUEST_ID } from "./fixtures.mjs";
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
    // Answered afresh each time (receiveAnswer): each delivery gets its own id and handle.
    const count = Math.min(input.MaxNumberOfMessages ?? 1, RECEIVED.length);
    return { tag, op: action, ok: true, dynamic: () => receiveAnswer(count) };
  }
  if (BATCH_ACTIONS.has(action)) {
    return { tag, op: action, ok: true, fresh: true, dynamic: () => batchAnswer(action, input) };
  }
  if (action === "GetQueueAttributes") {
    const Attributes = { VisibilityTimeout: "30", FifoQueue: "false", ApproximateNumberOfMessages: "1000" };
    return { tag, op: action, ok: true, ...answer(200, JSON_TYPE, JSON.stringify({ Attributes })) };
  }
  if (action === "ChangeMessageVisibility")
    return { tag, op: action, ok: true, ...answer(200, JSON_TYPE, "{}") };
  if (action === "DeleteMessage") return { tag, op: action, ok: true, ...answer(200, JSON_TYPE, "{}") };
  return { tag, op: action, ok: false, ...jsonError(400, "UnsupportedOperation", action) };
}

// ---------------------------------------------------------------------------------------------
// Answers made per request: ReceiveMessage (each delivery has an id and a receipt handle of its
// own) and the batch actions (the answer names the request's entry ids). The request's JSON is
// checked each time; the pieces that do not change are built once.

let serial = 0;
const RECEIVE_PARTS = RECEIVED.map((m) => {
  const rest = JSON.stringify({
    MD5OfBody: md5(m.Body),
    Body: m.Body,
    Attributes: m.Attributes,
    MD5OfMessageAttributes: md5OfAttributes(m.MessageAttributes),
    MessageAttributes: m.MessageAttributes,
  });
  return `",${rest.slice(1)}`;
});

/** A ReceiveMessage answer of `count` messages, each delivery numbered afresh. */
function receiveAnswer(count) {
  let out = '{"Messages":[';
  for (let i = 0; i < count; i++) {
    const n = ++serial;
    out += `${i ? "," : ""}{"MessageId":"${deliveredId(n)}","ReceiptHandle":"${deliveredHandle(n)}${RECEIVE_PARTS[i]}`;
  }
  return { text: `${out}]}`, entries: count };
}

const BATCH_ACTIONS = new Set(["DeleteMessageBatch", "ChangeMessageVisibilityBatch", "SendMessageBatch"]);
const bodyDigests = new Map();
const digestOf = (body) => {
  let digest = bodyDigests.get(body);
  if (digest === undefined) {
    digest = md5(body);
    if (bodyDigests.size < 10_000) bodyDigests.set(body, digest);
  }
  return digest;
};

/** The answer to a batch action's input (parsed), or a string naming what is wrong with it. */
function batchAnswer(op, input) {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) return "Entries: 1 to 10";
  const ids = new Set();
  const successful = [];
  for (const e of entries) {
    if (typeof e?.Id !== "string" || !/^[\w-]{1,80}$/.test(e.Id) || ids.has(e.Id)) return `entry Id ${e?.Id}`;
    ids.add(e.Id);
    if (op === "SendMessageBatch") {
      if (typeof e.MessageBody !== "string" || e.MessageBody === "") return "MessageBody";
      const out = { Id: e.Id, MessageId: deliveredId(++serial), MD5OfMessageBody: digestOf(e.MessageBody) };
      if (e.MessageAttributes && Object.keys(e.MessageAttributes).length > 0)
        out.MD5OfMessageAttributes = md5OfAttributes(e.MessageAttributes);
      successful.push(out);
    } else {
      if (typeof e.ReceiptHandle !== "string" || !e.ReceiptHandle.startsWith("AQEB")) return "ReceiptHandle";
      if (op === "ChangeMessageVisibilityBatch" && !Number.isInteger(e.VisibilityTimeout))
        return "VisibilityTimeout";
      successful.push({ Id: e.Id });
    }
  }
  return { text: JSON.stringify({ Successful: successful, Failed: [] }), entries: entries.length };
}

/** The answer to SNS PublishBatch (Query form), or a string naming what is wrong with it. */
function publishBatchAnswer(params) {
  let members = "";
  let n = 0;
  for (; n < 11; n++) {
    const id = params.get(`PublishBatchRequestEntries.member.${n + 1}.Id`);
    if (id === null) break;
    if (!params.get(`PublishBatchRequestEntries.member.${n + 1}.Message`)) return `entry ${n + 1}: Message`;
    members += `<member><Id>${id}</Id><MessageId>${deliveredId(++serial)}</MessageId></member>`;
  }
  if (n < 1 || n > 10) return "PublishBatchRequestEntries: 1 to 10";
  return {
    text: `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Failed/><Successful>${members}</Successful></PublishBatchResult><ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata></PublishBatchResponse>`,
    entries: n,
  };
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
  if (action === "PublishBatch") {
    const tag = TOPIC_TAG.exec(params.get("TopicArn") ?? "")?.[1];
    if (!tag) return { tag: "?", op: action, ok: false, ...xmlError("NotFound", "no bench topic") };
    return { tag, op: action, ok: true, fresh: true, dynamic: () => publishBatchAnswer(params) };
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
/** Answers made per request have their signature verified on a sample: the first of each client and 1 in SAMPLE. */
const SAMPLE = 16;
let sampled = 0;

/** served[tag][op] = requests; entries[tag][op] = messages or entries in them; rejected[tag] = [reasons] (first few). */
const served = {};
const entries = {};
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
    if (cache.size < CACHE_LIMIT && !entry.fresh) cache.set(key, entry);
  }
  const isQuery = entry.op === "Publish" || entry.op === "PublishBatch";
  if (!entry.ok) {
    reject(entry.tag, `${entry.op}: ${entry.body.toString("utf8").slice(0, 200)}`);
  } else {
    // Each distinct signature is verified once (a client signing the same body in the same
    // second produces the same one); answers made per request, on a sample. A wrong signature
    // gets a 403, as from AWS.
    const auth = req.headers.authorization;
    const check = entry.dynamic
      ? !served[entry.tag]?.[entry.op] || sampled++ % SAMPLE === 0
      : auth !== entry.lastAuth;
    if (check) {
      const problem = verifySignature(req.method, req.url, req.headers, text);
      if (problem) {
        reject(entry.tag, `${entry.op}: ${problem}`);
        const error = isQuery
          ? xmlError("SignatureDoesNotMatch", problem)
          : jsonError(403, "SignatureDoesNotMatch", problem);
        res.writeHead(403, error.headers);
        res.end(error.body);
        return;
      }
      entry.lastAuth = auth;
    }
    let count = 1;
    if (entry.dynamic) {
      const made = entry.dynamic();
      if (typeof made === "string") {
        reject(entry.tag, `${entry.op}: ${made}`);
        const error = isQuery
          ? xmlError("InvalidParameter", made)
          : jsonError(400, "InvalidParameterValue", made);
        res.writeHead(400, error.headers);
        res.end(error.body);
        return;
      }
      count = made.entries;
      const body = Buffer.from(made.text, "utf8");
      entry = {
        ...entry,
        body,
        status: 200,
        headers: {
          "content-type": isQuery ? XML_TYPE : JSON_TYPE,
          "content-length": String(body.length),
          "x-amzn-requestid": REQUEST_ID,
        },
      };
    }
    served[entry.tag] ??= {};
    const byOp = served[entry.tag];
    byOp[entry.op] = (byOp[entry.op] ?? 0) + 1;
    entries[entry.tag] ??= {};
    const entriesByOp = entries[entry.tag];
    entriesByOp[entry.op] = (entriesByOp[entry.op] ?? 0) + count;
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
      entries,
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
