import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeQueryResponse, encodeQuery, parseQueryError } from "../../../src/core/protocol/query.js";
import type { ListShape, MapShape, OperationShape, StructureShape } from "../../../src/core/schema.js";

// Hand-made shapes, following AWS's models for SNS (2010-03-31) and SQS Query (2012-11-05).

const EMPTY: StructureShape = { type: "structure", members: {} };

const snsMessageAttributeValue: StructureShape = {
  type: "structure",
  members: { DataType: { shape: "s" }, StringValue: { shape: "s" }, BinaryValue: { shape: "B" } },
};
const snsMessageAttributeMap: MapShape = {
  type: "map",
  value: snsMessageAttributeValue,
  keyName: "Name",
  valueName: "Value",
};
const snsPublish: OperationShape = {
  name: "Publish",
  input: {
    type: "structure",
    members: {
      TopicArn: { shape: "s" },
      TargetArn: { shape: "s" },
      Message: { shape: "s" },
      Subject: { shape: "s" },
      MessageStructure: { shape: "s" },
      MessageAttributes: { shape: snsMessageAttributeMap },
      MessageGroupId: { shape: "s" },
    },
  },
  output: { type: "structure", members: { MessageId: { shape: "s" }, SequenceNumber: { shape: "s" } } },
  resultWrapper: "PublishResult",
};

const snsAttributes: MapShape = { type: "map", value: "s" };
const snsTag: StructureShape = { type: "structure", members: { Key: { shape: "s" }, Value: { shape: "s" } } };
const snsCreateTopic: OperationShape = {
  name: "CreateTopic",
  input: {
    type: "structure",
    members: {
      Name: { shape: "s" },
      Attributes: { shape: snsAttributes },
      Tags: { shape: { type: "list", member: snsTag } },
    },
  },
  output: { type: "structure", members: { TopicArn: { shape: "s" } } },
  resultWrapper: "CreateTopicResult",
};

const snsListTopics: OperationShape = {
  name: "ListTopics",
  input: { type: "structure", members: { NextToken: { shape: "s" } } },
  output: {
    type: "structure",
    members: {
      Topics: {
        shape: { type: "list", member: { type: "structure", members: { TopicArn: { shape: "s" } } } },
      },
      NextToken: { shape: "s" },
    },
  },
  resultWrapper: "ListTopicsResult",
};

const snsGetTopicAttributes: OperationShape = {
  name: "GetTopicAttributes",
  input: { type: "structure", members: { TopicArn: { shape: "s" } } },
  output: { type: "structure", members: { Attributes: { shape: snsAttributes } } },
  resultWrapper: "GetTopicAttributesResult",
};

const snsDeleteTopic: OperationShape = {
  name: "DeleteTopic",
  input: { type: "structure", members: { TopicArn: { shape: "s" } } },
  output: EMPTY,
};

const sqsAttributeMap: MapShape = {
  type: "map",
  value: "s",
  keyName: "Name",
  valueName: "Value",
  flattened: true,
};
const sqsStringList = (name: string): ListShape => ({
  type: "list",
  member: "s",
  memberName: name,
  flattened: true,
});
const sqsMessageAttributeValue: StructureShape = {
  type: "structure",
  members: {
    StringValue: { shape: "s" },
    BinaryValue: { shape: "B" },
    StringListValues: { shape: sqsStringList("StringListValue"), name: "StringListValue" },
    BinaryListValues: {
      shape: { type: "list", member: "B", memberName: "BinaryListValue", flattened: true },
      name: "BinaryListValue",
    },
    DataType: { shape: "s" },
  },
};
const sqsMessageAttributeMap: MapShape = {
  type: "map",
  value: sqsMessageAttributeValue,
  keyName: "Name",
  valueName: "Value",
  flattened: true,
};

const sqsSendMessage: OperationShape = {
  name: "SendMessage",
  input: {
    type: "structure",
    members: {
      QueueUrl: { shape: "s" },
      MessageBody: { shape: "s" },
      DelaySeconds: { shape: "n" },
      MessageAttributes: { shape: sqsMessageAttributeMap, name: "MessageAttribute" },
    },
  },
  output: { type: "structure", members: { MessageId: { shape: "s" }, MD5OfMessageBody: { shape: "s" } } },
  resultWrapper: "SendMessageResult",
};

const sqsSetQueueAttributes: OperationShape = {
  name: "SetQueueAttributes",
  input: {
    type: "structure",
    members: { QueueUrl: { shape: "s" }, Attributes: { shape: sqsAttributeMap, name: "Attribute" } },
  },
  output: EMPTY,
};

const sqsGetQueueAttributes: OperationShape = {
  name: "GetQueueAttributes",
  input: {
    type: "structure",
    members: {
      QueueUrl: { shape: "s" },
      AttributeNames: { shape: sqsStringList("AttributeName"), name: "AttributeName" },
    },
  },
  output: { type: "structure", members: { Attributes: { shape: sqsAttributeMap, name: "Attribute" } } },
  resultWrapper: "GetQueueAttributesResult",
};

const sqsSendMessageBatch: OperationShape = {
  name: "SendMessageBatch",
  input: {
    type: "structure",
    members: {
      QueueUrl: { shape: "s" },
      Entries: {
        shape: {
          type: "list",
          member: {
            type: "structure",
            members: { Id: { shape: "s" }, MessageBody: { shape: "s" }, DelaySeconds: { shape: "n" } },
          },
          memberName: "SendMessageBatchRequestEntry",
          flattened: true,
        },
        name: "SendMessageBatchRequestEntry",
      },
    },
  },
  output: EMPTY,
  resultWrapper: "SendMessageBatchResult",
};

const sqsMessage: StructureShape = {
  type: "structure",
  members: {
    MessageId: { shape: "s" },
    ReceiptHandle: { shape: "s" },
    MD5OfBody: { shape: "s" },
    Body: { shape: "s" },
    Attributes: { shape: sqsAttributeMap, name: "Attribute" },
    MD5OfMessageAttributes: { shape: "s" },
    MessageAttributes: { shape: sqsMessageAttributeMap, name: "MessageAttribute" },
  },
};
const sqsReceiveMessage: OperationShape = {
  name: "ReceiveMessage",
  input: {
    type: "structure",
    members: {
      QueueUrl: { shape: "s" },
      AttributeNames: { shape: sqsStringList("AttributeName"), name: "AttributeName" },
      MessageAttributeNames: { shape: sqsStringList("MessageAttributeName"), name: "MessageAttributeName" },
      MaxNumberOfMessages: { shape: "n" },
      WaitTimeSeconds: { shape: "n" },
    },
  },
  output: {
    type: "structure",
    members: {
      Messages: {
        shape: { type: "list", member: sqsMessage, memberName: "Message", flattened: true },
        name: "Message",
      },
    },
  },
  resultWrapper: "ReceiveMessageResult",
};

/** Splits a form body into its parameters, decoded, for order-sensitive comparison. */
function params(body: string): [string, string][] {
  return body.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    return [pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1))];
  });
}

describe("encodeQuery", () => {
  it("starts with Action and Version", () => {
    assert.equal(
      encodeQuery(snsDeleteTopic, undefined, "2010-03-31"),
      "Action=DeleteTopic&Version=2010-03-31",
    );
    assert.equal(encodeQuery(snsDeleteTopic, {}, "2010-03-31"), "Action=DeleteTopic&Version=2010-03-31");
  });

  it("encodes SNS Publish with a non-flattened Name/Value map of structures", () => {
    const body = encodeQuery(
      snsPublish,
      {
        TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
        Message: "Hello world!",
        MessageAttributes: {
          customer: { DataType: "String", StringValue: "Alice (VIP)" },
          payload: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2, 250]) },
        },
      },
      "2010-03-31",
    );
    assert.equal(
      body,
      "Action=Publish&Version=2010-03-31" +
        "&TopicArn=arn%3Aaws%3Asns%3Aus-west-2%3A123456789012%3AMyTopic" +
        "&Message=Hello%20world%21" +
        "&MessageAttributes.entry.1.Name=customer" +
        "&MessageAttributes.entry.1.Value.DataType=String" +
        "&MessageAttributes.entry.1.Value.StringValue=Alice%20%28VIP%29" +
        "&MessageAttributes.entry.2.Name=payload" +
        "&MessageAttributes.entry.2.Value.DataType=Binary" +
        "&MessageAttributes.entry.2.Value.BinaryValue=AAEC%2Bg%3D%3D",
    );
  });

  it("encodes SNS CreateTopic attributes (entry.N.key/value) and tags (member.N)", () => {
    const body = encodeQuery(
      snsCreateTopic,
      {
        Name: "events",
        Attributes: { DisplayName: "Events", FifoTopic: "false" },
        Tags: [
          { Key: "team", Value: "core" },
          { Key: "env", Value: "prod" },
        ],
      },
      "2010-03-31",
    );
    assert.deepEqual(params(body), [
      ["Action", "CreateTopic"],
      ["Version", "2010-03-31"],
      ["Name", "events"],
      ["Attributes.entry.1.key", "DisplayName"],
      ["Attributes.entry.1.value", "Events"],
      ["Attributes.entry.2.key", "FifoTopic"],
      ["Attributes.entry.2.value", "false"],
      ["Tags.member.1.Key", "team"],
      ["Tags.member.1.Value", "core"],
      ["Tags.member.2.Key", "env"],
      ["Tags.member.2.Value", "prod"],
    ]);
  });

  it("encodes SQS flattened maps and lists under their wire names", () => {
    assert.equal(
      encodeQuery(
        sqsSetQueueAttributes,
        {
          QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q",
          Attributes: { DelaySeconds: "5", VisibilityTimeout: "30" },
        },
        "2012-11-05",
      ),
      "Action=SetQueueAttributes&Version=2012-11-05" +
        "&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Fq" +
        "&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5" +
        "&Attribute.2.Name=VisibilityTimeout&Attribute.2.Value=30",
    );
    assert.equal(
      encodeQuery(sqsGetQueueAttributes, { QueueUrl: "q", AttributeNames: ["All", "Policy"] }, "2012-11-05"),
      "Action=GetQueueAttributes&Version=2012-11-05&QueueUrl=q&AttributeName.1=All&AttributeName.2=Policy",
    );
  });

  it("encodes SQS SendMessage with flattened message attributes and numbers", () => {
    const body = encodeQuery(
      sqsSendMessage,
      {
        QueueUrl: "q",
        MessageBody: "This is a test message",
        DelaySeconds: 0,
        MessageAttributes: {
          my_attribute_name_1: { StringValue: "my_attribute_value_1", DataType: "String" },
          list: { StringListValues: ["a", "b"], DataType: "StringList" },
        },
      },
      "2012-11-05",
    );
    assert.deepEqual(params(body).slice(2), [
      ["QueueUrl", "q"],
      ["MessageBody", "This is a test message"],
      ["DelaySeconds", "0"],
      ["MessageAttribute.1.Name", "my_attribute_name_1"],
      ["MessageAttribute.1.Value.StringValue", "my_attribute_value_1"],
      ["MessageAttribute.1.Value.DataType", "String"],
      ["MessageAttribute.2.Name", "list"],
      ["MessageAttribute.2.Value.StringListValue.1", "a"],
      ["MessageAttribute.2.Value.StringListValue.2", "b"],
      ["MessageAttribute.2.Value.DataType", "StringList"],
    ]);
  });

  it("encodes flattened lists of structures (SendMessageBatch)", () => {
    const body = encodeQuery(
      sqsSendMessageBatch,
      {
        QueueUrl: "q",
        Entries: [
          { Id: "a", MessageBody: "one" },
          { Id: "b", MessageBody: "two", DelaySeconds: 10 },
        ],
      },
      "2012-11-05",
    );
    assert.deepEqual(params(body).slice(3), [
      ["SendMessageBatchRequestEntry.1.Id", "a"],
      ["SendMessageBatchRequestEntry.1.MessageBody", "one"],
      ["SendMessageBatchRequestEntry.2.Id", "b"],
      ["SendMessageBatchRequestEntry.2.MessageBody", "two"],
      ["SendMessageBatchRequestEntry.2.DelaySeconds", "10"],
    ]);
  });

  const kinds: OperationShape = {
    name: "Kinds",
    input: {
      type: "structure",
      members: {
        Str: { shape: "s" },
        Num: { shape: "n" },
        Float: { shape: "n" },
        Yes: { shape: "b" },
        No: { shape: "b" },
        Blob: { shape: "B", name: "Data" },
        When: { shape: "t" },
        Nested: { shape: { type: "structure", members: { Inner: { shape: "s", name: "inner" } } } },
        Items: { shape: { type: "list", member: "s", memberName: "item" } },
        Flat: { shape: { type: "list", member: "n", flattened: true } },
        Matrix: { shape: { type: "list", member: { type: "list", member: "n" } } },
        Empty: { shape: { type: "list", member: "s" } },
        EmptyFlat: { shape: { type: "list", member: "s", flattened: true } },
        EmptyMap: { shape: { type: "map", value: "s" } },
        Counts: { shape: { type: "map", value: "n", keyName: "k", valueName: "v", flattened: true } },
      },
    },
    output: EMPTY,
  };

  it("encodes every shape kind", () => {
    const body = encodeQuery(
      kinds,
      {
        Str: "a b+c/d~e_f.g-h",
        Num: 42,
        Float: -1.5,
        Yes: true,
        No: false,
        Blob: new TextEncoder().encode("hello"),
        When: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
        Nested: { Inner: "x" },
        Items: ["p", "q"],
        Flat: [1, 2],
        Matrix: [[1], [2, 3]],
        Empty: [],
        EmptyFlat: [],
        EmptyMap: {},
        Counts: { a: 1 },
      },
      "v",
    );
    assert.equal(
      body,
      "Action=Kinds&Version=v&Str=a%20b%2Bc%2Fd~e_f.g-h&Num=42&Float=-1.5&Yes=true&No=false" +
        "&Data=aGVsbG8%3D&When=2024-01-02T03%3A04%3A05Z&Nested.inner=x" +
        "&Items.item.1=p&Items.item.2=q&Flat.1=1&Flat.2=2" +
        "&Matrix.member.1.member.1=1&Matrix.member.2.member.1=2&Matrix.member.2.member.2=3" +
        "&Empty=&EmptyFlat=&Counts.1.k=a&Counts.1.v=1",
    );
  });

  it("keeps the input's key order and skips undefined, null and unknown members", () => {
    const body = encodeQuery(
      kinds,
      {
        Yes: true,
        Str: undefined,
        Unknown: "x",
        Num: null,
        Items: ["a", undefined, "b"],
        Counts: { a: undefined, b: 2 },
      },
      "v",
    );
    assert.equal(
      body,
      "Action=Kinds&Version=v&Yes=true&Items.item.1=a&Items.item.2=b&Counts.1.k=b&Counts.1.v=2",
    );
  });

  it("percent-encodes as the AWS SDKs do", () => {
    const body = encodeQuery(kinds, { Str: "!'()* é😀&=+\n" }, "2010-03-31");
    assert.equal(
      body,
      "Action=Kinds&Version=2010-03-31&Str=%21%27%28%29%2A%20%C3%A9%F0%9F%98%80%26%3D%2B%0A",
    );
  });

  it("writes timestamps in UTC, with milliseconds only when there are some", () => {
    const at = (when: Date) => params(encodeQuery(kinds, { When: when }, "v"))[2]?.[1];
    assert.equal(at(new Date("2024-06-30T23:59:59+02:00")), "2024-06-30T21:59:59Z");
    assert.equal(at(new Date("2024-06-30T21:59:59.250Z")), "2024-06-30T21:59:59.250Z");
  });
});

describe("decodeQueryResponse", () => {
  it("decodes SNS Publish and the request id", () => {
    const xml = `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
    <PublishResult>
        <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>
    </PublishResult>
    <ResponseMetadata>
        <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId>
    </ResponseMetadata>
</PublishResponse>`;
    assert.deepEqual(decodeQueryResponse(snsPublish, xml), {
      output: { MessageId: "567910cd-659e-55d4-8ccb-5aaf14679dc0" },
      requestId: "d74b8436-ae13-5ab4-a9ff-ce54dfea72a0",
    });
  });

  it("decodes SNS ListTopics with a NextToken", () => {
    const xml = `<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ListTopicsResult>
    <Topics>
      <member>
        <TopicArn>arn:aws:sns:us-east-1:123456789012:My-Topic</TopicArn>
      </member>
      <member>
        <TopicArn>arn:aws:sns:us-east-1:123456789012:Other</TopicArn>
      </member>
    </Topics>
    <NextToken>AAFfBbNNP9D8ExZ3jmm0ZzmC9T3GD8fRcz+kfxbvdb1+ag==</NextToken>
  </ListTopicsResult>
  <ResponseMetadata>
    <RequestId>3f1478c7-33a9-11df-9540-99d0768312d3</RequestId>
  </ResponseMetadata>
</ListTopicsResponse>`;
    assert.deepEqual(decodeQueryResponse(snsListTopics, xml), {
      output: {
        Topics: [
          { TopicArn: "arn:aws:sns:us-east-1:123456789012:My-Topic" },
          { TopicArn: "arn:aws:sns:us-east-1:123456789012:Other" },
        ],
        NextToken: "AAFfBbNNP9D8ExZ3jmm0ZzmC9T3GD8fRcz+kfxbvdb1+ag==",
      },
      requestId: "3f1478c7-33a9-11df-9540-99d0768312d3",
    });
  });

  it("decodes SNS GetTopicAttributes (entry/key/value map, entities in values)", () => {
    const xml = `<GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <GetTopicAttributesResult>
    <Attributes>
      <entry>
        <key>Owner</key>
        <value>123456789012</value>
      </entry>
      <entry>
        <key>Policy</key>
        <value>{&quot;Version&quot;:&quot;2008-10-17&quot;,&quot;Id&quot;:&quot;us-east-1/698519295917/test__default_policy_ID&quot;}</value>
      </entry>
      <entry>
        <key>DisplayName</key>
        <value></value>
      </entry>
    </Attributes>
  </GetTopicAttributesResult>
  <ResponseMetadata>
    <RequestId>057f074c-33a7-11df-9540-99d0768312d3</RequestId>
  </ResponseMetadata>
</GetTopicAttributesResponse>`;
    assert.deepEqual(decodeQueryResponse(snsGetTopicAttributes, xml).output, {
      Attributes: {
        Owner: "123456789012",
        Policy: '{"Version":"2008-10-17","Id":"us-east-1/698519295917/test__default_policy_ID"}',
        DisplayName: "",
      },
    });
  });

  it("decodes SQS ReceiveMessage: flattened messages, attributes and message attributes", () => {
    const xml = `<ReceiveMessageResponse>
  <ReceiveMessageResult>
    <Message>
      <MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId>
      <ReceiptHandle>MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+Cw=</ReceiptHandle>
      <MD5OfBody>fafb00f5732ab283681e124bf8747ed1</MD5OfBody>
      <Body>This is a test message&#xD;
with &lt;markup&gt;</Body>
      <Attribute>
        <Name>SenderId</Name>
        <Value>195004372649</Value>
      </Attribute>
      <Attribute>
        <Name>SentTimestamp</Name>
        <Value>1238099229000</Value>
      </Attribute>
      <MD5OfMessageAttributes>c48838208d2b4e14e3ca0093a8443f09</MD5OfMessageAttributes>
      <MessageAttribute>
        <Name>color</Name>
        <Value>
          <StringValue>blue</StringValue>
          <DataType>String</DataType>
        </Value>
      </MessageAttribute>
      <MessageAttribute>
        <Name>raw</Name>
        <Value>
          <BinaryValue>AAEC+g==</BinaryValue>
          <DataType>Binary</DataType>
        </Value>
      </MessageAttribute>
    </Message>
    <Message>
      <MessageId>2</MessageId>
      <Body>second</Body>
    </Message>
  </ReceiveMessageResult>
  <ResponseMetadata>
    <RequestId>b6633655-283d-45b4-aee4-4e84e0ae6afa</RequestId>
  </ResponseMetadata>
</ReceiveMessageResponse>`;
    const { output, requestId } = decodeQueryResponse(sqsReceiveMessage, xml);
    assert.equal(requestId, "b6633655-283d-45b4-aee4-4e84e0ae6afa");
    assert.deepEqual(output, {
      Messages: [
        {
          MessageId: "5fea7756-0ea4-451a-a703-a558b933e274",
          ReceiptHandle: "MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+Cw=",
          MD5OfBody: "fafb00f5732ab283681e124bf8747ed1",
          Body: "This is a test message\r\nwith <markup>",
          Attributes: { SenderId: "195004372649", SentTimestamp: "1238099229000" },
          MD5OfMessageAttributes: "c48838208d2b4e14e3ca0093a8443f09",
          MessageAttributes: {
            color: { StringValue: "blue", DataType: "String" },
            raw: { BinaryValue: new Uint8Array([0, 1, 2, 250]), DataType: "Binary" },
          },
        },
        { MessageId: "2", Body: "second" },
      ],
    });
  });

  it("decodes a ReceiveMessage with no messages as an output without Messages", () => {
    const xml = `<ReceiveMessageResponse><ReceiveMessageResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ReceiveMessageResponse>`;
    assert.deepEqual(decodeQueryResponse(sqsReceiveMessage, xml), { output: {}, requestId: "r" });
  });

  it("decodes an empty list and an empty map as [] and {}", () => {
    const topics = `<ListTopicsResponse><ListTopicsResult><Topics/></ListTopicsResult></ListTopicsResponse>`;
    assert.deepEqual(decodeQueryResponse(snsListTopics, topics), {
      output: { Topics: [] },
      requestId: undefined,
    });
    const attributes = `<GetTopicAttributesResponse><GetTopicAttributesResult><Attributes>
      </Attributes></GetTopicAttributesResult></GetTopicAttributesResponse>`;
    assert.deepEqual(decodeQueryResponse(snsGetTopicAttributes, attributes).output, { Attributes: {} });
  });

  it("gives {} for operations without a result wrapper", () => {
    const xml = `<DeleteTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ResponseMetadata><RequestId>f3aa9ac9-3c3d-11df-8235-9dab105e9c32</RequestId></ResponseMetadata>
</DeleteTopicResponse>`;
    assert.deepEqual(decodeQueryResponse(snsDeleteTopic, xml), {
      output: {},
      requestId: "f3aa9ac9-3c3d-11df-8235-9dab105e9c32",
    });
  });

  const scalars: OperationShape = {
    name: "Scalars",
    input: EMPTY,
    output: {
      type: "structure",
      members: {
        Count: { shape: "n" },
        Rate: { shape: "n" },
        Big: { shape: "n" },
        OptedOut: { shape: "b", name: "isOptedOut" },
        Enabled: { shape: "b" },
        Data: { shape: "B" },
        Wrapped: { shape: "B" },
        Expiration: { shape: "t" },
        Started: { shape: "t" },
        Fraction: { shape: "t" },
        Missing: { shape: "s" },
        EmptyNumber: { shape: "n" },
        Nested: {
          shape: {
            type: "structure",
            members: { Inner: { shape: { type: "list", member: "n", memberName: "item" } } },
          },
        },
        Weights: { shape: { type: "map", value: "n", keyName: "k", valueName: "v" } },
      },
    },
    resultWrapper: "ScalarsResult",
  };

  it("decodes numbers, booleans, blobs and timestamps, leaving missing members absent", () => {
    const xml = `<ScalarsResponse><ScalarsResult>
      <Count>42</Count><Rate>-0.25</Rate><Big>1238099229000</Big>
      <isOptedOut>false</isOptedOut><Enabled> true </Enabled>
      <Data>aGVsbG8=</Data><Wrapped>
        aGVs
        bG8=
      </Wrapped>
      <Expiration>2011-07-15T23:28:33.359Z</Expiration>
      <Started>1700000000</Started>
      <Fraction>1700000000.5</Fraction>
      <EmptyNumber></EmptyNumber>
      <Unknown><Deep>ignored</Deep></Unknown>
      <Nested><Inner><item>1</item><item>2.5</item><other>9</other></Inner></Nested>
      <Weights><entry><k>a</k><v>1</v></entry><entry><k>__proto__</k><v>2</v></entry><entry><k>nokey</k></entry></Weights>
    </ScalarsResult></ScalarsResponse>`;
    const { output } = decodeQueryResponse(scalars, xml);
    const weights = Object.create(null) as Record<string, number>;
    assert.deepEqual(
      { ...output, Weights: Object.assign(weights, output.Weights) },
      {
        Count: 42,
        Rate: -0.25,
        Big: 1238099229000,
        Enabled: true,
        Data: new TextEncoder().encode("hello"),
        Wrapped: new TextEncoder().encode("hello"),
        Expiration: new Date("2011-07-15T23:28:33.359Z"),
        Started: new Date(1_700_000_000_000),
        Fraction: new Date(1_700_000_000_500),
        OptedOut: false,
        Nested: { Inner: [1, 2.5] },
        Weights: weights,
      },
    );
    assert.ok(!("Missing" in output) && !("EmptyNumber" in output));
    assert.ok(output.Data instanceof Uint8Array);
    const decodedWeights = output.Weights as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(decodedWeights), Object.prototype);
    assert.deepEqual(Object.keys(decodedWeights), ["a", "__proto__"]);
    assert.equal(Object.getOwnPropertyDescriptor(decodedWeights, "__proto__")?.value, 2);
  });

  it("throws SyntaxError on broken XML and invalid timestamps", () => {
    assert.throws(() => decodeQueryResponse(snsPublish, "<PublishResponse><PublishResult>"), SyntaxError);
    assert.throws(
      () => decodeQueryResponse(snsPublish, "<html><body>502 Bad Gateway<br></body></html>"),
      SyntaxError,
    );
    assert.throws(
      () =>
        decodeQueryResponse(scalars, "<R><ScalarsResult><Expiration>soon</Expiration></ScalarsResult></R>"),
      SyntaxError,
    );
  });
});

describe("parseQueryError", () => {
  it("reads the ErrorResponse form (SNS, SQS)", () => {
    const xml = `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error>
    <Type>Sender</Type>
    <Code>NotFound</Code>
    <Message>Topic does not exist</Message>
  </Error>
  <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
</ErrorResponse>`;
    assert.deepEqual(parseQueryError(xml), {
      code: "NotFound",
      message: "Topic does not exist",
      type: "Sender",
      requestId: "9dd01905-5012-5f99-8663-4b3ecd0dfaef",
    });
    const sqs = `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Receiver</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist for this wsdl version.</Message><Detail/></Error><RequestId>05fc0f8e-ea0d-5ac1-b4a1-0a19f4a5e1b0</RequestId></ErrorResponse>`;
    assert.deepEqual(parseQueryError(sqs), {
      code: "AWS.SimpleQueueService.NonExistentQueue",
      message: "The specified queue does not exist for this wsdl version.",
      type: "Receiver",
      requestId: "05fc0f8e-ea0d-5ac1-b4a1-0a19f4a5e1b0",
    });
  });

  it("reads the Response/Errors form", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>Value (x) for parameter y is invalid.</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-cb5432daacc0</RequestID></Response>`;
    assert.deepEqual(parseQueryError(xml), {
      code: "InvalidParameterValue",
      message: "Value (x) for parameter y is invalid.",
      requestId: "ea966190-f9aa-478e-9ede-cb5432daacc0",
    });
  });

  it("tolerates a missing message, request id or unknown type", () => {
    assert.deepEqual(
      parseQueryError(
        "<ErrorResponse><Error><Type>Other</Type><Code>Throttling</Code></Error></ErrorResponse>",
      ),
      {
        code: "Throttling",
        message: "",
      },
    );
  });

  it("returns undefined for anything else", () => {
    for (const text of [
      "",
      "Service Unavailable",
      '{"__type":"com.amazonaws.sqs#QueueDoesNotExist"}',
      "<html><body><h1>503</h1><br></body></html>",
      "<html><body><h1>503</h1></body></html>",
      "<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>",
      "<ErrorResponse><Error><Code>Truncated",
      "<PublishResponse><PublishResult/></PublishResponse>",
    ]) {
      assert.equal(parseQueryError(text), undefined, text);
    }
  });
});
