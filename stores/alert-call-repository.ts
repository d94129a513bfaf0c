import { randomBytes } from 'node:crypto'
import type { AlertCall, CallOutcome } from '../contract/index.js'
import { alertSeqOr404 } from './alert-ids.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  id: string
  alert_seq: number
  person_id: string
  plan_version: number
  step: number
  step_name: string
  relationship: string
  outcome: string
  eta_minutes: number | null
  note: string | null
  called_at: number
  called_by: string
  called_by_name: string
}

const toCall = (row: Row): AlertCall => ({
  id: row.id,
  alertId: `a-${row.alert_seq}`,
  personId: row.person_id,
  planVersion: row.plan_version,
  step: row.step,
  name: row.step_name,
  relationship: row.relationship,
  outcome: row.outcome as CallOutcome,
  etaMinutes: row.eta_minutes,
  note: row.note,
  at: new Date(row.called_at).toISOString(),
  by: row.called_by,
  byName: row.called_by_name,
})


export type NewAlertCall = Omit<AlertCall, 'id' | 'at'>

/** PROTOCOL §2c: call attempts on alerts, each against one step of the response plan in force. */
export function createAlertCallRepository(db: SqliteDatabase) {
  const insert = db.prepare(
    `INSERT INTO alert_calls (id, alert_seq, person_id, plan_version, step, step_name, relationship, outcome, eta_minutes, note, called_at, called_by, called_by_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const ofAlert = db.prepare<[number], Row>('SELECT * FROM alert_calls WHERE alert_seq = ? ORDER BY called_at, rowid')
  const ofPerson = db.prepare<[string, number], Row>('SELECT * FROM alert_calls WHERE person_id = ? ORDER BY called_at DESC, rowid DESC LIMIT ?')
  return {
    add(call: NewAlertCall, nowMs: number): AlertCall {
      const id = `call-${randomBytes(6).toString('hex')}`
      insert.run(id, alertSeqOr404(call.alertId), call.personId, call.planVersion, call.step, call.name, call.relationship, call.outcome, call.etaMinutes, call.note, nowMs, call.by, call.byName)
      return { ...call, id, at: new Date(nowMs).toISOString() }
    },
    /** Oldest first: the order they were made in. */
    forAlert: (alertId: string): AlertCall[] => ofAlert.all(alertSeqOr404(alertId)).map(toCall),
    /** Newest first, for the person's timeline. */
    recentForPerson: (personId: string, limit: number): AlertCall[] => ofPerson.all(personId, limit).map(toCall),
  }
}
