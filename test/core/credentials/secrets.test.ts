// No secret (secret key, session token, signature, SSO token, container authorization token, web
// identity token) in any error message, log line, util.inspect or JSON.stringify of the clients,
// providers and credentials asyncaws creates. The test provokes failures of every source, collects
// everything a user could print, and greps it for every secret used.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { defaultCredentials } from "../../../src/core/credentials/chain.js";
import { fromContainer } from "../../../src/core/credentials/container.js";
import { fromEnv } from "../../../src/core/credentials/env.js";
import { fromInstanceMetadata } from "../../../src/core/credentials/imds.js";
import { SecretCredentials } from "../../../src/core/credentials/secret.js";
import { fromProfile } from "../../../src/core/credentials/shared.js";
import { fromWebIdentity } from "../../../src/core/credentials/sts.js";
import { SQS } from "../../../src/sqs/sqs.js";
import { STS } from "../../../src/sts/sts.js";
import { json, startLoopback } from "../../helpers/loopback.js";
import {
  fakeCredentials,
  type Stub,
  startContainerEndpoint,
  startImds,
  startSsoPortal,
  startSts,
  startStub,
  tempFiles,
  withEnv,
  writeSsoToken,
} from "./helpers.js";

const secrets = new Set<string>();
const seen: string[] = [];
const logged: string[] = [];

/** Records everything a user could print of a value. */
function collect(value: unknown): void {
  seen.push(inspect(value, { depth: 10, showHidden: true }));
  try {
    seen.push(JSON.stringify(value) ?? "");
  } catch {
    // circular: inspect is enough
  }
  for (let e: unknown = value, i = 0; e instanceof Error && i < 6; e = e.cause, i++) {
    seen.push(e.message, String(e.stack));
  }
}

async function failure(promise: Promise<unknown>): Promise<void> {
  try {
    collect(await promise);
  } catch (error) {
    collect(error);
  }
}

const secret = (label: string) => {
  const value = `${label}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  secrets.add(value);
  return value;
};

let originalWrite: typeof process.stderr.write;
let originalOut: typeof process.stdout.write;
const consoleMethods = ["log", "info", "warn", "error", "debug", "trace"] as const;
const originalConsole = consoleMethods.map((m) => console[m]);

before(() => {
  originalWrite = process.stderr.write.bind(process.stderr);
  originalOut = process.stdout.write.bind(process.stdout);
  for (const m of consoleMethods) console[m] = (...args: unknown[]) => void logged.push(inspect(args));
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return (originalWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
});
after(() => {
  consoleMethods.forEach((m, i) => {
    console[m] = originalConsole[i]!;
  });
  process.stderr.write = originalWrite;
  process.stdout.write = originalOut;
});

describe("no secret leaks", () => {
  let sts: Stub;
  let portal: Stub;
  const ssoToken = secret("sso-token");
  before(async () => {
    sts = await startSts({
      assume: () => ({ error: "AccessDenied" }),
      web: () => ({ error: "InvalidIdentityToken", status: 400 }),
    });
    portal = await startSsoPortal("the-right-sso-token", () => fakeCredentials("sso"));
  });
  after(async () => {
    await Promise.all([sts.close(), portal.close()]);
  });

  it("credentials objects hide their secret and token", () => {
    const c = new SecretCredentials(
      {
        accessKeyId: "AKIDSHOWN",
        secretAccessKey: secret("secret-key"),
        sessionToken: secret("session-token"),
      },
      "test",
    );
    collect(c);
    collect({ ...c });
    collect([c]);
    assert.match(inspect(c), /AKIDSHOWN/);
    assert.match(JSON.stringify(c), /\[redacted\]/);
  });

  it("clients and providers show none, before and after use", async () => {
    const key = secret("client-secret");
    const token = secret("client-token");
    const server = await startLoopback(() => json({ QueueUrls: [] }));
    try {
      await withEnv(
        { AWS_ACCESS_KEY_ID: "AKIDENVLEAK", AWS_SECRET_ACCESS_KEY: key, AWS_SESSION_TOKEN: token },
        async () => {
          const fixed = new SQS({
            endpoint: server.endpoint,
            credentials: { accessKeyId: "AKIDFIXED", secretAccessKey: key, sessionToken: token },
          });
          const chained = new SQS({ endpoint: server.endpoint });
          const sts2 = new STS({
            region: "eu-west-1",
            credentials: { accessKeyId: "AKID", secretAccessKey: key },
          });
          collect(fixed);
          collect(chained);
          await fixed.listQueues({});
          await chained.listQueues({});
          collect(fixed);
          collect(chained);
          collect(sts2);
          const provider = defaultCredentials();
          collect(provider);
          collect(await provider());
          collect(fromEnv());
          collect(await fromEnv()());
        },
      );
      for (const request of server.requests) {
        const signature = /Signature=([0-9a-f]{64})/.exec(request.headers.authorization ?? "")?.[1];
        if (signature) secrets.add(signature);
      }
    } finally {
      await server.close();
    }
  });

  it("errors of every source show none", async () => {
    const sourceSecret = secret("source-secret");
    const webToken = secret("web-identity-token");
    const containerToken = secret("container-auth-token");
    const processSecret = secret("process-secret");
    const leakyJson = secret("container-json-secret");
    const tmp = tempFiles({
      token: webToken,
      config: [
        "[profile role]",
        "role_arn = arn:aws:iam::1:role/denied",
        "source_profile = base",
        "[profile base]",
        "aws_access_key_id = AKIDBASE",
        `aws_secret_access_key = ${sourceSecret}`,
        "[profile proc]",
        `credential_process = "${process.execPath}" -e "console.log('{not json ${processSecret}')"`,
        "[profile proc-fail]",
        `credential_process = "${process.execPath}" -e "console.log('${processSecret}'); process.exit(2)"`,
        "[profile web]",
        "role_arn = arn:aws:iam::1:role/web",
        `web_identity_token_file = ${"TOKENPATH"}`,
        "[profile sso]",
        "sso_session = s",
        "sso_account_id = 1",
        "sso_role_name = r",
        "[sso-session s]",
        "sso_start_url = https://x.awsapps.com/start",
        "sso_region = eu-west-1",
        "[profile mfa]",
        "role_arn = arn:aws:iam::1:role/m",
        "source_profile = base",
        "mfa_serial = arn:aws:iam::1:mfa/u",
        "[profile half]",
        `aws_secret_access_key = ${sourceSecret}`,
      ]
        .join("\n")
        .replace("TOKENPATH", "") /* filled below */,
    });
    tmp.write(
      "config",
      (await import("node:fs"))
        .readFileSync(tmp.path("config"), "utf8")
        .replace("web_identity_token_file = \n", `web_identity_token_file = ${tmp.path("token")}\n`),
    );
    const badContainer = await startContainerEndpoint("right-token", () => fakeCredentials("c"));
    const leakyContainer = await startStub((_request, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"AccessKeyId":"AKID","SecretAccessKey":"${leakyJson}", broken`);
    });
    const imds = await startImds({ tokenStatus: 403 });
    try {
      await withEnv(
        {
          AWS_CONFIG_FILE: tmp.path("config"),
          AWS_ENDPOINT_URL_STS: sts.url,
          AWS_ENDPOINT_URL_SSO: portal.url,
        },
        async (home) => {
          writeSsoToken(home, "s", ssoToken, new Date(Date.now() + 3600_000));
          for (const profile of ["role", "proc", "proc-fail", "web", "sso", "mfa", "half", "missing"]) {
            await failure(fromProfile({ profile })());
            await failure(defaultCredentials({ profile })());
          }
          process.env.AWS_WEB_IDENTITY_TOKEN_FILE = tmp.path("token");
          process.env.AWS_ROLE_ARN = "arn:aws:iam::1:role/web";
          await failure(fromWebIdentity()());
          await failure(defaultCredentials()());
          delete process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
          delete process.env.AWS_ROLE_ARN;
          process.env.AWS_SECRET_ACCESS_KEY = sourceSecret; // without an access key id
          await failure(fromEnv()());
          process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = badContainer.url;
          process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = containerToken;
          await failure(fromContainer()());
          await failure(defaultCredentials()());
          process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = `${containerToken}\nx`;
          await failure(fromContainer()());
          process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = leakyContainer.url;
          await failure(fromContainer()());
          delete process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
          process.env.AWS_EC2_METADATA_DISABLED = "false";
          process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imds.url;
          await failure(fromInstanceMetadata()());
          // A client whose calls fail for want of credentials, and an STS call with a bad token.
          const sqs = new SQS({ region: "eu-west-1", profile: "role" });
          await failure(sqs.listQueues({}));
          collect(sqs);
          const stsClient = new STS({ region: "eu-west-1" });
          await failure(
            stsClient.assumeRoleWithWebIdentity({
              RoleArn: "arn:aws:iam::1:role/x",
              RoleSessionName: "s",
              WebIdentityToken: webToken,
            }),
          );
          await failure(
            stsClient.assumeRoleWithWebIdentity({
              RoleArn: 5 as unknown as string,
              RoleSessionName: "s",
              WebIdentityToken: webToken,
            }),
          );
        },
      );
    } finally {
      tmp.remove();
      await Promise.all([badContainer.close(), leakyContainer.close(), imds.close()]);
    }
    // The failures did happen, with useful messages.
    const text = seen.join("\n");
    for (const expected of [
      /AccessDenied/,
      /not JSON/,
      /exited with code 2/,
      /InvalidIdentityToken/,
      /HTTP 401/,
      /mfaCodeProvider/,
      /line break/,
      /HTTP 403/,
    ]) {
      assert.match(text, expected);
    }
  });

  it("greps everything collected for every secret", () => {
    assert.ok(secrets.size >= 10, `secrets tracked: ${secrets.size}`);
    const haystack = [...seen, ...logged].join("\n");
    for (const value of secrets) {
      assert.equal(haystack.includes(value), false, `a secret leaked: ${value.slice(0, 12)}…`);
    }
    assert.deepEqual(logged, [], "asyncaws logs nothing");
  });
});
