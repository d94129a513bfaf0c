import type { AlertStatus } from '../contract/index.js'
import type { AlertNotice, AlertNotices, NewOutboxMessage, NotificationChannel, NotificationOutbox, OutboxMessage } from '../notifications/ports.js'
import type { SqliteDatabase } from './open-database.js'

interface MessageRow {
  id: string
  channel: NotificationChannel
  webhook_id: string | null
  payload: string
  created_at: number
  attempts: number
}

const toMessage = (r: MessageRow): OutboxMessage => ({ id: r.id, channel: r.channel, webhookId: r.webhook_id, payload: r.payload, createdAtMs: r.created_at, attempts: r.attempts })

/** Candidates looked at per claim, beyond the slots free: those of busy webhooks are passed over. */
const CLAIM_LOOKAHEAD = 50

/** The notifications outbox (NOTIFICATIONS_MIGRATION) on the operational database. */
export function createNotificationOutbox(db: SqliteDatabase): NotificationOutbox {
  const insert = db.prepare(
    'INSERT INTO notifications (id, key, channel, webhook_id, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
  )
  const due = db.prepare<[number, number, number], MessageRow>(
    `SELECT id, channel, webhook_id, payload, created_at, attempts FROM notifications
      WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (leased_until IS NULL OR leased_until <= ?)
      ORDER BY next_attempt_at, rowid LIMIT ?`,
  )
  const lease = db.prepare('UPDATE notifications SET leased_until = ? WHERE id = ?')
  const nextDue = db.prepare<[], { at: number | null }>(
    'SELECT MIN(next_attempt_at) AS at FROM notifications WHERE delivered_at IS NULL AND failed_at IS NULL AND leased_until IS NULL',
  )
  const delivered = db.prepare('UPDATE notifications SET delivered_at = ?, attempts = attempts + 1, leased_until = NULL, last_error = NULL WHERE id = ?')
  const retry = db.prepare('UPDATE notifications SET next_attempt_at = ?, attempts = attempts + 1, leased_until = NULL, last_error = ? WHERE id = ?')
  const failed = db.prepare('UPDATE notifications SET failed_at = ?, attempts = attempts + 1, leased_until = NULL, last_error = ? WHERE id = ?')
  const release = db.prepare('UPDATE notifications SET leased_until = NULL WHERE id = ?')
  const releaseAll = db.prepare('UPDATE notifications SET leased_until = NULL WHERE leased_until IS NOT NULL')
  const dropPending = db.prepare('DELETE FROM notifications WHERE webhook_id = ? AND delivered_at IS NULL AND failed_at IS NULL AND leased_until IS NULL')
  const purge = db.prepare('DELETE FROM notifications WHERE (delivered_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < ?')
  const pending = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM notifications WHERE delivered_at IS NULL AND failed_at IS NULL')

  const claim = db.transaction((nowMs: number, leasedUntilMs: number, limit: number, busy: ReadonlySet<string>): OutboxMessage[] => {
    const taken: OutboxMessage[] = []
    const webhooks = new Set(busy)
    for (const row of due.all(nowMs, nowMs, limit + CLAIM_LOOKAHEAD)) {
      if (taken.length >= limit) break
      // One delivery at a time per webhook: a slow receiver holds one slot, not all of them.
      if (row.webhook_id !== null && webhooks.has(row.webhook_id)) continue
      if (row.webhook_id !== null) webhooks.add(row.webhook_id)
      lease.run(leasedUntilMs, row.id)
      taken.push(toMessage(row))
    }
    return taken
  })

  return {
    transaction: (fn) => db.transaction(fn)(),
    enqueue(message: NewOutboxMessage, nextAttemptAtMs: number): boolean {
      return insert.run(message.id, message.key, message.channel, message.webhookId, message.payload, message.createdAtMs, nextAttemptAtMs).changes > 0
    },
    claimDue: (nowMs, leasedUntilMs, limit, busyWebhooks) => (limit > 0 ? claim(nowMs, leasedUntilMs, limit, busyWebhooks) : []),
    nextDueAt: () => nextDue.get()?.at ?? undefined,
    delivered: (id, atMs) => void delivered.run(atMs, id),
    retryAt: (id, nextAttemptAtMs, error) => void retry.run(nextAttemptAtMs, error, id),
    failed: (id, atMs, error) => void failed.run(atMs, error, id),
    release: (id) => void release.run(id),
    releaseAll: () => void releaseAll.run(),
    dropPendingOf: (webhookId) => dropPending.run(webhookId).changes,
    purgeFinished: (beforeMs) => purge.run(beforeMs).changes,
    pendingCount: () => pending.get()?.n ?? 0,
  }
}

/** What each alert's notifications have told so far (NOTIFICATIONS_MIGRATION `alert_notices`). */
export function createAlertNotices(db: SqliteDatabase): AlertNotices {
  const get = db.prepare<[string], { status: AlertStatus; escalation_level: number; reraised_count: number }>(
    'SELECT status, escalation_level, reraised_count FROM alert_notices WHERE alert_id = ?',
  )
  const set = db.prepare(
    `INSERT INTO alert_notices (alert_id, status, escalation_level, reraised_count) VALUES (?, ?, ?, ?)
      ON CONFLICT (alert_id) DO UPDATE SET status = excluded.status, escalation_level = excluded.escalation_level, reraised_count = excluded.reraised_count`,
  )
  return {
    get(alertId: string): AlertNotice | undefined {
      const row = get.get(alertId)
      return row && { status: row.status, escalationLevel: row.escalation_level, reraisedCount: row.reraised_count }
    },
    set(alertId: string, notice: AlertNotice): void {
      set.run(alertId, notice.status, notice.escalationLevel, notice.reraisedCount)
    },
  }
}
