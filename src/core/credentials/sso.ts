/**
 * Credentials from AWS IAM Identity Center (SSO): a profile with `sso_session` (and its
 * `[sso-session name]` section) or the legacy `sso_start_url` / `sso_region`, plus
 * `sso_account_id` and `sso_role_name`. The access token comes from the SSO token cache that
 * `aws sso login` fills (`~/.aws/sso/cache/<sha1 of the session name or start URL>.json`); the
 * role credentials from the SSO portal's GetRoleCredentials
 * (`GET /federation/credentials?role_name=...&account_id=...` with the token in
 * `x-amz-sso_bearer_token`).
 *
 * The token is not refreshed here: when it has expired, the error says to run `aws sso login`.
 *
 * @module
 */

import { builtin, type NodeCryptoLike, type NodeFs } from "../config/node.js";
import { type IniSection, type SharedFiles, setting } from "../config/profile.js";
import { resolveConfig } from "../config.js";
import { credentialsTransport, send } from "./http.js";
import {
  credentialsFrom,
  NotConfigured,
  parseJsonObject,
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

/** Reads the cached SSO access token. */
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
  const token = cached.accessToken;
  const expiresAt = typeof cached.expiresAt === "string" ? new Date(cached.expiresAt) : undefined;
  if (typeof token !== "string" || token === "" || !expiresAt || Number.isNaN(expiresAt.getTime())) {
    throw sourceFailed(
      label,
      `the SSO token cache ${path} is incomplete: ${loginHint(settings, profileName)}`,
    );
  }
  if (expiresAt.getTime() <= Date.now()) {
    throw sourceFailed(
      label,
      `the SSO token expired at ${expiresAt.toISOString()}: ${loginHint(settings, profileName)}`,
    );
  }
  return token;
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
