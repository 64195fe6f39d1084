/**
 * Caching and refresh of credentials, shared by every provider of asyncaws.
 *
 * - Credentials without an expiration are kept for good.
 * - Temporary credentials are reused until `refreshBeforeMs` (5 minutes) before they expire. In
 *   that window the old ones keep being returned at once while one refresh runs in the
 *   background; a failed refresh is tried again `retryAfterFailureMs` later, for as long as the
 *   old ones are valid.
 * - Once they have expired (or before the first ones), callers wait for the refresh; there is
 *   only ever one refresh in flight, however many callers wait (single flight).
 *
 * @module
 */

import type { Credentials, CredentialsProvider, CredentialsRequest } from "./types.js";

/** Options of {@link cachedProvider}. */
export interface CacheOptions {
  /**
   * Refresh temporary credentials this long before they expire, in milliseconds.
   * @default 300000 (5 minutes)
   */
  refreshBeforeMs?: number | undefined;
  /**
   * After a failed background refresh, wait this long before trying again, in milliseconds.
   * @default 10000
   */
  retryAfterFailureMs?: number | undefined;
  /**
   * Credentials expiring sooner than this are not used, in milliseconds: callers wait for new ones.
   * @default 15000
   */
  minValidityMs?: number | undefined;
  /** The clock (tests). @default Date.now */
  now?: (() => number) | undefined;
}

/**
 * Wraps a function that fetches credentials in the cache: single-flight refresh, before expiry,
 * keeping valid credentials when a refresh fails.
 *
 * @example
 * ```ts
 * const provider = cachedProvider(async () => fetchMyCredentials());
 * const sqs = new SQS({ credentials: provider });
 * ```
 */
export function cachedProvider(
  fetch: () => Promise<Credentials>,
  options: CacheOptions = {},
): CredentialsProvider {
  const refreshBefore = options.refreshBeforeMs ?? 300_000;
  const retryAfterFailure = options.retryAfterFailureMs ?? 10_000;
  const minValidity = options.minValidityMs ?? 15_000;
  const now = options.now ?? Date.now;
  let current: Credentials | undefined;
  let inflight: Promise<Credentials> | undefined;
  let nextTryAt = 0;

  const refresh = (): Promise<Credentials> => {
    inflight ??= (async () => {
      try {
        const fresh = await fetch();
        current = fresh;
        return fresh;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };

  return (request?: CredentialsRequest): Promise<Credentials> => {
    if (request?.forceRefresh) return refresh();
    if (current === undefined) return refresh();
    const expires = current.expiration?.getTime();
    if (expires === undefined) return Promise.resolve(current);
    const t = now();
    const left = expires - t;
    if (left > refreshBefore) return Promise.resolve(current);
    if (left > minValidity) {
      // Still valid: serve them, refresh once in the background.
      if (inflight === undefined && t >= nextTryAt) {
        refresh().catch(() => {
          nextTryAt = now() + retryAfterFailure;
        });
      }
      return Promise.resolve(current);
    }
    return refresh();
  };
}
