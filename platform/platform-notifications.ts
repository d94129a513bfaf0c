import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Clock } from '../contract/index.js'
import { alertAudience } from '../dashboard/alert-audience.js'
import { createPersonGuard } from '../dashboard/person-guard.js'
import { createNotifications, type Notifications } from '../notifications/create-notifications.js'
import { createAlertNotices, createNotificationOutbox } from '../stores/notification-outbox.js'
import { createWebhookRepository } from '../stores/webhook-repository.js'
import type { Config } from './config.js'
import type { openStores } from './open-stores.js'

/** An attempt (a webhook's answer, an SMTP exchange step) taking longer than this failed. */
const ATTEMPT_TIMEOUT_MS = 10_000
/** Delivered and given-up messages are kept a week for questions about them, then forgotten. */
const KEEP_FINISHED_MS = 7 * 86_400_000

/**
 * The notifications service on the operational database: its outbox, what each alert has told and
 * the webhooks, with the dashboard's decision of who may see which alert (the live feed's).
 */
export function platformNotifications(config: Config, deps: { logger: Logger; metrics: Registry; clock: Clock; stores: ReturnType<typeof openStores> }): Notifications {
  const { stores, clock } = deps
  const guard = createPersonGuard({ circles: stores.circles, breakGlass: stores.breakGlass, audit: stores.audit, clock, people: stores.people })
  const { smtp, allowPrivateWebhooks, retryScheduleMs } = config.notifications
  return createNotifications(
    {
      webhooks: { timeoutMs: ATTEMPT_TIMEOUT_MS, allowPrivate: allowPrivateWebhooks },
      email: smtp && { ...smtp, timeoutMs: ATTEMPT_TIMEOUT_MS },
      dispatcher: { maxInFlight: 8, pollIntervalMs: 1000, leaseMs: 60_000, retryScheduleMs, closeGraceMs: 2000, keepFinishedMs: KEEP_FINISHED_MS },
    },
    {
      logger: deps.logger.child({ component: 'notifications' }),
      metrics: deps.metrics,
      clock,
      outbox: createNotificationOutbox(stores.db),
      notices: createAlertNotices(stores.db),
      webhooks: createWebhookRepository(stores.db),
      audience: alertAudience(guard, stores.wishes),
      openAlerts: stores.alerts,
    },
  )
}
