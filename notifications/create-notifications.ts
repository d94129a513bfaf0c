import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import { HearthError, describeProblems, problemsFromZod, type Alert, type Clock, type Service } from '../contract/index.js'
import { createAlertTrigger } from './alert-trigger.js'
import { createDispatcher, type DispatcherConfig, type Sender } from './dispatcher.js'
import { EmailMessageSchema, createEmailSender, type EmailConfig, type EmailMessage } from './email-delivery.js'
import type { AlertAudience, AlertNotices, NotificationOutbox, OpenAlerts, WebhookStore } from './ports.js'
import { createWebhookSender } from './webhook-delivery.js'
import { createWebhookRegistry, type WebhookRegistry } from './webhook-registry.js'
import { newMessageId } from './webhook-signature.js'

export interface NotificationsConfig {
  webhooks: { timeoutMs: number; allowPrivate: boolean }
  /** Absent: email is off (no HEARTH_SMTP_URL). */
  email?: EmailConfig | undefined
  dispatcher: DispatcherConfig
}

export interface NotificationsDeps {
  logger: Logger
  metrics: Registry
  clock: Clock
  outbox: NotificationOutbox
  notices: AlertNotices
  webhooks: WebhookStore
  /** Who may see an alert, and what of it: the dashboard's decision for its live feed. */
  audience: AlertAudience
  openAlerts: OpenAlerts
}

export interface Notifications extends Service {
  /** An alert changed (alerting's one announcement of every change): what that tells webhooks goes to the outbox, then out. */
  alertChanged(alert: Alert): void
  /**
   * Queues an email, sent as soon as it can be and retried like a webhook. Called inside the
   * transaction of the change that causes it, it is written with that change; with a `key`, once
   * per key. Returns the id of the message written; undefined when email is off (no
   * HEARTH_SMTP_URL) or a message with this key was queued before.
   */
  enqueueEmail(email: EmailMessage, key?: string): string | undefined
  webhooks: WebhookRegistry
}

/** The most open alerts looked at again at start. */
const OPEN_ALERTS_AT_START = 10_000

/**
 * Outbound notifications: signed webhooks about alerts (PROTOCOL §2c) and email, through one
 * durable outbox and its dispatcher.
 */
export function createNotifications(config: NotificationsConfig, deps: NotificationsDeps): Notifications {
  const log = deps.logger
  const triggerErrors = new Counter({ name: 'hearth_notification_trigger_errors_total', help: 'Alert changes whose notifications could not be written', registers: [deps.metrics] })
  const email = config.email && createEmailSender(config.email)
  const senders: Record<string, Sender> = {
    webhook: createWebhookSender(config.webhooks, { clock: deps.clock, webhooks: deps.webhooks }),
    ...(email ? { email: email.send } : {}),
  }
  const recordDelivery = (webhookId: string, given: 'delivered' | 'retrying' | 'failed', atMs: number, httpStatus: number | undefined, error: string | undefined): void => {
    deps.webhooks.recordDelivery(webhookId, { at: new Date(atMs).toISOString(), outcome: given, httpStatus: httpStatus ?? null, error: error ?? null })
  }
  const dispatcher = createDispatcher(config.dispatcher, {
    logger: log,
    metrics: deps.metrics,
    clock: deps.clock,
    outbox: deps.outbox,
    senders,
    onResult(message, result, given, atMs) {
      if (message.webhookId !== null) recordDelivery(message.webhookId, given, atMs, result.httpStatus, result.kind === 'delivered' ? undefined : result.error)
    },
  })
  const trigger = createAlertTrigger(deps)

  const tell = (alert: Alert): void => {
    try {
      if (trigger(alert) > 0) dispatcher.wake()
    } catch (error) {
      // Never into alerting's path: the alert stands; what it should have told is looked at again at the next start.
      triggerErrors.inc()
      log.error({ err: error, alertId: alert.id }, 'alert notifications not written')
    }
  }

  return {
    // Once the announcement's listeners have all run: the live feed's sockets are not kept waiting for this write.
    alertChanged: (alert) => queueMicrotask(() => tell(alert)),
    enqueueEmail(input, key) {
      if (!email) return undefined
      const parsed = EmailMessageSchema.safeParse(input)
      if (!parsed.success) {
        const problems = problemsFromZod(parsed.error)
        throw new HearthError('validation_failed', `invalid email: ${describeProblems(problems)}`, { problems })
      }
      const id = newMessageId()
      const now = deps.clock.now()
      const written = deps.outbox.enqueue({ id, key: `email:${key ?? id}`, channel: 'email', webhookId: null, payload: JSON.stringify(parsed.data), createdAtMs: now }, now)
      if (!written) return undefined
      // Woken on the next turn of the event loop: after the caller's transaction has committed.
      dispatcher.wake()
      return id
    },
    webhooks: createWebhookRegistry(config.webhooks, { clock: deps.clock, webhooks: deps.webhooks, outbox: deps.outbox }),
    async start() {
      if (config.email) log.info({ smtpHost: new URL(config.email.url).host }, 'email notifications on')
      else log.info('email notifications are off: HEARTH_SMTP_URL is not set')
      // A change committed just before a crash, never told, is told now; in one transaction, since
      // after an upgrade every open alert gets its first notice here.
      deps.outbox.transaction(() => {
        for (const alert of deps.openAlerts.list('open', OPEN_ALERTS_AT_START)) tell(alert)
      })
      await dispatcher.start()
    },
    async close() {
      await dispatcher.close()
      email?.close()
    },
  }
}
