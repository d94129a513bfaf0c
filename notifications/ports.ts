import type { Alert, AlertStatus, Role, WebhookDeliveryStatus, WebhookEvent } from '../contract/index.js'

export type NotificationChannel = 'webhook' | 'email'

/** A message waiting in the outbox, as the dispatcher claims it. */
export interface OutboxMessage {
  /** The message's id: Standard Webhooks' `webhook-id`, an email's Message-ID; the same on every attempt. */
  id: string
  channel: NotificationChannel
  webhookId: string | null
  /** What is sent: a webhook's exact body, or an email as JSON (`EmailMessage`). */
  payload: string
  createdAtMs: number
  /** Attempts made before this one. */
  attempts: number
}

export interface NewOutboxMessage {
  id: string
  /** What caused it, once: a second message with the same key is not written. */
  key: string
  channel: NotificationChannel
  webhookId: string | null
  payload: string
  createdAtMs: number
}

/**
 * The durable outbox (the transactional outbox pattern): a message is written with, or right after
 * and keyed by, the change that causes it; claimed for a lease while it is being sent; delivered,
 * tried again later, or given up.
 */
export interface NotificationOutbox {
  transaction<T>(fn: () => T): T
  /** Writes the message unless one with its key exists; true when it was written. */
  enqueue(message: NewOutboxMessage, nextAttemptAtMs: number): boolean
  /**
   * Leases up to `limit` messages due by `nowMs` (oldest first) until `leasedUntilMs`, at most one
   * per webhook and none of the webhooks in `busyWebhooks`.
   */
  claimDue(nowMs: number, leasedUntilMs: number, limit: number, busyWebhooks: ReadonlySet<string>): OutboxMessage[]
  /** When the next message not leased falls due, if any is waiting. */
  nextDueAt(): number | undefined
  delivered(id: string, atMs: number): void
  retryAt(id: string, nextAttemptAtMs: number, error: string): void
  failed(id: string, atMs: number, error: string): void
  /** Gives a lease back without counting an attempt (closing mid-send). */
  release(id: string): void
  /** A restart holds nothing in flight: every lease is given back. */
  releaseAll(): void
  /** Waiting messages of a webhook that was removed are dropped; how many. */
  dropPendingOf(webhookId: string): number
  /** Forgets delivered and given-up messages made before `beforeMs` (they may hold health data); how many. */
  purgeFinished(beforeMs: number): number
  /** Messages still to be delivered. */
  pendingCount(): number
}

/** What an alert's notifications have told so far. */
export interface AlertNotice {
  status: AlertStatus
  escalationLevel: number
  reraisedCount: number
}

export interface AlertNotices {
  get(alertId: string): AlertNotice | undefined
  set(alertId: string, notice: AlertNotice): void
}

export interface WebhookRecord {
  id: string
  organisationId: string
  url: string
  events: WebhookEvent[]
  /** `whsec_…`: the key every delivery is signed with. */
  secret: string
  /** The roles of the account that registered it: what it reads of an alert is decided with them. */
  roles: Role[]
  createdBy: string
  createdAtMs: number
  lastDelivery: WebhookDeliveryStatus | null
}

export interface WebhookStore {
  insert(webhook: Omit<WebhookRecord, 'lastDelivery'>): void
  /** A webhook not removed. */
  get(id: string): WebhookRecord | undefined
  /** Those not removed: of one organisation, or (null) of all. */
  list(organisationId: string | null): WebhookRecord[]
  /** false when there was none to remove. */
  remove(id: string, by: string, atMs: number): boolean
  recordDelivery(id: string, status: WebhookDeliveryStatus): void
}

/** Who reads an alert for a webhook: its organisation, with the roles it was registered with. */
interface AlertReader {
  id: string
  organisationId: string
  roles: readonly Role[]
}

/**
 * The alert as each reader may see it (the decision the live feed makes for signed-in users:
 * circle of care with the `alerts` scope, and what the roles may read), or undefined for a reader
 * who may not see it at all.
 */
export type AlertAudience = (alert: Alert, readers: readonly AlertReader[]) => Array<Alert | undefined>

/** Open alerts, looked at again at start: a change committed just before a crash is told then. */
export interface OpenAlerts {
  list(status: 'open', limit: number): Alert[]
}
