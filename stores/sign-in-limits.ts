import { createHash } from 'node:crypto'
import { RateLimiterRes, RateLimiterSQLite } from 'rate-limiter-flexible'
import type { SignInLimits } from '../dashboard/ports.js'
import type { Migration, SqliteDatabase } from './open-database.js'

/** The limits' own database in the data folder, so that a flood of sign-ins never writes where alarms wait. */
export const SIGN_IN_LIMITS_FILE = 'sign-in-limits.db'

const TABLE = 'sign_in_limits'

/** The table rate-limiter-flexible's SQLite store keeps its counters in, made here rather than on its first use. */
export const SIGN_IN_LIMIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE ${TABLE} (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER);
          CREATE INDEX ${TABLE}_expire ON ${TABLE} (expire);`,
  },
]

/** `failures` within `windowMs` hold a key for `firstHoldMs`, each hold after it twice as long as the last, up to `longestHoldMs`. */
export interface FailureLimit {
  failures: number
  windowMs: number
  firstHoldMs: number
  longestHoldMs: number
}

export interface SignInLimitSettings {
  /** Per account from anywhere; from an address the user signed in from before, per account and that address. */
  account: FailureLimit
  /** Per address across usernames, known or not. */
  address: FailureLimit
  /** How long a hold's length is remembered after it began: the next within it is twice as long. */
  backOffMemoryMs: number
  /** How long an address a user signed in from stays theirs after their last sign-in there. */
  knownAddressMs: number
}

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

export const SIGN_IN_LIMITS: SignInLimitSettings = {
  account: { failures: 10, windowMs: 15 * MINUTE, firstHoldMs: MINUTE, longestHoldMs: 60 * MINUTE },
  address: { failures: 50, windowMs: 15 * MINUTE, firstHoldMs: 15 * MINUTE, longestHoldMs: 60 * MINUTE },
  backOffMemoryMs: DAY,
  knownAddressMs: 30 * DAY,
}

/** The length of a key's hold, given how many it had before within the back-off memory. */
export function holdMs(limit: FailureLimit, holdsBefore: number): number {
  return Math.min(limit.firstHoldMs * 2 ** Math.min(holdsBefore, 30), limit.longestHoldMs)
}

/** Expired counters are removed at most this often, on the next attempt. */
const SWEEP_EVERY_MS = 5 * MINUTE

type Store = ConstructorParameters<typeof RateLimiterSQLite>[0]

/** One limit's counters: failures in the window, and (for the back-off) the holds begun lately. */
class FailureCounter {
  private readonly failures: RateLimiterSQLite
  private readonly holds: RateLimiterSQLite

  constructor(
    store: Omit<Store, 'points' | 'duration'>,
    name: string,
    private readonly limit: FailureLimit,
    private readonly backOffMemoryMs: number,
  ) {
    this.failures = new RateLimiterSQLite({ ...store, keyPrefix: name, points: limit.failures, duration: limit.windowMs / 1000 })
    this.holds = new RateLimiterSQLite({ ...store, keyPrefix: `${name}-holds`, points: Number.MAX_SAFE_INTEGER, duration: backOffMemoryMs / 1000 })
  }

  /** Milliseconds the key is held for, or 0. */
  async heldMs(key: string): Promise<number> {
    const counted = await this.failures.get(key)
    return counted !== null && counted.consumedPoints > this.limit.failures ? counted.msBeforeNext : 0
  }

  /** Counts one attempt: 0 within the limit; past it the milliseconds the key is held for, the hold begun by the attempt that passed it. */
  async count(key: string): Promise<number> {
    try {
      await this.failures.consume(key)
      return 0
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection
      // Attempts at once past the limit: only the first begins the hold (the store counts atomically).
      if (rejection.consumedPoints !== this.limit.failures + 1) return Math.max(rejection.msBeforeNext, 1)
      const holdsBefore = (await this.holds.get(key))?.consumedPoints ?? 0
      const ms = holdMs(this.limit, holdsBefore)
      await this.failures.block(key, ms / 1000)
      await this.holds.set(key, holdsBefore + 1, this.backOffMemoryMs / 1000)
      return ms
    }
  }

  /** Takes back an attempt that turned out right (not from a key already held). */
  async giveBack(key: string): Promise<void> {
    const counted = await this.failures.get(key)
    if (counted !== null && counted.consumedPoints > 0 && counted.consumedPoints <= this.limit.failures) await this.failures.reward(key, 1)
  }

  async clear(key: string): Promise<void> {
    await this.failures.delete(key)
  }
}

/**
 * Sign-in limits on rate-limiter-flexible's SQLite store (`sign-in-limits.db`), so that a
 * restart forgets nothing. Attempts are counted per account from anywhere and per address
 * across usernames; past a limit the account or address is held, each hold twice as long as the
 * one before. An address a user signed in from is theirs for a while: from it their attempts
 * are counted for that account and address only, so that someone guessing elsewhere, or from
 * their network at other accounts, does not lock them out. Keys are SHA-256 digests: the table
 * never holds in clear a typed username (sometimes a password typed in the wrong box) or an address.
 */
export function createSignInLimits(db: SqliteDatabase, settings: SignInLimitSettings = SIGN_IN_LIMITS): SignInLimits {
  const store = { storeClient: db, storeType: 'better-sqlite3', tableName: TABLE, tableCreated: true }
  const accounts = new FailureCounter(store, 'account', settings.account, settings.backOffMemoryMs)
  const addresses = new FailureCounter(store, 'address', settings.address, settings.backOffMemoryMs)
  const known = new RateLimiterSQLite({ ...store, keyPrefix: 'known', points: 1, duration: settings.knownAddressMs / 1000 })
  const sweep = db.prepare(`DELETE FROM ${TABLE} WHERE expire < ?`)
  let sweptAt = 0

  const digest = (...parts: string[]): string => createHash('sha256').update(parts.join('\n')).digest('base64url')

  /** The keys an attempt counts against: from a known address, the account there only. */
  async function keysOf(username: string, address: string): Promise<{ pair: string; account: string; address?: string }> {
    const pair = digest('pair', username, address)
    if ((await known.get(pair)) !== null) return { pair, account: pair }
    return { pair, account: digest('account', username), address: digest('address', address) }
  }

  return {
    async retryAfterMs(username, address) {
      const keys = await keysOf(username, address)
      return Math.max(await accounts.heldMs(keys.account), keys.address === undefined ? 0 : await addresses.heldMs(keys.address))
    },

    async count(username, address) {
      const now = Date.now()
      if (now - sweptAt >= SWEEP_EVERY_MS) {
        sweptAt = now
        sweep.run(now)
      }
      const keys = await keysOf(username, address)
      return Math.max(await accounts.count(keys.account), keys.address === undefined ? 0 : await addresses.count(keys.address))
    },

    async succeeded(username, address) {
      const keys = await keysOf(username, address)
      if (keys.address !== undefined) {
        await accounts.giveBack(keys.account)
        await addresses.giveBack(keys.address)
      }
      await accounts.clear(keys.pair)
      await known.set(keys.pair, 1, settings.knownAddressMs / 1000)
    },
  }
}
