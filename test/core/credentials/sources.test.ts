import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerEndpoint, fromContainer } from "../../../src/core/credentials/container.js";
import { fromEnv } from "../../../src/core/credentials/env.js";
import { fromInstanceMetadata, InstanceMetadata } from "../../../src/core/credentials/imds.js";
import { runCredentialProcess } from "../../../src/core/credentials/process.js";
import { isCredentialsError } from "../../../src/core/errors.js";
import {
  fakeCredentials,
  startContainerEndpoint,
  startImds,
  startStub,
  tempFiles,
  withEnv,
} from "./helpers.js";

/** Asserts a CredentialsError whose message matches. */
async function rejectsCredentials(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isCredentialsError(e), String(e));
    assert.match(e.message, pattern);
    return true;
  });
}

describe("environment", () => {
  it("reads the keys, session token and expiration", async () => {
    await withEnv(
      {
        AWS_ACCESS_KEY_ID: "AKIDENV",
        AWS_SECRET_ACCESS_KEY: "env-secret",
        AWS_SESSION_TOKEN: "env-token",
        AWS_CREDENTIAL_EXPIRATION: "2099-01-01T00:00:00Z",
      },
      async () => {
        const c = await fromEnv()();
        assert.equal(c.accessKeyId, "AKIDENV");
        assert.equal(c.secretAccessKey, "env-secret");
        assert.equal(c.sessionToken, "env-token");
        assert.equal(c.expiration?.toISOString(), "2099-01-01T00:00:00.000Z");
      },
    );
  });

  it("says which variable is missing", async () => {
    await withEnv({ AWS_ACCESS_KEY_ID: "AKIDENV" }, async () => {
      await rejectsCredentials(fromEnv()(), /AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not/);
    });
    await withEnv({}, async () => {
      await rejectsCredentials(fromEnv()(), /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/);
    });
  });
});

describe("credential_process", () => {
  const script = (body: string) => `"${process.execPath}" -e ${JSON.stringify(body)}`;

  it("reads Version 1 JSON with an expiration", async () => {
    const c = await runCredentialProcess(
      script(
        'console.log(JSON.stringify({Version:1,AccessKeyId:"AKIDPROC",SecretAccessKey:"proc-secret",SessionToken:"proc-token",Expiration:"2099-05-01T10:00:00Z"}))',
      ),
      "credential_process of profile p",
    );
    assert.equal(c.accessKeyId, "AKIDPROC");
    assert.equal(c.secretAccessKey, "proc-secret");
    assert.equal(c.sessionToken, "proc-token");
    assert.equal(c.expiration?.toISOString(), "2099-05-01T10:00:00.000Z");
  });

  it("runs a script file and passes its arguments", async () => {
    const tmp = tempFiles({
      "creds.mjs":
        'const [id] = process.argv.slice(2); process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: id, SecretAccessKey: "s" }));',
    });
    try {
      const c = await runCredentialProcess(
        `"${process.execPath}" "${tmp.path("creds.mjs")}" AKIDFROMARG`,
        "p",
      );
      assert.equal(c.accessKeyId, "AKIDFROMARG");
      assert.equal(c.expiration, undefined);
    } finally {
      tmp.remove();
    }
  });

  it("fails clearly on a bad version, bad JSON, missing keys and a failing program, quoting no output", async () => {
    await rejectsCredentials(
      runCredentialProcess(
        script('console.log(JSON.stringify({Version:2,AccessKeyId:"a",SecretAccessKey:"leak-1"}))'),
        "p",
      ),
      /"Version": 1/,
    );
    await rejectsCredentials(runCredentialProcess(script('console.log("leak-2 not json")'), "p"), /not JSON/);
    await rejectsCredentials(
      runCredentialProcess(script('console.log(JSON.stringify({Version:1,AccessKeyId:"a"}))'), "p"),
      /no SecretAccessKey/,
    );
    await assert.rejects(
      runCredentialProcess(
        script('console.error("please log in"); process.exit(3)'),
        "credential_process of profile p",
      ),
      (e: unknown) => {
        assert.ok(isCredentialsError(e));
        assert.match(
          e.message,
          /credential_process of profile p: the program exited with code 3: please log in/,
        );
        assert.doesNotMatch(e.message, /leak/);
        return true;
      },
    );
  });
});

describe("container credentials", () => {
  it("calls FULL_URI on loopback with the authorization token", async () => {
    const c = fakeCredentials("ecs");
    const server = await startContainerEndpoint("Bearer container-auth-token", () => c);
    try {
      await withEnv(
        {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/v2/credentials/abc`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: "Bearer container-auth-token",
        },
        async () => {
          const got = await fromContainer()();
          assert.equal(got.accessKeyId, c.accessKeyId);
          assert.equal(got.secretAccessKey, c.secretAccessKey);
          assert.equal(got.sessionToken, c.sessionToken);
          assert.equal(got.expiration?.getTime(), c.expiration.getTime());
          assert.equal(server.seen[0]?.url, "/v2/credentials/abc");
          assert.equal(server.seen[0]?.method, "GET");
        },
      );
    } finally {
      await server.close();
    }
  });

  it("reads the token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE first, at each refresh", async () => {
    const server = await startContainerEndpoint("eks-pod-token-1", () => fakeCredentials("eks"));
    const tmp = tempFiles({ token: "eks-pod-token-1\n" });
    try {
      await withEnv(
        {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
          AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tmp.path("token"),
          AWS_CONTAINER_AUTHORIZATION_TOKEN: "wrong-token",
        },
        async () => {
          await fromContainer()();
          tmp.write("token", "rotated-token");
          await rejectsCredentials(fromContainer()(), /answered HTTP 401/);
        },
      );
    } finally {
      tmp.remove();
      await server.close();
    }
  });

  it("accepts https, loopback and the ECS/EKS hosts, refuses other http hosts before connecting", async () => {
    await withEnv({}, async () => {
      process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = "/v2/credentials/x";
      assert.equal(containerEndpoint(), "http://169.254.170.2/v2/credentials/x");
      delete process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
      for (const ok of [
        "https://creds.example.com/x",
        "http://127.0.0.1:8080/x",
        "http://127.3.4.5/x",
        "http://localhost:1/x",
        "http://[::1]:1/x",
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
      ]) {
        process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = ok;
        assert.equal(typeof containerEndpoint(), "string", ok);
      }
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://192.0.2.10/creds";
      await rejectsCredentials(fromContainer()(), /must be https, or http on a loopback address/);
    });
  });

  it("refuses a token with a line break", async () => {
    await withEnv(
      {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/x",
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "a\r\nb",
      },
      async () => {
        await rejectsCredentials(fromContainer()(), /line break/);
      },
    );
  });

  it("retries a 500 and fails with the status after its attempts", async () => {
    let hits = 0;
    const server = await startStub((_request, res) => {
      hits++;
      res.writeHead(hits === 1 ? 500 : 503);
      res.end();
    });
    try {
      await withEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url }, async () => {
        await rejectsCredentials(fromContainer({ maxAttempts: 2 })(), /answered HTTP 503/);
        assert.equal(hits, 2);
      });
    } finally {
      await server.close();
    }
  });
});

describe("instance metadata (IMDSv2)", () => {
  it("gets a session token, the role name and the role's credentials", async () => {
    const c = fakeCredentials("imds");
    const imds = await startImds({ role: "web-role", credentials: () => c });
    try {
      await withEnv(
        { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
        async () => {
          const got = await fromInstanceMetadata()();
          assert.equal(got.accessKeyId, c.accessKeyId);
          assert.equal(got.secretAccessKey, c.secretAccessKey);
          assert.equal(got.sessionToken, c.sessionToken);
          const [put, list, role] = imds.seen;
          assert.equal(put?.method, "PUT");
          assert.equal(put?.headers["x-aws-ec2-metadata-token-ttl-seconds"], "21600");
          assert.equal(list?.url, "/latest/meta-data/iam/security-credentials/");
          assert.equal(role?.url, "/latest/meta-data/iam/security-credentials/web-role");
          assert.equal(role?.headers["x-aws-ec2-metadata-token"], imds.tokens[0]);
        },
      );
    } finally {
      await imds.close();
    }
  });

  it("reuses its session token, and gets a new one when the service says it expired", async () => {
    const imds = await startImds({ expireFirstToken: true });
    try {
      await withEnv(
        { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
        async () => {
          const source = new InstanceMetadata();
          await source.credentials();
          assert.equal(imds.tokens.length, 1, "a new token after the 401");
          await source.credentials();
          assert.equal(imds.seen.filter((r) => r.method === "PUT").length, 2);
        },
      );
    } finally {
      await imds.close();
    }
  });

  it("does not fall back to IMDSv1 unless asked", async () => {
    const imds = await startImds({ tokenStatus: 404 });
    try {
      await withEnv(
        { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
        async () => {
          await rejectsCredentials(new InstanceMetadata().credentials(), /HTTP 404 .*IMDSv1 fallback is off/);
          const v1 = await new InstanceMetadata({ allowV1Fallback: true }).credentials();
          assert.ok(v1.accessKeyId.startsWith("ASIA"));
          assert.equal(imds.seen.at(-1)?.headers["x-aws-ec2-metadata-token"], undefined);
          process.env.AWS_EC2_METADATA_V1_DISABLED = "false";
          await new InstanceMetadata().credentials();
        },
      );
    } finally {
      await imds.close();
    }
  });

  it("says so when the service refuses tokens (403)", async () => {
    const imds = await startImds({ tokenStatus: 403 });
    try {
      await withEnv(
        { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
        async () => {
          await rejectsCredentials(new InstanceMetadata({ allowV1Fallback: true }).credentials(), /HTTP 403/);
        },
      );
    } finally {
      await imds.close();
    }
  });

  it("is skipped with AWS_EC2_METADATA_DISABLED and when nothing answers", async () => {
    await withEnv({}, async () => {
      await rejectsCredentials(new InstanceMetadata().credentials(), /AWS_EC2_METADATA_DISABLED is true/);
    });
    const closed = await startStub(() => {});
    await closed.close(); // a port where nothing listens any more
    await withEnv(
      { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: closed.url },
      async () => {
        await rejectsCredentials(new InstanceMetadata().credentials(1), /no metadata service answered/);
      },
    );
  });

  it("keeps using the last credentials for a while when the service fails or hands out expired ones", async () => {
    let expired = false;
    const imds = await startImds({
      credentials: () => fakeCredentials("stale", expired ? -60_000 : 3600_000),
    });
    try {
      await withEnv(
        { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
        async () => {
          const source = new InstanceMetadata();
          const first = await source.credentials();
          expired = true;
          const stale = await source.credentials();
          assert.ok(stale.expiration!.getTime() > Date.now() + 4 * 60_000, "extended by 5 to 10 minutes");
          await imds.close();
          const kept = await source.credentials(1);
          assert.equal(kept.accessKeyId, stale.accessKeyId);
          assert.notEqual(first.accessKeyId, stale.accessKeyId);
          assert.ok(kept.expiration!.getTime() > Date.now());
        },
      );
    } finally {
      await imds.close();
    }
  });
});
