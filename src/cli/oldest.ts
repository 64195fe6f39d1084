/**
 * The age of a queue's oldest message, which SQS has no attribute for: CloudWatch's
 * `ApproximateAgeOfOldestMessage` metric (namespace `AWS/SQS`, dimension `QueueName`), read with
 * GetMetricStatistics (the maximum over the last minutes, the latest minute that has a value).
 * A client of that one action, on the core (AWS Query protocol, SigV4 as `monitoring`).
 *
 * CloudWatch reports it once a minute, a few minutes late, and only for queues that are active
 * or have messages. Emulators have no CloudWatch: with `--endpoint` (or `AWS_ENDPOINT_URL`) it is
 * asked only when `AWS_ENDPOINT_URL_CLOUDWATCH` names one. When CloudWatch refuses (no
 * permission, say), the age is shown as unknown and it is not asked again.
 *
 * @module
 */

import { CALL, operation, ServiceClient } from "../core/client.js";
import { queryProtocol } from "../core/protocol/aws-query.js";
import type { ListShape, MemberShape, OperationShape, StructureShape } from "../core/schema.js";
import type { ClientSettings } from "./context.js";
import type { QueueInfo } from "./queues.js";

const s: MemberShape = { shape: "s" };
const n: MemberShape = { shape: "n" };
const t: MemberShape = { shape: "t" };
const Dimension: StructureShape = { type: "structure", members: { Name: s, Value: s } };
const Dimensions: ListShape = { type: "list", member: Dimension };
const Datapoint: StructureShape = { type: "structure", members: { Timestamp: t, Maximum: n }, special: true };
const GetMetricStatistics = operation({
  name: "GetMetricStatistics",
  input: {
    type: "structure",
    members: {
      Namespace: s,
      MetricName: s,
      Dimensions: { shape: Dimensions },
      StartTime: t,
      EndTime: t,
      Period: n,
      Statistics: { shape: { type: "list", member: "s" } },
    },
    special: true,
  },
  output: {
    type: "structure",
    members: { Label: s, Datapoints: { shape: { type: "list", member: Datapoint, special: true } } },
    special: true,
  },
  resultWrapper: "GetMetricStatisticsResult",
} satisfies OperationShape);

/** CloudWatch, with the one action asked here. */
class CloudWatch extends ServiceClient {
  constructor(settings: Omit<ClientSettings, "endpoint">) {
    super(
      { signingName: "monitoring", endpointPrefix: "monitoring", envKey: "CLOUDWATCH", resourceKeys: [] },
      queryProtocol("2010-08-01"),
      { ...settings, maxAttempts: 2 },
    );
  }

  /** Seconds, or undefined when CloudWatch has no recent value. */
  async oldestAge(queueName: string, signal?: AbortSignal): Promise<number | undefined> {
    const now = Date.now();
    const answer = (await this[CALL](
      GetMetricStatistics,
      {
        Namespace: "AWS/SQS",
        MetricName: "ApproximateAgeOfOldestMessage",
        Dimensions: [{ Name: "QueueName", Value: queueName }],
        StartTime: new Date(now - 15 * 60_000),
        EndTime: new Date(now),
        Period: 60,
        Statistics: ["Maximum"],
      },
      signal ? { signal } : undefined,
    )) as { Datapoints?: { Timestamp?: Date; Maximum?: number }[] };
    let latest: { Timestamp?: Date; Maximum?: number } | undefined;
    for (const point of answer.Datapoints ?? []) {
      if (point.Maximum === undefined || point.Timestamp === undefined) continue;
      if (!latest || point.Timestamp > latest.Timestamp!) latest = point;
    }
    return latest?.Maximum;
  }
}

/** How long an age read is kept (CloudWatch has one value a minute). */
const KEEP_MS = 60_000;

/** Reads and keeps the ages of queues' oldest messages for the commands that show them. */
export class OldestAges {
  readonly #client: CloudWatch | undefined;
  readonly #known = new Map<string, { at: number; age: number | undefined }>();
  /** Why ages are not asked (set on the first refusal), for a note. */
  unavailable: string | undefined;

  constructor(settings: ClientSettings, env: Record<string, string | undefined>) {
    const own = env.AWS_ENDPOINT_URL_CLOUDWATCH;
    if ((settings.endpoint !== undefined || env.AWS_ENDPOINT_URL) && !own) {
      this.unavailable = "no CloudWatch at this endpoint (set AWS_ENDPOINT_URL_CLOUDWATCH to name one)";
      return;
    }
    const { endpoint: _, ...rest } = settings;
    this.#client = new CloudWatch(rest);
  }

  /** Sets `oldestAgeSeconds` on each queue CloudWatch has a value for; never throws. */
  async fill(infos: QueueInfo[], signal?: AbortSignal): Promise<void> {
    const client = this.#client;
    if (!client || this.unavailable) return;
    const now = Date.now();
    await Promise.all(
      infos.map(async (info) => {
        let known = this.#known.get(info.name);
        if (!known || now - known.at > KEEP_MS) {
          if (this.unavailable) return;
          try {
            known = { at: now, age: await client.oldestAge(info.name, signal) };
            this.#known.set(info.name, known);
          } catch (error) {
            this.unavailable ??= `CloudWatch: ${error instanceof Error ? error.message : String(error)}`;
            return;
          }
        }
        if (known.age !== undefined) info.oldestAgeSeconds = known.age;
      }),
    );
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
