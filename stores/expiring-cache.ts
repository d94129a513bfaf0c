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
 * and every entry expires within `ttlMs`, so another process's write is seen within that time.
 * Each entry lives a random time between half and all of `ttlMs`: entries loaded together (every
 * person's, at start) then expire spread out rather than all in one tick.
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
      entries.set(key, { value, expiresAtMs: clock.now() + ttlMs * (0.5 + Math.random() * 0.5) })
    },
    delete(key) {
      entries.delete(key)
    },
  }
}
