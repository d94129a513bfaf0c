import type { Alert, AlertHistoryEntry, AlertStatus, Outcome, Priority } from '../contract/index.js'
import type { AnsweredAlarm } from '../dashboard/answer-times.js'
import { alertSeq } from './alert-ids.js'
import type { SqliteDatabase } from './open-database.js'

interface Row {
  seq: number
  person_id: string
  person_name: string
  device_id: string
  kind: string
  priority: Priority
  status: AlertStatus
  raised_at: number
  last_occurred_at: number
  acknowledged_at: number | null
  acknowledged_by: string | null
  resolved_at: number | null
  resolved_by: string | null
  outcome: Outcome | null
  note: string | null
  cancelled_at: number | null
  occurrences: number
  escalation_level: number
  summary: string | null
  fold_key: string
  flapping: number
  cleared_at: number | null
  deadline_at: number | null
  reraised_count: number
  follow_up_of: number | null
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())
const ms = (text: string | null): number | null => (text === null ? null : Date.parse(text))

function toAlert(row: Row): Alert {
  return {
    id: `a-${row.seq}`,
    personId: row.person_id,
    personName: row.person_name,
    deviceId: row.device_id,
    kind: row.kind,
    priority: row.priority,
    status: row.status,
    raisedAt: new Date(row.raised_at).toISOString(),
    lastOccurredAt: new Date(row.last_occurred_at).toISOString(),
    acknowledgedAt: iso(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: iso(row.resolved_at),
    resolvedBy: row.resolved_by,
    outcome: row.outcome,
    note: row.note,
    cancelledAt: iso(row.cancelled_at),
    occurrences: row.occurrences,
    escalationLevel: row.escalation_level,
    summary: row.summary,
    clearedAt: iso(row.cleared_at),
    flapping: row.flapping === 1,
    reraisedCount: row.reraised_count,
    nextEscalationAt: iso(row.deadline_at),
    ...(row.follow_up_of === null ? {} : { followUpOf: `a-${row.follow_up_of}` }),
  }
}


const SELECT = 'SELECT alerts.*, persons.name AS person_name FROM alerts JOIN persons ON persons.id = alerts.person_id'
const STATUS_FILTER = {
  open: "status != 'resolved'",
  resolved: "status = 'resolved'",
  all: '1 = 1',
} as const

interface AnswerRow {
  seq: number
  person_id: string
  person_name: string
  kind: string
  raised_at: number
  answered_at: number | null
  answered_by: string | null
}

/** An alarm and when it was first taken, as the answer-time figures read it. */
export type AlertAnswer = AnsweredAlarm

export type NewAlert = Omit<Alert, 'id' | 'personName'> & { foldKey: string }

export function createAlertRepository(db: SqliteDatabase) {
  const open = db.prepare<[string, string], Row>(`${SELECT} WHERE person_id = ? AND fold_key = ? AND status != 'resolved'`)
  const due = db.prepare<[number, number], Row>(`${SELECT} WHERE status != 'resolved' AND deadline_at <= ? ORDER BY deadline_at LIMIT ?`)
  const bySeq = db.prepare<[number], Row>(`${SELECT} WHERE seq = ?`)
  const lists = Object.fromEntries(
    Object.entries(STATUS_FILTER).map(([k, where]) => [k, db.prepare<[number], Row>(`${SELECT} WHERE ${where} ORDER BY seq DESC LIMIT ?`)]),
  ) as Record<keyof typeof STATUS_FILTER, ReturnType<typeof db.prepare<[number], Row>>>
  const byPerson = db.prepare<[string, number], Row>(`${SELECT} WHERE person_id = ? ORDER BY seq DESC LIMIT ?`)
  const forPersons = Object.fromEntries(
    Object.entries(STATUS_FILTER).map(([k, where]) => [
      k,
      db.prepare<[string, number], Row>(`${SELECT} WHERE ${where} AND person_id IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT ?`),
    ]),
  ) as Record<keyof typeof STATUS_FILTER, ReturnType<typeof db.prepare<[string, number], Row>>>
  const insert = db.prepare(
    `INSERT INTO alerts (person_id, device_id, kind, fold_key, priority, status, raised_at, last_occurred_at, acknowledged_at,
       acknowledged_by, resolved_at, resolved_by, outcome, note, cancelled_at, occurrences, escalation_level,
       summary, flapping, cleared_at, deadline_at, reraised_count, follow_up_of)
     VALUES (@personId, @deviceId, @kind, @foldKey, @priority, @status, @raisedAt, @lastOccurredAt, @acknowledgedAt,
       @acknowledgedBy, @resolvedAt, @resolvedBy, @outcome, @note, @cancelledAt, @occurrences, @escalationLevel,
       @summary, @flapping, @clearedAt, @nextEscalationAt, @reraisedCount, @followUpOf)`,
  )
  const update = db.prepare(
    `UPDATE alerts SET status = @status, priority = @priority, last_occurred_at = @lastOccurredAt,
       acknowledged_at = @acknowledgedAt, acknowledged_by = @acknowledgedBy, resolved_at = @resolvedAt,
       resolved_by = @resolvedBy, outcome = @outcome, note = @note, cancelled_at = @cancelledAt,
       occurrences = @occurrences, escalation_level = @escalationLevel, summary = @summary, flapping = @flapping,
       cleared_at = @clearedAt, deadline_at = @nextEscalationAt, reraised_count = @reraisedCount WHERE seq = @seq`,
  )
  const personHistory = db.prepare<[string, number], { seq: number; kind: string; summary: string | null; device_id: string; at: number; action: AlertHistoryEntry['action']; by: string | null; detail: string | null }>(
    `SELECT alerts.seq, alerts.kind, alerts.summary, alerts.device_id, h.at, h.action, h.by, h.detail
       FROM alert_history h JOIN alerts ON alerts.seq = h.alert_seq
      WHERE alerts.person_id = ? ORDER BY h.at DESC, h.rowid DESC LIMIT ?`,
  )
  // The first time a person took each alert: an acknowledgement, or a resolution of one nobody had taken.
  const answers = db.prepare<[number, number, string], AnswerRow>(
    `SELECT alerts.seq, alerts.person_id, persons.name AS person_name, alerts.kind, alerts.raised_at,
            first.at AS answered_at, first.by AS answered_by
       FROM alerts JOIN persons ON persons.id = alerts.person_id
       LEFT JOIN alert_history AS first ON first.rowid = (
         SELECT h.rowid FROM alert_history h
          WHERE h.alert_seq = alerts.seq AND h.action IN ('acknowledged', 'resolved') AND h.by IS NOT NULL AND h.by != 'hearth'
          ORDER BY h.at, h.rowid LIMIT 1)
      WHERE alerts.raised_at >= ? AND alerts.raised_at < ? AND alerts.kind IN (SELECT value FROM json_each(?))
      ORDER BY alerts.raised_at`,
  )
  const addHistory = db.prepare('INSERT INTO alert_history (alert_seq, at, action, by, detail) VALUES (?, ?, ?, ?, ?)')
  const history = db.prepare<[number], { at: number; action: AlertHistoryEntry['action']; by: string | null; detail: string | null }>(
    'SELECT at, action, by, detail FROM alert_history WHERE alert_seq = ? ORDER BY at, rowid',
  )

  const params = (alert: Omit<Alert, 'id' | 'personName'>) => ({
    ...alert,
    flapping: alert.flapping ? 1 : 0,
    clearedAt: ms(alert.clearedAt),
    nextEscalationAt: ms(alert.nextEscalationAt),
    raisedAt: Date.parse(alert.raisedAt),
    lastOccurredAt: Date.parse(alert.lastOccurredAt),
    acknowledgedAt: ms(alert.acknowledgedAt),
    resolvedAt: ms(alert.resolvedAt),
    cancelledAt: ms(alert.cancelledAt),
    followUpOf: alert.followUpOf === undefined ? null : (alertSeq(alert.followUpOf) ?? null),
  })

  return {
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)()
    },
    /** The person's open alert under this fold key (the kind, or kind and device for device alerts). */
    findOpen(personId: string, foldKey: string): Alert | undefined {
      const row = open.get(personId, foldKey)
      return row ? toAlert(row) : undefined
    },
    /** Open alerts whose escalation or re-raise deadline has passed, oldest deadline first. */
    due(nowMs: number, limit: number): Alert[] {
      return due.all(nowMs, limit).map(toAlert)
    },
    get(alertId: string): Alert | undefined {
      const seq = alertSeq(alertId)
      const row = seq === undefined ? undefined : bySeq.get(seq)
      return row ? toAlert(row) : undefined
    },
    insert(alert: NewAlert): Alert {
      const seq = Number(insert.run(params(alert)).lastInsertRowid)
      return toAlert(bySeq.get(seq) as Row)
    },
    update(alert: Alert): void {
      const { id, personName: _name, ...rest } = alert
      update.run({ ...params(rest), seq: alertSeq(id) })
    },
    addHistory(alertId: string, entry: AlertHistoryEntry): void {
      addHistory.run(alertSeq(alertId), Date.parse(entry.at), entry.action, entry.by, entry.detail)
    },
    history(alertId: string): AlertHistoryEntry[] {
      const seq = alertSeq(alertId)
      if (seq === undefined) return []
      return history.all(seq).map((h) => ({ ...h, at: new Date(h.at).toISOString() }))
    },
    /** What happened to a person's alerts, newest first. */
    historyForPerson(personId: string, limit: number) {
      return personHistory.all(personId, limit).map((r) => ({
        alertId: `a-${r.seq}`,
        kind: r.kind,
        summary: r.summary,
        deviceId: r.device_id,
        at: new Date(r.at).toISOString(),
        action: r.action,
        by: r.by,
        detail: r.detail,
      }))
    },
    /** Alerts of these kinds raised in [fromMs, toMs), with when and by whom a person first took each. */
    answers(fromMs: number, toMs: number, kinds: readonly string[]): AlertAnswer[] {
      return answers.all(fromMs, toMs, JSON.stringify(kinds)).map((r) => ({
        alertId: `a-${r.seq}`,
        personId: r.person_id,
        personName: r.person_name,
        kind: r.kind,
        raisedAtMs: r.raised_at,
        answeredAtMs: r.answered_at,
        answeredBy: r.answered_by,
      }))
    },
    list(status: keyof typeof STATUS_FILTER, limit: number): Alert[] {
      return lists[status].all(limit).map(toAlert)
    },
    listForPerson(personId: string, limit: number): Alert[] {
      return byPerson.all(personId, limit).map(toAlert)
    },
    /** The newest alerts of these people only (those one user may see). */
    listForPersons(status: keyof typeof STATUS_FILTER, personIds: Iterable<string>, limit: number): Alert[] {
      return forPersons[status].all(JSON.stringify([...personIds]), limit).map(toAlert)
    },
  }
}
