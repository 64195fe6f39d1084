import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { defaultCredentials } from "../../../src/core/credentials/chain.js";
import type { Credentials, CredentialsRequest } from "../../../src/core/credentials/types.js";
import { isCredentialsError } from "../../../src/core/errors.js";
import { SQS } from "../../../src/sqs/sqs.js";
import { json, type Loopback, startLoopback } from "../../helpers/loopback.js";
import {
  type FakeCredentials,
  fakeCredentials,
  type Stub,
  startContainerEndpoint,
  startImds,
  startSts,
  startStub,
  tempFiles,
  withEnv,
} from "./helpers.js";

let sts: Stub;
let container: Stub;
let imds: Stub;
const fromContainer = fakeCredentials("container");
const fromImds = fakeCredentials("imds");
const fromWeb = fakeCredentials("web");
const tmp = tempFiles({
  token: "oidc",
  credentials:
    "[default]\naws_access_key_id = AKIDPROFILEDEFAULT\naws_secret_access_key = profile-secret\n[other]\naws_access_key_id = AKIDPROFILEOTHER\naws_secret_access_key = other-secret\n",
  empty: "",
});

before(async () => {
  sts = await startSts({ web: () => fromWeb });
  container = await startContainerEndpoint("container-auth", () => fromContainer);
  imds = await startImds({ credentials: () => fromImds });
});
after(async () => {
  await Promise.all([sts.close(), container.close(), imds.close()]);
  tmp.remove();
});

/** Every source set up, each answering with its own credentials. */
function allSources(): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: "AKIDFROMENVIRONMENT",
    AWS_SECRET_ACCESS_KEY: "environment-secret",
    AWS_WEB_IDENTITY_TOKEN_FILE: tmp.path("token"),
    AWS_ROLE_ARN: "arn:aws:iam::1:role/web",
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials"),
    AWS_CONFIG_FILE: tmp.path("empty"),
    AWS_CONTAINER_CREDENTIALS_FULL_URI: container.url,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-auth",
    AWS_EC2_METADATA_DISABLED: undefined,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
  };
}

describe("default chain precedence", () => {
  it("environment, web identity, profile, container, instance metadata, in that order", async () => {
    const env = allSources();
    const expect = async (id: string) =>
      withEnv(env, async () => assert.equal((await defaultCredentials()()).accessKeyId, id));
    await expect("AKIDFROMENVIRONMENT");
    env.AWS_ACCESS_KEY_ID = undefined;
    await expect(fromWeb.accessKeyId);
    env.AWS_WEB_IDENTITY_TOKEN_FILE = undefined;
    await expect("AKIDPROFILEDEFAULT");
    env.AWS_SHARED_CREDENTIALS_FILE = tmp.path("empty");
    await expect(fromContainer.accessKeyId);
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI = undefined;
    await expect(fromImds.accessKeyId);
  });

  it("lists every source tried and why it gave nothing", async () => {
    await withEnv(
      { AWS_SHARED_CREDENTIALS_FILE: tmp.path("empty"), AWS_CONFIG_FILE: tmp.path("empty") },
      async () => {
        await assert.rejects(defaultCredentials()(), (e: unknown) => {
          assert.ok(isCredentialsError(e));
          assert.deepEqual(
            e.attempts.map((a) => a.source),
            [
              "environment",
              "web identity (environment)",
              "profile default",
              "container credentials",
              "instance metadata",
            ],
          );
          assert.match(
            e.message,
            /^no credentials found \(tried: environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; /,
          );
          assert.match(e.message, /instance metadata: AWS_EC2_METADATA_DISABLED is true\)$/);
          return true;
        });
      },
    );
  });

  it("moves on quickly when no metadata service answers", async () => {
    const closed = await startStub(() => {});
    await closed.close();
    await withEnv(
      {
        AWS_SHARED_CREDENTIALS_FILE: tmp.path("empty"),
        AWS_CONFIG_FILE: tmp.path("empty"),
        AWS_EC2_METADATA_DISABLED: undefined,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: closed.url,
      },
      async () => {
        await assert.rejects(defaultCredentials()(), (e: unknown) => {
          assert.ok(isCredentialsError(e));
          assert.match(e.attempts.at(-1)!.reason, /no metadata service answered/);
          return true;
        });
      },
    );
  });

  it("skips the environment's keys when a profile is chosen in code (not with AWS_PROFILE)", async () => {
    const env = { ...allSources(), AWS_PROFILE: "other" };
    await withEnv(env, async () => {
      assert.equal((await defaultCredentials()()).accessKeyId, "AKIDFROMENVIRONMENT");
      assert.equal((await defaultCredentials({ profile: "other" })()).accessKeyId, "AKIDPROFILEOTHER");
    });
  });

  it("stops at a source that is set up but fails, naming the ones skipped before", async () => {
    const failing = await startStub((_request, res) => {
      res.writeHead(500);
      res.end();
    });
    try {
      await withEnv(
        {
          AWS_SHARED_CREDENTIALS_FILE: tmp.path("empty"),
          AWS_CONFIG_FILE: tmp.path("empty"),
          AWS_CONTAINER_CREDENTIALS_FULL_URI: failing.url,
          AWS_EC2_METADATA_DISABLED: undefined,
          AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
        },
        async () => {
          await assert.rejects(defaultCredentials({ container: { maxAttempts: 1 } })(), (e: unknown) => {
            assert.ok(isCredentialsError(e));
            assert.match(e.message, /^credentials from container credentials failed/);
            assert.equal(e.attempts.at(-1)?.source, "container credentials");
            assert.match(e.attempts.at(-1)!.reason, /answered HTTP 500/);
            assert.equal(e.attempts.length, 4);
            return true;
          });
        },
      );
    } finally {
      await failing.close();
    }
  });

  it("fails on a profile named in AWS_PROFILE that does not exist", async () => {
    await withEnv(
      {
        ...allSources(),
        AWS_ACCESS_KEY_ID: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_PROFILE: "ghost",
      },
      async () => {
        await assert.rejects(defaultCredentials()(), /profile "ghost" is not in/);
      },
    );
  });
});

describe("clients on the default chain", () => {
  let server: Loopback;
  before(async () => {
    server = await startLoopback((request) =>
      request.headers["x-amz-security-token"] === "expired-token"
        ? json(
            {
              __type: "com.amazon.coral.service#ExpiredTokenException",
              message: "The security token included in the request is expired",
            },
            400,
          )
        : json({ QueueUrls: [] }),
    );
  });
  after(() => server.close());

  it("100 concurrent first requests make one credentials call", async () => {
    const issued = fakeCredentials("c1");
    let calls = 0;
    const endpoint = await startContainerEndpoint(
      undefined,
      () => {
        calls++;
        return issued;
      },
      20,
    );
    try {
      await withEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url }, async () => {
        const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1" });
        await Promise.all(Array.from({ length: 100 }, () => sqs.listQueues({})));
        assert.equal(calls, 1);
        assert.ok(
          server.requests.slice(-100).every((r) => r.headers["x-amz-security-token"] === issued.sessionToken),
        );
      });
    } finally {
      await endpoint.close();
    }
  });

  it("refreshes once, in the background, when the credentials near their expiry", async () => {
    let calls = 0;
    const answers: FakeCredentials[] = [fakeCredentials("soon", 120_000), fakeCredentials("later")];
    const endpoint = await startContainerEndpoint(undefined, () => answers[Math.min(calls++, 1)]!);
    try {
      await withEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url }, async () => {
        const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1" });
        await sqs.listQueues({});
        assert.equal(calls, 1);
        await Promise.all(Array.from({ length: 100 }, () => sqs.listQueues({})));
        assert.equal(calls, 2, "exactly one refresh for 100 requests");
        // The refresh has landed by now (it was awaited by nobody): new requests use it.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await sqs.listQueues({});
        assert.equal(server.requests.at(-1)!.headers["x-amz-security-token"], answers[1]!.sessionToken);
        assert.equal(calls, 2);
      });
    } finally {
      await endpoint.close();
    }
  });

  it("gets new credentials once when AWS says they expired", async () => {
    const answers: Credentials[] = [
      {
        accessKeyId: "ASIAEXPIRED",
        secretAccessKey: "s",
        sessionToken: "expired-token",
        expiration: new Date(Date.now() + 3600_000),
      },
      {
        accessKeyId: "ASIAFRESH",
        secretAccessKey: "s",
        sessionToken: "fresh-token",
        expiration: new Date(Date.now() + 3600_000),
      },
    ];
    let calls = 0;
    const provider = async (request?: CredentialsRequest) => {
      if (request?.forceRefresh || calls === 0) calls++;
      return answers[Math.min(calls - 1, 1)]!;
    };
    await withEnv({}, async () => {
      const sqs = new SQS({
        endpoint: server.endpoint,
        region: "us-east-1",
        credentials: provider,
        maxAttempts: 1,
      });
      await sqs.listQueues({});
      assert.equal(server.requests.at(-1)!.headers["x-amz-security-token"], "fresh-token");
      assert.equal(calls, 2);
    });
  });

  it("takes the environment's keys first, and reads them again when AWS says they expired", async () => {
    await withEnv(
      {
        AWS_ACCESS_KEY_ID: "AKIDFROMENV",
        AWS_SECRET_ACCESS_KEY: "env-secret",
        AWS_SESSION_TOKEN: "expired-token",
        AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials"),
      },
      async () => {
        const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", maxAttempts: 1 });
        // The first answer says the token expired: the provider is asked once more, and the
        // environment (changed meanwhile, as a rotating secret would be) is read again.
        process.env.AWS_SESSION_TOKEN = "expired-token";
        const first = sqs.listQueues({});
        process.env.AWS_SESSION_TOKEN = "fresh-token";
        await first;
        const sent = server.requests.slice(-2);
        assert.deepEqual(
          sent.map((r) => r.headers["x-amz-security-token"]),
          ["expired-token", "fresh-token"],
        );
        assert.ok(sent.every((r) => r.headers.authorization?.includes("Credential=AKIDFROMENV/")));
      },
    );
  });

  it("with a profile chosen in code, skips the environment's keys for the profile's", async () => {
    await withEnv(
      {
        AWS_ACCESS_KEY_ID: "AKIDFROMENV",
        AWS_SECRET_ACCESS_KEY: "env-secret",
        AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials"),
        AWS_CONFIG_FILE: tmp.path("empty"),
      },
      async () => {
        const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1", profile: "other" });
        await sqs.listQueues({});
        assert.ok(server.requests.at(-1)!.headers.authorization?.includes("Credential=AKIDPROFILEOTHER/"));
      },
    );
  });

  it("with half the environment's keys, goes on to the chain's other sources", async () => {
    await withEnv(
      {
        AWS_ACCESS_KEY_ID: "AKIDFROMENV",
        AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials"),
        AWS_CONFIG_FILE: tmp.path("empty"),
      },
      async () => {
        const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1" });
        await sqs.listQueues({});
        assert.ok(server.requests.at(-1)!.headers.authorization?.includes("Credential=AKIDPROFILEDEFAULT/"));
      },
    );
  });

  it("reports unreadable environment keys as the chain does, naming the source", async () => {
    await withEnv(
      {
        AWS_ACCESS_KEY_ID: "AKIDFROMENV",
        AWS_SECRET_ACCESS_KEY: "env-secret",
        AWS_CREDENTIAL_EXPIRATION: "not a date",
      },
      async () => {
        const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1" });
        await assert.rejects(sqs.listQueues({}), (e: unknown) => {
          assert.ok(isCredentialsError(e));
          assert.match(e.message, /credentials from environment failed/);
          assert.equal(e.attempts.at(-1)?.source, "environment");
          assert.doesNotMatch(e.message, /env-secret/);
          return true;
        });
      },
    );
  });

  it("fails with a CredentialsError naming the operation when no source has credentials", async () => {
    await withEnv(
      { AWS_SHARED_CREDENTIALS_FILE: tmp.path("empty"), AWS_CONFIG_FILE: tmp.path("empty") },
      async () => {
        const sqs = new SQS({ endpoint: server.endpoint, region: "us-east-1" });
        const count = server.requests.length;
        await assert.rejects(sqs.listQueues({}), (e: unknown) => {
          assert.ok(isCredentialsError(e));
          assert.equal(e.attempts.length, 5);
          return true;
        });
        assert.equal(server.requests.length, count, "nothing sent");
      },
    );
  });
});
