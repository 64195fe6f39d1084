// An in-process stand-in for `node:net`, for measuring the client's own CPU (bench/ab-consume.mjs
// --fake-net): `process.getBuiltinModule("node:net")` returns it, so asyncaws's transport (and the
// floors' replay over that transport) write to sockets that answer SQS JSON requests in the next
// turn of the event loop, with no kernel, no other process and no network in the figure. What is
// left is user-space work: the library's own and the floor's (JSON.parse of the answer...), plus
// this fake's, the same for every client (one answer built per request).

import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { deliveredHandle, deliveredId, RECEIVED } from "./fixtures.mjs";

const md5 = (text) => createHash("md5").update(text, "utf8").digest("hex");
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
    parts.push(Buffer.of(1));
    lengthPrefixed(Buffer.from(value.StringValue, "utf8"));
  }
  return createHash("md5").update(Buffer.concat(parts)).digest("hex");
}

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
let serial = 0;
/** Requests served, by action. */
export const served = new Map();

function http(text) {
  const body = Buffer.from(text, "utf8");
  return Buffer.concat([
    Buffer.from(
      `HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: ${body.length}\r\nx-amzn-requestid: 27daac76-34dd-47df-bd01-1f6e873584a0\r\n\r\n`,
      "latin1",
    ),
    body,
  ]);
}

const batchAnswers = new Map();
function answer(request) {
  const at = request.indexOf("x-amz-target: AmazonSQS.");
  const action = request.slice(at + 24, request.indexOf("\r\n", at));
  served.set(action, (served.get(action) ?? 0) + 1);
  const body = request.slice(request.indexOf("\r\n\r\n") + 4);
  if (action === "ReceiveMessage") {
    const max = Number(/"MaxNumberOfMessages":(\d+)/.exec(body)?.[1] ?? 1);
    let out = '{"Messages":[';
    for (let i = 0; i < max; i++) {
      const n = ++serial;
      out += `${i ? "," : ""}{"MessageId":"${deliveredId(n)}","ReceiptHandle":"${deliveredHandle(n)}${RECEIVE_PARTS[i]}`;
    }
    return http(`${out}]}`);
  }
  if (action === "DeleteMessageBatch" || action === "ChangeMessageVisibilityBatch") {
    const ids = [];
    for (let i = body.indexOf('"Id":"'); i >= 0; i = body.indexOf('"Id":"', i + 6))
      ids.push(body.slice(i + 6, body.indexOf('"', i + 6)));
    const key = ids.join(",");
    let made = batchAnswers.get(key);
    if (made === undefined) {
      made = http(JSON.stringify({ Successful: ids.map((Id) => ({ Id })), Failed: [] }));
      batchAnswers.set(key, made);
    }
    return made;
  }
  if (action === "GetQueueAttributes") return http('{"Attributes":{"VisibilityTimeout":"30"}}');
  if (action === "GetQueueUrl") return http('{"QueueUrl":"http://127.0.0.1:1/000000000000/q"}');
  return http("{}");
}

class FakeSocket extends EventEmitter {
  destroyed = false;
  #pending = "";
  setNoDelay() {}
  setKeepAlive() {}
  ref() {}
  unref() {}
  write(data) {
    this.#pending += typeof data === "string" ? data : Buffer.from(data).toString("latin1");
    const end = this.#pending.indexOf("\r\n\r\n");
    if (end < 0) return true;
    const length = Number(/content-length: (\d+)/i.exec(this.#pending)?.[1] ?? 0);
    if (Buffer.byteLength(this.#pending) - (end + 4) < length) return true;
    const request = this.#pending;
    this.#pending = "";
    setImmediate(() => {
      if (!this.destroyed) this.emit("data", answer(request));
    });
    return true;
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    setImmediate(() => this.emit("close"));
  }
}

/** Makes `process.getBuiltinModule("node:net")` answer with the fake. */
export function installFakeNet() {
  const original = process.getBuiltinModule.bind(process);
  const fake = { connect: () => new FakeSocket() };
  process.getBuiltinModule = (name) => (name === "node:net" || name === "net" ? fake : original(name));
}
