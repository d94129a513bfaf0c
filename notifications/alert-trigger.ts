import type { Alert, Clock } from '../contract/index.js'
import { alertEvents, noticeOf } from './alert-events.js'
import type { AlertAudience, AlertNotices, NotificationOutbox, WebhookRecord, WebhookStore } from './ports.js'
import { newMessageId } from './webhook-signature.js'

export interface AlertTriggerDeps {
  clock: Clock
  outbox: NotificationOutbox
  notices: AlertNotices
  webhooks: Pick<WebhookStore, 'list'>
  audience: AlertAudience
}

const readerOf = (webhook: WebhookRecord) => ({ id: `webhook:${webhook.id}`, organisationId: webhook.organisationId, roles: webhook.roles })

/**
 * What an alert's change tells the webhooks (PROTOCOL §2c): each event the change brings
 * (alert-events.ts) to each webhook that asked for it and whose organisation may see the alert,
 * with the alert as that organisation may see it. Written in one transaction with what the alert's
 * notifications have now told, and keyed by webhook and event, so that announcing the same change
 * again (after a restart, say) writes nothing twice. Returns how many messages it wrote.
 */
export function createAlertTrigger(deps: AlertTriggerDeps): (alert: Alert) => number {
  return (alert) => {
    const events = alertEvents(deps.notices.get(alert.id), alert)
    if (events.length === 0) return 0
    const webhooks = deps.webhooks.list(null).filter((w) => events.some((e) => w.events.includes(e.type)))
    const views = webhooks.length > 0 ? deps.audience(alert, webhooks.map(readerOf)) : []
    const now = deps.clock.now()
    const timestamp = new Date(now).toISOString()
    return deps.outbox.transaction(() => {
      deps.notices.set(alert.id, noticeOf(alert))
      let written = 0
      webhooks.forEach((webhook, i) => {
        const view = views[i]
        if (!view) return
        for (const event of events.filter((e) => webhook.events.includes(e.type))) {
          const payload = JSON.stringify({ type: event.type, timestamp, data: { alert: view } })
          const message = { id: newMessageId(), key: `webhook:${webhook.id}:${event.key}`, channel: 'webhook' as const, webhookId: webhook.id, payload, createdAtMs: now }
          if (deps.outbox.enqueue(message, now)) written += 1
        }
      })
      return written
    })
  }
}
