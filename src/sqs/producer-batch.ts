/**
 * The SendMessageBatch requests of the batch targets (the producer, `queue.sendBatch`): their
 * input, whose JSON body is written straight from the checked entries, and the operation that
 * sends it.
 *
 * The generic path makes, per batch, a copy of each entry with its `Id`, walks them for blobs
 * and dates, and stringifies the whole; here each entry is stringified as it is and its `Id`
 * appended, which is the same text (tested against the generic encoding). The entry copies are
 * made only if something reads `Entries`: an observer of the call (OpenTelemetry, a diagnostics
 * channel), or the generic encoding when this one does not apply (the Query protocol).
 *
 * @module
 */

import { batchInput, batchOf, type HeldEntry } from "../batch/input.js";
import type { ErrorContext } from "../core/errors.js";
import { toJsonValue } from "../core/protocol/json.js";
import type { ListShape, StructureShape } from "../core/schema.js";
import { SendMessageBatch as checkBatch } from "./checks.js";
import { sentMatches } from "./checksums.js";
import { loadMd5Many } from "./md5-load.js";
import { SendMessageBatch } from "./operations.js";
import type {
  SendMessageBatchRequest,
  SendMessageBatchRequestEntry,
  SendMessageBatchResult,
} from "./types.js";
import { checkQueueUrl } from "./validate.js";

/** A checked entry as the targets hold it. */
type Held = HeldEntry<Omit<SendMessageBatchRequestEntry, "Id">>;

const ENTRY_SHAPE = (SendMessageBatch.input.members.Entries!.shape as ListShape).member as StructureShape;
/** The entry members that may hold a blob (attribute values), which the JSON form writes in base64. */
const SPECIAL_KEYS: readonly string[] = ENTRY_SHAPE.special ?? [];

/**
 * The input of one SendMessageBatch request: the queue URL, and `Entries` (each entry with its
 * `Id`) made only when read. Sent with {@link SEND_CHECKED_BATCH}, whose body is written from the
 * entries directly.
 */
export function sendBatchInput(
  QueueUrl: string,
  items: readonly Held[],
  ids: readonly string[],
): SendMessageBatchRequest {
  return batchInput({ QueueUrl } as SendMessageBatchRequest, "Entries", items, ids);
}

/** `"Name":` of each entry member, as `JSON.stringify` writes the key. */
const KEYS = new Map<string, string>(
  Object.keys(ENTRY_SHAPE.members).map((key) => [key, `${JSON.stringify(key)}:`]),
);

/**
 * One entry's JSON as `JSON.stringify(entry)` writes it, without its closing brace and with a
 * comma after its last member (for the `Id` to follow); `undefined` when the entry has no member.
 * An entry of plain values (the usual one: a body, maybe FIFO ids and a delay) is written member
 * by member, each value stringified on its own (no walk of the entry, no copy of its text to drop
 * the brace); an entry with attributes (which may hold blobs, written in base64), with a member
 * that is an object, or that is not a plain object, is stringified whole.
 */
function entryJson(entry: Record<string, unknown>): string | undefined {
  let special = false;
  for (const key of SPECIAL_KEYS) if (entry[key] !== undefined) special = true;
  if (!special && Object.getPrototypeOf(entry) === Object.prototype) {
    let out = "{";
    let plain = true;
    for (const key in entry) {
      if (!Object.hasOwn(entry, key)) continue;
      const value = entry[key];
      if (
        typeof value === "string" ||
        typeof value === "number" ||
        typeof value === "boolean" ||
        value === null
      ) {
        out += `${KEYS.get(key) ?? `${JSON.stringify(key)}:`}${JSON.stringify(value)},`;
      } else if (value !== undefined) {
        plain = false;
        break;
      }
    }
    if (plain) return out.length > 1 ? out : undefined;
  }
  const json = JSON.stringify(special ? toJsonValue(ENTRY_SHAPE, entry) : entry);
  return json.length < 3 ? undefined : `${json.slice(0, -1)},`;
}

/**
 * The JSON body of an input made by {@link sendBatchInput}: `{"QueueUrl":...,"Entries":[...]}`,
 * each entry as `JSON.stringify` writes it with its `Id` last, as the generic encoding writes
 * `{ ...entry, Id }`. Undefined (the generic encoding) for any other input, and for an entry that
 * has an `Id` of its own, a `toJSON` (the generic copy stringifies as it says), or no member at all.
 */
export function writeSendBatchBody(input: object, format: "json" | "query"): string | undefined {
  if (format !== "json") return undefined;
  const batch = batchOf<Held["entry"]>(input);
  if (batch === undefined) return undefined;
  const { items, ids } = batch;
  let body = `{"QueueUrl":${JSON.stringify((input as SendMessageBatchRequest).QueueUrl)},"Entries":[`;
  for (let index = 0; index < items.length; index++) {
    const entry = items[index]!.entry as Record<string, unknown>;
    if ("Id" in entry || "toJSON" in entry) return undefined;
    const json = entryJson(entry);
    if (json === undefined) return undefined;
    body += `${index === 0 ? "" : ","}${json}"Id":${JSON.stringify(ids[index])}}`;
  }
  return `${body}]}`;
}

/** The digester of many bodies at once (`md5-many.ts`, WebAssembly): `undefined` before it is loaded, `null` where it cannot run. */
let many: import("./md5-many.js").Md5Many | null | undefined;
let manyLoading: Promise<void> | undefined;

/**
 * Loads the digester of many bodies (once), started by the first answer of several entries;
 * resolves when {@link SEND_CHECKED_BATCH}'s check uses it, or knows it cannot. Tests await it.
 * @internal
 */
export function loadSentDigests(): Promise<void> {
  manyLoading ??= loadMd5Many().then(
    (md5Many) => {
      many = md5Many?.() ?? null;
    },
    () => {
      many = null;
    },
  );
  return manyLoading;
}

/** Whether an entry sets message or system attributes (whose digests the answer also carries). */
function hasAttributes(entry: Held["entry"]): boolean {
  for (const _ in entry.MessageAttributes) return true;
  for (const _ in entry.MessageSystemAttributes) return true;
  return false;
}

/**
 * The usual answer (every entry accepted, in the order sent) of entries without attributes,
 * their body digests computed in one call: true when every digest given matches. False (a
 * digest that differs, an entry with attributes, an input the digester refuses) leaves the answer
 * to the check of one entry at a time, and then the general one, which names the entry that
 * differs.
 */
function bodiesMatch(
  digester: import("./md5-many.js").Md5Many,
  items: readonly Held[],
  ids: readonly string[],
  successful: SendMessageBatchResult["Successful"],
): boolean {
  digester.reset();
  for (let index = 0; index < successful.length; index++) {
    const result = successful[index]!;
    const item = items[index];
    if (item === undefined || result.Id !== ids[index] || hasAttributes(item.entry)) return false;
    if (digester.text(item.entry.MessageBody ?? "") !== index) return false;
  }
  digester.run();
  for (let index = 0; index < successful.length; index++) {
    const digest = successful[index]!.MD5OfMessageBody;
    if (digest !== undefined && !digester.matches(index, digest)) return false;
  }
  return true;
}

/**
 * Checks the digests of an answer to an input made by {@link sendBatchInput} against its entries
 * (no entry copies): the bodies of several entries without attributes digested in one call
 * where WebAssembly can run, else one digest per entry; any other input, or an answer whose ids
 * do not line up with the entries, goes through SQS's generic check (which names the entry of a
 * digest that differs).
 */
function checkSentBatch(
  input: SendMessageBatchRequest,
  output: SendMessageBatchResult,
  context: ErrorContext,
) {
  const batch = batchOf<Held["entry"]>(input);
  const successful = output.Successful;
  if (batch !== undefined && successful !== undefined) {
    const { items, ids } = batch;
    if (successful.length > 1) {
      if (many) {
        if (bodiesMatch(many, items, ids, successful)) return;
      } else if (many === undefined && manyLoading === undefined) void loadSentDigests();
    }
    let index = 0;
    for (; index < successful.length; index++) {
      const result = successful[index]!;
      const item = items[index];
      if (item === undefined || result.Id !== ids[index] || !sentMatches(item.entry, result)) break;
    }
    if (index === successful.length) return;
  }
  checkBatch(input, output, context);
}

/**
 * SendMessageBatch for the requests the batch targets build: every entry was checked when it was
 * given (by `checkBatchMessage`, as it is sent, after offloading), the engine keeps a batch
 * within 10 entries and 1 MiB, and the ids are the target's own, so only the queue URL is checked
 * here, not each entry again. The body of an input made by {@link sendBatchInput} is written from
 * its entries; the digests of the answer are checked as SQS's check does.
 */
export const SEND_CHECKED_BATCH = {
  ...SendMessageBatch,
  validate: (input: SendMessageBatchRequest, context: ErrorContext) => {
    checkQueueUrl(input.QueueUrl, "QueueUrl", context);
  },
  check: checkSentBatch,
  writeBody: writeSendBatchBody,
};
