// The smoke suite's own small assertions: they run on every runtime, so no node:assert.

/** A check's expectation that did not hold (its message is the check's detail). */
export class CheckFailure extends Error {}

/** Fails the check with `message` unless `condition` holds. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

/** Byte-for-byte equality. */
export function equalBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A value as text for a failure message. */
export function show(value: unknown): string {
  if (value instanceof Uint8Array) return `bytes[${Array.from(value).join(",")}]`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A unique queue or topic name. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
