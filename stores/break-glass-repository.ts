import { randomBytes } from 'node:crypto'
import type { BreakGlassRecord } from '../dashboard/ports.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  id: string
  person_id: string
  user_id: string
  reason: string
  opened_at: number
  expires_at: number
}

const toRecord = (row: Row): BreakGlassRecord => ({
  id: row.id,
  personId: row.person_id,
  userId: row.user_id,
  reason: row.reason,
  openedAtMs: row.opened_at,
  expiresAtMs: row.expires_at,
})

/** Emergency access to a record outside the user's circles: who, whose, why, and until when. */
export function createBreakGlassRepository(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO break_glass (id, person_id, user_id, reason, opened_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
  const ofPerson = db.prepare<[string, number], Row>('SELECT * FROM break_glass WHERE person_id = ? AND expires_at > ? ORDER BY expires_at DESC')
  const ofUser = db.prepare<[string, number], Row>('SELECT * FROM break_glass WHERE user_id = ? AND expires_at > ? ORDER BY expires_at DESC')
  const since = db.prepare<[string, number], Row>('SELECT * FROM break_glass WHERE person_id = ? AND opened_at >= ? ORDER BY opened_at DESC')
  const allSince = db.prepare<[number], Row>('SELECT * FROM break_glass WHERE opened_at >= ? ORDER BY opened_at DESC')
  return {
    open(grant: { personId: string; userId: string; reason: string; durationMs: number }, nowMs: number): BreakGlassRecord {
      const id = `bg-${randomBytes(6).toString('hex')}`
      insert.run(id, grant.personId, grant.userId, grant.reason, nowMs, nowMs + grant.durationMs)
      return { id, personId: grant.personId, userId: grant.userId, reason: grant.reason, openedAtMs: nowMs, expiresAtMs: nowMs + grant.durationMs }
    },
    /** Emergency accesses to this person in force now, latest expiry first. */
    activeForPerson: (personId: string, nowMs: number): BreakGlassRecord[] => ofPerson.all(personId, nowMs).map(toRecord),
    /** This user's emergency accesses in force now, latest expiry first. */
    activeOfUser: (userId: string, nowMs: number): BreakGlassRecord[] => ofUser.all(userId, nowMs).map(toRecord),
    forPersonSince(personId: string, sinceMs: number): BreakGlassRecord[] {
      return since.all(personId, sinceMs).map(toRecord)
    },
    since: (sinceMs: number): BreakGlassRecord[] => allSince.all(sinceMs).map(toRecord),
  }
}
