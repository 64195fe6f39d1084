/**
 * The age of a queue's oldest message, which SQS has no attribute for: CloudWatch's
 * `ApproximateAgeOfOldestMessage` metric (namespace `AWS/SQS`, dimension `QueueName`), read with
 * GetMetricStatistics (the maximum over the last minutes, the latest minute that has a value).
 * That one action, signed with the library's public `signRequest` (SigV4 as `monitoring`), by the
 * library's default credential chain.
 *
 * CloudWatch reports it once a minute, a few minutes late, and only for queues that are active
 * or have messages. Emulators have no CloudWatch: with `--endpoint` (or `AWS_ENDPOINT_URL`) it is
 * asked only when `AWS_ENDPOINT_URL_CLOUDWATCH` names one. When CloudWatch refuses (a 4xx other
 * than throttling: no permission, say), the age is shown as unknown and it is not asked again.
 * A read that fails otherwise (network, 5xx, throttling, or no answer within `timeoutMs`) leaves
 * that queue's age unknown until it is asked again a minute later.
 *
 * @module
 */

import { type CredentialsProvider, defaultCredentials, signRequest } from "../index.js";
import type { ClientSettings } from "./context.js";
import type { QueueInfo } from "./queues.js";

/** CloudWatch's regional endpoint (`AWS_ENDPOINT_URL_CLOUDWATCH` when set). */
function cloudWatchEndpoint(region: string, env: Record<string, string | undefined>): string {
  const own = env.AWS_ENDPOINT_URL_CLOUDWATCH;
  if (own) return own.replace(/\/+$/, "");
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://monitoring.${region}.${suffix}`;
}

/** The text of each `<name>` element in an XML fragment. */
const elements = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, "g"))].map((m) => m[1] ?? "");

/** CloudWatch said no for good (a 4xx other than throttling): it is not asked again. */
class Refused extends Error {}

/** CloudWatch's GetMetricStatistics for one queue's ApproximateAgeOfOldestMessage (AWS Query, SigV4). */
class CloudWatch {
  readonly #endpoint: string;
  readonly #region: string;
  readonly #credentials: CredentialsProvider;
  readonly #fetch: NonNullable<ClientSettings["fetch"]>;

  constructor(
    region: string,
    settings: ClientSettings,
    env: Record<string, string | undefined>,
    credentials: CredentialsProvider | undefined,
  ) {
    this.#region = region;
    this.#endpoint = cloudWatchEndpoint(region, env);
    this.#credentials =
      credentials ?? defaultCredentials(settings.profile !== undefined ? { profile: settings.profile } : {});
    this.#fetch = settings.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Seconds, or undefined when CloudWatch has no recent value. */
  async oldestAge(queueName: string, signal?: AbortSignal): Promise<number | undefined> {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const body = new URLSearchParams({
      Action: "GetMetricStatistics",
      Version: "2010-08-01",
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      "Dimensions.member.1.Name": "QueueName",
      "Dimensions.member.1.Value": queueName,
      StartTime: iso(now - 15 * 60_000),
      EndTime: iso(now),
      Period: "60",
      "Statistics.member.1": "Maximum",
    }).toString();
    const url = new URL(`${this.#endpoint}/`);
    const headers = signRequest(
      {
        method: "POST",
        host: url.host,
        path: url.pathname,
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body,
      },
      { credentials: await this.#credentials(), region: this.#region, service: "monitoring" },
    );
    const init: RequestInit = { method: "POST", headers, body };
    if (signal) init.signal = signal;
    const response = await this.#fetch(url.href, init);
    const text = await response.text();
    if (!response.ok) {
      const code = elements(text, "Code")[0] ?? `HTTP ${response.status}`;
      const refused =
        response.status >= 400 && response.status < 500 && response.status !== 429 && !/Throttl/i.test(code);
      throw new (refused ? Refused : Error)(
        `GetMetricStatistics: ${code}${elements(text, "Message")[0] ? `: ${elements(text, "Message")[0]}` : ""}`,
      );
    }
    let latest: { at: number; max: number } | undefined;
    for (const point of elements(text, "member")) {
      const at = Date.parse(elements(point, "Timestamp")[0] ?? "");
      const max = Number(elements(point, "Maximum")[0]);
      if (!Number.isFinite(at) || !Number.isFinite(max)) continue;
      if (!latest || at > latest.at) latest = { at, max };
    }
    return latest?.max;
  }
}

/** How long an age read is kept (CloudWatch has one value a minute). */
const KEEP_MS = 60_000;

/** Options of {@link OldestAges}. */
export interface OldestAgesOptions {
  /** The credentials CloudWatch is asked with. @default the default credential chain (with the settings' profile) */
  credentials?: CredentialsProvider;
  /** How long one read may take before the age is left unknown (retried a minute later). @default 5000 */
  timeoutMs?: number;
}

/**
 * Reads and keeps the ages of queues' oldest messages for the commands that show them (`queues`,
 * `watch`, `ui`). A queue's age is asked at most once a minute, and once at a time: callers that
 * want it while it is being read share that read.
 */
export class OldestAges {
  readonly #client: CloudWatch | undefined;
  readonly #known = new Map<string, { at: number; age: number | undefined }>();
  readonly #reading = new Map<string, Promise<void>>();
  /** When a queue whose last read failed (not a refusal) may be asked again. */
  readonly #retryAt = new Map<string, number>();
  readonly #timeoutMs: number;
  /** Why ages are not asked (set on the first refusal), for a note. */
  unavailable: string | undefined;

  constructor(
    region: string | undefined,
    settings: ClientSettings,
    env: Record<string, string | undefined>,
    options: OldestAgesOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    const own = env.AWS_ENDPOINT_URL_CLOUDWATCH;
    if ((settings.endpoint !== undefined || env.AWS_ENDPOINT_URL) && !own) {
      this.unavailable = "no CloudWatch at this endpoint (set AWS_ENDPOINT_URL_CLOUDWATCH to name one)";
      return;
    }
    if (!region) {
      this.unavailable = "no region";
      return;
    }
    this.#client = new CloudWatch(region, settings, env, options.credentials);
  }

  /** Reads the queue's age when what is known is older than a minute (one read at a time); never throws. */
  #refresh(name: string, now: number, signal: AbortSignal | undefined): Promise<void> | undefined {
    const client = this.#client;
    if (!client || this.unavailable) return undefined;
    const known = this.#known.get(name);
    if (known && now - known.at <= KEEP_MS) return undefined;
    if ((this.#retryAt.get(name) ?? 0) > now) return undefined;
    let reading = this.#reading.get(name);
    if (!reading) {
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      reading = client.oldestAge(name, signal ? AbortSignal.any([signal, timeout]) : timeout).then(
        (age) => {
          this.#known.set(name, { at: now, age });
          this.#retryAt.delete(name);
        },
        (error: unknown) => {
          if (error instanceof Refused) this.unavailable ??= `CloudWatch: ${error.message}`;
          else this.#retryAt.set(name, now + KEEP_MS);
        },
      );
      const done = reading;
      this.#reading.set(name, done);
      void done.finally(() => {
        if (this.#reading.get(name) === done) this.#reading.delete(name);
      });
    }
    return reading;
  }

  /** Sets `oldestAgeSeconds` on each queue whose age was read less than `within` ms ago. */
  #apply(infos: QueueInfo[], now: number, within: number): void {
    for (const info of infos) {
      const known = this.#known.get(info.name);
      if (known?.age !== undefined && now - known.at <= within) info.oldestAgeSeconds = known.age;
    }
  }

  /** Sets `oldestAgeSeconds` on each queue CloudWatch has a value for, read first when stale; never throws. */
  async fill(infos: QueueInfo[], signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    await Promise.all(infos.map((info) => this.#refresh(info.name, now, signal)));
    this.#apply(infos, now, KEEP_MS);
  }

  /**
   * Without waiting for CloudWatch: sets the ages known now (read less than two minutes ago: a
   * value a minute old is still shown while it is read again), and starts reading the stale ones
   * for the next call. The promise settles once those reads have; it never rejects.
   */
  fillKnown(infos: QueueInfo[], signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const reads = infos.map((info) => this.#refresh(info.name, now, signal));
    this.#apply(infos, now, 2 * KEEP_MS);
    return Promise.all(reads).then(() => undefined);
  }
}

/** An age for a table: `45s`, `12m`, `3h`, `2d`; `-` when unknown. */
export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "-";
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
