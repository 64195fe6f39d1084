/**
 * The queue policy that lets a topic send to a queue, for `topic.subscribeQueue()`: the statement
 * merged into whatever policy the queue has (never replacing it), under a per-queue lock, and
 * read back to catch another writer.
 *
 * @module
 */

import type { CallOptions } from "../core/client.js";
import { sha256Hex } from "../core/crypto.js";
import { AsyncAwsError } from "../core/errors.js";
import { isRecord } from "../core/validate.js";
import type { QueueHandle } from "../sqs/queue.js";

type Statement = Record<string, unknown>;

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function includesText(value: unknown, wanted: (text: string) => boolean): boolean {
  return asArray(value).some((item) => typeof item === "string" && wanted(item));
}

/** True when a statement already lets this topic send to this queue. */
function grants(statement: Statement, queueArn: string, topicArn: string): boolean {
  if (statement.Effect !== "Allow") return false;
  if (statement.NotAction !== undefined || statement.NotPrincipal !== undefined) return false;
  const action = (text: string) => ["sqs:sendmessage", "sqs:*", "*"].includes(text.toLowerCase());
  if (!includesText(statement.Action, action)) return false;
  const principal = statement.Principal;
  const principalOk =
    principal === "*" ||
    (isRecord(principal) &&
      (includesText(principal.Service, (text) => text === "sns.amazonaws.com") ||
        includesText(principal.AWS, (text) => text === "*")));
  if (!principalOk) return false;
  if (
    statement.Resource !== undefined &&
    !includesText(statement.Resource, (r) => r === queueArn || r === "*")
  )
    return false;
  const condition = statement.Condition;
  if (!isRecord(condition)) return false;
  return Object.keys(condition).some((operator) => {
    if (!/^(ArnEquals|ArnLike|StringEquals)$/.test(operator)) return false;
    const test = condition[operator];
    if (!isRecord(test)) return false;
    return Object.keys(test).some(
      (key) => key.toLowerCase() === "aws:sourcearn" && includesText(test[key], (arn) => arn === topicArn),
    );
  });
}

/** A policy document (a JSON object whose Statement, if any, is an object or a list), or undefined. */
function parsePolicy(policy: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const statement = parsed.Statement;
  return statement === undefined || isRecord(statement) || Array.isArray(statement) ? parsed : undefined;
}

/** The statement {@link mergeQueuePolicy} adds: `sqs:SendMessage` for SNS, only from this topic. */
export function topicStatement(queueArn: string, topicArn: string): Statement {
  return {
    Sid: `AllowSnsTopic${sha256Hex(`${topicArn}\n${queueArn}`).slice(0, 16)}`,
    Effect: "Allow",
    Principal: { Service: "sns.amazonaws.com" },
    Action: "sqs:SendMessage",
    Resource: queueArn,
    Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
  };
}

/**
 * Merges into a queue's policy a statement that lets one topic send to the queue. Every other
 * statement stays as it is; when the policy already grants this topic access, nothing changes.
 *
 * @param policy - the queue's `Policy` attribute (JSON), or undefined/empty when it has none
 * @returns the policy to set, and whether it changed
 * @throws AsyncAwsError when the existing policy is not a JSON object with a Statement list
 */
export function mergeQueuePolicy(
  policy: string | undefined,
  queueArn: string,
  topicArn: string,
): { policy: string; changed: boolean } {
  let document: Record<string, unknown>;
  if (policy === undefined || policy.trim() === "") {
    document = { Version: "2012-10-17", Statement: [] };
  } else {
    const parsed = parsePolicy(policy);
    if (!parsed) {
      throw new AsyncAwsError("the queue's Policy is not a JSON policy document; leaving it unchanged", {
        operation: "subscribeQueue",
        resource: queueArn,
      });
    }
    document = parsed;
  }
  const statements = asArray(document.Statement) as Statement[];
  if (statements.some((statement) => isRecord(statement) && grants(statement, queueArn, topicArn))) {
    return { policy: policy ?? JSON.stringify(document), changed: false };
  }
  const added = topicStatement(queueArn, topicArn);
  const taken = new Set(statements.map((statement) => (isRecord(statement) ? statement.Sid : undefined)));
  if (taken.has(added.Sid)) added.Sid = `${added.Sid as string}x${statements.length}`;
  return {
    policy: JSON.stringify({ Version: "2012-10-17", ...document, Statement: [...statements, added] }),
    changed: true,
  };
}

/**
 * Serializes the read-modify-write of each queue's policy within this process: one lock per queue
 * ARN, whatever handle or client names the queue (a name or a URL, one `SQS` client or several),
 * and shared by every copy of the library loaded in the process (kept on `globalThis`).
 */
const policyLocks: Map<string, Promise<unknown>> = (() => {
  const key = Symbol.for("asyncaws.queuePolicyLocks");
  const holder = globalThis as unknown as Record<symbol, Map<string, Promise<unknown>> | undefined>;
  let locks = holder[key];
  if (!(locks instanceof Map)) {
    locks = new Map();
    Object.defineProperty(globalThis, key, { value: locks, configurable: true });
  }
  return locks;
})();

export async function withQueueLock<T>(queueArn: string, work: () => Promise<T>): Promise<T> {
  const before = policyLocks.get(queueArn) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.catch(() => undefined);
  policyLocks.set(queueArn, settled);
  try {
    return await run;
  } finally {
    if (policyLocks.get(queueArn) === settled) policyLocks.delete(queueArn);
  }
}

/** How many times the policy is merged again when reading it back shows the statement missing. */
const POLICY_MERGE_ROUNDS = 3;

/**
 * Grants the topic access to the queue: reads the policy, merges the statement, sets it, then
 * reads it back; when the statement is missing (another process replaced the policy between our
 * read and write), merges again, up to {@link POLICY_MERGE_ROUNDS} times.
 * @returns whether the policy was changed
 */
export async function grantTopic(
  queue: QueueHandle,
  queueArn: string,
  topicArn: string,
  options?: CallOptions,
): Promise<boolean> {
  let changed = false;
  let { Policy } = await queue.attributes(["Policy"], options);
  for (let round = 1; ; round++) {
    const merged = mergeQueuePolicy(Policy, queueArn, topicArn);
    if (!merged.changed) return changed;
    if (round > POLICY_MERGE_ROUNDS) {
      throw new AsyncAwsError(
        `the queue's policy still lacks the topic's statement after ${POLICY_MERGE_ROUNDS} merges: something else keeps replacing it`,
        { operation: "subscribeQueue", resource: queueArn },
      );
    }
    await queue.setAttributes({ Policy: merged.policy }, options);
    changed = true;
    ({ Policy } = await queue.attributes(["Policy"], options));
  }
}

/** True for `statement` being `ours`, the statement {@link mergeQueuePolicy} added (its Sid may carry a suffix). */
function isStatement(statement: unknown, ours: Statement): boolean {
  if (!isRecord(statement)) return false;
  if (typeof statement.Sid !== "string" || !statement.Sid.startsWith(ours.Sid as string)) return false;
  const { Sid: _theirs, ...rest } = statement;
  const { Sid: _ours, ...expected } = ours;
  return JSON.stringify(rest) === JSON.stringify(expected);
}

/**
 * Takes back the statement {@link grantTopic} added, when the subscription it was for could not
 * be made: reads the policy and removes only that statement (every other one stays); an empty
 * policy is removed. Call it under {@link withQueueLock}.
 * @returns whether the policy was changed
 */
export async function revokeTopic(
  queue: QueueHandle,
  queueArn: string,
  topicArn: string,
  options?: CallOptions,
): Promise<boolean> {
  const { Policy } = await queue.attributes(["Policy"], options);
  const document = Policy ? parsePolicy(Policy) : undefined;
  if (!document) return false;
  const statements = asArray(document.Statement);
  const ours = topicStatement(queueArn, topicArn);
  const kept = statements.filter((statement) => !isStatement(statement, ours));
  if (kept.length === statements.length) return false;
  await queue.setAttributes(
    { Policy: kept.length === 0 ? "" : JSON.stringify({ ...document, Statement: kept }) },
    options,
  );
  return true;
}
