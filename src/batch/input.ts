/**
 * What the inputs of the batch targets' requests (SQS's SendMessageBatch, SNS's PublishBatch) are
 * made of: the queue or topic, and the list of entries, each a copy of a checked entry with its
 * `Id`, made only when read ({@link batchInput}). The operations that send it write the body straight from the
 * entries ({@link batchOf}), so the copies are made only for an observer of the call or for the
 * generic encoding. The ids are the entries' own (`sendBatch`'s and `publishBatch`'s), else
 * their positions ({@link batchIds}).
 *
 * @module
 */

/** A checked entry as the targets hold it (see `Sized` in the producers). */
export interface HeldEntry<E> {
  readonly entry: E;
}

/** What a batch input was made of: its entries and the `Id` of each. */
export interface BatchMade<E> {
  readonly items: readonly HeldEntry<E>[];
  readonly ids: readonly string[];
}

/** The record of an input made by {@link batchInput}: what it was made of, and its entry copies once read. */
interface Made<E> extends BatchMade<E> {
  /** The input it was made for: a copy of the input (`{ ...input }`) carries the record too, but is not it. */
  readonly input: object;
  entries: (E & { Id: string })[] | undefined;
}

/** Where an input made by {@link batchInput} keeps its record (a copy's record names another input). */
const MADE: unique symbol = Symbol("asyncaws.batchInput");

/** The entries of a batch input, made on first read: one getter for every input. */
function madeEntries(this: { [MADE]?: Made<object> }): object[] | undefined {
  const made = this[MADE];
  if (made === undefined) return undefined;
  made.entries ??= entriesWithIds(made.items, made.ids);
  return made.entries;
}

/** The list member of every batch input: enumerable (observers copy inputs with `...`), made on first read. */
const ENTRIES: PropertyDescriptor = { get: madeEntries, enumerable: true, configurable: true };

/**
 * A batch input: `target` (a literal holding the queue or topic, `{ QueueUrl }`) with its list
 * member `key` (`Entries`, `PublishBatchRequestEntries`) added as an enumerable getter that makes
 * the copies with ids on first read, and the record of what it was made of, for {@link batchOf}.
 * One shared getter and a symbol-keyed record: an object literal with a getter of its own (a
 * closure and an accessor pair per input) and a `WeakMap` entry per input cost about 2 µs per
 * batch, ten times this.
 */
export function batchInput<I extends object, E extends object>(
  target: I,
  key: string,
  items: readonly HeldEntry<E>[],
  ids: readonly string[],
): I {
  Object.defineProperty(target, key, ENTRIES);
  const made: Made<E> = { items, ids, input: target, entries: undefined };
  (target as { [MADE]?: Made<E> })[MADE] = made;
  return target;
}

/** The entries of a batch as a request sends them: a copy of each with its `Id`. */
export function entriesWithIds<E extends object>(
  items: readonly HeldEntry<E>[],
  ids: readonly string[],
): (E & { Id: string })[] {
  return items.map((item, index) => ({ ...item.entry, Id: ids[index]! }));
}

/** What an input made by {@link batchInput} was made of; `undefined` for any other input (copies included). */
export function batchOf<E extends object>(input: object): BatchMade<E> | undefined {
  const made = (input as { [MADE]?: Made<E> })[MADE];
  return made !== undefined && made.input === input ? made : undefined;
}

/** The ids "0" to "9": a batch holds at most 10 entries in SQS and SNS alike. */
const POSITIONS: readonly string[] = Array.from({ length: 10 }, (_, index) => String(index));

/** Each entry's `Id`: its own, else its position in the batch (one shared array when none has its own). */
export function batchIds(items: readonly { readonly id?: string | undefined }[]): readonly string[] {
  let ids: string[] | undefined;
  for (let index = 0; index < items.length; index++) {
    const id = items[index]!.id;
    if (id !== undefined) {
      ids ??= POSITIONS.slice(0, items.length);
      ids[index] = id;
    }
  }
  return ids ?? (items.length === POSITIONS.length ? POSITIONS : POSITIONS.slice(0, items.length));
}
