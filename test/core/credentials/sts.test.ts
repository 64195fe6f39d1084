import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromWebIdentity } from "../../../src/core/credentials/sts.js";
import { isCredentialsError, isServiceError, isValidationError } from "../../../src/core/errors.js";
import { STS } from "../../../src/sts/sts.js";
import { TEST_CREDENTIALS } from "../../helpers/fauxqs.js";
import { fakeCredentials, form, signedWith, startSts, tempFiles, withEnv } from "./helpers.js";

describe("STS client (Query protocol)", () => {
  it("GetCallerIdentity: signed form POST, XML answer", async () => {
    const server = await startSts({});
    try {
      await withEnv({}, async () => {
        const sts = new STS({ region: "eu-west-2", endpoint: server.url, credentials: TEST_CREDENTIALS });
        const out = await sts.getCallerIdentity({});
        assert.deepEqual(out, {
          Arn: "arn:aws:iam::123456789012:user/test",
          UserId: "AIDATEST",
          Account: "123456789012",
        });
        const request = server.seen[0]!;
        assert.equal(request.method, "POST");
        assert.deepEqual(form(request.body), { Action: "GetCallerIdentity", Version: "2011-06-15" });
        assert.match(String(request.headers.authorization), /\/eu-west-2\/sts\/aws4_request/);
        assert.equal(await signedWith(request, TEST_CREDENTIALS), true);
      });
    } finally {
      await server.close();
    }
  });

  it("AssumeRole: sends the parameters, reads the credentials", async () => {
    const issued = fakeCredentials("assumed");
    const server = await startSts({ assume: () => issued });
    try {
      await withEnv({}, async () => {
        const sts = new STS({ region: "us-east-1", endpoint: server.url, credentials: TEST_CREDENTIALS });
        const out = await sts.assumeRole({
          RoleArn: "arn:aws:iam::123456789012:role/ops",
          RoleSessionName: "me",
          ExternalId: "ext-1",
          DurationSeconds: 900,
        });
        assert.equal(out.Credentials?.AccessKeyId, issued.accessKeyId);
        assert.equal(out.Credentials?.SessionToken, issued.sessionToken);
        assert.ok(out.Credentials?.Expiration instanceof Date);
        assert.equal(out.AssumedRoleUser?.Arn, "arn:aws:sts::123456789012:assumed-role/r/s");
        assert.deepEqual(form(server.seen[0]!.body), {
          Action: "AssumeRole",
          Version: "2011-06-15",
          RoleArn: "arn:aws:iam::123456789012:role/ops",
          RoleSessionName: "me",
          ExternalId: "ext-1",
          DurationSeconds: "900",
        });
      });
    } finally {
      await server.close();
    }
  });

  it("AssumeRoleWithWebIdentity is sent unsigned", async () => {
    const server = await startSts({ web: () => fakeCredentials("web") });
    try {
      await withEnv({}, async () => {
        const failing = async () => {
          throw new Error("credentials must not be asked for");
        };
        const sts = new STS({ region: "us-east-1", endpoint: server.url, credentials: failing });
        const out = await sts.assumeRoleWithWebIdentity({
          RoleArn: "arn:aws:iam::123456789012:role/web",
          RoleSessionName: "s",
          WebIdentityToken: "oidc-token-value",
        });
        assert.ok(out.Credentials?.AccessKeyId);
        const request = server.seen[0]!;
        assert.equal(request.headers.authorization, undefined);
        assert.equal(form(request.body).WebIdentityToken, "oidc-token-value");
      });
    } finally {
      await server.close();
    }
  });

  it("turns error XML into a ServiceError and checks input first, never quoting the token", async () => {
    const server = await startSts({ assume: () => ({ error: "AccessDenied" }) });
    try {
      await withEnv({}, async () => {
        const sts = new STS({ region: "us-east-1", endpoint: server.url, credentials: TEST_CREDENTIALS });
        await assert.rejects(
          sts.assumeRole({ RoleArn: "arn:aws:iam::1:role/x", RoleSessionName: "s" }),
          (e: unknown) => {
            assert.ok(isServiceError(e));
            assert.equal(e.code, "AccessDenied");
            assert.equal(e.statusCode, 403);
            assert.equal(e.requestId, "req-sts-err");
            assert.equal(e.operation, "AssumeRole");
            assert.equal(e.resource, "arn:aws:iam::1:role/x");
            return true;
          },
        );
        await assert.rejects(
          sts.assumeRole({ RoleSessionName: "s" } as never),
          (e: unknown) => isValidationError(e) && e.field === "RoleArn",
        );
        await assert.rejects(
          sts.assumeRole({ RoleArn: "arn:aws:iam::1:role/x", RoleSessionName: "s", DurationSeconds: 60 }),
          (e: unknown) => isValidationError(e) && e.field === "DurationSeconds",
        );
        await assert.rejects(
          sts.assumeRoleWithWebIdentity({
            RoleArn: "arn:aws:iam::1:role/x",
            RoleSessionName: "s",
            WebIdentityToken: "",
          }),
          (e: unknown) => isValidationError(e) && e.field === "WebIdentityToken",
        );
        assert.equal(server.seen.length, 1);
      });
    } finally {
      await server.close();
    }
  });
});

describe("web identity from the environment", () => {
  it("reads the token file at each refresh and calls AssumeRoleWithWebIdentity", async () => {
    const server = await startSts({ web: () => fakeCredentials("irsa") });
    const tmp = tempFiles({ token: "first-oidc-token\n" });
    try {
      await withEnv(
        {
          AWS_WEB_IDENTITY_TOKEN_FILE: tmp.path("token"),
          AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/irsa",
          AWS_ROLE_SESSION_NAME: "pod-session",
          AWS_ENDPOINT_URL_STS: server.url,
          AWS_REGION: "eu-west-1",
        },
        async () => {
          const provider = fromWebIdentity();
          const first = await provider();
          assert.ok(first.sessionToken?.startsWith("token-irsa"));
          assert.deepEqual(form(server.seen[0]!.body), {
            Action: "AssumeRoleWithWebIdentity",
            Version: "2011-06-15",
            RoleArn: "arn:aws:iam::123456789012:role/irsa",
            RoleSessionName: "pod-session",
            WebIdentityToken: "first-oidc-token",
          });
          tmp.write("token", "rotated-oidc-token");
          await provider({ forceRefresh: true });
          assert.equal(form(server.seen[1]!.body).WebIdentityToken, "rotated-oidc-token");
        },
      );
    } finally {
      tmp.remove();
      await server.close();
    }
  });

  it("fails clearly when STS refuses or the token file is missing, without the token", async () => {
    const server = await startSts({ web: () => ({ error: "InvalidIdentityToken", status: 400 }) });
    const tmp = tempFiles({ token: "secret-oidc-token-value" });
    try {
      await withEnv(
        {
          AWS_WEB_IDENTITY_TOKEN_FILE: tmp.path("token"),
          AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/irsa",
          AWS_ENDPOINT_URL_STS: server.url,
        },
        async () => {
          await assert.rejects(fromWebIdentity()(), (e: unknown) => {
            assert.ok(isCredentialsError(e));
            assert.match(
              e.message,
              /AssumeRoleWithWebIdentity of arn:aws:iam::123456789012:role\/irsa failed: .*InvalidIdentityToken/,
            );
            assert.doesNotMatch(e.message, /secret-oidc-token-value/);
            return true;
          });
          process.env.AWS_WEB_IDENTITY_TOKEN_FILE = tmp.path("missing");
          await assert.rejects(fromWebIdentity()(), /could not read the web identity token file .*ENOENT/);
          delete process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
          await assert.rejects(
            fromWebIdentity()(),
            /AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not/,
          );
        },
      );
    } finally {
      tmp.remove();
      await server.close();
    }
  });
});
