import type { SqliteDatabase } from './open-database.js'

interface Row {
  person_id: string
  user_id: string
  held_since: number
}

/** Who holds a person's incident, and since when. */
interface IncidentHold {
  personId: string
  userId: string
  heldSinceMs: number
}

const toHold = (row: Row): IncidentHold => ({ personId: row.person_id, userId: row.user_id, heldSinceMs: row.held_since })

/** The call-handling console: who holds each person's incident (one row per held incident). */
export function createIncidentHoldRepository(db: SqliteDatabase) {
  const one = db.prepare<[string], Row>('SELECT * FROM incident_holds WHERE person_id = ?')
  const upsert = db.prepare(
    `INSERT INTO incident_holds (person_id, user_id, held_since) VALUES (?, ?, ?)
     ON CONFLICT (person_id) DO UPDATE SET user_id = excluded.user_id, held_since = excluded.held_since`,
  )
  const remove = db.prepare('DELETE FROM incident_holds WHERE person_id = ?')
  return {
    get(personId: string): IncidentHold | undefined {
      const row = one.get(personId)
      return row ? toHold(row) : undefined
    },
    hold(personId: string, userId: string, nowMs: number): IncidentHold {
      upsert.run(personId, userId, nowMs)
      return { personId, userId, heldSinceMs: nowMs }
    },
    /** True when there was a hold to end. */
    release: (personId: string): boolean => remove.run(personId).changes > 0,
  }
}
