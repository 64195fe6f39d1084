/**
 * Per-group ordering for FIFO queues: units of work (one message, or one batch) that share a
 * message group run one at a time, in the order they were received; units of different groups
 * run in parallel. When a message fails, the units still waiting behind it in its group are taken
 * out, unhandled, to be released, so that the group's order holds on the retry.
 *
 * @module
 */

/** Something to run that belongs to one or more message groups. */
export interface Sequenced {
  /** The groups its messages belong to (none: it runs at once). */
  readonly groups: readonly string[];
}

/** Keeps per-group order among units. */
export class GroupSequencer<U extends Sequenced> {
  /** Units waiting, in arrival order. */
  #waiting: U[] = [];
  /** Groups with a unit running. */
  readonly #active = new Map<string, number>();

  /** Units waiting to start. */
  get waiting(): readonly U[] {
    return this.#waiting;
  }

  /** Adds units in arrival order; returns those that may start now (their groups are now active). */
  add(units: readonly U[]): U[] {
    for (const unit of units) this.#waiting.push(unit);
    return this.#ready();
  }

  /** Marks a unit finished; returns the units that may start now. */
  done(unit: U): U[] {
    for (const group of unit.groups) {
      const count = (this.#active.get(group) ?? 0) - 1;
      if (count > 0) this.#active.set(group, count);
      else this.#active.delete(group);
    }
    return this.#ready();
  }

  /**
   * Takes out every waiting unit that shares a group with `groups`, and, in turn, every later one
   * that shares a group with a unit taken out (a batch spans groups), in arrival order.
   */
  takeAfterFailure(groups: readonly string[]): U[] {
    const poisoned = new Set(groups);
    const taken: U[] = [];
    const kept: U[] = [];
    for (const unit of this.#waiting) {
      if (unit.groups.some((group) => poisoned.has(group))) {
        taken.push(unit);
        for (const group of unit.groups) poisoned.add(group);
      } else kept.push(unit);
    }
    this.#waiting = kept;
    return taken;
  }

  /** Takes out every waiting unit (on stop). */
  takeAll(): U[] {
    const all = this.#waiting;
    this.#waiting = [];
    return all;
  }

  #ready(): U[] {
    const blocked = new Set<string>();
    const start: U[] = [];
    const kept: U[] = [];
    for (const unit of this.#waiting) {
      if (unit.groups.some((group) => blocked.has(group) || this.#active.has(group))) {
        for (const group of unit.groups) blocked.add(group);
        kept.push(unit);
        continue;
      }
      for (const group of unit.groups) {
        this.#active.set(group, (this.#active.get(group) ?? 0) + 1);
        blocked.add(group);
      }
      start.push(unit);
    }
    this.#waiting = kept;
    return start;
  }
}
