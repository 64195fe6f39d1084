// Where requests go and which region they are signed for: the `endpoint` option wins over whatever
// host a queue URL names; AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, AWS_REGION and AWS_DEFAULT_REGION
// are honoured (set and restored within each test).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { isAsyncAwsError, isValidationError } from "../../src/core/errors.js";
import { SQS } from "../../src/sqs/sqs.js";
import { type Emulator, startEmulator, TEST_CREDENTIALS, uniqueName } from "../helpers/fauxqs.js";
import { json, type Loopback, type RecordedRequest, startLoopback } from "../helpers/loopback.js";
import { caught, md5, targetOf, withEnv } from "../helpers/sqs.js";

/** Every variable that could steer region or endpoint, cleared; shared files pointed nowhere. */
const CLEAN_ENV = {
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_ENDPOINT_URL_SQS: undefined,
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
  AWS_USE_FIPS_ENDPOINT: undefined,
  AWS_USE_DUALSTACK_ENDPOINT: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: "/nonexistent/asyncaws-test/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/asyncaws-test/credentials",
};

const snapshotEnv = () => Object.fromEntries(Object.keys(CLEAN_ENV).map((name) => [name, process.env[name]]));
const ORIGINAL_ENV = snapshotEnv();

let server: Loopback;
let other: Loopback;

const answer = (request: RecordedRequest) => {
  const input = JSON.parse(request.body) as { MessageBody?: string };
  switch (targetOf(request)) {
    case "SendMessage":
      return json({ MessageId: "m-1", MD5OfMessageBody: md5(input.MessageBody ?? "") });
    case "ReceiveMessage":
      return json({ Messages: [] });
    default:
      return json({});
  }
};

before(async () => {
  server = await startLoopback(answer);
  other = await startLoopback(answer);
});
after(async () => {
  await server.close();
  await other.close();
});
beforeEach(() => {
  server.requests.length = 0;
  other.requests.length = 0;
});

/** The region of a request's SigV4 credential scope. */
const regionOf = (request: RecordedRequest) =>
  /Credential=[^/]+\/\d{8}\/([^/]+)\/sqs\/aws4_request/.exec(request.headers.authorization ?? "")?.[1];

describe("the endpoint option", () => {
  it("sends every request to the endpoint, whatever host the queue URL names", async () => {
    const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
    const urls = [
      "https://sqs.eu-west-1.amazonaws.com/177715257436/far-away",
      "http://sqs.us-east-1.localhost:4566/000000000000/emulated",
      "https://vpce-0123.sqs.us-east-1.vpce.amazonaws.com/177715257436/private",
    ];
    for (const QueueUrl of urls) {
      await sqs.sendMessage({ QueueUrl, MessageBody: "hi" });
      await sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 0 });
      await sqs.purgeQueue({ QueueUrl });
    }
    await sqs.queue(urls[0]!).send("through the handle");
    assert.equal(server.requests.length, urls.length * 3 + 1);
    for (const request of server.requests) {
      assert.equal(request.url, "/");
      assert.equal(request.headers.host, new URL(server.endpoint).host);
      assert.equal(regionOf(request), "us-east-1");
      assert.equal(request.signatureValid, true);
    }
    assert.deepEqual(
      server.requests.slice(0, 3).map((r) => JSON.parse(r.body).QueueUrl),
      [urls[0], urls[0], urls[0]],
      "the queue URL itself is sent unchanged",
    );
  });

  it("keeps a path the endpoint names, and signs it", async () => {
    const sqs = new SQS({
      endpoint: `${server.endpoint}/sqs-proxy/`,
      region: "us-east-1",
      credentials: TEST_CREDENTIALS,
    });
    await sqs.listQueues({});
    assert.equal(server.requests[0]!.url, "/sqs-proxy/");
    assert.equal(server.requests[0]!.signatureValid, true);
  });

  it("signs for us-east-1 when only an endpoint is given", async () => {
    await withEnv(CLEAN_ENV, async () => {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      assert.equal(sqs.region, "us-east-1");
      await sqs.listQueues({});
      assert.equal(regionOf(server.requests[0]!), "us-east-1");
    });
  });

  it("works against fauxqs, whose queue URLs name a host that does not resolve", async () => {
    const emulator: Emulator = await startEmulator();
    try {
      const sqs = new SQS({
        endpoint: emulator.endpoint,
        region: "us-east-1",
        credentials: TEST_CREDENTIALS,
      });
      const { QueueUrl } = await sqs.createQueue({ QueueName: uniqueName("endpoint") });
      assert.ok(!QueueUrl!.startsWith(emulator.endpoint), `fauxqs names its own host: ${QueueUrl}`);
      await sqs.sendMessage({ QueueUrl: QueueUrl!, MessageBody: "routed by the endpoint" });
      const { Messages } = await sqs.receiveMessage({ QueueUrl: QueueUrl!, WaitTimeSeconds: 1 });
      assert.equal(Messages?.[0]?.Body, "routed by the endpoint");
    } finally {
      await emulator.stop();
    }
  });
});

describe("environment variables", () => {
  it("honours AWS_ENDPOINT_URL_SQS", async () => {
    await withEnv(
      { ...CLEAN_ENV, AWS_ENDPOINT_URL_SQS: server.endpoint, AWS_REGION: "eu-west-1" },
      async () => {
        const sqs = new SQS({ credentials: TEST_CREDENTIALS });
        assert.equal(sqs.endpoint, server.endpoint);
        await sqs.sendMessage({ QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "env" });
        assert.equal(server.requests.length, 1);
        assert.equal(regionOf(server.requests[0]!), "eu-west-1");
        assert.equal(server.requests[0]!.signatureValid, true);
      },
    );
    assert.equal(process.env.AWS_ENDPOINT_URL_SQS, undefined, "restored");
  });

  it("honours AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL_SQS wins over it", async () => {
    await withEnv({ ...CLEAN_ENV, AWS_ENDPOINT_URL: other.endpoint, AWS_REGION: "eu-west-1" }, async () => {
      await new SQS({ credentials: TEST_CREDENTIALS }).listQueues({});
      assert.equal(other.requests.length, 1);
    });
    await withEnv(
      {
        ...CLEAN_ENV,
        AWS_ENDPOINT_URL: other.endpoint,
        AWS_ENDPOINT_URL_SQS: server.endpoint,
        AWS_REGION: "eu-west-1",
      },
      async () => {
        await new SQS({ credentials: TEST_CREDENTIALS }).listQueues({});
        assert.equal(server.requests.length, 1);
        assert.equal(other.requests.length, 1);
      },
    );
  });

  it("lets the endpoint option win over the environment", async () => {
    await withEnv(
      { ...CLEAN_ENV, AWS_ENDPOINT_URL_SQS: other.endpoint, AWS_REGION: "eu-west-1" },
      async () => {
        await new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS }).listQueues({});
        assert.equal(server.requests.length, 1);
        assert.equal(other.requests.length, 0);
      },
    );
  });

  it("signs for AWS_REGION, else AWS_DEFAULT_REGION; the option wins over both", async () => {
    await withEnv(
      { ...CLEAN_ENV, AWS_REGION: "ap-southeast-2", AWS_DEFAULT_REGION: "ca-central-1" },
      async () => {
        const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
        assert.equal(sqs.region, "ap-southeast-2");
        await sqs.listQueues({});
      },
    );
    await withEnv({ ...CLEAN_ENV, AWS_DEFAULT_REGION: "ca-central-1" }, async () => {
      const sqs = new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS });
      assert.equal(sqs.region, "ca-central-1");
      await sqs.listQueues({});
    });
    await withEnv({ ...CLEAN_ENV, AWS_REGION: "ap-southeast-2" }, async () => {
      const sqs = new SQS({ endpoint: server.endpoint, region: "sa-east-1", credentials: TEST_CREDENTIALS });
      await sqs.listQueues({});
    });
    assert.deepEqual(server.requests.map(regionOf), ["ap-southeast-2", "ca-central-1", "sa-east-1"]);
    assert.ok(server.requests.every((r) => r.signatureValid));
  });

  it("uses the region's public endpoint when no endpoint is set (nothing sent here)", async () => {
    await withEnv({ ...CLEAN_ENV, AWS_REGION: "eu-west-3" }, () => {
      assert.equal(
        new SQS({ credentials: TEST_CREDENTIALS }).endpoint,
        "https://sqs.eu-west-3.amazonaws.com",
      );
      assert.equal(
        new SQS({ region: "cn-north-1", credentials: TEST_CREDENTIALS }).endpoint,
        "https://sqs.cn-north-1.amazonaws.com.cn",
      );
    });
  });

  it("rejects a malformed region or endpoint from the environment, naming the variable", async () => {
    await withEnv({ ...CLEAN_ENV, AWS_REGION: "EU WEST" }, async () => {
      const error = await caught(() => new SQS({ endpoint: server.endpoint, credentials: TEST_CREDENTIALS }));
      assert.ok(isValidationError(error), String(error));
      assert.equal(error.field, "AWS_REGION");
      assert.equal(error.value, "EU WEST");
    });
    await withEnv(
      { ...CLEAN_ENV, AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_SQS: "ftp://example" },
      async () => {
        const error = await caught(() => new SQS({ credentials: TEST_CREDENTIALS }));
        assert.ok(isValidationError(error), String(error));
        assert.equal(error.value, "ftp://example");
      },
    );
    assert.equal(server.requests.length, 0);
  });

  it("without region and endpoint, a call fails before sending, saying a region is needed", async () => {
    await withEnv(CLEAN_ENV, async () => {
      const sqs = new SQS({ credentials: TEST_CREDENTIALS });
      assert.equal(sqs.region, undefined);
      const error = await caught(() => sqs.listQueues({}));
      assert.ok(isAsyncAwsError(error), String(error));
      assert.match(error.message, /region/i);
      assert.equal(error.operation, "ListQueues");
    });
  });

  it("leaves the environment as it found it", () => {
    assert.deepEqual(snapshotEnv(), ORIGINAL_ENV);
  });
});
