/**
 * What the inputs of the batch targets' requests (SQS's SendMessageBatch, SNS's PublishBatch) are
 * made of: the queue or topic, and the list of entries, each a copy of a checked entry with its
 * `Id`, made only when read. The operations that send it write the body straight from the
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

/** The inputs recorded by {@link recordBatch}, with what they were made of. */
const made = new WeakMap<object, BatchMade<object>>();

/**
 * Records what a batch input was made of, for {@link batchOf}. The input itself is a literal of
 * the caller's (`{ QueueUrl, get Entries() {...} }`): a literal with its own names is made faster
 * than one with computed names, and one is made per batch.
 */
export function recordBatch<I extends object, E extends object>(
  input: I,
  items: readonly HeldEntry<E>[],
  ids: readonly string[],
): I {
  made.set(input, { items, ids });
  return input;
}

/** The entries of a batch as a request sends them: a copy of each with its `Id`. */
export function entriesWithIds<E extends object>(
  items: readonly HeldEntry<E>[],
  ids: readonly string[],
): (E & { Id: string })[] {
  return items.map((item, index) => ({ ...item.entry, Id: ids[index]! }));
}

/** What an input recorded by {@link recordBatch} was made of; `undefined` for any other input. */
export function batchOf<E extends object>(input: object): BatchMade<E> | undefined {
  return made.get(input) as BatchMade<E> | undefined;
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
