import { randomBytes } from 'node:crypto'
import type { FollowUp } from '../contract/index.js'
import { alertSeqOr404 } from './alert-ids.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  id: string
  alert_seq: number
  person_id: string
  due_at: number
  note: string
  created_at: number
  created_by: string
  raised_alert_seq: number | null
  cancelled_at: number | null
  cancelled_by: string | null
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

const toFollowUp = (row: Row): FollowUp => ({
  id: row.id,
  alertId: `a-${row.alert_seq}`,
  personId: row.person_id,
  dueAt: new Date(row.due_at).toISOString(),
  note: row.note,
  status: row.cancelled_at !== null ? 'cancelled' : row.raised_alert_seq !== null ? 'raised' : 'pending',
  createdAt: new Date(row.created_at).toISOString(),
  createdBy: row.created_by,
  raisedAlertId: row.raised_alert_seq === null ? null : `a-${row.raised_alert_seq}`,
  cancelledAt: iso(row.cancelled_at),
  cancelledBy: row.cancelled_by,
})


interface NewFollowUp {
  alertId: string
  personId: string
  dueAtMs: number
  note: string
  by: string
}

/** Follow-ups set on alerts (contract/follow-ups.ts): pending until alerting raises them at their time, or cancelled. */
export function createFollowUpRepository(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO follow_ups (id, alert_seq, person_id, due_at, note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const byId = db.prepare<[string], Row>('SELECT * FROM follow_ups WHERE id = ?')
  const ofAlert = db.prepare<[number], Row>('SELECT * FROM follow_ups WHERE alert_seq = ? ORDER BY due_at, rowid')
  const pendingOfPerson = db.prepare<[string], Row>('SELECT * FROM follow_ups WHERE person_id = ? AND raised_alert_seq IS NULL AND cancelled_at IS NULL ORDER BY due_at, rowid')
  const due = db.prepare<[number, number], Row>('SELECT * FROM follow_ups WHERE raised_alert_seq IS NULL AND cancelled_at IS NULL AND due_at <= ? ORDER BY due_at LIMIT ?')
  const raised = db.prepare('UPDATE follow_ups SET raised_alert_seq = ? WHERE id = ? AND raised_alert_seq IS NULL AND cancelled_at IS NULL')
  const cancel = db.prepare('UPDATE follow_ups SET cancelled_at = ?, cancelled_by = ? WHERE id = ? AND raised_alert_seq IS NULL AND cancelled_at IS NULL')
  return {
    add(followUp: NewFollowUp, nowMs: number): FollowUp {
      const id = `fu-${randomBytes(6).toString('hex')}`
      insert.run(id, alertSeqOr404(followUp.alertId), followUp.personId, followUp.dueAtMs, followUp.note, nowMs, followUp.by)
      return toFollowUp(byId.get(id) as Row)
    },
    get(id: string): FollowUp | undefined {
      const row = byId.get(id)
      return row ? toFollowUp(row) : undefined
    },
    /** Soonest first. */
    forAlert: (alertId: string): FollowUp[] => ofAlert.all(alertSeqOr404(alertId)).map(toFollowUp),
    /** A person's pending ones, due or not, soonest first. */
    pendingForPerson: (personId: string): FollowUp[] => pendingOfPerson.all(personId).map(toFollowUp),
    /** Pending ones whose time has come, soonest first. */
    due: (nowMs: number, limit: number): FollowUp[] => due.all(nowMs, limit).map(toFollowUp),
    /** Marks it raised as that alert; false when it was cancelled or raised already. */
    markRaised: (id: string, alertId: string): boolean => raised.run(alertSeqOr404(alertId), id).changes === 1,
    /** Cancels it if still pending; false when it was raised or cancelled already. */
    cancel: (id: string, by: string, nowMs: number): boolean => cancel.run(nowMs, by, id).changes === 1,
  }
}
