import type { Role, WebhookDeliveryStatus, WebhookEvent } from '../contract/index.js'
import type { WebhookRecord, WebhookStore } from '../notifications/ports.js'
import type { SqliteDatabase } from './open-database.js'

interface WebhookRow {
  id: string
  organisation_id: string
  url: string
  events: string
  secret: string
  roles: string
  created_by: string
  created_at: number
  last_attempt_at: number | null
  last_outcome: WebhookDeliveryStatus['outcome'] | null
  last_http_status: number | null
  last_error: string | null
}

const toRecord = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  organisationId: r.organisation_id,
  url: r.url,
  events: JSON.parse(r.events) as WebhookEvent[],
  secret: r.secret,
  roles: JSON.parse(r.roles) as Role[],
  createdBy: r.created_by,
  createdAtMs: r.created_at,
  lastDelivery:
    r.last_attempt_at === null || r.last_outcome === null
      ? null
      : { at: new Date(r.last_attempt_at).toISOString(), outcome: r.last_outcome, httpStatus: r.last_http_status, error: r.last_error },
})

const COLUMNS = 'id, organisation_id, url, events, secret, roles, created_by, created_at, last_attempt_at, last_outcome, last_http_status, last_error'

/** PROTOCOL §2c webhooks (NOTIFICATIONS_MIGRATION): a removed one keeps its row, so its messages keep their webhook. */
export function createWebhookRepository(db: SqliteDatabase): WebhookStore {
  const insert = db.prepare('INSERT INTO webhooks (id, organisation_id, url, events, secret, roles, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const get = db.prepare<[string], WebhookRow>(`SELECT ${COLUMNS} FROM webhooks WHERE id = ? AND removed_at IS NULL`)
  const all = db.prepare<[], WebhookRow>(`SELECT ${COLUMNS} FROM webhooks WHERE removed_at IS NULL ORDER BY created_at, rowid`)
  const ofOrganisation = db.prepare<[string], WebhookRow>(`SELECT ${COLUMNS} FROM webhooks WHERE organisation_id = ? AND removed_at IS NULL ORDER BY created_at, rowid`)
  const remove = db.prepare('UPDATE webhooks SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL')
  const recordDelivery = db.prepare('UPDATE webhooks SET last_attempt_at = ?, last_outcome = ?, last_http_status = ?, last_error = ? WHERE id = ?')
  return {
    insert(w: Omit<WebhookRecord, 'lastDelivery'>): void {
      insert.run(w.id, w.organisationId, w.url, JSON.stringify(w.events), w.secret, JSON.stringify(w.roles), w.createdBy, w.createdAtMs)
    },
    get(id: string): WebhookRecord | undefined {
      const row = get.get(id)
      return row && toRecord(row)
    },
    list(organisationId: string | null): WebhookRecord[] {
      return (organisationId === null ? all.all() : ofOrganisation.all(organisationId)).map(toRecord)
    },
    remove(id: string, by: string, atMs: number): boolean {
      return remove.run(atMs, by, id).changes > 0
    },
    recordDelivery(id: string, status: WebhookDeliveryStatus): void {
      recordDelivery.run(Date.parse(status.at), status.outcome, status.httpStatus, status.error, id)
    },
  }
}
