import type { TwoFactorRecord, TwoFactorStore } from '../dashboard/two-factor-store.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  secret: string
  enabled_at: number | null
  recovery_salt: string | null
}

/** Two-factor sign-in in `hearth.db`: `two_factor` (one row per user) and `recovery_codes` (hashes only). */
export function createTwoFactorRepository(db: SqliteDatabase): TwoFactorStore {
  const standing = db.prepare<[string], { enabled: number; grace_from: number }>(
    `SELECT EXISTS (SELECT 1 FROM two_factor WHERE user_id = users.id AND enabled_at IS NOT NULL) AS enabled,
       COALESCE(users.two_factor_grace_from, users.created_at) AS grace_from
     FROM users WHERE users.id = ?`,
  )
  const record = db.prepare<[string], Row>('SELECT secret, enabled_at, recovery_salt FROM two_factor WHERE user_id = ?')
  const upsertPending = db.prepare(
    `INSERT INTO two_factor (user_id, secret, created_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at WHERE two_factor.enabled_at IS NULL`,
  )
  const enable = db.prepare('UPDATE two_factor SET enabled_at = ?, last_step = ?, recovery_salt = ? WHERE user_id = ? AND enabled_at IS NULL')
  const useStep = db.prepare('UPDATE two_factor SET last_step = ? WHERE user_id = ? AND enabled_at IS NOT NULL AND (last_step IS NULL OR last_step < ?)')
  const deleteCodes = db.prepare('DELETE FROM recovery_codes WHERE user_id = ?')
  const insertCode = db.prepare('INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)')
  const useCode = db.prepare('UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL')
  const codesLeft = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL')
  const remove = db.prepare('DELETE FROM two_factor WHERE user_id = ?')

  return {
    standingOf(userId) {
      const row = standing.get(userId)
      return row ? { enabled: row.enabled === 1, graceFromMs: row.grace_from } : undefined
    },
    recordOf(userId): TwoFactorRecord | undefined {
      const row = record.get(userId)
      return row ? { secret: row.secret, enabledAtMs: row.enabled_at, recoverySalt: row.recovery_salt } : undefined
    },
    begin: (userId, secret, nowMs) => upsertPending.run(userId, secret, nowMs).changes > 0,
    enable(userId, step, recovery, nowMs) {
      return db.transaction(() => {
        if (enable.run(nowMs, step, recovery.salt, userId).changes === 0) return false
        deleteCodes.run(userId)
        for (const hash of recovery.hashes) insertCode.run(userId, hash)
        return true
      })()
    },
    useStep: (userId, step) => useStep.run(step, userId, step).changes > 0,
    useRecoveryCode: (userId, hash, nowMs) => useCode.run(nowMs, userId, hash).changes > 0,
    recoveryCodesLeft: (userId) => codesLeft.get(userId)?.n ?? 0,
    remove(userId) {
      return db.transaction(() => {
        deleteCodes.run(userId)
        return remove.run(userId).changes > 0
      })()
    },
  }
}
