import { randomBytes } from 'node:crypto'
import type { Attendance, AttendanceEvent } from '../contract/index.js'
import { alertSeqOr404 } from './alert-ids.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  id: string
  alert_seq: number
  person_id: string
  event: string
  responder: string
  note: string | null
  at: number
  recorded_by: string
}

const toAttendance = (row: Row): Attendance => ({
  id: row.id,
  alertId: `a-${row.alert_seq}`,
  personId: row.person_id,
  event: row.event as AttendanceEvent,
  responder: row.responder,
  note: row.note,
  at: new Date(row.at).toISOString(),
  recordedBy: row.recorded_by,
})


type NewAttendance = Omit<Attendance, 'id' | 'at'>

/** A mobile responder's arrival at and clearing from the person's home, against the alert. */
export function createAttendanceRepository(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO alert_attendance (id, alert_seq, person_id, event, responder, note, at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const ofAlert = db.prepare<[number], Row>('SELECT * FROM alert_attendance WHERE alert_seq = ? ORDER BY at, rowid')
  return {
    add(attendance: NewAttendance, nowMs: number): Attendance {
      const id = `att-${randomBytes(6).toString('hex')}`
      insert.run(id, alertSeqOr404(attendance.alertId), attendance.personId, attendance.event, attendance.responder, attendance.note, nowMs, attendance.recordedBy)
      return { ...attendance, id, at: new Date(nowMs).toISOString() }
    },
    /** Oldest first. */
    forAlert: (alertId: string): Attendance[] => ofAlert.all(alertSeqOr404(alertId)).map(toAttendance),
  }
}
