/**
 * The `Id`s a producer's batch entries are sent with, shared by the SQS and SNS producers: an
 * entry's own (`sendBatch`'s and `publishBatch`'s), else its position in the batch.
 *
 * @module
 */

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
