// A small in-memory SQS (AWS JSON 1.0) on loopback, for what fauxqs lacks: it keeps the
// AWSTraceHeader system attribute of SendMessage and SendMessageBatch and gives it back on
// ReceiveMessage, as SQS does. It serves one queue at any URL; SNS Publish (Query protocol) to it
// is turned into a message as SNS's raw delivery with active tracing does (the X-Amzn-Trace-Id
// header becomes AWSTraceHeader). Just enough for a producer, a consumer and a trace.
import { json, type Loopback, type Reply, startLoopback, xml } from "./loopback.js";

interface Stored {
  id: string;
  body: string;
  attributes: Record<string, unknown> | undefined;
  traceHeader: string | undefined;
  receives: number;
  visibleAt: number;
}

export interface MiniSqs extends Loopback {
  /** Messages not deleted yet. */
  messages: Stored[];
}

type Input = Record<string, unknown>;

export async function startMiniSqs(): Promise<MiniSqs> {
  const messages: Stored[] = [];
  let next = 0;
  const store = (entry: Input, traceHeader?: string): Stored => {
    const system = entry.MessageSystemAttributes as Record<string, { StringValue?: string }> | undefined;
    const message: Stored = {
      id: `mini-${++next}`,
      body: String(entry.MessageBody ?? entry.Message ?? ""),
      attributes: entry.MessageAttributes as Record<string, unknown> | undefined,
      traceHeader: system?.AWSTraceHeader?.StringValue ?? traceHeader,
      receives: 0,
      visibleAt: 0,
    };
    messages.push(message);
    return message;
  };
  const wants = (names: unknown, name: string) =>
    Array.isArray(names) && (names.includes(name) || names.includes("All") || names.includes(".*"));
  const actions: Record<string, (input: Input) => Reply> = {
    SendMessage: (input) => json({ MessageId: store(input).id }),
    SendMessageBatch: (input) =>
      json({
        Successful: (input.Entries as Input[]).map((entry) => ({ Id: entry.Id, MessageId: store(entry).id })),
        Failed: [],
      }),
    ReceiveMessage: (input) => {
      const now = Date.now();
      const max = Number(input.MaxNumberOfMessages ?? 1);
      const out = [];
      for (const message of messages) {
        if (out.length >= max) break;
        if (message.visibleAt > now) continue;
        message.receives++;
        message.visibleAt = now + Number(input.VisibilityTimeout ?? 30) * 1000;
        const attributes: Record<string, string> = { ApproximateReceiveCount: String(message.receives) };
        if (message.traceHeader && wants(input.MessageSystemAttributeNames, "AWSTraceHeader"))
          attributes.AWSTraceHeader = message.traceHeader;
        const picked: Record<string, unknown> = {};
        for (const name in message.attributes ?? {})
          if (wants(input.MessageAttributeNames, name)) picked[name] = message.attributes![name];
        out.push({
          MessageId: message.id,
          ReceiptHandle: `${message.id}:${message.receives}`,
          Body: message.body,
          Attributes: attributes,
          ...(Object.keys(picked).length > 0 ? { MessageAttributes: picked } : {}),
        });
      }
      return json(out.length > 0 ? { Messages: out } : {});
    },
    DeleteMessage: (input) => {
      remove(String(input.ReceiptHandle));
      return json({});
    },
    DeleteMessageBatch: (input) => {
      const entries = input.Entries as Input[];
      for (const entry of entries) remove(String(entry.ReceiptHandle));
      return json({ Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] });
    },
    ChangeMessageVisibility: (input) => {
      visibility(String(input.ReceiptHandle), Number(input.VisibilityTimeout));
      return json({});
    },
    ChangeMessageVisibilityBatch: (input) => {
      const entries = input.Entries as Input[];
      for (const entry of entries) visibility(String(entry.ReceiptHandle), Number(entry.VisibilityTimeout));
      return json({ Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] });
    },
    GetQueueAttributes: () => json({ Attributes: { VisibilityTimeout: "30" } }),
  };
  const find = (handle: string) => messages.findIndex((m) => handle.startsWith(`${m.id}:`));
  const remove = (handle: string) => {
    const at = find(handle);
    if (at >= 0) messages.splice(at, 1);
  };
  const visibility = (handle: string, seconds: number) => {
    const at = find(handle);
    if (at >= 0) messages[at]!.visibleAt = Date.now() + seconds * 1000;
  };
  const server = await startLoopback((request) => {
    const target = request.headers["x-amz-target"];
    if (target?.startsWith("AmazonSQS.")) {
      const action = actions[target.slice("AmazonSQS.".length)];
      if (!action) return json({ __type: "com.amazonaws.sqs#UnsupportedOperation" }, 400);
      return action(JSON.parse(request.body || "{}") as Input);
    }
    // SNS Publish (AWS Query): delivered raw, with the X-Amzn-Trace-Id header as AWSTraceHeader.
    const form = new URLSearchParams(request.body);
    if (form.get("Action") === "Publish") {
      const attributes: Record<string, unknown> = {};
      for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
        attributes[form.get(`MessageAttributes.entry.${i}.Name`)!] = {
          DataType: form.get(`MessageAttributes.entry.${i}.Value.DataType`),
          StringValue: form.get(`MessageAttributes.entry.${i}.Value.StringValue`),
        };
      }
      const message = store(
        { Message: form.get("Message"), MessageAttributes: attributes },
        request.headers["x-amzn-trace-id"],
      );
      return xml(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${message.id}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`,
      );
    }
    return json({ __type: "UnsupportedOperation" }, 400);
  });
  return Object.assign(server, { messages });
}
