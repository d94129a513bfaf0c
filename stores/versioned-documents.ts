import { HearthError, type Clock } from '../contract/index.js'
import { createExpiringCache } from './expiring-cache.js'
import type { SqliteDatabase } from './open-database.js'

/** One version of a person's document, as it was written. */
export interface DocumentVersion<T> {
  personId: string
  version: number
  content: T
  changedAt: string
  changedBy: string
  reason: string
}

interface Row {
  person_id: string
  version: number
  content: string
  changed_by: string
  changed_at: number
  reason: string
}

export interface VersionedDocumentsOptions {
  /** How long another process's change may go unseen (the rules read the routine on every tick). */
  cacheTtlMs?: number
  cacheClock?: Clock
}

const toVersion = <T>(row: Row): DocumentVersion<T> => ({
  personId: row.person_id,
  version: row.version,
  content: JSON.parse(row.content) as T,
  changedAt: new Date(row.changed_at).toISOString(),
  changedBy: row.changed_by,
  reason: row.reason,
})

/**
 * A document per person (what matters to them, their response plan) kept in versions: every write
 * is a new version with who, when and why, never an update. `table` and `column` are this
 * module's callers' own constants, never input.
 */
export function createVersionedDocuments<T>(db: SqliteDatabase, table: 'person_wishes' | 'response_plans', column: 'wishes' | 'steps', options: VersionedDocumentsOptions = {}) {
  const select = `SELECT person_id, version, ${column} AS content, changed_by, changed_at, reason FROM ${table} WHERE person_id = ? ORDER BY version DESC LIMIT ?`
  const recent = db.prepare<[string, number], Row>(select)
  const insert = db.prepare(`INSERT INTO ${table} (person_id, version, ${column}, changed_by, changed_at, reason) VALUES (?, ?, ?, ?, ?, ?)`)
  const personExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM persons WHERE id = ?')
  // null: known to have none yet.
  const cache = createExpiringCache<string, DocumentVersion<T> | null>(options.cacheTtlMs ?? 30_000, options.cacheClock)

  const write = db.transaction((personId: string, content: T, reason: string, by: string, nowMs: number): DocumentVersion<T> => {
    if (!personExists.get(personId)) throw new HearthError('not_found', `no person ${personId}`)
    const version = (recent.get(personId, 1)?.version ?? 0) + 1
    insert.run(personId, version, JSON.stringify(content), by, nowMs, reason)
    return { personId, version, content, changedAt: new Date(nowMs).toISOString(), changedBy: by, reason }
  })

  return {
    /** The version in force, or undefined when none was written. Treat it as read-only: it is shared. */
    current(personId: string): DocumentVersion<T> | undefined {
      const cached = cache.get(personId)
      if (cached !== undefined) return cached ?? undefined
      const row = recent.get(personId, 1)
      const found = row ? toVersion<T>(row) : null
      cache.set(personId, found)
      return found ?? undefined
    },

    /** Newest first. */
    history(personId: string, limit: number): Array<DocumentVersion<T>> {
      return recent.all(personId, limit).map((row) => toVersion<T>(row))
    },

    /** A new version; IMMEDIATE takes the write lock before reading, so two writers never claim the same version. */
    save(personId: string, content: T, reason: string, by: string, nowMs: number): DocumentVersion<T> {
      try {
        return write.immediate(personId, content, reason, by, nowMs)
      } finally {
        cache.delete(personId)
      }
    },
  }
}
