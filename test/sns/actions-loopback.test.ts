// The 25 SNS actions fauxqs lacks, against a loopback server that checks the exact form-encoded
// request (and its SigV4 signature) and answers with AWS's documented XML. Also: the wire form of
// the actions with maps and lists of structures, empty lists and maps, and error responses.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { isServiceError } from "../../src/core/errors.js";
import { SNS } from "../../src/sns/sns.js";
import { TEST_CREDENTIALS } from "../helpers/fauxqs.js";
import { type Loopback, type Reply, startLoopback, xml } from "../helpers/loopback.js";

const NS = 'xmlns="http://sns.amazonaws.com/doc/2010-03-31/"';
const REQUEST_ID = "e2d8fd33-9e2a-5e4b-b52c-7ee0b9e8a5c4";

/** A success response as AWS writes it: `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>`. */
function ok(action: string, result?: string): Reply {
  const wrapped =
    result === undefined
      ? ""
      : result === ""
        ? `<${action}Result/>`
        : `<${action}Result>${result}</${action}Result>`;
  return xml(
    `<?xml version="1.0"?>\n<${action}Response ${NS}>${wrapped}<ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

const TOPIC = "arn:aws:sns:us-east-1:123456789012:My-Topic";
const TOPIC_Q = "arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3AMy-Topic";
const APP = "arn:aws:sns:us-east-1:123456789012:app/GCM/gcmpushapp";
const APP_Q = "arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aapp%2FGCM%2Fgcmpushapp";
const ENDPOINT =
  "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/gcmpushapp/5e3e9847-3183-3f18-a7e8-671c3a57d4b3";
const ENDPOINT_Q =
  "arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aendpoint%2FGCM%2Fgcmpushapp%2F5e3e9847-3183-3f18-a7e8-671c3a57d4b3";
const V = "Version=2010-03-31";

let server: Loopback;
let sns: SNS;
let replies: Reply[] = [];

before(async () => {
  server = await startLoopback(() => replies.shift() ?? { status: 500, body: "no reply scripted" });
  sns = new SNS({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  replies = [];
});

interface Case {
  /** The action, as AWS names it. */
  action: string;
  call: (client: SNS) => Promise<unknown>;
  /** The exact form body, after `Action=…&Version=…`. */
  body: string;
  /** What goes inside `<ActionResult>`; `""` for an empty result element, undefined for none. */
  result?: string;
  output: unknown;
}

const cases: Case[] = [
  {
    action: "AddPermission",
    call: (c) =>
      c.addPermission({
        TopicArn: TOPIC,
        Label: "NewPermission",
        AWSAccountId: ["987654321000", "111122223333"],
        ActionName: ["Publish", "GetTopicAttributes"],
      }),
    body: `TopicArn=${TOPIC_Q}&Label=NewPermission&AWSAccountId.member.1=987654321000&AWSAccountId.member.2=111122223333&ActionName.member.1=Publish&ActionName.member.2=GetTopicAttributes`,
    output: {},
  },
  {
    action: "CheckIfPhoneNumberIsOptedOut",
    call: (c) => c.checkIfPhoneNumberIsOptedOut({ phoneNumber: "+15555550100" }),
    body: "phoneNumber=%2B15555550100",
    result: "<isOptedOut>true</isOptedOut>",
    output: { isOptedOut: true },
  },
  {
    action: "CreatePlatformApplication",
    call: (c) =>
      c.createPlatformApplication({
        Name: "gcmpushapp",
        Platform: "GCM",
        Attributes: {
          PlatformCredential: "AIzaSyClE2lcV2zEKTLYYo645zfk2jhQPFeyxDo",
          EventEndpointCreated: TOPIC,
        },
      }),
    body: `Name=gcmpushapp&Platform=GCM&Attributes.entry.1.key=PlatformCredential&Attributes.entry.1.value=AIzaSyClE2lcV2zEKTLYYo645zfk2jhQPFeyxDo&Attributes.entry.2.key=EventEndpointCreated&Attributes.entry.2.value=${TOPIC_Q}`,
    result: `<PlatformApplicationArn>${APP}</PlatformApplicationArn>`,
    output: { PlatformApplicationArn: APP },
  },
  {
    action: "CreatePlatformEndpoint",
    call: (c) =>
      c.createPlatformEndpoint({
        PlatformApplicationArn: APP,
        Token: "APA91bGi7fFachkC1xjlqT66VYEucGHochmf1VQAr9k",
        CustomUserData: "UserId=27576823",
        Attributes: { Enabled: "true" },
      }),
    body: `PlatformApplicationArn=${APP_Q}&Token=APA91bGi7fFachkC1xjlqT66VYEucGHochmf1VQAr9k&CustomUserData=UserId%3D27576823&Attributes.entry.1.key=Enabled&Attributes.entry.1.value=true`,
    result: `<EndpointArn>${ENDPOINT}</EndpointArn>`,
    output: { EndpointArn: ENDPOINT },
  },
  {
    action: "CreateSMSSandboxPhoneNumber",
    call: (c) => c.createSMSSandboxPhoneNumber({ PhoneNumber: "+15555550100", LanguageCode: "en-US" }),
    body: "PhoneNumber=%2B15555550100&LanguageCode=en-US",
    result: "",
    output: {},
  },
  {
    action: "DeleteEndpoint",
    call: (c) => c.deleteEndpoint({ EndpointArn: ENDPOINT }),
    body: `EndpointArn=${ENDPOINT_Q}`,
    output: {},
  },
  {
    action: "DeletePlatformApplication",
    call: (c) => c.deletePlatformApplication({ PlatformApplicationArn: APP }),
    body: `PlatformApplicationArn=${APP_Q}`,
    output: {},
  },
  {
    action: "DeleteSMSSandboxPhoneNumber",
    call: (c) => c.deleteSMSSandboxPhoneNumber({ PhoneNumber: "+15555550100" }),
    body: "PhoneNumber=%2B15555550100",
    result: "",
    output: {},
  },
  {
    action: "GetDataProtectionPolicy",
    call: (c) => c.getDataProtectionPolicy({ ResourceArn: TOPIC }),
    body: `ResourceArn=${TOPIC_Q}`,
    result:
      "<DataProtectionPolicy>{&quot;Name&quot;:&quot;data_protection_policy&quot;,&quot;Version&quot;:&quot;2021-06-01&quot;,&quot;Statement&quot;:[]}</DataProtectionPolicy>",
    output: {
      DataProtectionPolicy: '{"Name":"data_protection_policy","Version":"2021-06-01","Statement":[]}',
    },
  },
  {
    action: "GetEndpointAttributes",
    call: (c) => c.getEndpointAttributes({ EndpointArn: ENDPOINT }),
    body: `EndpointArn=${ENDPOINT_Q}`,
    result:
      "<Attributes><entry><key>Enabled</key><value>true</value></entry><entry><key>CustomUserData</key><value>UserId=01234567</value></entry><entry><key>Token</key><value>APA91bGi7fFachkC1xjlqT66VYEucGHochmf1VQAr9k</value></entry></Attributes>",
    output: {
      Attributes: {
        Enabled: "true",
        CustomUserData: "UserId=01234567",
        Token: "APA91bGi7fFachkC1xjlqT66VYEucGHochmf1VQAr9k",
      },
    },
  },
  {
    action: "GetPlatformApplicationAttributes",
    call: (c) => c.getPlatformApplicationAttributes({ PlatformApplicationArn: APP }),
    body: `PlatformApplicationArn=${APP_Q}`,
    result: `<Attributes><entry><key>AllowEndpointPolicies</key><value>false</value></entry><entry><key>EventEndpointCreated</key><value>${TOPIC}</value></entry></Attributes>`,
    output: { Attributes: { AllowEndpointPolicies: "false", EventEndpointCreated: TOPIC } },
  },
  {
    action: "GetSMSAttributes",
    call: (c) => c.getSMSAttributes({ attributes: ["DefaultSMSType", "MonthlySpendLimit"] }),
    body: "attributes.member.1=DefaultSMSType&attributes.member.2=MonthlySpendLimit",
    result:
      "<attributes><entry><key>DefaultSMSType</key><value>Transactional</value></entry><entry><key>MonthlySpendLimit</key><value>1</value></entry></attributes>",
    output: { attributes: { DefaultSMSType: "Transactional", MonthlySpendLimit: "1" } },
  },
  {
    action: "GetSMSSandboxAccountStatus",
    call: (c) => c.getSMSSandboxAccountStatus(),
    body: "",
    result: "<IsInSandbox>true</IsInSandbox>",
    output: { IsInSandbox: true },
  },
  {
    action: "ListEndpointsByPlatformApplication",
    call: (c) => c.listEndpointsByPlatformApplication({ PlatformApplicationArn: APP, NextToken: "page/2+" }),
    body: `PlatformApplicationArn=${APP_Q}&NextToken=page%2F2%2B`,
    result: `<Endpoints><member><EndpointArn>${ENDPOINT}</EndpointArn><Attributes><entry><key>Enabled</key><value>true</value></entry><entry><key>CustomUserData</key><value>UserId=27576823</value></entry></Attributes></member></Endpoints><NextToken>page3</NextToken>`,
    output: {
      Endpoints: [
        { EndpointArn: ENDPOINT, Attributes: { Enabled: "true", CustomUserData: "UserId=27576823" } },
      ],
      NextToken: "page3",
    },
  },
  {
    action: "ListOriginationNumbers",
    call: (c) => c.listOriginationNumbers({ MaxResults: 10 }),
    body: "MaxResults=10",
    result:
      "<PhoneNumbers><member><CreatedAt>2021-03-15T22:39:33.621Z</CreatedAt><PhoneNumber>+15555550100</PhoneNumber><Status>ACTIVE</Status><Iso2CountryCode>US</Iso2CountryCode><RouteType>Transactional</RouteType><NumberCapabilities><member>SMS</member><member>VOICE</member></NumberCapabilities></member></PhoneNumbers><NextToken>next</NextToken>",
    output: {
      PhoneNumbers: [
        {
          CreatedAt: new Date("2021-03-15T22:39:33.621Z"),
          PhoneNumber: "+15555550100",
          Status: "ACTIVE",
          Iso2CountryCode: "US",
          RouteType: "Transactional",
          NumberCapabilities: ["SMS", "VOICE"],
        },
      ],
      NextToken: "next",
    },
  },
  {
    action: "ListPhoneNumbersOptedOut",
    call: (c) => c.listPhoneNumbersOptedOut({ nextToken: "abc" }),
    body: "nextToken=abc",
    result:
      "<phoneNumbers><member>+15555550100</member><member>+15555550101</member></phoneNumbers><nextToken>def</nextToken>",
    output: { phoneNumbers: ["+15555550100", "+15555550101"], nextToken: "def" },
  },
  {
    action: "ListPlatformApplications",
    call: (c) => c.listPlatformApplications({}),
    body: "",
    result: `<PlatformApplications><member><PlatformApplicationArn>${APP}</PlatformApplicationArn><Attributes><entry><key>AllowEndpointPolicies</key><value>false</value></entry></Attributes></member><member><PlatformApplicationArn>arn:aws:sns:us-east-1:123456789012:app/APNS_SANDBOX/apnspushapp</PlatformApplicationArn><Attributes/></member></PlatformApplications>`,
    output: {
      PlatformApplications: [
        { PlatformApplicationArn: APP, Attributes: { AllowEndpointPolicies: "false" } },
        {
          PlatformApplicationArn: "arn:aws:sns:us-east-1:123456789012:app/APNS_SANDBOX/apnspushapp",
          Attributes: {},
        },
      ],
    },
  },
  {
    action: "ListSMSSandboxPhoneNumbers",
    call: (c) => c.listSMSSandboxPhoneNumbers({ MaxResults: 5 }),
    body: "MaxResults=5",
    result:
      "<PhoneNumbers><member><PhoneNumber>+15555550100</PhoneNumber><Status>Verified</Status></member><member><PhoneNumber>+15555550101</PhoneNumber><Status>Pending</Status></member></PhoneNumbers>",
    output: {
      PhoneNumbers: [
        { PhoneNumber: "+15555550100", Status: "Verified" },
        { PhoneNumber: "+15555550101", Status: "Pending" },
      ],
    },
  },
  {
    action: "OptInPhoneNumber",
    call: (c) => c.optInPhoneNumber({ phoneNumber: "+15555550100" }),
    body: "phoneNumber=%2B15555550100",
    result: "",
    output: {},
  },
  {
    action: "PutDataProtectionPolicy",
    call: (c) =>
      c.putDataProtectionPolicy({
        ResourceArn: TOPIC,
        DataProtectionPolicy: '{"Name":"p","Version":"2021-06-01","Statement":[]}',
      }),
    body: `ResourceArn=${TOPIC_Q}&DataProtectionPolicy=%7B%22Name%22%3A%22p%22%2C%22Version%22%3A%222021-06-01%22%2C%22Statement%22%3A%5B%5D%7D`,
    output: {},
  },
  {
    action: "RemovePermission",
    call: (c) => c.removePermission({ TopicArn: TOPIC, Label: "NewPermission" }),
    body: `TopicArn=${TOPIC_Q}&Label=NewPermission`,
    output: {},
  },
  {
    action: "SetEndpointAttributes",
    call: (c) =>
      c.setEndpointAttributes({
        EndpointArn: ENDPOINT,
        Attributes: { CustomUserData: "My custom userdata", Enabled: "false" },
      }),
    body: `EndpointArn=${ENDPOINT_Q}&Attributes.entry.1.key=CustomUserData&Attributes.entry.1.value=My%20custom%20userdata&Attributes.entry.2.key=Enabled&Attributes.entry.2.value=false`,
    output: {},
  },
  {
    action: "SetPlatformApplicationAttributes",
    call: (c) =>
      c.setPlatformApplicationAttributes({
        PlatformApplicationArn: APP,
        Attributes: { EventEndpointDeleted: TOPIC },
      }),
    body: `PlatformApplicationArn=${APP_Q}&Attributes.entry.1.key=EventEndpointDeleted&Attributes.entry.1.value=${TOPIC_Q}`,
    output: {},
  },
  {
    action: "SetSMSAttributes",
    call: (c) =>
      c.setSMSAttributes({ attributes: { DefaultSMSType: "Transactional", DefaultSenderID: "My-Sender" } }),
    body: "attributes.entry.1.key=DefaultSMSType&attributes.entry.1.value=Transactional&attributes.entry.2.key=DefaultSenderID&attributes.entry.2.value=My-Sender",
    result: "",
    output: {},
  },
  {
    action: "VerifySMSSandboxPhoneNumber",
    call: (c) => c.verifySMSSandboxPhoneNumber({ PhoneNumber: "+15555550100", OneTimePassword: "123456" }),
    body: "PhoneNumber=%2B15555550100&OneTimePassword=123456",
    result: "",
    output: {},
  },
];

describe("the 25 actions fauxqs lacks, on the wire", () => {
  it("covers 25 distinct actions", () => {
    assert.equal(new Set(cases.map((c) => c.action)).size, 25);
  });

  for (const c of cases) {
    it(`${c.action}: sends the exact form body, signed, and reads AWS's XML`, async () => {
      replies.push(ok(c.action, c.result));
      const output = await c.call(sns);
      assert.equal(server.requests.length, 1);
      const request = server.requests[0]!;
      assert.equal(request.method, "POST");
      assert.equal(request.url, "/");
      assert.equal(request.headers["content-type"], "application/x-www-form-urlencoded; charset=utf-8");
      assert.equal(request.body, `Action=${c.action}&${V}${c.body ? `&${c.body}` : ""}`);
      assert.ok(request.signatureValid, "the SigV4 signature checks out");
      assert.match(
        request.headers.authorization ?? "",
        /Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sns\/aws4_request/,
      );
      assert.deepEqual(output, c.output);
    });
  }
});

describe("the wire form of maps and lists of structures", () => {
  it("Publish: MessageAttributes.entry.N.Name / Value.DataType / Value.StringValue / Value.BinaryValue", async () => {
    replies.push(ok("Publish", "<MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>"));
    const output = await sns.publish({
      TopicArn: TOPIC,
      Message: "Hello & welcome: 100% ✓",
      Subject: "Hi there",
      MessageAttributes: {
        color: { DataType: "String", StringValue: "blue green" },
        blob: { DataType: "Binary", BinaryValue: new Uint8Array([0xfb, 0xff, 0x00]) },
        sizes: { DataType: "String.Array", StringValue: '["S",1]' },
      },
    });
    assert.deepEqual(output, { MessageId: "567910cd-659e-55d4-8ccb-5aaf14679dc0" });
    assert.equal(
      server.requests[0]!.body,
      `Action=Publish&${V}&TopicArn=${TOPIC_Q}&Message=Hello%20%26%20welcome%3A%20100%25%20%E2%9C%93&Subject=Hi%20there` +
        "&MessageAttributes.entry.1.Name=color&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=blue%20green" +
        "&MessageAttributes.entry.2.Name=blob&MessageAttributes.entry.2.Value.DataType=Binary&MessageAttributes.entry.2.Value.BinaryValue=%2B%2F8A" +
        "&MessageAttributes.entry.3.Name=sizes&MessageAttributes.entry.3.Value.DataType=String.Array&MessageAttributes.entry.3.Value.StringValue=%5B%22S%22%2C1%5D",
    );
  });

  it("PublishBatch: PublishBatchRequestEntries.member.N, and both result lists", async () => {
    replies.push(
      ok(
        "PublishBatch",
        "<Successful><member><Id>a</Id><MessageId>m1</MessageId><SequenceNumber>1000</SequenceNumber></member></Successful><Failed><member><Id>b</Id><Code>InvalidParameter</Code><Message>bad</Message><SenderFault>true</SenderFault></member></Failed>",
      ),
    );
    const output = await sns.publishBatch({
      TopicArn: "arn:aws:sns:us-east-1:123456789012:My-Topic.fifo",
      PublishBatchRequestEntries: [
        { Id: "a", Message: "one", MessageGroupId: "g", MessageDeduplicationId: "d1" },
        {
          Id: "b",
          Message: "two",
          MessageGroupId: "g",
          MessageAttributes: { n: { DataType: "Number", StringValue: "-1.5e3" } },
        },
      ],
    });
    assert.deepEqual(output, {
      Successful: [{ Id: "a", MessageId: "m1", SequenceNumber: "1000" }],
      Failed: [{ Id: "b", Code: "InvalidParameter", Message: "bad", SenderFault: true }],
    });
    assert.equal(
      server.requests[0]!.body,
      `Action=PublishBatch&${V}&TopicArn=${TOPIC_Q}.fifo` +
        "&PublishBatchRequestEntries.member.1.Id=a&PublishBatchRequestEntries.member.1.Message=one&PublishBatchRequestEntries.member.1.MessageGroupId=g&PublishBatchRequestEntries.member.1.MessageDeduplicationId=d1" +
        "&PublishBatchRequestEntries.member.2.Id=b&PublishBatchRequestEntries.member.2.Message=two&PublishBatchRequestEntries.member.2.MessageGroupId=g" +
        "&PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Name=n&PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.DataType=Number&PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.StringValue=-1.5e3",
    );
  });

  it("CreateTopic: Attributes.entry.N.key/value and Tags.member.N.Key/Value", async () => {
    replies.push(ok("CreateTopic", `<TopicArn>${TOPIC}</TopicArn>`));
    await sns.createTopic({
      Name: "My-Topic",
      Attributes: { DisplayName: "My Topic", Policy: '{"Version":"2012-10-17"}' },
      Tags: [
        { Key: "team", Value: "a b" },
        { Key: "env", Value: "" },
      ],
    });
    assert.equal(
      server.requests[0]!.body,
      `Action=CreateTopic&${V}&Name=My-Topic&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=My%20Topic` +
        "&Attributes.entry.2.key=Policy&Attributes.entry.2.value=%7B%22Version%22%3A%222012-10-17%22%7D" +
        "&Tags.member.1.Key=team&Tags.member.1.Value=a%20b&Tags.member.2.Key=env&Tags.member.2.Value=",
    );
  });

  it("Subscribe and UntagResource: booleans and plain lists", async () => {
    replies.push(ok("Subscribe", `<SubscriptionArn>${TOPIC}:1</SubscriptionArn>`), ok("UntagResource", ""));
    await sns.subscribe({
      TopicArn: TOPIC,
      Protocol: "sqs",
      Endpoint: "arn:aws:sqs:us-east-1:123456789012:q",
      Attributes: { RawMessageDelivery: "true" },
      ReturnSubscriptionArn: true,
    });
    await sns.untagResource({ ResourceArn: TOPIC, TagKeys: ["a", "b"] });
    assert.equal(
      server.requests[0]!.body,
      `Action=Subscribe&${V}&TopicArn=${TOPIC_Q}&Protocol=sqs&Endpoint=arn%3Aaws%3Asqs%3Aus-east-1%3A123456789012%3Aq&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true&ReturnSubscriptionArn=true`,
    );
    assert.equal(
      server.requests[1]!.body,
      `Action=UntagResource&${V}&ResourceArn=${TOPIC_Q}&TagKeys.member.1=a&TagKeys.member.2=b`,
    );
  });

  it("reads empty lists and maps as empty, and absent ones as absent", async () => {
    replies.push(
      ok("ListTopics", "<Topics/>"),
      ok("GetTopicAttributes", "<Attributes></Attributes>"),
      ok("ListSubscriptions", ""),
      ok("ListTagsForResource", "<Tags>\n  </Tags>"),
    );
    assert.deepEqual(await sns.listTopics(), { Topics: [] });
    assert.deepEqual(await sns.getTopicAttributes({ TopicArn: TOPIC }), { Attributes: {} });
    assert.deepEqual(await sns.listSubscriptions(), {});
    assert.deepEqual(await sns.listTagsForResource({ ResourceArn: TOPIC }), { Tags: [] });
  });
});

describe("errors", () => {
  it("reads an XML error into a ServiceError with the code, status, fault and request id", async () => {
    replies.push(
      xml(
        `<ErrorResponse ${NS}><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User: arn:aws:iam::123456789012:user/x is not authorized to perform: SNS:AddPermission</Message></Error><RequestId>${REQUEST_ID}</RequestId></ErrorResponse>`,
        403,
      ),
    );
    await assert.rejects(
      sns.addPermission({ TopicArn: TOPIC, Label: "L", AWSAccountId: ["1"], ActionName: ["Publish"] }),
      (error: unknown) => {
        assert.ok(isServiceError(error));
        assert.equal(error.code, "AuthorizationError");
        assert.equal(error.statusCode, 403);
        assert.equal(error.fault, "client");
        assert.equal(error.requestId, REQUEST_ID);
        assert.equal(error.operation, "AddPermission");
        assert.equal(error.resource, TOPIC);
        assert.match(
          error.message,
          /^AddPermission \(arn:aws:sns:us-east-1:123456789012:My-Topic\): AuthorizationError: User: /,
        );
        return true;
      },
    );
  });

  it("reads an error body sent with status 200 as a ServiceError, never as a success", async () => {
    // AWS answers errors with 4xx/5xx; proxies and emulators have been seen to send them with 200.
    replies.push(
      xml(
        `<ErrorResponse ${NS}><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: TopicArn</Message></Error><RequestId>${REQUEST_ID}</RequestId></ErrorResponse>`,
      ),
      xml(
        `<Response><Errors><Error><Code>InternalError</Code><Message>busy</Message></Error></Errors><RequestID>r-2</RequestID></Response>`,
      ),
      xml(
        `<ErrorResponse ${NS}><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-3</RequestId></ErrorResponse>`,
      ),
    );
    await assert.rejects(sns.publish({ TopicArn: TOPIC, Message: "hello" }), (error: unknown) => {
      assert.ok(isServiceError(error), String(error));
      assert.equal(error.code, "InvalidParameter");
      assert.equal(error.statusCode, 200);
      assert.equal(error.requestId, REQUEST_ID);
      assert.equal(error.operation, "Publish");
      assert.match(error.message, /InvalidParameter: Invalid parameter: TopicArn/);
      return true;
    });
    await assert.rejects(sns.listTopics(), (error: unknown) => {
      assert.ok(isServiceError(error), String(error));
      assert.equal(error.code, "InternalError");
      assert.equal(error.requestId, "r-2");
      assert.match(error.message, /busy/);
      return true;
    });
    // PublishBatch has its own reader of answers.
    await assert.rejects(
      sns.publishBatch({ TopicArn: TOPIC, PublishBatchRequestEntries: [{ Id: "1", Message: "m" }] }),
      (error: unknown) => {
        assert.ok(isServiceError(error), String(error));
        assert.equal(error.code, "NotFound");
        assert.equal(error.requestId, "r-3");
        return true;
      },
    );
  });

  it("names the platform application or endpoint a failed call was about", async () => {
    replies.push(
      xml(
        `<ErrorResponse ${NS}><Error><Type>Sender</Type><Code>NotFound</Code><Message>Endpoint does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        404,
      ),
    );
    await assert.rejects(sns.getEndpointAttributes({ EndpointArn: ENDPOINT }), (error: unknown) => {
      assert.ok(isServiceError(error));
      assert.equal(error.code, "NotFound");
      assert.equal(error.resource, ENDPOINT);
      return true;
    });
  });

  it("retries a throttled call", async () => {
    const retrying = new SNS({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
      maxAttempts: 2,
    });
    replies.push(
      xml(
        `<ErrorResponse ${NS}><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        400,
      ),
      ok("OptInPhoneNumber", ""),
    );
    assert.deepEqual(await retrying.optInPhoneNumber({ phoneNumber: "+15555550100" }), {});
    assert.equal(server.requests.length, 2);
  });
});

describe("paginators for every paginated list action", () => {
  const paginated: {
    action: string;
    iterate: (c: SNS) => AsyncIterable<Record<string, unknown>>;
    input: string;
    token: string;
    page: (n: number, next?: string) => string;
    items: (page: Record<string, unknown>) => unknown[];
  }[] = [
    {
      action: "ListTopics",
      iterate: (c) => c.paginateListTopics({}) as AsyncIterable<Record<string, unknown>>,
      input: "",
      token: "NextToken",
      page: (n, next) =>
        `<Topics><member><TopicArn>${TOPIC}-${n}</TopicArn></member></Topics>${next ? `<NextToken>${next}</NextToken>` : ""}`,
      items: (p) => p.Topics as unknown[],
    },
    {
      action: "ListSubscriptions",
      iterate: (c) => c.paginateListSubscriptions() as AsyncIterable<Record<string, unknown>>,
      input: "",
      token: "NextToken",
      page: (n, next) =>
        `<Subscriptions><member><SubscriptionArn>${TOPIC}:${n}</SubscriptionArn><Protocol>sqs</Protocol></member></Subscriptions>${next ? `<NextToken>${next}</NextToken>` : ""}`,
      items: (p) => p.Subscriptions as unknown[],
    },
    {
      action: "ListSubscriptionsByTopic",
      iterate: (c) =>
        c.paginateListSubscriptionsByTopic({ TopicArn: TOPIC }) as AsyncIterable<Record<string, unknown>>,
      input: `TopicArn=${TOPIC_Q}`,
      token: "NextToken",
      page: (n, next) =>
        `<Subscriptions><member><SubscriptionArn>${TOPIC}:${n}</SubscriptionArn></member></Subscriptions>${next ? `<NextToken>${next}</NextToken>` : ""}`,
      items: (p) => p.Subscriptions as unknown[],
    },
    {
      action: "ListPlatformApplications",
      iterate: (c) => c.paginateListPlatformApplications({}) as AsyncIterable<Record<string, unknown>>,
      input: "",
      token: "NextToken",
      page: (n, next) =>
        `<PlatformApplications><member><PlatformApplicationArn>${APP}${n}</PlatformApplicationArn></member></PlatformApplications>${next ? `<NextToken>${next}</NextToken>` : ""}`,
      items: (p) => p.PlatformApplications as unknown[],
    },
    {
      action: "ListEndpointsByPlatformApplication",
      iterate: (c) =>
        c.paginateListEndpointsByPlatformApplication({ PlatformApplicationArn: APP }) as AsyncIterable<
          Record<string, unknown>
        >,
      input: `PlatformApplicationArn=${APP_Q}`,
      token: "NextToken",
      page: (n, next) =>
        `<Endpoints><member><EndpointArn>${ENDPOINT}${n}</EndpointArn></member></Endpoints>${next ? `<NextToken>${next}</NextToken>` : ""}`,
      items: (p) => p.Endpoints as unknown[],
    },
    {
      action: "ListPhoneNumbersOptedOut",
      iterate: (c) => c.paginateListPhoneNumbersOptedOut({}) as AsyncIterable<Record<string, unknown>>,
      input: "",
      token: "nextToken",
      page: (n, next) =>
        `<phoneNumbers><member>+1555555010${n}</member></phoneNumbers>${next ? `<nextToken>${next}</nextToken>` : ""}`,
      items: (p) => p.phoneNumbers as unknown[],
    },
    {
      action: "ListOriginationNumbers",
      iterate: (c) =>
        c.paginateListOriginationNumbers({ MaxResults: 1 }) as AsyncIterable<Record<string, unknown>>,
      input: "MaxResults=1",
      token: "NextToken",
      page: (n, next) =>
        `<PhoneNumbers><member><PhoneNumber>+1555555010${n}</PhoneNumber></member></PhoneNumbers>${next ? `<NextToken>${next}</NextToken>` : ""}`,
      items: (p) => p.PhoneNumbers as unknown[],
    },
    {
      action: "ListSMSSandboxPhoneNumbers",
      iterate: (c) =>
        c.paginateListSMSSandboxPhoneNumbers({ MaxResults: 1 }) as AsyncIterable<Record<string, unknown>>,
      input: "MaxResults=1",
      token: "NextToken",
      page: (n, next) =>
        `<PhoneNumbers><member><PhoneNumber>+1555555010${n}</PhoneNumber><Status>Verified</Status></member></PhoneNumbers>${next ? `<NextToken>${next}</NextToken>` : ""}`,
      items: (p) => p.PhoneNumbers as unknown[],
    },
  ];

  for (const p of paginated) {
    it(`paginate${p.action}: follows ${p.token} across three pages`, async () => {
      replies.push(ok(p.action, p.page(1, "t/1=")), ok(p.action, p.page(2, "t2")), ok(p.action, p.page(3)));
      const pages: Record<string, unknown>[] = [];
      for await (const page of p.iterate(sns)) pages.push(page);
      assert.equal(pages.length, 3);
      assert.deepEqual(
        pages.map((page) => p.items(page).length),
        [1, 1, 1],
      );
      const prefix = `Action=${p.action}&${V}${p.input ? `&${p.input}` : ""}`;
      assert.deepEqual(
        server.requests.map((r) => r.body),
        [prefix, `${prefix}&${p.token}=t%2F1%3D`, `${prefix}&${p.token}=t2`],
      );
    });
  }

  it("stops when the service repeats a token", async () => {
    replies.push(
      ok("ListTopics", "<Topics/><NextToken>same</NextToken>"),
      ok("ListTopics", "<Topics/><NextToken>same</NextToken>"),
    );
    const pages = [];
    await assert.rejects(async () => {
      for await (const page of sns.paginateListTopics()) pages.push(page);
    }, /same page token twice/);
    assert.equal(pages.length, 2);
  });
});
