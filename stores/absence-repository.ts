import { HearthError, type Absence, type Clock } from '../contract/index.js'
import { createExpiringCache } from './expiring-cache.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  seq: number
  person_id: string
  from_at: number
  to_at: number
  reason: string
  created_by: string
  created_at: number
  ended_at: number | null
  ended_by: string | null
}

export interface NewAbsence {
  fromMs: number
  toMs: number
  reason: string
}

export interface AbsenceRepositoryOptions {
  /** How long another process's change may go unseen (rule ticks ask on every sweep). */
  cacheTtlMs?: number
  cacheClock?: Clock
}

/** The cached rows reach this far before the time first asked about, for readings that arrive late. */
const LOOKBACK_MS = 86_400_000

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

function toAbsence(row: Row): Absence {
  return {
    id: `ab-${row.seq}`,
    personId: row.person_id,
    from: new Date(row.from_at).toISOString(),
    to: new Date(row.to_at).toISOString(),
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    endedAt: iso(row.ended_at),
    endedBy: row.ended_by,
  }
}

function seqOf(absenceId: string): number | undefined {
  const match = /^ab-(\d{1,15})$/.exec(absenceId)
  return match ? Number(match[1]) : undefined
}

/** In force from `from` (inclusive) to `to` (exclusive), or until it was ended early. */
function inForce(row: Row, atMs: number): boolean {
  return row.from_at <= atMs && atMs < row.to_at && (row.ended_at === null || atMs < row.ended_at)
}

/** Planned absences (in hospital, on holiday), and the one in force at a time. */
export function createAbsenceRepository(db: SqliteDatabase, options: AbsenceRepositoryOptions = {}) {
  const insert = db.prepare('INSERT INTO absences (person_id, from_at, to_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
  const bySeq = db.prepare<[number], Row>('SELECT * FROM absences WHERE seq = ?')
  const byPerson = db.prepare<[string, number], Row>('SELECT * FROM absences WHERE person_id = ? ORDER BY seq DESC LIMIT ?')
  const endingAfter = db.prepare<[string, number], Row>('SELECT * FROM absences WHERE person_id = ? AND to_at > ? ORDER BY seq DESC')
  const markEnded = db.prepare('UPDATE absences SET ended_at = ?, ended_by = ? WHERE seq = ?')
  const inForceNow = db.prepare<[number, number, number], Row>(
    'SELECT * FROM absences WHERE from_at <= ? AND to_at > ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY to_at',
  )
  const personExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM persons WHERE id = ?')
  const cache = createExpiringCache<string, { rows: Row[]; coversFromMs: number }>(options.cacheTtlMs ?? 30_000, options.cacheClock)

  const end = db.transaction((personId: string, absenceId: string, by: string, nowMs: number): Row => {
    const seq = seqOf(absenceId)
    const row = seq === undefined ? undefined : bySeq.get(seq)
    // Another person's absence is reported as missing, not as forbidden: ids are not a way to probe.
    if (!row || row.person_id !== personId) throw new HearthError('not_found', `no absence ${absenceId} for person ${personId}`)
    if (row.ended_at !== null) throw new HearthError('conflict', `absence ${absenceId} was already ended at ${new Date(row.ended_at).toISOString()}`)
    if (row.to_at <= nowMs) throw new HearthError('conflict', `absence ${absenceId} is already over`)
    markEnded.run(nowMs, by, row.seq)
    return { ...row, ended_at: nowMs, ended_by: by }
  })

  return {
    add(personId: string, absence: NewAbsence, by: string, nowMs: number): Absence {
      if (!personExists.get(personId)) throw new HearthError('not_found', `no person ${personId}`)
      const { lastInsertRowid } = insert.run(personId, absence.fromMs, absence.toMs, absence.reason, by, nowMs)
      cache.delete(personId)
      return toAbsence({
        seq: Number(lastInsertRowid),
        person_id: personId,
        from_at: absence.fromMs,
        to_at: absence.toMs,
        reason: absence.reason,
        created_by: by,
        created_at: nowMs,
        ended_at: null,
        ended_by: null,
      })
    },

    /** Newest first. */
    list(personId: string, limit = 500): Absence[] {
      return byPerson.all(personId, limit).map(toAbsence)
    },

    /** Ends an absence now: one not yet begun is thereby cancelled. */
    end(personId: string, absenceId: string, by: string, nowMs: number): Absence {
      try {
        return toAbsence(end.immediate(personId, absenceId, by, nowMs))
      } finally {
        cache.delete(personId)
      }
    },

    /** Every absence in force at `atMs`, the soonest to end first. */
    inForceAt(atMs: number): Absence[] {
      return inForceNow.all(atMs, atMs, atMs).map(toAbsence)
    },

    /** The absence in force at `atMs`, the most recently recorded if several overlap. */
    activeAt(personId: string, atMs: number): Absence | undefined {
      let entry = cache.get(personId)
      if (!entry || atMs < entry.coversFromMs) {
        const coversFromMs = atMs - LOOKBACK_MS
        entry = { rows: endingAfter.all(personId, coversFromMs), coversFromMs }
        cache.set(personId, entry)
      }
      const row = entry.rows.find((r) => inForce(r, atMs))
      return row ? toAbsence(row) : undefined
    },
  }
}
