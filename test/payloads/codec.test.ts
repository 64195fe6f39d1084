import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isValidationError } from "../../src/core/errors.js";
import { SNS } from "../../src/index.js";
import { attributesBytes, pointerBody } from "../../src/payloads/codec.js";
import { embedHandle, markerOf, newKey, parseHandle, parsePointer } from "../../src/payloads/codec-read.js";
import { SQS } from "../../src/sqs/sqs.js";

describe("the extended clients' format", () => {
  it("writes the pointer as Java does, without spaces", () => {
    assert.equal(
      pointerBody({ bucket: "b", key: "k/1" }),
      '["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"b","s3Key":"k/1"}]',
    );
  });

  it("reads pointers spaced (Python) or not (Java), with either class name, by parsing JSON", () => {
    const expected = { bucket: "my-bucket", key: "a/b-c" };
    for (const body of [
      '["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"my-bucket","s3Key":"a/b-c"}]',
      '["software.amazon.payloadoffloading.PayloadS3Pointer", {"s3BucketName": "my-bucket", "s3Key": "a/b-c"}]',
      '["com.amazon.sqs.javamessaging.MessageS3Pointer",{"s3BucketName":"my-bucket","s3Key":"a/b-c"}]',
      ' [ "com.amazon.sqs.javamessaging.MessageS3Pointer" ,\n {"s3Key":"a/b-c","s3BucketName":"my-bucket"} ] ',
    ]) {
      assert.deepEqual(parsePointer(body), expected, body);
    }
    for (const body of [
      "hello",
      "[1,2]",
      '["other.Class",{"s3BucketName":"b","s3Key":"k"}]',
      '["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"b"}]',
      '["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"b","s3Key":"k"},3]',
      '["software.amazon.payloadoffloading.PayloadS3Pointer",',
    ]) {
      assert.equal(parsePointer(body), undefined, body);
    }
  });

  it("receipt handles carry the pointer between the markers", () => {
    const handle = embedHandle("AQEB+real/handle==", { bucket: "bkt", key: "pre/uuid" });
    assert.equal(
      handle,
      "-..s3BucketName..-bkt-..s3BucketName..--..s3Key..-pre/uuid-..s3Key..-AQEB+real/handle==",
    );
    assert.deepEqual(parseHandle(handle), {
      handle: "AQEB+real/handle==",
      pointer: { bucket: "bkt", key: "pre/uuid" },
    });
    assert.deepEqual(parseHandle("AQEB plain"), { handle: "AQEB plain", pointer: undefined });
    assert.deepEqual(parseHandle("-..s3BucketName..-broken"), {
      handle: "-..s3BucketName..-broken",
      pointer: undefined,
    });
  });

  it("counts attribute bytes as the AWS libraries do: name, data type, value", () => {
    assert.equal(
      attributesBytes({
        ab: { DataType: "String", StringValue: "é" },
        n: { DataType: "Number", StringValue: "12" },
        bin: { DataType: "Binary", BinaryValue: new Uint8Array(5) },
      }),
      2 + 6 + 2 + (1 + 6 + 2) + (3 + 6 + 5),
    );
    assert.equal(attributesBytes(undefined), 0);
  });

  it("finds either marker, in SQS's shape or in an SNS envelope's", () => {
    assert.deepEqual(markerOf({ ExtendedPayloadSize: { DataType: "Number", StringValue: "42" } }), {
      name: "ExtendedPayloadSize",
      size: 42,
    });
    assert.deepEqual(markerOf({ SQSLargePayloadSize: { DataType: "Number", StringValue: "7" } }), {
      name: "SQSLargePayloadSize",
      size: 7,
    });
    assert.deepEqual(markerOf({ ExtendedPayloadSize: { Type: "Number", Value: "9" } }), {
      name: "ExtendedPayloadSize",
      size: 9,
    });
    assert.equal(markerOf({ other: { DataType: "String", StringValue: "x" } }), undefined);
  });

  it("keys are the prefix and a random UUID", () => {
    const a = newKey("payloads/");
    assert.match(a, /^payloads\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(newKey(""), newKey(""));
  });
});

describe("the largePayloads option", () => {
  const base = { region: "us-east-1", endpoint: "http://127.0.0.1:9" };
  const cases: [string, unknown, string][] = [
    ["no object", "bucket", "largePayloads"],
    ["no bucket", {}, "largePayloads.bucket"],
    ["an empty bucket", { bucket: "" }, "largePayloads.bucket"],
    ["a key prefix with a space", { bucket: "b", keyPrefix: "a b" }, "largePayloads.keyPrefix"],
    ["a key prefix with a colon", { bucket: "b", keyPrefix: "a:b" }, "largePayloads.keyPrefix"],
    ["a key prefix too long", { bucket: "b", keyPrefix: "a".repeat(989) }, "largePayloads.keyPrefix"],
    ["a negative threshold", { bucket: "b", thresholdBytes: -1 }, "largePayloads.thresholdBytes"],
    [
      "a threshold over the limit",
      { bucket: "b", thresholdBytes: 2_000_000 },
      "largePayloads.thresholdBytes",
    ],
    ["a non-boolean flag", { bucket: "b", alwaysThroughS3: "yes" }, "largePayloads.alwaysThroughS3"],
    ["bad s3 options", { bucket: "b", s3: "x" }, "largePayloads.s3"],
  ];
  for (const [name, value, field] of cases) {
    it(`rejects ${name} when the client is made`, () => {
      for (const make of [
        () => new SQS({ ...base, largePayloads: value as never }),
        () => new SNS({ ...base, largePayloads: value as never }),
      ]) {
        assert.throws(make, (error: unknown) => isValidationError(error) && error.field === field);
      }
    });
  }

  it("accepts a 988-character prefix and the default threshold of each service", () => {
    new SQS({ ...base, largePayloads: { bucket: "b", keyPrefix: "a./_-Z9".repeat(141).slice(0, 988) } });
    new SQS({ ...base, largePayloads: { bucket: "b", thresholdBytes: 1_048_576 } });
    assert.throws(() => new SNS({ ...base, largePayloads: { bucket: "b", thresholdBytes: 1_048_576 } }));
    new SNS({ ...base, largePayloads: { bucket: "b", thresholdBytes: 262_144 } });
  });
});
