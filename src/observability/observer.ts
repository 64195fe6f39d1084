/**
 * The one thing a client needs to know of observers when it is made: the key of the method an
 * observer runs a call through. Kept apart from the observation's code (request.ts), so that a
 * client without hooks, in a bundle without tracing channels, carries none of that code.
 *
 * @module
 */

/** @internal The key of a {@link ClientObserver}'s method that runs one call under observation. */
export const OBSERVE: unique symbol = Symbol("asyncaws.observe");
