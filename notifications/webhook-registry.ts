import { randomBytes } from 'node:crypto'
import { HearthError, type Clock, type Role, type WebhookEvent, type WebhookView } from '../contract/index.js'
import type { NotificationOutbox, WebhookRecord, WebhookStore } from './ports.js'
import { newWebhookSecret } from './webhook-signature.js'
import { targetRefusal } from './webhook-target.js'

export interface NewWebhook {
  url: string
  events: WebhookEvent[]
  organisationId: string
  /** The roles of the account registering it: what it reads of an alert is decided with them. */
  roles: readonly Role[]
  createdBy: string
}

const viewOf = (w: WebhookRecord): WebhookView => ({
  id: w.id,
  url: w.url,
  events: w.events,
  organisationId: w.organisationId,
  createdAt: new Date(w.createdAtMs).toISOString(),
  createdBy: w.createdBy,
  lastDelivery: w.lastDelivery,
})

/** Webhooks registered, listed and removed: the secret made here and shown once. */
export function createWebhookRegistry(config: { allowPrivate: boolean }, deps: { clock: Clock; webhooks: WebhookStore; outbox: NotificationOutbox }) {
  return {
    register(input: NewWebhook): { webhook: WebhookView; secret: string } {
      const refused = targetRefusal(new URL(input.url), config.allowPrivate)
      if (refused !== undefined) throw new HearthError('validation_failed', `invalid webhook: url: ${refused}`, { problems: [{ field: 'url', message: refused }] })
      const record = {
        id: `wh-${randomBytes(6).toString('hex')}`,
        organisationId: input.organisationId,
        url: input.url,
        events: [...input.events],
        secret: newWebhookSecret(),
        roles: [...input.roles],
        createdBy: input.createdBy,
        createdAtMs: deps.clock.now(),
      }
      deps.webhooks.insert(record)
      return { webhook: viewOf({ ...record, lastDelivery: null }), secret: record.secret }
    },
    /** Those of one organisation, or (null) of all. */
    list(organisationId: string | null): WebhookView[] {
      return deps.webhooks.list(organisationId).map(viewOf)
    },
    get(id: string): WebhookView | undefined {
      const found = deps.webhooks.get(id)
      return found && viewOf(found)
    },
    /** Removed at once: nothing more is sent to it, what waited for it included. */
    remove(id: string, by: string): boolean {
      return deps.outbox.transaction(() => {
        const removed = deps.webhooks.remove(id, by, deps.clock.now())
        if (removed) deps.outbox.dropPendingOf(id)
        return removed
      })
    },
  }
}
export type WebhookRegistry = ReturnType<typeof createWebhookRegistry>
