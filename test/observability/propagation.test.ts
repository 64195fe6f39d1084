// biome-ignore-all lint/suspicious/noExplicitAny: the tests read nested parts of loosely typed outputs
// Trace context in messages, without a tracer: W3C <-> X-Ray ids, what is written into sends
// (within 10 attributes and 256 KiB, never changing the caller's objects), what receives ask
// for, and what is read back from SQS attributes, the system attribute and SNS envelopes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  askForTrace,
  extractTrace,
  injectTrace,
  parseTraceparent,
  parseXRay,
  type TraceIds,
  toTraceparent,
  toXRay,
} from "../../src/observability/propagation.js";

const ids: TraceIds = {
  traceId: "5759e988bd862e3fe1be46a994272793",
  spanId: "53995c3f42cd8ad8",
  sampled: true,
};
const XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

function attributes(count: number): Record<string, { DataType: string; StringValue: string }> {
  const out: Record<string, { DataType: string; StringValue: string }> = {};
  for (let i = 0; i < count; i++) out[`a${i}`] = { DataType: "String", StringValue: `v${i}` };
  return out;
}

describe("ids", () => {
  it("converts W3C ids to X-Ray's header and back", () => {
    assert.equal(toXRay(ids), XRAY);
    assert.deepEqual(parseXRay(XRAY), ids);
    assert.deepEqual(
      parseXRay("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"),
      {
        ...ids,
        sampled: false,
      },
    );
    assert.equal(toXRay({ ...ids, sampled: false }).endsWith("Sampled=0"), true);
  });

  it("reads X-Ray headers in any order, with Lineage and spaces; rejects broken ones", () => {
    assert.deepEqual(
      parseXRay("Sampled=1; Parent=53995c3f42cd8ad8; Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=a:1"),
      ids,
    );
    for (const bad of [
      undefined,
      "",
      "Root=1-5759e988-bd862e3fe1be46a994272793",
      "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
      "Root=1-5759e988-bd862e3f;Parent=53995c3f42cd8ad8",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=zz995c3f42cd8ad8",
    ]) {
      assert.equal(parseXRay(bad), undefined, String(bad));
    }
  });

  it("writes and reads traceparent", () => {
    const value = toTraceparent(ids);
    assert.equal(value, "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01");
    assert.deepEqual(parseTraceparent(value), ids);
    assert.deepEqual(parseTraceparent(value, "k=v"), { ...ids, traceState: "k=v" });
    for (const bad of [
      "00-00000000000000000000000000000000-53995c3f42cd8ad8-01",
      "00-5759e988bd862e3fe1be46a994272793-0000000000000000-01",
      "ff-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01",
      "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01-extra",
      "00-5759e988-53995c3f42cd8ad8-01",
      42,
    ]) {
      assert.equal(parseTraceparent(bad), undefined, String(bad));
    }
  });
});

describe("injectTrace", () => {
  it("SendMessage: AWSTraceHeader, traceparent and tracestate; the caller's object untouched", () => {
    const input = { QueueUrl: "u", MessageBody: "b", MessageAttributes: attributes(2) };
    const before = structuredClone(input);
    const out = injectTrace("SendMessage", input, { ...ids, traceState: "k=v" }) as Record<string, any>;
    assert.deepEqual(input, before);
    assert.deepEqual(out.MessageSystemAttributes, {
      AWSTraceHeader: { DataType: "String", StringValue: XRAY },
    });
    assert.equal(out.MessageAttributes.traceparent.StringValue, toTraceparent(ids));
    assert.equal(out.MessageAttributes.tracestate.StringValue, "k=v");
    assert.equal(Object.keys(out.MessageAttributes).length, 4);
  });

  it("never goes past 10 attributes: 9 leave room for traceparent only, 10 for none", () => {
    const nine = injectTrace(
      "SendMessage",
      { MessageBody: "b", MessageAttributes: attributes(9) },
      {
        ...ids,
        traceState: "k=v",
      },
    ) as Record<string, any>;
    assert.equal(Object.keys(nine.MessageAttributes).length, 10);
    assert.ok(nine.MessageAttributes.traceparent);
    assert.equal(nine.MessageAttributes.tracestate, undefined);
    const ten = injectTrace(
      "SendMessage",
      { MessageBody: "b", MessageAttributes: attributes(10) },
      ids,
    ) as Record<string, any>;
    assert.equal(Object.keys(ten.MessageAttributes).length, 10);
    assert.equal(ten.MessageAttributes.traceparent, undefined);
    assert.equal(ten.MessageSystemAttributes.AWSTraceHeader.StringValue, XRAY, "still traced");
  });

  it("leaves a message near 256 KiB without W3C attributes (AWSTraceHeader only)", () => {
    const out = injectTrace("SendMessage", { MessageBody: "x".repeat(262_100) }, ids) as Record<string, any>;
    assert.equal(out.MessageAttributes, undefined);
    assert.equal(out.MessageSystemAttributes.AWSTraceHeader.StringValue, XRAY);
  });

  it("keeps the caller's own trace attributes", () => {
    const mine = {
      DataType: "String",
      StringValue: "00-11111111111111111111111111111111-2222222222222222-01",
    };
    const own = {
      DataType: "String",
      StringValue: "Root=1-00000001-000000000000000000000001;Parent=0000000000000001",
    };
    const out = injectTrace(
      "SendMessage",
      {
        MessageBody: "b",
        MessageAttributes: { traceparent: mine },
        MessageSystemAttributes: { AWSTraceHeader: own },
      },
      ids,
    ) as Record<string, any>;
    assert.equal(out.MessageAttributes.traceparent, mine);
    assert.equal(out.MessageSystemAttributes.AWSTraceHeader, own);
  });

  it("batches: every entry; SNS: message attributes only; other calls and odd inputs as they are", () => {
    const batch = injectTrace(
      "SendMessageBatch",
      { Entries: [{ Id: "1", MessageBody: "a" }, 7] },
      ids,
    ) as Record<string, any>;
    assert.equal(batch.Entries[0].MessageSystemAttributes.AWSTraceHeader.StringValue, XRAY);
    assert.equal(batch.Entries[1], 7);
    const publish = injectTrace("Publish", { TopicArn: "t", Message: "m" }, ids) as Record<string, any>;
    assert.equal(publish.MessageAttributes.traceparent.StringValue, toTraceparent(ids));
    assert.equal(publish.MessageSystemAttributes, undefined);
    const publishBatch = injectTrace(
      "PublishBatch",
      { PublishBatchRequestEntries: [{ Id: "1", Message: "m", MessageAttributes: attributes(10) }] },
      ids,
    ) as Record<string, any>;
    assert.equal(Object.keys(publishBatch.PublishBatchRequestEntries[0].MessageAttributes).length, 10);
    const other = { QueueName: "q" };
    assert.equal(injectTrace("CreateQueue", other, ids), other);
    assert.equal(injectTrace("SendMessage", "nonsense", ids), "nonsense");
    const odd = { MessageBody: "b", MessageAttributes: "nonsense" };
    assert.equal(
      (injectTrace("SendMessage", odd, ids) as Record<string, unknown>).MessageAttributes,
      "nonsense",
    );
  });
});

describe("askForTrace", () => {
  it("adds AWSTraceHeader and the W3C attribute names unless all are asked for", () => {
    assert.deepEqual(askForTrace({ QueueUrl: "u" }), {
      QueueUrl: "u",
      MessageSystemAttributeNames: ["AWSTraceHeader"],
      MessageAttributeNames: ["traceparent", "tracestate"],
    });
    assert.deepEqual(askForTrace({ MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"] }), {
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    });
    assert.deepEqual(
      askForTrace({ MessageAttributeNames: ["mine"], MessageSystemAttributeNames: ["SentTimestamp"] }),
      {
        MessageSystemAttributeNames: ["SentTimestamp", "AWSTraceHeader"],
        MessageAttributeNames: ["mine", "traceparent", "tracestate"],
      },
    );
  });
});

describe("extractTrace", () => {
  const parent = toTraceparent(ids);
  const other: TraceIds = {
    traceId: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    spanId: "bbbbbbbbbbbbbbbb",
    sampled: false,
  };
  it("reads the traceparent attribute first, then an SNS envelope's, then AWSTraceHeader", () => {
    assert.deepEqual(
      extractTrace({
        MessageAttributes: { traceparent: { DataType: "String", StringValue: parent } },
        Attributes: { AWSTraceHeader: toXRay(other) },
      }),
      ids,
    );
    const envelope = JSON.stringify({
      Type: "Notification",
      MessageId: "m",
      TopicArn: "t",
      Message: "hello",
      Timestamp: "2026-01-01T00:00:00.000Z",
      MessageAttributes: {
        traceparent: { Type: "String", Value: parent },
        tracestate: { Type: "String", Value: "k=v" },
      },
    });
    assert.deepEqual(extractTrace({ Body: envelope, Attributes: { AWSTraceHeader: toXRay(other) } }), {
      ...ids,
      traceState: "k=v",
    });
    assert.deepEqual(extractTrace({ Body: "plain", Attributes: { AWSTraceHeader: toXRay(other) } }), other);
    assert.equal(extractTrace({ Body: '{"traceparent": broken' }), undefined);
    assert.equal(extractTrace({ Body: "plain" }), undefined);
    assert.equal(extractTrace(undefined), undefined);
  });
});
