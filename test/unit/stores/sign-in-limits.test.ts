import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../../../harness/test-platform.js'
import { openDatabase, type SqliteDatabase } from '../../../stores/open-database.js'
import { SIGN_IN_LIMITS, SIGN_IN_LIMIT_MIGRATIONS, createSignInLimits, holdMs, type SignInLimitSettings } from '../../../stores/sign-in-limits.js'

const MINUTE = 60_000

describe('hold lengths', () => {
  it('doubles from the first hold up to the longest', () => {
    const account = SIGN_IN_LIMITS.account
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map((before) => holdMs(account, before) / MINUTE)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60])
    expect([0, 1, 2, 3].map((before) => holdMs(SIGN_IN_LIMITS.address, before) / MINUTE)).toEqual([15, 30, 60, 60])
  })
})

describe('sign-in limits on SQLite', () => {
  // Holds long enough that none ends within a test; the back-off over time is the HTTP suite's.
  const settings: SignInLimitSettings = {
    account: { failures: 2, windowMs: MINUTE, firstHoldMs: MINUTE, longestHoldMs: 4 * MINUTE },
    address: { failures: 4, windowMs: MINUTE, firstHoldMs: 2 * MINUTE, longestHoldMs: 4 * MINUTE },
    backOffMemoryMs: 10 * MINUTE,
    knownAddressMs: 10 * MINUTE,
  }
  let dir: string
  let db: SqliteDatabase

  beforeEach(() => {
    dir = tempDir('hearth-sign-in-limits-')
    db = openDatabase(join(dir, 'sign-in-limits.db'), SIGN_IN_LIMIT_MIGRATIONS, { synchronous: 'NORMAL' })
  })
  afterEach(() => {
    db.close()
    removeDir(dir)
  })

  it('counts attempts before they are checked and holds the account once past the limit', async () => {
    const limits = createSignInLimits(db, settings)
    expect(await limits.count('ann', '203.0.113.1')).toBe(0)
    expect(await limits.count('ann', '203.0.113.2')).toBe(0)
    expect(await limits.retryAfterMs('ann', '203.0.113.3')).toBe(0)
    expect(await limits.count('ann', '203.0.113.3')).toBe(MINUTE)
    const held = await limits.retryAfterMs('ann', '203.0.113.4')
    expect(held).toBeGreaterThan(MINUTE - 5000)
    expect(held).toBeLessThanOrEqual(MINUTE)
    expect(await limits.retryAfterMs('bob', '203.0.113.4')).toBe(0)
  })

  it('gives back an attempt that was right, and then counts the user at that address apart', async () => {
    const limits = createSignInLimits(db, settings)
    await limits.count('ann', '192.0.2.1')
    await limits.count('ann', '192.0.2.1')
    await limits.succeeded('ann', '192.0.2.1')
    // One failure left account-wide: the next from elsewhere holds.
    expect(await limits.count('ann', '203.0.113.1')).toBe(0)
    expect(await limits.count('ann', '203.0.113.2')).toBe(MINUTE)
    // Where she signed in she is counted apart, and the account's hold does not reach her.
    expect(await limits.retryAfterMs('ann', '192.0.2.1')).toBe(0)
    expect(await limits.count('ann', '192.0.2.1')).toBe(0)
  })

  it('holds an address across usernames, and many attempts at once start one hold only', async () => {
    const limits = createSignInLimits(db, settings)
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => limits.count(`user-${i}`, '198.51.100.7')))
    expect(answers.filter((ms) => ms === 0)).toHaveLength(4)
    expect(answers.filter((ms) => ms > 0)).toHaveLength(4)
    const holds = db.prepare("SELECT points FROM sign_in_limits WHERE key LIKE 'address-holds:%'").all() as Array<{ points: number }>
    expect(holds).toEqual([{ points: 1 }])
  })

  it('keeps digests, never a typed username or an address', async () => {
    const limits = createSignInLimits(db, settings)
    await limits.count('my secret password', '198.51.100.7')
    await limits.succeeded('my secret password', '198.51.100.7')
    const keys = (db.prepare('SELECT key FROM sign_in_limits').all() as Array<{ key: string }>).map((row) => row.key)
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      expect(key).toMatch(/^[a-z-]+:[A-Za-z0-9_-]{43}$/)
      expect(key).not.toContain('secret')
      expect(key).not.toContain('198.51')
    }
  })
})
