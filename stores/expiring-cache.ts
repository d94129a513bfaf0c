import type { Clock } from '../contract/index.js'

/** Monotonic, so a wall-clock step does not keep a stale entry alive. */
const monotonicClock: Clock = { now: () => performance.now() }

export interface ExpiringCache<K, V> {
  get(key: K): V | undefined
  set(key: K, value: V): void
  delete(key: K): void
}

/**
 * A read-through cache for values another process may change: a write here deletes the key,
 * and every entry expires after `ttlMs`, so another process's write is seen within that time.
 */
export function createExpiringCache<K, V>(ttlMs: number, clock: Clock = monotonicClock): ExpiringCache<K, V> {
  const entries = new Map<K, { value: V; expiresAtMs: number }>()
  return {
    get(key) {
      const entry = entries.get(key)
      if (!entry) return undefined
      if (clock.now() >= entry.expiresAtMs) {
        entries.delete(key)
        return undefined
      }
      return entry.value
    },
    set(key, value) {
      entries.set(key, { value, expiresAtMs: clock.now() + ttlMs })
    },
    delete(key) {
      entries.delete(key)
    },
  }
}
