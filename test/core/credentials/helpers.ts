// Helpers of the credentials, config and retry tests: an isolated environment (no AWS_* variable
// of the machine, no real ~/.aws, the metadata service off), temporary files, and loopback servers
// speaking the credential endpoints' protocols (IMDSv2, the container endpoint, the SSO portal, STS).
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs `fn` with an environment holding no AWS_* variable of the machine, HOME in a fresh temporary
 * directory (so no real ~/.aws), the instance metadata service turned off, then `vars`.
 * Restores everything afterwards.
 */
export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  fn: (home: string) => Promise<T> | T,
): Promise<T> {
  const saved = { ...process.env };
  const home = mkdtempSync(join(tmpdir(), "asyncaws-home-"));
  for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
  process.env.HOME = home;
  process.env.USERPROFILE = home;
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await fn(home);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    rmSync(home, { recursive: true, force: true });
  }
}

/** A temporary directory with files; `path(name)` gives a file's path. */
export function tempFiles(files: Record<string, string> = {}): {
  dir: string;
  path(name: string): string;
  write(name: string, text: string): string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "asyncaws-files-"));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return {
    dir,
    path: (name) => join(dir, name),
    write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes an SSO token into the cache under `home`, as `aws sso login` does. */
export function writeSsoToken(home: string, key: string, accessToken: string, expiresAt: Date): string {
  const dir = join(home, ".aws", "sso", "cache");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${createHash("sha1").update(key).digest("hex")}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      startUrl: "https://example.awsapps.com/start",
      region: "eu-west-1",
      accessToken,
      expiresAt: expiresAt.toISOString(),
    }),
  );
  return path;
}

/** A recorded request. */
export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A small HTTP server on 127.0.0.1 whose answers a handler scripts. */
export interface Stub {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function startStub(
  handler: (request: Seen, res: ServerResponse, req: IncomingMessage) => void | Promise<void>,
): Promise<Stub> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: Seen = {
        method: req.method ?? "",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(request);
      Promise.resolve(handler(request, res, req)).catch((error: unknown) => {
        res.writeHead(599);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Temporary credentials as a source would hand them out. */
export interface FakeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

let counter = 0;
/** Unique, recognisable fake credentials (to grep for in messages). */
export function fakeCredentials(label: string, expiresInMs = 3600_000): FakeCredentials {
  counter++;
  return {
    accessKeyId: `ASIA${label.toUpperCase().replace(/[^A-Z0-9]/g, "")}${counter}`.slice(0, 20),
    secretAccessKey: `secret-${label}-${counter}-${Math.random().toString(36).slice(2)}`,
    sessionToken: `token-${label}-${counter}-${Math.random().toString(36).slice(2)}`,
    expiration: new Date(Date.now() + expiresInMs),
  };
}

/** An IMDSv2 stub: token PUT, then the role name and credential GETs with the token. */
export async function startImds(
  options: {
    role?: string;
    credentials?: () => FakeCredentials;
    /** Answer the token PUT with this status instead (IMDSv1-only: 404; turned off: 403). */
    tokenStatus?: number;
    /** Refuse the first GET with this token as expired (401). */
    expireFirstToken?: boolean;
  } = {},
): Promise<Stub & { tokens: string[] }> {
  const tokens: string[] = [];
  const role = options.role ?? "app-role";
  let expireNext = options.expireFirstToken ?? false;
  const stub = await startStub((request, res) => {
    if (request.method === "PUT" && request.url === "/latest/api/token") {
      if (options.tokenStatus) {
        res.writeHead(options.tokenStatus);
        return void res.end();
      }
      if (request.headers["x-aws-ec2-metadata-token-ttl-seconds"] === undefined) {
        res.writeHead(400);
        return void res.end();
      }
      const token = `imds-token-${tokens.length + 1}-${Math.random().toString(36).slice(2)}`;
      tokens.push(token);
      res.writeHead(200, { "content-type": "text/plain", "x-aws-ec2-metadata-token-ttl-seconds": "21600" });
      return void res.end(token);
    }
    if (request.method !== "GET") {
      res.writeHead(405);
      return void res.end();
    }
    const token = request.headers["x-aws-ec2-metadata-token"];
    if (!options.tokenStatus && (typeof token !== "string" || !tokens.includes(token))) {
      res.writeHead(401);
      return void res.end();
    }
    if (expireNext) {
      expireNext = false;
      tokens.splice(0);
      res.writeHead(401);
      return void res.end();
    }
    if (request.url === "/latest/meta-data/iam/security-credentials/") {
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end(`${role}\n`);
    }
    if (request.url === `/latest/meta-data/iam/security-credentials/${role}`) {
      const c = options.credentials?.() ?? fakeCredentials("imds");
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end(
        JSON.stringify({
          Code: "Success",
          LastUpdated: new Date().toISOString(),
          Type: "AWS-HMAC",
          AccessKeyId: c.accessKeyId,
          SecretAccessKey: c.secretAccessKey,
          Token: c.sessionToken,
          Expiration: c.expiration.toISOString(),
        }),
      );
    }
    res.writeHead(404);
    res.end();
  });
  return Object.assign(stub, { tokens });
}

/** A container credentials endpoint that checks the Authorization header. */
export async function startContainerEndpoint(
  authorization: string | undefined,
  credentials: () => FakeCredentials,
  delayMs = 0,
): Promise<Stub> {
  return startStub(async (request, res) => {
    if (authorization !== undefined && request.headers.authorization !== authorization) {
      res.writeHead(401, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ code: "Unauthorized", message: "bad token" }));
    }
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const c = credentials();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        Token: c.sessionToken,
        Expiration: c.expiration.toISOString(),
        RoleArn: "arn:aws:iam::123456789012:role/task",
      }),
    );
  });
}

/** Parses a form-encoded Query body. */
export function form(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/** STS's XML answer to AssumeRole / AssumeRoleWithWebIdentity. */
export function stsCredentialsXml(action: string, c: FakeCredentials): string {
  return `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <${action}Result>
    <Credentials>
      <AccessKeyId>${c.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>
      <SessionToken>${c.sessionToken}</SessionToken>
      <Expiration>${c.expiration.toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROA123:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>
  </${action}Result>
  <ResponseMetadata><RequestId>req-sts-1</RequestId></ResponseMetadata>
</${action}Response>`;
}

/** STS's XML error answer. */
export function stsErrorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-sts-err</RequestId></ErrorResponse>`;
}

/**
 * An STS stub: AssumeRole answers with `assume()`'s credentials, AssumeRoleWithWebIdentity with
 * `web()`'s, GetCallerIdentity with a fixed identity.
 */
export async function startSts(handlers: {
  assume?: (
    params: Record<string, string>,
    request: Seen,
  ) => FakeCredentials | { error: string; status?: number };
  web?: (
    params: Record<string, string>,
    request: Seen,
  ) => FakeCredentials | { error: string; status?: number };
}): Promise<Stub> {
  return startStub((request, res) => {
    const params = form(request.body);
    const reply = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": "req-sts-1" });
      res.end(body);
    };
    const answer = (
      action: string,
      result: FakeCredentials | { error: string; status?: number } | undefined,
    ) => {
      if (!result) return reply(400, stsErrorXml("InvalidAction", `no handler for ${action}`));
      if ("error" in result)
        return reply(result.status ?? 403, stsErrorXml(result.error, "refused by the test"));
      return reply(200, stsCredentialsXml(action, result));
    };
    if (params.Action === "AssumeRole") return answer("AssumeRole", handlers.assume?.(params, request));
    if (params.Action === "AssumeRoleWithWebIdentity") {
      return answer("AssumeRoleWithWebIdentity", handlers.web?.(params, request));
    }
    if (params.Action === "GetCallerIdentity") {
      return reply(
        200,
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/test</Arn><UserId>AIDATEST</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>req-gci</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    }
    reply(400, stsErrorXml("InvalidAction", "unknown action"));
  });
}

/** An SSO portal stub: GET /federation/credentials with the bearer token. */
export async function startSsoPortal(accessToken: string, credentials: () => FakeCredentials): Promise<Stub> {
  return startStub((request, res) => {
    const url = new URL(request.url, "http://x");
    if (request.method !== "GET" || url.pathname !== "/federation/credentials") {
      res.writeHead(404, { "content-type": "application/json" });
      return void res.end("{}");
    }
    if (request.headers["x-amz-sso_bearer_token"] !== accessToken) {
      res.writeHead(401, { "content-type": "application/json", "x-amzn-errortype": "UnauthorizedException" });
      return void res.end(JSON.stringify({ message: "Session token not found or invalid" }));
    }
    if (!url.searchParams.get("role_name") || !url.searchParams.get("account_id")) {
      res.writeHead(400, {
        "content-type": "application/json",
        "x-amzn-errortype": "InvalidRequestException",
      });
      return void res.end("{}");
    }
    const c = credentials();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        roleCredentials: {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          expiration: c.expiration.getTime(),
        },
      }),
    );
  });
}

/**
 * Checks a recorded request's SigV4 signature against the given credentials (recomputed with the
 * library's signer). Returns the access key id it was signed with, or undefined when invalid.
 */
export async function signedWith(
  request: Seen,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<boolean> {
  const { signRequest } = await import("../../../src/core/signer.js");
  const headers = request.headers as Record<string, string>;
  const auth = headers.authorization;
  const date = headers["x-amz-date"];
  if (!auth || !date) return false;
  const match =
    /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})/.exec(
      auth,
    );
  if (!match || match[1] !== credentials.accessKeyId) return false;
  const [, , region, service, signedHeaders] = match;
  const signed: Record<string, string> = {};
  for (const name of signedHeaders!.split(";")) {
    if (name !== "x-amz-date" && name !== "x-amz-security-token") signed[name] = headers[name] ?? "";
  }
  const when = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const [path, query = ""] = request.url.split("?");
  const again = signRequest(
    {
      method: request.method,
      host: headers.host ?? "",
      path: path!,
      query,
      headers: signed,
      body: request.body,
    },
    {
      credentials: { ...credentials, sessionToken: headers["x-amz-security-token"] },
      region: region!,
      service: service!,
      date: when,
    },
  );
  return again.authorization === auth;
}
