import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fromProfile, type ProfileOptions } from "../../../src/core/credentials/shared.js";
import type { Credentials } from "../../../src/core/credentials/types.js";
import { isCredentialsError } from "../../../src/core/errors.js";
import {
  type FakeCredentials,
  fakeCredentials,
  type Seen,
  type Stub,
  signedWith,
  startSsoPortal,
  startSts,
  startStub,
  tempFiles,
  withEnv,
  writeSsoToken,
} from "./helpers.js";

const BASE = { accessKeyId: "AKIDBASEPROFILE", secretAccessKey: "base-profile-secret" };

let sts: Stub;
const issued: { params: Record<string, string>; request: Seen; credentials: FakeCredentials }[] = [];

before(async () => {
  sts = await startSts({
    assume: (params, request) => {
      if (params.RoleArn?.endsWith("/denied")) return { error: "AccessDenied" };
      const credentials = fakeCredentials("role");
      issued.push({ params, request, credentials });
      return credentials;
    },
    web: (params, request) => {
      const credentials = fakeCredentials("web");
      issued.push({ params, request, credentials });
      return credentials;
    },
  });
});
after(() => sts.close());

/** Resolves a profile's credentials with these files (and variables), in an isolated environment. */
async function resolve(
  files: { config?: string; credentials?: string },
  options: ProfileOptions,
  vars: Record<string, string> = {},
  extra?: (home: string) => void,
): Promise<Credentials> {
  issued.length = 0;
  const tmp = tempFiles({ config: files.config ?? "", credentials: files.credentials ?? "" });
  try {
    return await withEnv(
      {
        AWS_CONFIG_FILE: tmp.path("config"),
        AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials"),
        AWS_ENDPOINT_URL_STS: sts.url,
        ...vars,
      },
      async (home) => {
        extra?.(home);
        return fromProfile(options)();
      },
    );
  } finally {
    tmp.remove();
  }
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isCredentialsError(e), String(e));
    assert.match(e.message, pattern);
    return true;
  });
}

describe("static keys", () => {
  it("come from the credentials file, which wins over the config file", async () => {
    const c = await resolve(
      {
        config: "[profile dev]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = config-secret\n",
        credentials:
          "[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = creds-secret\naws_session_token = t\n",
      },
      { profile: "dev" },
    );
    assert.equal(c.accessKeyId, "FROMCREDS");
    assert.equal(c.secretAccessKey, "creds-secret");
    assert.equal(c.sessionToken, "t");
  });

  it("come from the config file too; the profile is AWS_PROFILE or default", async () => {
    const config =
      "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = d\n[profile p]\naws_access_key_id = PKEY\naws_secret_access_key = p\n";
    assert.equal((await resolve({ config }, {})).accessKeyId, "DEFAULTKEY");
    assert.equal((await resolve({ config }, {}, { AWS_PROFILE: "p" })).accessKeyId, "PKEY");
  });

  it("fail clearly when half there, or the profile is missing or empty", async () => {
    await rejects(
      resolve({ credentials: "[a]\naws_access_key_id = X\n" }, { profile: "a" }),
      /no aws_secret_access_key/,
    );
    await rejects(resolve({}, { profile: "nope" }), /profile "nope" is not in .*config or .*credentials/);
    await rejects(
      resolve({ config: "[profile e]\nregion = eu-west-1\n" }, { profile: "e" }),
      /has no credentials/,
    );
  });
});

describe("assumed roles", () => {
  it("assume a role with a source_profile's keys, with external_id, role_session_name, duration_seconds", async () => {
    const c = await resolve(
      {
        config:
          "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\nexternal_id = ext-42\nrole_session_name = alice\nduration_seconds = 1800\nregion = eu-west-1\n",
        credentials: `[base]\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`,
      },
      { profile: "ops" },
    );
    assert.equal(issued.length, 1);
    const [call] = issued;
    assert.equal(c.accessKeyId, call!.credentials.accessKeyId);
    assert.equal(c.sessionToken, call!.credentials.sessionToken);
    assert.equal(c.expiration?.getTime(), call!.credentials.expiration.getTime());
    assert.deepEqual(call!.params, {
      Action: "AssumeRole",
      Version: "2011-06-15",
      RoleArn: "arn:aws:iam::123456789012:role/ops",
      RoleSessionName: "alice",
      ExternalId: "ext-42",
      DurationSeconds: "1800",
    });
    assert.equal(await signedWith(call!.request, BASE), true);
    assert.match(String(call!.request.headers.authorization), /\/eu-west-1\/sts\/aws4_request/);
  });

  it("chain roles: each AssumeRole is signed with the previous one's credentials", async () => {
    const c = await resolve(
      {
        config: [
          "[profile top]",
          "role_arn = arn:aws:iam::111111111111:role/top",
          "source_profile = middle",
          "[profile middle]",
          "role_arn = arn:aws:iam::222222222222:role/middle",
          "source_profile = base",
          "role_session_name = mid",
        ].join("\n"),
        credentials: `[base]\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`,
      },
      { profile: "top" },
    );
    assert.equal(issued.length, 2);
    assert.equal(issued[0]!.params.RoleArn, "arn:aws:iam::222222222222:role/middle");
    assert.equal(await signedWith(issued[0]!.request, BASE), true);
    assert.equal(issued[1]!.params.RoleArn, "arn:aws:iam::111111111111:role/top");
    assert.match(issued[1]!.params.RoleSessionName ?? "", /^asyncaws-\d+$/);
    assert.equal(await signedWith(issued[1]!.request, issued[0]!.credentials), true);
    assert.equal(issued[1]!.request.headers["x-amz-security-token"], issued[0]!.credentials.sessionToken);
    assert.equal(c.accessKeyId, issued[1]!.credentials.accessKeyId);
  });

  it("use a source profile's static keys over its own role_arn, and allow a self-reference with keys", async () => {
    await resolve(
      {
        config: `[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`,
      },
      { profile: "a" },
    );
    assert.equal(issued.length, 1);
    assert.equal(issued[0]!.params.RoleArn, "arn:aws:iam::1:role/a");
    await resolve(
      {
        credentials: `[self]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = self\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`,
      },
      { profile: "self" },
    );
    assert.equal(await signedWith(issued[0]!.request, BASE), true);
  });

  it("detect source_profile loops and missing sources", async () => {
    await rejects(
      resolve(
        {
          config:
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
        },
        { profile: "a" },
      ),
      /source_profile loop: a -> b -> a/,
    );
    await rejects(
      resolve(
        { config: "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = ghost\n" },
        { profile: "a" },
      ),
      /profile "ghost" is not in/,
    );
    await rejects(
      resolve({ config: "[profile a]\nrole_arn = arn:aws:iam::1:role/a\n" }, { profile: "a" }),
      /role_arn needs source_profile, credential_source or web_identity_token_file/,
    );
  });

  it("use credential_source = Environment", async () => {
    await resolve(
      { config: "[profile env-role]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Environment\n" },
      { profile: "env-role" },
      { AWS_ACCESS_KEY_ID: BASE.accessKeyId, AWS_SECRET_ACCESS_KEY: BASE.secretAccessKey },
    );
    assert.equal(await signedWith(issued[0]!.request, BASE), true);
    await rejects(
      resolve(
        { config: "[profile x]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Environment\n" },
        { profile: "x" },
      ),
      /credential_source Environment gave nothing: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/,
    );
    await rejects(
      resolve(
        { config: "[profile x]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Moon\n" },
        { profile: "x" },
      ),
      /credential_source must be Environment, Ec2InstanceMetadata or EcsContainer/,
    );
  });

  it("need an mfaCodeProvider for mfa_serial, and send its code", async () => {
    const config = `[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/alice\n[profile base]\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`;
    await rejects(
      resolve({ config }, { profile: "mfa" }),
      /needs an MFA code \(mfa_serial arn:aws:iam::1:mfa\/alice\): pass an mfaCodeProvider/,
    );
    const asked: string[] = [];
    await resolve(
      { config },
      {
        profile: "mfa",
        mfaCodeProvider: async (serial) => {
          asked.push(serial);
          return "123456";
        },
      },
    );
    assert.deepEqual(asked, ["arn:aws:iam::1:mfa/alice"]);
    assert.equal(issued[0]!.params.SerialNumber, "arn:aws:iam::1:mfa/alice");
    assert.equal(issued[0]!.params.TokenCode, "123456");
  });

  it("report STS refusing the role", async () => {
    await rejects(
      resolve(
        {
          config: `[profile d]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = base\n[profile base]\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`,
        },
        { profile: "d" },
      ),
      /profile d: AssumeRole of arn:aws:iam::1:role\/denied failed: .*AccessDenied/,
    );
  });

  it("assume a role with a web_identity_token_file", async () => {
    const tmp = tempFiles({ token: "profile-oidc-token" });
    try {
      const c = await resolve(
        {
          config: `[profile web]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = ${tmp.path("token")}\nrole_session_name = w\n`,
        },
        { profile: "web" },
      );
      assert.equal(issued[0]!.params.Action, "AssumeRoleWithWebIdentity");
      assert.equal(issued[0]!.params.WebIdentityToken, "profile-oidc-token");
      assert.equal(issued[0]!.params.RoleSessionName, "w");
      assert.equal(issued[0]!.request.headers.authorization, undefined);
      assert.equal(c.accessKeyId, issued[0]!.credentials.accessKeyId);
    } finally {
      tmp.remove();
    }
  });
});

describe("credential_process", () => {
  it("runs the profile's program", async () => {
    const tmp = tempFiles({
      "creds.mjs":
        'process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: "AKIDPROCESS", SecretAccessKey: "process-secret", SessionToken: "pt", Expiration: new Date(Date.now() + 3600e3).toISOString() }));',
    });
    try {
      const c = await resolve(
        { config: `[profile proc]\ncredential_process = "${process.execPath}" "${tmp.path("creds.mjs")}"\n` },
        { profile: "proc" },
      );
      assert.equal(c.accessKeyId, "AKIDPROCESS");
      assert.equal(c.secretAccessKey, "process-secret");
      assert.ok(c.expiration && c.expiration.getTime() > Date.now());
    } finally {
      tmp.remove();
    }
  });

  it("can be the source of an assumed role", async () => {
    const tmp = tempFiles({
      "creds.mjs": `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: "${BASE.accessKeyId}", SecretAccessKey: "${BASE.secretAccessKey}" }));`,
    });
    try {
      await resolve(
        {
          config: `[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = proc\n[profile proc]\ncredential_process = "${process.execPath}" "${tmp.path("creds.mjs")}"\n`,
        },
        { profile: "r" },
      );
      assert.equal(await signedWith(issued[0]!.request, BASE), true);
    } finally {
      tmp.remove();
    }
  });
});

describe("SSO", () => {
  const token = "sso-access-token-value";
  let portal: Stub;
  let last: FakeCredentials | undefined;
  before(async () => {
    portal = await startSsoPortal(token, () => {
      last = fakeCredentials("sso");
      return last;
    });
  });
  after(() => portal.close());

  const sessionConfig = [
    "[profile dev]",
    "sso_session = corp",
    "sso_account_id = 123456789012",
    "sso_role_name = Developer",
    "[sso-session corp]",
    "sso_start_url = https://corp.awsapps.com/start",
    "sso_region = eu-west-1",
    "sso_registration_scopes = sso:account:access",
  ].join("\n");

  it("gets role credentials with the cached token of an sso-session", async () => {
    const c = await resolve(
      { config: sessionConfig },
      { profile: "dev" },
      { AWS_ENDPOINT_URL_SSO: portal.url },
      (home) => {
        writeSsoToken(home, "corp", token, new Date(Date.now() + 3600_000));
      },
    );
    assert.equal(c.accessKeyId, last!.accessKeyId);
    assert.equal(c.secretAccessKey, last!.secretAccessKey);
    assert.equal(c.expiration?.getTime(), last!.expiration.getTime());
    const request = portal.seen.at(-1)!;
    assert.equal(request.method, "GET");
    assert.equal(request.url, "/federation/credentials?role_name=Developer&account_id=123456789012");
    assert.equal(request.headers["x-amz-sso_bearer_token"], token);
    assert.equal(request.headers.authorization, undefined);
  });

  it("supports legacy profiles keyed by the start URL", async () => {
    const config =
      "[profile old]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-2\nsso_account_id = 210987654321\nsso_role_name = ReadOnly\n";
    const c = await resolve({ config }, { profile: "old" }, { AWS_ENDPOINT_URL_SSO: portal.url }, (home) => {
      writeSsoToken(home, "https://legacy.awsapps.com/start", token, new Date(Date.now() + 3600_000));
    });
    assert.equal(c.accessKeyId, last!.accessKeyId);
    assert.equal(
      portal.seen.at(-1)!.url,
      "/federation/credentials?role_name=ReadOnly&account_id=210987654321",
    );
  });

  it("says to log in when the token is missing, expired or refused", async () => {
    await rejects(
      resolve({ config: sessionConfig }, { profile: "dev" }, { AWS_ENDPOINT_URL_SSO: portal.url }),
      /no SSO token in the cache .*: run "aws sso login --sso-session corp"/,
    );
    await rejects(
      resolve({ config: sessionConfig }, { profile: "dev" }, { AWS_ENDPOINT_URL_SSO: portal.url }, (home) => {
        writeSsoToken(home, "corp", token, new Date(Date.now() - 1000));
      }),
      /the SSO token expired at .*: run "aws sso login --sso-session corp"/,
    );
    await assert.rejects(
      resolve({ config: sessionConfig }, { profile: "dev" }, { AWS_ENDPOINT_URL_SSO: portal.url }, (home) => {
        writeSsoToken(home, "corp", "revoked-sso-token", new Date(Date.now() + 3600_000));
      }),
      (e: unknown) => {
        assert.ok(isCredentialsError(e));
        assert.match(
          e.message,
          /the SSO portal answered HTTP 401 \(UnauthorizedException\): run "aws sso login/,
        );
        assert.doesNotMatch(e.message, /revoked-sso-token/);
        return true;
      },
    );
  });

  /** An sso-session token as `aws sso login` caches it, with its client registration. */
  function writeRefreshableToken(home: string, accessToken: string, expiresAt: Date): string {
    const path = writeSsoToken(home, "corp", accessToken, expiresAt);
    const cached = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    writeFileSync(
      path,
      JSON.stringify({
        ...cached,
        clientId: "client-id-value",
        clientSecret: "client-secret-value",
        registrationExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        refreshToken: "refresh-token-value",
      }),
    );
    return path;
  }

  /** An SSO-OIDC stub: POST /token with a refresh_token grant. */
  async function startOidc(answer: (body: Record<string, unknown>) => [number, object]): Promise<Stub> {
    return startStub((request, res) => {
      const body = JSON.parse(request.body || "{}") as Record<string, unknown>;
      const [status, json] =
        request.method === "POST" && request.url === "/token" ? answer(body) : [404, { message: "no route" }];
      res.writeHead(status, {
        "content-type": "application/json",
        ...(status === 200 ? {} : { "x-amzn-errortype": "InvalidGrantException" }),
      });
      res.end(JSON.stringify(json));
    });
  }

  /** Resolves the `dev` profile with a token written by `write`; returns the credentials and the cache as left. */
  async function resolveWithToken(
    write: (home: string) => string,
    vars: Record<string, string>,
  ): Promise<{ credentials: Credentials; cache: Record<string, unknown> }> {
    const tmp = tempFiles({ config: sessionConfig, credentials: "" });
    try {
      return await withEnv(
        {
          AWS_CONFIG_FILE: tmp.path("config"),
          AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials"),
          ...vars,
        },
        async (home) => {
          const path = write(home);
          const credentials = await fromProfile({ profile: "dev" })();
          return { credentials, cache: JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown> };
        },
      );
    } finally {
      tmp.remove();
    }
  }

  it("refreshes an sso-session token near its expiry with SSO-OIDC, and caches the new one", async () => {
    const oidc = await startOidc((body) => {
      assert.deepEqual(body, {
        clientId: "client-id-value",
        clientSecret: "client-secret-value",
        grantType: "refresh_token",
        refreshToken: "refresh-token-value",
      });
      return [
        200,
        {
          accessToken: "refreshed-token",
          expiresIn: 3600,
          refreshToken: "next-refresh-token",
          tokenType: "Bearer",
        },
      ];
    });
    const fresh = await startSsoPortal("refreshed-token", () => fakeCredentials("sso-refreshed"));
    try {
      const before = Date.now();
      const { credentials, cache } = await resolveWithToken(
        (home) => writeRefreshableToken(home, token, new Date(Date.now() + 60_000)),
        { AWS_ENDPOINT_URL_SSO: fresh.url, AWS_ENDPOINT_URL_SSO_OIDC: oidc.url },
      );
      assert.equal(oidc.seen.length, 1);
      assert.equal(oidc.seen[0]!.headers.authorization, undefined, "CreateToken is not signed");
      assert.equal(fresh.seen.at(-1)!.headers["x-amz-sso_bearer_token"], "refreshed-token");
      assert.match(credentials.accessKeyId, /^ASIASSOREFRESHED/);
      assert.equal(cache.accessToken, "refreshed-token");
      assert.equal(cache.refreshToken, "next-refresh-token");
      assert.equal(cache.clientSecret, "client-secret-value", "the registration stays");
      const expires = Date.parse(String(cache.expiresAt));
      assert.ok(expires >= before + 3_590_000 && expires <= Date.now() + 3_600_000);
    } finally {
      await Promise.all([oidc.close(), fresh.close()]);
    }
  });

  it("clients that need an expired token at the same moment share one refresh", async () => {
    const oidc = await startStub(async (_request, res) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ accessToken: "shared-refresh", expiresIn: 3600, tokenType: "Bearer" }));
    });
    const fresh = await startSsoPortal("shared-refresh", () => fakeCredentials("sso-shared"));
    const tmp = tempFiles({ config: sessionConfig, credentials: "" });
    try {
      await withEnv(
        {
          AWS_CONFIG_FILE: tmp.path("config"),
          AWS_SHARED_CREDENTIALS_FILE: tmp.path("credentials"),
          AWS_ENDPOINT_URL_SSO: fresh.url,
          AWS_ENDPOINT_URL_SSO_OIDC: oidc.url,
        },
        async (home) => {
          const path = writeRefreshableToken(home, token, new Date(Date.now() - 1000));
          const results = await Promise.allSettled(
            Array.from({ length: 3 }, () => fromProfile({ profile: "dev" })()),
          );
          assert.deepEqual(
            results.map((r) => r.status),
            ["fulfilled", "fulfilled", "fulfilled"],
          );
          assert.equal(oidc.seen.length, 1, "one CreateToken for the three");
          const cache = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
          assert.equal(cache.accessToken, "shared-refresh");
          assert.deepEqual(
            readdirSync(join(home, ".aws", "sso", "cache")).filter((name) => name.endsWith(".tmp")),
            [],
            "no temporary file is left",
          );
        },
      );
    } finally {
      tmp.remove();
      await Promise.all([oidc.close(), fresh.close()]);
    }
  });

  it("keeps a token still valid when its refresh fails; says to log in when it has expired", async () => {
    const oidc = await startOidc(() => [400, { error: "invalid_grant", message: "refresh token expired" }]);
    try {
      const { cache } = await resolveWithToken(
        (home) => writeRefreshableToken(home, token, new Date(Date.now() + 60_000)),
        { AWS_ENDPOINT_URL_SSO: portal.url, AWS_ENDPOINT_URL_SSO_OIDC: oidc.url },
      );
      assert.equal(portal.seen.at(-1)!.headers["x-amz-sso_bearer_token"], token);
      assert.equal(cache.accessToken, token, "the cache is left as it was");
      await assert.rejects(
        resolveWithToken((home) => writeRefreshableToken(home, token, new Date(Date.now() - 1000)), {
          AWS_ENDPOINT_URL_SSO: portal.url,
          AWS_ENDPOINT_URL_SSO_OIDC: oidc.url,
        }),
        (e: unknown) => {
          assert.ok(isCredentialsError(e));
          assert.match(
            e.message,
            /the SSO token expired at .* and could not be refreshed \(SSO-OIDC answered HTTP 400 \(InvalidGrantException\)\): run "aws sso login --sso-session corp"/,
          );
          assert.doesNotMatch(e.message, /client-secret-value|refresh-token-value|sso-access-token-value/);
          return true;
        },
      );
    } finally {
      await oidc.close();
    }
  });

  it("does not refresh a token far from its expiry, nor a legacy profile's", async () => {
    const oidc = await startOidc(() => [500, {}]);
    try {
      await resolveWithToken((home) => writeRefreshableToken(home, token, new Date(Date.now() + 3600_000)), {
        AWS_ENDPOINT_URL_SSO: portal.url,
        AWS_ENDPOINT_URL_SSO_OIDC: oidc.url,
      });
      const config =
        "[profile old]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-2\nsso_account_id = 210987654321\nsso_role_name = ReadOnly\n";
      await rejects(
        resolve(
          { config },
          { profile: "old" },
          { AWS_ENDPOINT_URL_SSO: portal.url, AWS_ENDPOINT_URL_SSO_OIDC: oidc.url },
          (home) => {
            writeSsoToken(home, "https://legacy.awsapps.com/start", token, new Date(Date.now() - 1000));
          },
        ),
        /the SSO token expired at [^ ]+: run "aws sso login --profile old"/,
      );
      assert.equal(oidc.seen.length, 0);
    } finally {
      await oidc.close();
    }
  });

  it("checks the SSO settings", async () => {
    await rejects(
      resolve(
        { config: "[profile x]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\n" },
        { profile: "x" },
      ),
      /the sso-session "nowhere" is not in/,
    );
    await rejects(
      resolve(
        { config: `${sessionConfig}\n[profile y]\nsso_session = corp\nsso_role_name = r\n` },
        { profile: "y" },
      ),
      /the SSO settings lack sso_account_id/,
    );
    await rejects(
      resolve(
        {
          config: `${sessionConfig}\n[profile z]\nsso_session = corp\nsso_region = us-west-2\nsso_account_id = 1\nsso_role_name = r\n`,
        },
        { profile: "z" },
      ),
      /its sso_region differs from the one of sso-session "corp"/,
    );
  });
});
