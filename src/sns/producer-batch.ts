/**
 * The PublishBatch requests of the batch targets (the topic producer, `topic.publishBatch`):
 * their input, whose form body is written straight from the checked entries, and the operation
 * that sends it. Loaded with SNS's operation table, at the first batch.
 *
 * The generic path makes, per batch, a copy of each entry with its `Id` and encodes the whole
 * input; here each entry is encoded as it is under its precomputed prefix, its `Id` appended,
 * which is the same text (tested against the generic encoding). The answer, in its usual form, is
 * read without an element tree (`batch-xml.ts`). The entry copies are made only if
 * something reads `PublishBatchRequestEntries`: an observer of the call (OpenTelemetry, a
 * diagnostics channel).
 *
 * @module
 */

import { batchInput, batchOf, type HeldEntry } from "../batch/input.js";
import type { ErrorContext } from "../core/errors.js";
import type { OperationSpec } from "../core/operation.js";
import { type BatchAnswerShape, readBatchAnswer } from "../core/protocol/batch-xml.js";
import { encodeStructure, percent } from "../core/protocol/query.js";
import type { ListShape, StructureShape } from "../core/schema.js";
import { PublishBatch } from "./operations.js";
import type { PublishBatchInput, PublishBatchRequestEntry } from "./types.js";
import { checkArn, MAX_PUBLISH_BATCH_ENTRIES } from "./validate.js";

/** A checked entry as the targets hold it. */
type Held = HeldEntry<Omit<PublishBatchRequestEntry, "Id">>;

const ENTRY_SHAPE = (PublishBatch.input.members.PublishBatchRequestEntries!.shape as ListShape)
  .member as StructureShape;
/** The entry members that are text, sent under their own names. */
const TEXT_MEMBERS: ReadonlySet<string> = new Set(
  Object.keys(ENTRY_SHAPE.members).filter((key) => {
    const member = ENTRY_SHAPE.members[key]!;
    return member.shape === "s" && (member.name ?? key) === key;
  }),
);

/** Whether every member the entry sets is a text member with a string value. */
function textOnly(entry: Record<string, unknown>): boolean {
  for (const key in entry) {
    const value = entry[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || !TEXT_MEMBERS.has(key)) return false;
  }
  return true;
}

/** `PublishBatchRequestEntries.member.N.`, N from 1: the prefix of each entry's parameters. */
const PREFIXES: readonly string[] = Array.from(
  { length: MAX_PUBLISH_BATCH_ENTRIES },
  (_, index) => `PublishBatchRequestEntries.member.${index + 1}.`,
);

/**
 * The input of one PublishBatch request: the topic ARN, and `PublishBatchRequestEntries` (each
 * entry with its `Id`) made only when read. Sent with {@link PUBLISH_CHECKED_BATCH}, whose body
 * is written from the entries directly.
 */
export function publishBatchInput(
  TopicArn: string,
  items: readonly Held[],
  ids: readonly string[],
): PublishBatchInput {
  return batchInput({ TopicArn } as PublishBatchInput, "PublishBatchRequestEntries", items, ids);
}

/**
 * The form parameters of an input made by {@link publishBatchInput} (after `Action` and
 * `Version`): `&TopicArn=...`, then each entry's members as the generic encoding writes
 * `{ ...entry, Id }`. Undefined (the generic encoding) for any other input, for an entry that has
 * an `Id` of its own, and for more entries than a batch holds.
 */
export function writePublishBatchBody(input: object, format: "json" | "query"): string | undefined {
  if (format !== "query") return undefined;
  const batch = batchOf<Held["entry"]>(input);
  if (batch === undefined) return undefined;
  const { items, ids } = batch;
  if (items.length > PREFIXES.length) return undefined;
  const out = [`&TopicArn=${percent((input as PublishBatchInput).TopicArn)}`];
  for (let index = 0; index < items.length; index++) {
    const entry = items[index]!.entry as Record<string, unknown>;
    if ("Id" in entry) return undefined;
    const prefix = PREFIXES[index]!;
    if (textOnly(entry)) {
      // Text members only (the usual entry: a message, maybe a subject or FIFO ids): each as
      // `encodeStructure` writes a string member, in the entry's order.
      for (const key in entry) {
        const value = entry[key];
        if (typeof value === "string") out.push(`&${prefix}${key}=${percent(value)}`);
      }
    } else {
      encodeStructure(ENTRY_SHAPE, entry, prefix, out);
    }
    out.push(`&${prefix}Id=${percent(ids[index]!)}`);
  }
  return out.join("");
}

/** PublishBatch's answer, as SNS writes it (see `readBatchAnswer`). */
const ANSWER: BatchAnswerShape = {
  response: "PublishBatchResponse",
  result: "PublishBatchResult",
  lists: {
    Successful: { Id: "s", MessageId: "s", SequenceNumber: "s" },
    Failed: { Id: "s", Code: "s", Message: "s", SenderFault: "b" },
  },
};

/** Reads PublishBatch's answer in its usual form without an element tree; `undefined` for the generic reader. */
export function readPublishBatchAnswer(body: string): Record<string, unknown> | undefined {
  return readBatchAnswer(body, ANSWER);
}

/**
 * PublishBatch for the requests the batch targets build: every entry was checked when it was
 * given (by `checkPublished`, as it is sent, after offloading), the engine keeps a batch within 10
 * entries and 256 KiB, and the ids are the target's own, so only the topic ARN is checked here,
 * not each entry again. The body of an input made by {@link publishBatchInput} is written from
 * its entries.
 */
export const PUBLISH_CHECKED_BATCH: OperationSpec = {
  ...PublishBatch,
  validate: (input: PublishBatchInput, context: ErrorContext) => {
    checkArn(input.TopicArn, "TopicArn", context);
  },
  writeBody: writePublishBatchBody,
  readBody: readPublishBatchAnswer,
};
