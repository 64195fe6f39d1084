/**
 * The safety rules of `asyncaws ui`, a local server that holds AWS credentials: a random token on
 * every request (from the printed URL, then an `HttpOnly; SameSite=Strict` cookie), the `Host`
 * header checked against the loopback names and the port (DNS rebinding), state-changing requests
 * only as POST with the token in a header and a matching `Origin`, no CORS. Each check is a small
 * function, tested alone and through the server.
 *
 * @module
 */

import { randomBytes, timingSafeEqual } from "node:crypto";

/** The name of the cookie that keeps the token after the first visit (the prefix of it). */
export const COOKIE = "asyncaws_ui";

/**
 * The cookie's name for a server on `port`. Cookies are kept per host, not per port: two servers
 * on 127.0.0.1 (two profiles, say) would otherwise overwrite each other's token.
 */
export function cookieName(port: number): string {
  return `${COOKIE}_${port}`;
}
/** The header the page sends the token in with each POST. */
export const TOKEN_HEADER = "x-asyncaws-token";

/** A new random token (32 bytes, base64url). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Compares two tokens in constant time. */
export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of the cookie `name` in a Cookie header. */
export function cookieToken(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** The Set-Cookie value that keeps the token in the cookie `name`. */
export function tokenCookie(token: string, name: string): string {
  return `${name}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The Host values the server answers to: the loopback names with its port, and `--host` if given. */
export function allowedHosts(port: number, host: string | undefined): Set<string> {
  const names = ["127.0.0.1", "localhost", "[::1]"];
  if (host && !["127.0.0.1", "localhost", "::1"].includes(host))
    names.push(host.includes(":") ? `[${host}]` : host);
  return new Set(names.map((name) => `${name}:${port}`));
}

/** The origins a POST may come from (the same names, over http). */
export function allowedOrigins(hosts: ReadonlySet<string>): Set<string> {
  return new Set([...hosts].map((host) => `http://${host}`));
}

/** Headers sent with every answer: no framing, no sniffing, no referrer, scripts only from here. */
export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** Why a request is refused, or undefined when it may go on. */
export function refusal(
  request: {
    method: string;
    host: string | undefined;
    origin: string | undefined;
    cookie: string | undefined;
    headerToken: string | undefined;
    queryToken: string | undefined;
  },
  rules: { token: string; cookie: string; hosts: ReadonlySet<string>; origins: ReadonlySet<string> },
): { status: number; reason: string } | undefined {
  if (!request.host || !rules.hosts.has(request.host.toLowerCase()))
    return { status: 421, reason: "this server answers only to its loopback address (Host refused)" };
  if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "POST")
    return { status: 405, reason: "method not allowed" };
  if (request.method === "POST") {
    if (!request.origin || !rules.origins.has(request.origin))
      return { status: 403, reason: "a POST must come from this page (Origin refused)" };
    if (!sameToken(request.headerToken, rules.token))
      return { status: 403, reason: "a POST must carry the token in its header" };
    return undefined;
  }
  if (
    sameToken(request.queryToken, rules.token) ||
    sameToken(cookieToken(request.cookie, rules.cookie), rules.token)
  )
    return undefined;
  return { status: 401, reason: "open the address with its token, as asyncaws ui printed it" };
}
