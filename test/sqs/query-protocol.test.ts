// All 23 SQS actions over the AWS Query protocol (`protocol: "query"`). fauxqs cannot serve it, so a
// loopback server asserts the exact form-encoded body of each request (legacy parameter names) and
// answers with the XML that AWS's API reference documents for the action.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { isServiceError } from "../../src/core/errors.js";
import { SQSClient } from "../../src/sqs/client.js";
import { sqsQuery } from "../../src/sqs/query.js";
import { SQS } from "../../src/sqs/sqs.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { type Loopback, type Reply, startLoopback, xml } from "../helpers/loopback.js";
import { formPairs, md5, queryXml, referenceMd5OfAttributes } from "../helpers/sqs.js";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue";
const Q = "QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F177715257436%2FMyQueue";
const DLQ_ARN = "arn:aws:sqs:us-east-1:177715257436:MyDeadLetterQueue";
const SOURCE_ARN = "arn:aws:sqs:us-east-1:177715257436:MyQueue";
const RECEIPT =
  "MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+CwLj1FjgXUv1uSj1gUPAWV66FU/WeR4mq2OKpEGYWbnLmpRCJVAyeMjeU5ZBdtcQ+QEauMZc8ZRv37sIW2iJKq3M9MFx1YvV11A2x/KSbkJ0=";
const RECEIPT_FORM = encodeURIComponent(RECEIPT);
const TASK_HANDLE =
  "eyJ0YXNrSWQiOiJkYzE2OWUwNC0wZTU1LTQ0ZDItYWE5MC1jMDgwY2ExZjM2ZjciLCJzb3VyY2VBcm4iOiJhcm46YXdzOnNxczp1cy1lYXN0LTE6MTc3NzE1MjU3NDM2Ok15RGVhZExldHRlclF1ZXVlIn0=";
const BYTES = new Uint8Array([0, 1, 2, 254, 255]);

interface Case {
  action: string;
  call: (sqs: SQS) => Promise<unknown>;
  /** The exact body, as its `&`-separated parameters after `Action` and `Version`. */
  body: string[];
  /** The XML inside `<ActionResult>`; undefined for actions without output. */
  result?: string;
  /** The decoded output. */
  output: unknown;
}

const RECEIVED_BODY = "This is a test message";
const RECEIVED_ATTRIBUTES = {
  city: { DataType: "String", StringValue: "Any City" },
  population: { DataType: "Number", StringValue: "1250800" },
  greeting: { DataType: "Binary", BinaryValue: BYTES },
};

const cases: Case[] = [
  {
    action: "AddPermission",
    call: (sqs) =>
      sqs.addPermission({
        QueueUrl: QUEUE_URL,
        Label: "MyLabel",
        AWSAccountIds: ["177715257436", "111122223333"],
        Actions: ["SendMessage", "ReceiveMessage"],
      }),
    body: [
      Q,
      "Label=MyLabel",
      "AWSAccountId.1=177715257436",
      "AWSAccountId.2=111122223333",
      "ActionName.1=SendMessage",
      "ActionName.2=ReceiveMessage",
    ],
    output: {},
  },
  {
    action: "CancelMessageMoveTask",
    call: (sqs) => sqs.cancelMessageMoveTask({ TaskHandle: TASK_HANDLE }),
    body: [`TaskHandle=${encodeURIComponent(TASK_HANDLE)}`],
    result: "    <ApproximateNumberOfMessagesMoved>102</ApproximateNumberOfMessagesMoved>",
    output: { ApproximateNumberOfMessagesMoved: 102 },
  },
  {
    action: "ChangeMessageVisibility",
    call: (sqs) =>
      sqs.changeMessageVisibility({ QueueUrl: QUEUE_URL, ReceiptHandle: RECEIPT, VisibilityTimeout: 60 }),
    body: [Q, `ReceiptHandle=${RECEIPT_FORM}`, "VisibilityTimeout=60"],
    output: {},
  },
  {
    action: "ChangeMessageVisibilityBatch",
    call: (sqs) =>
      sqs.changeMessageVisibilityBatch({
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: "change_visibility_msg_2", ReceiptHandle: RECEIPT, VisibilityTimeout: 45 },
          {
            Id: "change_visibility_msg_3",
            ReceiptHandle: "gfk0T0R0waama4fVFffkjKzmhMCymjQvf",
            VisibilityTimeout: 45,
          },
        ],
      }),
    body: [
      Q,
      "ChangeMessageVisibilityBatchRequestEntry.1.Id=change_visibility_msg_2",
      `ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=${RECEIPT_FORM}`,
      "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=45",
      "ChangeMessageVisibilityBatchRequestEntry.2.Id=change_visibility_msg_3",
      "ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle=gfk0T0R0waama4fVFffkjKzmhMCymjQvf",
      "ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout=45",
    ],
    result: [
      "    <ChangeMessageVisibilityBatchResultEntry>",
      "      <Id>change_visibility_msg_2</Id>",
      "    </ChangeMessageVisibilityBatchResultEntry>",
      "    <BatchResultErrorEntry>",
      "      <Id>change_visibility_msg_3</Id>",
      "      <SenderFault>true</SenderFault>",
      "      <Code>ReceiptHandleIsInvalid</Code>",
      "      <Message>The input receipt handle is invalid.</Message>",
      "    </BatchResultErrorEntry>",
    ].join("\n"),
    output: {
      Successful: [{ Id: "change_visibility_msg_2" }],
      Failed: [
        {
          Id: "change_visibility_msg_3",
          SenderFault: true,
          Code: "ReceiptHandleIsInvalid",
          Message: "The input receipt handle is invalid.",
        },
      ],
    },
  },
  {
    action: "CreateQueue",
    call: (sqs) =>
      sqs.createQueue({
        QueueName: "MyQueue",
        Attributes: { DelaySeconds: "45", VisibilityTimeout: "60" },
        tags: { QueueType: "Production" },
      }),
    body: [
      "QueueName=MyQueue",
      "Attribute.1.Name=DelaySeconds",
      "Attribute.1.Value=45",
      "Attribute.2.Name=VisibilityTimeout",
      "Attribute.2.Value=60",
      "Tag.1.Key=QueueType",
      "Tag.1.Value=Production",
    ],
    result: `    <QueueUrl>${QUEUE_URL}</QueueUrl>`,
    output: { QueueUrl: QUEUE_URL },
  },
  {
    action: "DeleteMessage",
    call: (sqs) => sqs.deleteMessage({ QueueUrl: QUEUE_URL, ReceiptHandle: RECEIPT }),
    body: [Q, `ReceiptHandle=${RECEIPT_FORM}`],
    output: {},
  },
  {
    action: "DeleteMessageBatch",
    call: (sqs) =>
      sqs.deleteMessageBatch({
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: "msg1", ReceiptHandle: RECEIPT },
          { Id: "msg2", ReceiptHandle: "gfk0T0R0waama4fVFffkjKzmh" },
        ],
      }),
    body: [
      Q,
      "DeleteMessageBatchRequestEntry.1.Id=msg1",
      `DeleteMessageBatchRequestEntry.1.ReceiptHandle=${RECEIPT_FORM}`,
      "DeleteMessageBatchRequestEntry.2.Id=msg2",
      "DeleteMessageBatchRequestEntry.2.ReceiptHandle=gfk0T0R0waama4fVFffkjKzmh",
    ],
    result: [
      "    <DeleteMessageBatchResultEntry>",
      "      <Id>msg1</Id>",
      "    </DeleteMessageBatchResultEntry>",
      "    <DeleteMessageBatchResultEntry>",
      "      <Id>msg2</Id>",
      "    </DeleteMessageBatchResultEntry>",
    ].join("\n"),
    output: { Successful: [{ Id: "msg1" }, { Id: "msg2" }] },
  },
  {
    action: "DeleteQueue",
    call: (sqs) => sqs.deleteQueue({ QueueUrl: QUEUE_URL }),
    body: [Q],
    output: {},
  },
  {
    action: "GetQueueAttributes",
    call: (sqs) => sqs.getQueueAttributes({ QueueUrl: QUEUE_URL, AttributeNames: ["All"] }),
    body: [Q, "AttributeName.1=All"],
    result: [
      "    <Attribute>",
      "      <Name>ReceiveMessageWaitTimeSeconds</Name>",
      "      <Value>2</Value>",
      "    </Attribute>",
      "    <Attribute>",
      "      <Name>VisibilityTimeout</Name>",
      "      <Value>30</Value>",
      "    </Attribute>",
      "    <Attribute>",
      "      <Name>ApproximateNumberOfMessages</Name>",
      "      <Value>0</Value>",
      "    </Attribute>",
      "    <Attribute>",
      "      <Name>CreatedTimestamp</Name>",
      "      <Value>1286771522</Value>",
      "    </Attribute>",
      "    <Attribute>",
      "      <Name>QueueArn</Name>",
      `      <Value>${SOURCE_ARN}</Value>`,
      "    </Attribute>",
      "    <Attribute>",
      "      <Name>RedrivePolicy</Name>",
      `      <Value>{&quot;deadLetterTargetArn&quot;:&quot;${DLQ_ARN}&quot;,&quot;maxReceiveCount&quot;:5}</Value>`,
      "    </Attribute>",
    ].join("\n"),
    output: {
      Attributes: {
        ReceiveMessageWaitTimeSeconds: "2",
        VisibilityTimeout: "30",
        ApproximateNumberOfMessages: "0",
        CreatedTimestamp: "1286771522",
        QueueArn: SOURCE_ARN,
        RedrivePolicy: `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":5}`,
      },
    },
  },
  {
    action: "GetQueueUrl",
    call: (sqs) => sqs.getQueueUrl({ QueueName: "MyQueue", QueueOwnerAWSAccountId: "177715257436" }),
    body: ["QueueName=MyQueue", "QueueOwnerAWSAccountId=177715257436"],
    result: `    <QueueUrl>${QUEUE_URL}</QueueUrl>`,
    output: { QueueUrl: QUEUE_URL },
  },
  {
    action: "ListDeadLetterSourceQueues",
    call: (sqs) => sqs.listDeadLetterSourceQueues({ QueueUrl: QUEUE_URL, MaxResults: 2 }),
    body: [Q, "MaxResults=2"],
    result: [
      "    <QueueUrl>https://sqs.us-east-1.amazonaws.com/177715257436/MySourceQueue</QueueUrl>",
      "    <QueueUrl>https://sqs.us-east-1.amazonaws.com/177715257436/MyOtherSourceQueue</QueueUrl>",
      "    <NextToken>page-2-token</NextToken>",
    ].join("\n"),
    output: {
      queueUrls: [
        "https://sqs.us-east-1.amazonaws.com/177715257436/MySourceQueue",
        "https://sqs.us-east-1.amazonaws.com/177715257436/MyOtherSourceQueue",
      ],
      NextToken: "page-2-token",
    },
  },
  {
    action: "ListMessageMoveTasks",
    call: (sqs) => sqs.listMessageMoveTasks({ SourceArn: DLQ_ARN, MaxResults: 10 }),
    body: [`SourceArn=${encodeURIComponent(DLQ_ARN)}`, "MaxResults=10"],
    result: [
      "    <ListMessageMoveTasksResultEntry>",
      `      <TaskHandle>${TASK_HANDLE}</TaskHandle>`,
      "      <Status>RUNNING</Status>",
      `      <SourceArn>${DLQ_ARN}</SourceArn>`,
      `      <DestinationArn>${SOURCE_ARN}</DestinationArn>`,
      "      <MaxNumberOfMessagesPerSecond>18</MaxNumberOfMessagesPerSecond>",
      "      <ApproximateNumberOfMessagesMoved>29</ApproximateNumberOfMessagesMoved>",
      "      <ApproximateNumberOfMessagesToMove>125</ApproximateNumberOfMessagesToMove>",
      "      <StartedTimestamp>1442428276921</StartedTimestamp>",
      "    </ListMessageMoveTasksResultEntry>",
      "    <ListMessageMoveTasksResultEntry>",
      "      <Status>FAILED</Status>",
      `      <SourceArn>${DLQ_ARN}</SourceArn>`,
      "      <ApproximateNumberOfMessagesMoved>1176</ApproximateNumberOfMessagesMoved>",
      "      <ApproximateNumberOfMessagesToMove>1176</ApproximateNumberOfMessagesToMove>",
      "      <FailureReason>AWS.SimpleQueueService.NonExistentQueue</FailureReason>",
      "      <StartedTimestamp>1342428272093</StartedTimestamp>",
      "    </ListMessageMoveTasksResultEntry>",
    ].join("\n"),
    output: {
      Results: [
        {
          TaskHandle: TASK_HANDLE,
          Status: "RUNNING",
          SourceArn: DLQ_ARN,
          DestinationArn: SOURCE_ARN,
          MaxNumberOfMessagesPerSecond: 18,
          ApproximateNumberOfMessagesMoved: 29,
          ApproximateNumberOfMessagesToMove: 125,
          StartedTimestamp: 1442428276921,
        },
        {
          Status: "FAILED",
          SourceArn: DLQ_ARN,
          ApproximateNumberOfMessagesMoved: 1176,
          ApproximateNumberOfMessagesToMove: 1176,
          FailureReason: "AWS.SimpleQueueService.NonExistentQueue",
          StartedTimestamp: 1342428272093,
        },
      ],
    },
  },
  {
    action: "ListQueueTags",
    call: (sqs) => sqs.listQueueTags({ QueueUrl: QUEUE_URL }),
    body: [Q],
    result: [
      "    <Tag>",
      "      <Key>QueueType</Key>",
      "      <Value>Production</Value>",
      "    </Tag>",
      "    <Tag>",
      "      <Key>Owner</Key>",
      "      <Value>Dev &amp; Ops</Value>",
      "    </Tag>",
    ].join("\n"),
    output: { Tags: { QueueType: "Production", Owner: "Dev & Ops" } },
  },
  {
    action: "ListQueues",
    call: (sqs) => sqs.listQueues({ QueueNamePrefix: "My", MaxResults: 2 }),
    body: ["QueueNamePrefix=My", "MaxResults=2"],
    result: [
      "    <QueueUrl>https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue</QueueUrl>",
      "    <QueueUrl>https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue2</QueueUrl>",
      "    <NextToken>AQICAHj...token</NextToken>",
    ].join("\n"),
    output: {
      QueueUrls: [
        "https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue",
        "https://sqs.us-east-1.amazonaws.com/177715257436/MyQueue2",
      ],
      NextToken: "AQICAHj...token",
    },
  },
  {
    action: "PurgeQueue",
    call: (sqs) => sqs.purgeQueue({ QueueUrl: QUEUE_URL }),
    body: [Q],
    output: {},
  },
  {
    action: "ReceiveMessage",
    call: (sqs) =>
      sqs.receiveMessage({
        QueueUrl: QUEUE_URL,
        AttributeNames: ["All"],
        MessageSystemAttributeNames: ["SenderId", "SentTimestamp"],
        MessageAttributeNames: ["All"],
        MaxNumberOfMessages: 5,
        VisibilityTimeout: 15,
        WaitTimeSeconds: 10,
        ReceiveRequestAttemptId: "attempt-1",
      }),
    body: [
      Q,
      "AttributeName.1=All",
      "AttributeName.2=SenderId",
      "AttributeName.3=SentTimestamp",
      "MessageAttributeName.1=All",
      "MaxNumberOfMessages=5",
      "VisibilityTimeout=15",
      "WaitTimeSeconds=10",
      "ReceiveRequestAttemptId=attempt-1",
    ],
    result: [
      "    <Message>",
      "      <MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId>",
      `      <ReceiptHandle>${RECEIPT}</ReceiptHandle>`,
      `      <MD5OfBody>${md5(RECEIVED_BODY)}</MD5OfBody>`,
      `      <Body>${RECEIVED_BODY}</Body>`,
      "      <Attribute>",
      "        <Name>SenderId</Name>",
      "        <Value>195004372649</Value>",
      "      </Attribute>",
      "      <Attribute>",
      "        <Name>SentTimestamp</Name>",
      "        <Value>1238099229000</Value>",
      "      </Attribute>",
      "      <Attribute>",
      "        <Name>ApproximateReceiveCount</Name>",
      "        <Value>5</Value>",
      "      </Attribute>",
      "      <Attribute>",
      "        <Name>ApproximateFirstReceiveTimestamp</Name>",
      "        <Value>1250700979248</Value>",
      "      </Attribute>",
      `      <MD5OfMessageAttributes>${referenceMd5OfAttributes(RECEIVED_ATTRIBUTES)}</MD5OfMessageAttributes>`,
      "      <MessageAttribute>",
      "        <Name>city</Name>",
      "        <Value>",
      "          <StringValue>Any City</StringValue>",
      "          <DataType>String</DataType>",
      "        </Value>",
      "      </MessageAttribute>",
      "      <MessageAttribute>",
      "        <Name>population</Name>",
      "        <Value>",
      "          <StringValue>1250800</StringValue>",
      "          <DataType>Number</DataType>",
      "        </Value>",
      "      </MessageAttribute>",
      "      <MessageAttribute>",
      "        <Name>greeting</Name>",
      "        <Value>",
      "          <BinaryValue>AAEC/v8=</BinaryValue>",
      "          <DataType>Binary</DataType>",
      "        </Value>",
      "      </MessageAttribute>",
      "    </Message>",
    ].join("\n"),
    output: {
      Messages: [
        {
          MessageId: "5fea7756-0ea4-451a-a703-a558b933e274",
          ReceiptHandle: RECEIPT,
          MD5OfBody: md5(RECEIVED_BODY),
          Body: RECEIVED_BODY,
          Attributes: {
            SenderId: "195004372649",
            SentTimestamp: "1238099229000",
            ApproximateReceiveCount: "5",
            ApproximateFirstReceiveTimestamp: "1250700979248",
          },
          MD5OfMessageAttributes: referenceMd5OfAttributes(RECEIVED_ATTRIBUTES),
          MessageAttributes: {
            city: { StringValue: "Any City", DataType: "String" },
            population: { StringValue: "1250800", DataType: "Number" },
            greeting: { BinaryValue: BYTES, DataType: "Binary" },
          },
        },
      ],
    },
  },
  {
    action: "RemovePermission",
    call: (sqs) => sqs.removePermission({ QueueUrl: QUEUE_URL, Label: "MyLabel" }),
    body: [Q, "Label=MyLabel"],
    output: {},
  },
  {
    action: "SendMessage",
    call: (sqs) =>
      sqs.sendMessage({
        QueueUrl: QUEUE_URL,
        MessageBody: "This is my message.",
        DelaySeconds: 45,
        MessageAttributes: {
          my_attribute_name_1: { DataType: "String", StringValue: "my_attribute_value_1" },
          my_attribute_name_2: { DataType: "Binary", BinaryValue: BYTES },
        },
        MessageSystemAttributes: {
          AWSTraceHeader: {
            DataType: "String",
            StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
          },
        },
      }),
    body: [
      Q,
      "MessageBody=This%20is%20my%20message.",
      "DelaySeconds=45",
      "MessageAttribute.1.Name=my_attribute_name_1",
      "MessageAttribute.1.Value.DataType=String",
      "MessageAttribute.1.Value.StringValue=my_attribute_value_1",
      "MessageAttribute.2.Name=my_attribute_name_2",
      "MessageAttribute.2.Value.DataType=Binary",
      "MessageAttribute.2.Value.BinaryValue=AAEC%2Fv8%3D",
      "MessageSystemAttribute.1.Name=AWSTraceHeader",
      "MessageSystemAttribute.1.Value.DataType=String",
      "MessageSystemAttribute.1.Value.StringValue=Root%3D1-5759e988-bd862e3fe1be46a994272793%3BParent%3D53995c3f42cd8ad8%3BSampled%3D1",
    ],
    result: [
      `    <MD5OfMessageBody>${md5("This is my message.")}</MD5OfMessageBody>`,
      `    <MD5OfMessageAttributes>${referenceMd5OfAttributes({
        my_attribute_name_1: { DataType: "String", StringValue: "my_attribute_value_1" },
        my_attribute_name_2: { DataType: "Binary", BinaryValue: BYTES },
      })}</MD5OfMessageAttributes>`,
      `    <MD5OfMessageSystemAttributes>${referenceMd5OfAttributes({
        AWSTraceHeader: {
          DataType: "String",
          StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        },
      })}</MD5OfMessageSystemAttributes>`,
      "    <MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId>",
    ].join("\n"),
    output: {
      MD5OfMessageBody: md5("This is my message."),
      MD5OfMessageAttributes: referenceMd5OfAttributes({
        my_attribute_name_1: { DataType: "String", StringValue: "my_attribute_value_1" },
        my_attribute_name_2: { DataType: "Binary", BinaryValue: BYTES },
      }),
      MD5OfMessageSystemAttributes: referenceMd5OfAttributes({
        AWSTraceHeader: {
          DataType: "String",
          StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        },
      }),
      MessageId: "5fea7756-0ea4-451a-a703-a558b933e274",
    },
  },
  {
    action: "SendMessageBatch",
    call: (sqs) =>
      sqs.sendMessageBatch({
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: "test_msg_001", MessageBody: "test message body 1" },
          {
            Id: "test_msg_002",
            MessageBody: "test message body 2",
            DelaySeconds: 60,
            MessageAttributes: {
              test_attribute_name_1: { DataType: "String", StringValue: "test_attribute_value_1" },
            },
          },
          { Id: "test_msg_003", MessageBody: "test message body 3" },
        ],
      }),
    body: [
      Q,
      "SendMessageBatchRequestEntry.1.Id=test_msg_001",
      "SendMessageBatchRequestEntry.1.MessageBody=test%20message%20body%201",
      "SendMessageBatchRequestEntry.2.Id=test_msg_002",
      "SendMessageBatchRequestEntry.2.MessageBody=test%20message%20body%202",
      "SendMessageBatchRequestEntry.2.DelaySeconds=60",
      "SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=test_attribute_name_1",
      "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=String",
      "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=test_attribute_value_1",
      "SendMessageBatchRequestEntry.3.Id=test_msg_003",
      "SendMessageBatchRequestEntry.3.MessageBody=test%20message%20body%203",
    ],
    result: [
      "    <SendMessageBatchResultEntry>",
      "      <Id>test_msg_001</Id>",
      "      <MessageId>0a5231c7-8bff-4955-be2e-8dc7c50a25fa</MessageId>",
      `      <MD5OfMessageBody>${md5("test message body 1")}</MD5OfMessageBody>`,
      "    </SendMessageBatchResultEntry>",
      "    <SendMessageBatchResultEntry>",
      "      <Id>test_msg_002</Id>",
      "      <MessageId>15ee1ed3-87e7-40c1-bdaa-2e49968ea7e9</MessageId>",
      `      <MD5OfMessageBody>${md5("test message body 2")}</MD5OfMessageBody>`,
      // The digest of { test_attribute_name_1: String "test_attribute_value_1" }, as SQS computes it.
      `      <MD5OfMessageAttributes>${referenceMd5OfAttributes({
        test_attribute_name_1: { DataType: "String", StringValue: "test_attribute_value_1" },
      })}</MD5OfMessageAttributes>`,
      "    </SendMessageBatchResultEntry>",
      "    <BatchResultErrorEntry>",
      "      <Id>test_msg_003</Id>",
      "      <SenderFault>false</SenderFault>",
      "      <Code>InternalError</Code>",
      "      <Message>We encountered an internal error. Please try again.</Message>",
      "    </BatchResultErrorEntry>",
    ].join("\n"),
    output: {
      Successful: [
        {
          Id: "test_msg_001",
          MessageId: "0a5231c7-8bff-4955-be2e-8dc7c50a25fa",
          MD5OfMessageBody: md5("test message body 1"),
        },
        {
          Id: "test_msg_002",
          MessageId: "15ee1ed3-87e7-40c1-bdaa-2e49968ea7e9",
          MD5OfMessageBody: md5("test message body 2"),
          MD5OfMessageAttributes: referenceMd5OfAttributes({
            test_attribute_name_1: { DataType: "String", StringValue: "test_attribute_value_1" },
          }),
        },
      ],
      Failed: [
        {
          Id: "test_msg_003",
          SenderFault: false,
          Code: "InternalError",
          Message: "We encountered an internal error. Please try again.",
        },
      ],
    },
  },
  {
    action: "SetQueueAttributes",
    call: (sqs) =>
      sqs.setQueueAttributes({
        QueueUrl: QUEUE_URL,
        Attributes: {
          VisibilityTimeout: "35",
          RedrivePolicy: `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":"5"}`,
        },
      }),
    body: [
      Q,
      "Attribute.1.Name=VisibilityTimeout",
      "Attribute.1.Value=35",
      "Attribute.2.Name=RedrivePolicy",
      "Attribute.2.Value=%7B%22deadLetterTargetArn%22%3A%22arn%3Aaws%3Asqs%3Aus-east-1%3A177715257436%3AMyDeadLetterQueue%22%2C%22maxReceiveCount%22%3A%225%22%7D",
    ],
    output: {},
  },
  {
    action: "StartMessageMoveTask",
    call: (sqs) =>
      sqs.startMessageMoveTask({
        SourceArn: DLQ_ARN,
        DestinationArn: SOURCE_ARN,
        MaxNumberOfMessagesPerSecond: 50,
      }),
    body: [
      `SourceArn=${encodeURIComponent(DLQ_ARN)}`,
      `DestinationArn=${encodeURIComponent(SOURCE_ARN)}`,
      "MaxNumberOfMessagesPerSecond=50",
    ],
    result: `    <TaskHandle>${TASK_HANDLE}</TaskHandle>`,
    output: { TaskHandle: TASK_HANDLE },
  },
  {
    action: "TagQueue",
    call: (sqs) =>
      sqs.tagQueue({ QueueUrl: QUEUE_URL, Tags: { QueueType: "Production", Owner: "Dev Team" } }),
    body: [Q, "Tag.1.Key=QueueType", "Tag.1.Value=Production", "Tag.2.Key=Owner", "Tag.2.Value=Dev%20Team"],
    output: {},
  },
  {
    action: "UntagQueue",
    call: (sqs) => sqs.untagQueue({ QueueUrl: QUEUE_URL, TagKeys: ["QueueType", "Owner"] }),
    body: [Q, "TagKey.1=QueueType", "TagKey.2=Owner"],
    output: {},
  },
];

const byAction = new Map(cases.map((c) => [c.action, c]));
let server: Loopback;
let sqs: SQS;

before(async () => {
  server = await startLoopback((request): Reply => {
    const action = new URLSearchParams(request.body).get("Action") ?? "";
    const found = byAction.get(action);
    if (!found) return xml("<Unknown/>", 400);
    return xml(queryXml(action, found.result, `req-${action}`));
  });
  sqs = new SQS({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    protocol: "query",
  });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

describe("SQS over the Query protocol: every action", () => {
  it("covers the 23 actions of the API", () => {
    assert.equal(cases.length, 23);
    assert.equal(new Set(cases.map((c) => c.action)).size, 23);
  });

  for (const c of cases) {
    it(c.action, async () => {
      const output = await c.call(sqs);
      assert.equal(server.requests.length, 1);
      const request = server.requests[0]!;
      assert.equal(request.method, "POST");
      assert.equal(request.url, "/");
      assert.equal(request.headers["content-type"], "application/x-www-form-urlencoded; charset=utf-8");
      assert.equal(request.headers["x-amz-target"], undefined);
      assert.equal(request.signatureValid, true);
      assert.equal(request.body, [`Action=${c.action}`, "Version=2012-11-05", ...c.body].join("&"));
      assert.deepEqual(output, c.output);
    });
  }
});

describe("the protocol as an object (asyncaws/sqs/query)", () => {
  it('protocol: sqsQuery sends and reads what the deprecated protocol: "query" does', async () => {
    const options = { endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS };
    const send = byAction.get("SendMessage")!.call;
    const byObject = await send(new SQS({ ...options, protocol: sqsQuery }));
    const byName = await send(new SQS({ ...options, protocol: "query" }));
    assert.deepEqual(byObject, byName);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]!.body, server.requests[1]!.body);
    assert.equal(server.requests[0]!.headers["content-type"], server.requests[1]!.headers["content-type"]);
    assert.ok(server.requests.every((request) => request.signatureValid));
  });

  it("rejects a protocol that is neither a protocol object nor a known name", () => {
    for (const protocol of [{}, { encode() {} }, "xml", 1]) {
      assert.throws(
        () => new SQSClient({ protocol: protocol as never }),
        (error: Error & { field?: string }) => error.name === "ValidationError" && error.field === "protocol",
      );
    }
  });
});

describe("Query decoding details", () => {
  it("decodes numbers as numbers, booleans as booleans and blobs as Uint8Array", async () => {
    const tasks = (await byAction.get("ListMessageMoveTasks")!.call(sqs)) as {
      Results: { StartedTimestamp: unknown; ApproximateNumberOfMessagesMoved: unknown }[];
    };
    assert.equal(typeof tasks.Results[0]!.StartedTimestamp, "number");
    assert.equal(typeof tasks.Results[0]!.ApproximateNumberOfMessagesMoved, "number");
    const batch = (await byAction.get("SendMessageBatch")!.call(sqs)) as {
      Failed: { SenderFault: unknown }[];
    };
    assert.equal(batch.Failed[0]!.SenderFault, false);
    const received = (await byAction.get("ReceiveMessage")!.call(sqs)) as {
      Messages: { MessageAttributes: { greeting: { BinaryValue: unknown } } }[];
    };
    const blob = received.Messages[0]!.MessageAttributes.greeting.BinaryValue;
    assert.ok(blob instanceof Uint8Array);
    assert.deepEqual([...blob], [...BYTES]);
  });

  it("reads a result with no items as absent lists and maps", async () => {
    const empty = await startLoopback(() =>
      xml(
        `<ListQueuesResponse><ListQueuesResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListQueuesResponse>`,
      ),
    );
    try {
      const client = new SQS({
        endpoint: empty.endpoint,
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
        protocol: "query",
      });
      assert.deepEqual(await client.listQueues({}), {});
    } finally {
      await empty.close();
    }
  });

  it("reads an error body sent with status 200 as a ServiceError, its code mapped", async () => {
    const odd = await startLoopback(() =>
      xml(
        `<ErrorResponse><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message></Error><RequestId>r-200</RequestId></ErrorResponse>`,
      ),
    );
    try {
      const client = new SQS({
        endpoint: odd.endpoint,
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
        protocol: "query",
        maxAttempts: 1,
      });
      await assert.rejects(
        client.sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "x" }),
        (error: unknown) => {
          assert.ok(isServiceError(error), String(error));
          assert.equal(error.code, "QueueDoesNotExist");
          assert.equal(error.statusCode, 200);
          assert.equal(error.requestId, "r-200");
          assert.equal(error.operation, "SendMessage");
          return true;
        },
      );
    } finally {
      await odd.close();
    }
  });

  it("sends a list given empty as `Name=` and leaves absent members out", async () => {
    await sqs.getQueueAttributes({ QueueUrl: QUEUE_URL, AttributeNames: [] });
    assert.deepEqual(formPairs(server.requests[0]!.body), [
      ["Action", "GetQueueAttributes"],
      ["Version", "2012-11-05"],
      ["QueueUrl", QUEUE_URL],
      ["AttributeName", ""],
    ]);
    server.requests.length = 0;
    await sqs.listQueues({});
    assert.equal(server.requests[0]!.body, "Action=ListQueues&Version=2012-11-05");
  });

  it("percent-encodes as the AWS SDKs do (RFC 3986), unicode as UTF-8", async () => {
    await sqs
      .sendMessage({ QueueUrl: QUEUE_URL, MessageBody: "a+b c*d!'()~_-.é\u{1F600}" })
      .catch(() => undefined);
    const body = server.requests[0]!.body;
    assert.ok(body.includes("MessageBody=a%2Bb%20c%2Ad%21%27%28%29~_-.%C3%A9%F0%9F%98%80"), `body: ${body}`);
  });
});
