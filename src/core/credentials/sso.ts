/**
 * Credentials from AWS IAM Identity Center (SSO): a profile with `sso_session` (and its
 * `[sso-session name]` section) or the legacy `sso_start_url` / `sso_region`, plus
 * `sso_account_id` and `sso_role_name`. The access token comes from the SSO token cache that
 * `aws sso login` fills (`~/.aws/sso/cache/<sha1 of the session name or start URL>.json`); the
 * role credentials from the SSO portal's GetRoleCredentials
 * (`GET /federation/credentials?role_name=...&account_id=...` with the token in
 * `x-amz-sso_bearer_token`).
 *
 * A token of an `sso-session` that expires within 5 minutes is refreshed, as the AWS CLI does,
 * with SSO-OIDC's CreateToken (`POST https://oidc.<region>.amazonaws.com/token`, grant type
 * `refresh_token`, the client registration `aws sso login` cached beside it), at most once every
 * 30 seconds; the new token is written back to the cache. If that fails, a token still valid is
 * used; an expired one gives an error that says to run `aws sso login`. Legacy profiles (a start
 * URL without `sso_session`) have no refresh token.
 *
 * @module
 */

import { type IniSection, type SharedFiles, setting } from "../config/profile.js";
import { resolveConfig } from "../config.js";
import { builtin, type NodeCryptoLike, type NodeFs } from "../runtime.js";
import { credentialsTransport, send } from "./http.js";
import {
  credentialsFrom,
  NotConfigured,
  parseJsonObject,
  reasonOf,
  type SecretCredentials,
  sourceFailed,
} from "./secret.js";

/** The SSO settings of a profile. */
export interface SsoSettings {
  accountId: string;
  roleName: string;
  startUrl: string;
  region: string;
  /** The `sso_session` name; undefined for a legacy profile. */
  session: string | undefined;
}

/** True when a profile uses SSO. */
export function isSsoProfile(profile: IniSection): boolean {
  return setting(profile, "sso_session") !== undefined || setting(profile, "sso_start_url") !== undefined;
}

/** Reads and checks the SSO settings of a profile. */
export function ssoSettings(profile: IniSection, files: SharedFiles, label: string): SsoSettings {
  const session = setting(profile, "sso_session");
  let startUrl = setting(profile, "sso_start_url");
  let region = setting(profile, "sso_region");
  if (session !== undefined) {
    const section = files.ssoSessions[session];
    if (!section)
      throw sourceFailed(
        label,
        `the sso-session "${session}" is not in ${files.configPath ?? "the config file"}`,
      );
    const sessionUrl = setting(section, "sso_start_url");
    const sessionRegion = setting(section, "sso_region");
    if (startUrl !== undefined && sessionUrl !== undefined && startUrl !== sessionUrl) {
      throw sourceFailed(label, `its sso_start_url differs from the one of sso-session "${session}"`);
    }
    if (region !== undefined && sessionRegion !== undefined && region !== sessionRegion) {
      throw sourceFailed(label, `its sso_region differs from the one of sso-session "${session}"`);
    }
    startUrl = sessionUrl ?? startUrl;
    region = sessionRegion ?? region;
  }
  const missing = [
    startUrl === undefined ? "sso_start_url" : "",
    region === undefined ? "sso_region" : "",
    setting(profile, "sso_account_id") === undefined ? "sso_account_id" : "",
    setting(profile, "sso_role_name") === undefined ? "sso_role_name" : "",
  ].filter(Boolean);
  if (missing.length) throw sourceFailed(label, `the SSO settings lack ${missing.join(", ")}`);
  return {
    accountId: setting(profile, "sso_account_id")!,
    roleName: setting(profile, "sso_role_name")!,
    startUrl: startUrl!,
    region: region!,
    session,
  };
}

/** `aws sso login` with the right argument, for messages. */
function loginHint(settings: SsoSettings, profileName: string): string {
  return settings.session !== undefined
    ? `run "aws sso login --sso-session ${settings.session}"`
    : `run "aws sso login --profile ${profileName}"`;
}

/** Tokens expiring sooner than this are refreshed, in milliseconds. */
const REFRESH_WINDOW_MS = 5 * 60_000;
/** At most one refresh attempt per token cache file in this time, in milliseconds. */
const REFRESH_INTERVAL_MS = 30_000;
/** When the last refresh of each token cache file was tried. */
const lastRefresh = new Map<string, number>();
/**
 * The refresh under way for each token cache file: every client of the process that needs the
 * token meanwhile waits for it, rather than finding the 30 seconds not yet over.
 */
const refreshing = new Map<string, Promise<string>>();
/** The newest token refreshed in this process for each cache file (it wins over an older file). */
const refreshed = new Map<string, { accessToken: string; expiresAt: number }>();

/** Reads the cached SSO access token, refreshed when it nears its expiry and can be. */
async function readToken(
  settings: SsoSettings,
  files: SharedFiles,
  label: string,
  profileName: string,
): Promise<string> {
  const [fs, crypto] = await Promise.all([
    builtin<NodeFs>("node:fs"),
    builtin<NodeCryptoLike>("node:crypto"),
  ]);
  if (!fs || !crypto) throw new NotConfigured(label, "this runtime cannot read the SSO token cache");
  if (!files.home) throw sourceFailed(label, "no home directory, so no SSO token cache");
  const key = settings.session ?? settings.startUrl;
  const path = `${files.home}/.aws/sso/cache/${crypto.createHash("sha1").update(key).digest("hex")}.json`;
  let text: string;
  try {
    text = await fs.promises.readFile(path, "utf8");
  } catch {
    throw sourceFailed(label, `no SSO token in the cache (${path}): ${loginHint(settings, profileName)}`);
  }
  const cached = parseJsonObject(text, `the SSO token cache ${path}`);
  const cachedToken = cached.accessToken;
  const expiresAtDate = typeof cached.expiresAt === "string" ? new Date(cached.expiresAt) : undefined;
  if (
    typeof cachedToken !== "string" ||
    cachedToken === "" ||
    !expiresAtDate ||
    Number.isNaN(expiresAtDate.getTime())
  ) {
    throw sourceFailed(
      label,
      `the SSO token cache ${path} is incomplete: ${loginHint(settings, profileName)}`,
    );
  }
  let token = cachedToken;
  let expiresAt = expiresAtDate.getTime();
  const mine = refreshed.get(path);
  if (mine && mine.expiresAt > expiresAt) ({ accessToken: token, expiresAt } = mine);
  const now = Date.now();
  const valid = expiresAt > now;
  let refreshFailure = "";
  if (expiresAt - now < REFRESH_WINDOW_MS && settings.session !== undefined && canRefresh(cached, now)) {
    let attempt = refreshing.get(path);
    if (!attempt && now - (lastRefresh.get(path) ?? Number.NEGATIVE_INFINITY) >= REFRESH_INTERVAL_MS) {
      lastRefresh.set(path, now);
      attempt = refreshToken(fs, path, cached, settings.region, files, profileName).finally(() =>
        refreshing.delete(path),
      );
      refreshing.set(path, attempt);
    }
    if (attempt) {
      try {
        return await attempt;
      } catch (error) {
        if (valid) return token;
        refreshFailure = ` and could not be refreshed (${reasonOf(error)})`;
      }
    }
  }
  if (!valid) {
    throw sourceFailed(
      label,
      `the SSO token expired at ${new Date(expiresAt).toISOString()}${refreshFailure}: ${loginHint(settings, profileName)}`,
    );
  }
  return token;
}

/**
 * Gets a new token with CreateToken, remembers it, and writes it back to the cache as the AWS
 * CLI does (so that other programs use it too): to a temporary file renamed over the cache, so
 * that no reader sees it half written. A cache that cannot be written does not stop this process.
 */
async function refreshToken(
  fs: NodeFs,
  path: string,
  cached: Record<string, unknown>,
  region: string,
  files: SharedFiles,
  profileName: string,
): Promise<string> {
  const fresh = await createToken(region, cached, files, profileName);
  const expiresAt = Date.now() + fresh.expiresIn * 1000;
  refreshed.set(path, { accessToken: fresh.accessToken, expiresAt });
  const updated = {
    ...cached,
    accessToken: fresh.accessToken,
    expiresAt: new Date(expiresAt).toISOString(),
    refreshToken: fresh.refreshToken ?? cached.refreshToken,
  };
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  const temporary = `${path}.${pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await fs.promises.writeFile(temporary, JSON.stringify(updated, null, 2), {
      encoding: "utf8",
      mode: 0o600,
    });
    await fs.promises.rename(temporary, path);
  } catch {
    await fs.promises.unlink(temporary).catch(() => {});
  }
  return fresh.accessToken;
}

/** True when a cached token carries what a refresh needs, and its client registration holds. */
function canRefresh(cached: Record<string, unknown>, now: number): boolean {
  const registrationEnds =
    typeof cached.registrationExpiresAt === "string" ? Date.parse(cached.registrationExpiresAt) : Number.NaN;
  return (
    typeof cached.refreshToken === "string" &&
    cached.refreshToken !== "" &&
    typeof cached.clientId === "string" &&
    typeof cached.clientSecret === "string" &&
    registrationEnds > now
  );
}

/** A new access token from SSO-OIDC's CreateToken, grant type `refresh_token` (not signed). */
async function createToken(
  region: string,
  cached: Record<string, unknown>,
  files: SharedFiles,
  profileName: string,
): Promise<{ accessToken: string; expiresIn: number; refreshToken: string | undefined }> {
  const transport = credentialsTransport();
  if (!transport) throw new Error("no HTTP stack for SSO-OIDC");
  const config = resolveConfig(
    { endpointPrefix: "oidc", envKey: "SSO_OIDC" },
    { region, profile: profileName },
    files,
  );
  const response = await send(transport, {
    method: "POST",
    url: `${config.endpoint!.replace(/\/+$/, "")}/token`,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      clientId: cached.clientId,
      clientSecret: cached.clientSecret,
      grantType: "refresh_token",
      refreshToken: cached.refreshToken,
    }),
    timeoutMs: 5000,
    maxAttempts: 3,
    operation: "SSO-OIDC CreateToken",
  });
  if (response.statusCode !== 200) {
    throw new Error(
      `SSO-OIDC answered HTTP ${response.statusCode} (${errorCode(response.headers, response.body) ?? "an error"})`,
    );
  }
  const body = parseJsonObject(response.body, "SSO-OIDC CreateToken");
  if (
    typeof body.accessToken !== "string" ||
    body.accessToken === "" ||
    typeof body.expiresIn !== "number" ||
    !(body.expiresIn > 0)
  ) {
    throw new Error("SSO-OIDC's answer has no accessToken and expiresIn");
  }
  return {
    accessToken: body.accessToken,
    expiresIn: body.expiresIn,
    refreshToken:
      typeof body.refreshToken === "string" && body.refreshToken !== "" ? body.refreshToken : undefined,
  };
}

/** The error code of a rest-json error answer. */
function errorCode(headers: Readonly<Record<string, string | undefined>>, body: string): string | undefined {
  const header = headers["x-amzn-errortype"];
  if (header) return header.split(":")[0];
  try {
    const parsed = JSON.parse(body) as { __type?: unknown; code?: unknown };
    const type =
      typeof parsed.__type === "string" ? parsed.__type : typeof parsed.code === "string" ? parsed.code : "";
    return type ? type.slice(type.lastIndexOf("#") + 1) : undefined;
  } catch {
    return undefined;
  }
}

/** Gets role credentials from the SSO portal with the cached token. */
export async function ssoCredentials(
  settings: SsoSettings,
  files: SharedFiles,
  profileName: string,
  label: string,
): Promise<SecretCredentials> {
  const transport = credentialsTransport();
  if (!transport) throw new NotConfigured(label, "this runtime has no HTTP stack for the SSO portal");
  const token = await readToken(settings, files, label, profileName);
  const config = resolveConfig(
    { endpointPrefix: "portal.sso", envKey: "SSO" },
    { region: settings.region, profile: profileName },
    files,
  );
  const base = config.endpoint!.replace(/\/+$/, "");
  const query = `role_name=${encodeURIComponent(settings.roleName)}&account_id=${encodeURIComponent(settings.accountId)}`;
  const response = await send(transport, {
    method: "GET",
    url: `${base}/federation/credentials?${query}`,
    headers: { "x-amz-sso_bearer_token": token, accept: "application/json" },
    timeoutMs: 5000,
    maxAttempts: 3,
    operation: "SSO GetRoleCredentials",
  }).catch((error: unknown) => {
    throw sourceFailed(label, `the SSO portal could not be reached: ${(error as Error).message}`, error);
  });
  if (response.statusCode !== 200) {
    const code = errorCode(response.headers, response.body) ?? "an error";
    const hint =
      response.statusCode === 401 || response.statusCode === 403
        ? `: ${loginHint(settings, profileName)}`
        : "";
    throw sourceFailed(label, `the SSO portal answered HTTP ${response.statusCode} (${code})${hint}`);
  }
  const body = parseJsonObject(response.body, label);
  return credentialsFrom(
    body.roleCredentials as Record<string, unknown> | undefined,
    {
      accessKeyId: "accessKeyId",
      secretAccessKey: "secretAccessKey",
      sessionToken: "sessionToken",
      expiration: "expiration",
    },
    label,
  );
}
