import type { Logger } from 'pino'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Clock, Service } from '../contract/index.js'
import type { NotificationChannel, NotificationOutbox, OutboxMessage } from './ports.js'
import { nextAttemptAt } from './retry-schedule.js'

/** How one attempt went. */
export type SendResult =
  | { kind: 'delivered'; httpStatus?: number }
  | { kind: 'retry'; error: string; httpStatus?: number }
  /** Refused for good (the webhook was removed, its address is not allowed, a permanent SMTP refusal): not tried again. */
  | { kind: 'refused'; error: string; httpStatus?: number }

/** Sends one message; `signal` aborts it when the platform closes. A failure is a result, never a throw. */
export type Sender = (message: OutboxMessage, signal: AbortSignal) => Promise<SendResult>

export interface DispatcherConfig {
  /** Messages being sent at once, at most (and one per webhook). */
  maxInFlight: number
  /** The longest the outbox goes unlooked at; new messages and finished sends wake the dispatcher at once. */
  pollIntervalMs: number
  /** How long a claimed message is held; longer than any one attempt takes. */
  leaseMs: number
  retryScheduleMs: readonly number[]
  /** At close, how long sends in flight may take to finish before they are aborted and their leases given back. */
  closeGraceMs: number
  /** Delivered and given-up messages are forgotten after this long: they hold health data. */
  keepFinishedMs: number
}

export interface DispatcherDeps {
  logger: Logger
  metrics: Registry
  clock: Clock
  outbox: NotificationOutbox
  senders: Partial<Record<NotificationChannel, Sender>>
  /** Each attempt's end, after the outbox has it (a webhook's last delivery status). */
  onResult?: (message: OutboxMessage, result: SendResult, given: 'delivered' | 'retrying' | 'failed', atMs: number) => void
  random?: () => number
}

const PURGE_EVERY_MS = 3_600_000

/**
 * Sends what the outbox holds: claims due messages under a lease, a bounded number at once, marks
 * each delivered, to be tried again (retry-schedule.ts) or given up, and looks again when woken,
 * when a send ends, or at the latest every `pollIntervalMs`.
 */
export function createDispatcher(config: DispatcherConfig, deps: DispatcherDeps): Service & { wake(): void } {
  const log = deps.logger
  const random = deps.random ?? Math.random
  const delivered = new Counter({ name: 'hearth_notifications_delivered_total', help: 'Notifications delivered, by channel', labelNames: ['channel'], registers: [deps.metrics] })
  const retried = new Counter({ name: 'hearth_notifications_retried_total', help: 'Notification attempts that failed and will be tried again, by channel', labelNames: ['channel'], registers: [deps.metrics] })
  const failed = new Counter({
    name: 'hearth_notifications_failed_total',
    help: 'Notifications given up, by channel and why: expired (a day of retries) or refused (not to be tried again)',
    labelNames: ['channel', 'reason'],
    registers: [deps.metrics],
  })
  let running = false
  let closing: Promise<void> | undefined
  new Gauge({
    name: 'hearth_notifications_pending',
    help: 'Notifications waiting to be delivered',
    registers: [deps.metrics],
    collect() {
      if (running) this.set(deps.outbox.pendingCount())
    },
  })
  const inFlight = new Map<string, Promise<void>>()
  const busyWebhooks = new Set<string>()
  const abort = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let woken = false
  let lastPurgeMs = -Infinity

  const settle = (message: OutboxMessage, result: SendResult): void => {
    const now = deps.clock.now()
    const fields = { notificationId: message.id, channel: message.channel, webhookId: message.webhookId ?? undefined, attempt: message.attempts + 1 }
    if (result.kind === 'delivered') {
      deps.outbox.delivered(message.id, now)
      delivered.inc({ channel: message.channel })
      log.info({ ...fields, httpStatus: result.httpStatus }, 'notification delivered')
      deps.onResult?.(message, result, 'delivered', now)
      return
    }
    // Closing: what the abort cut short goes again at the next start.
    if (abort.signal.aborted) return deps.outbox.release(message.id)
    const next = result.kind === 'retry' ? nextAttemptAt(message.attempts + 1, message.createdAtMs, now, config.retryScheduleMs, random()) : undefined
    if (next === undefined) {
      deps.outbox.failed(message.id, now, result.error)
      const reason = result.kind === 'refused' ? 'refused' : 'expired'
      failed.inc({ channel: message.channel, reason })
      log.error({ ...fields, error: result.error, reason }, reason === 'expired' ? 'notification given up after a day of retries' : 'notification refused for good')
      deps.onResult?.(message, result, 'failed', now)
      return
    }
    deps.outbox.retryAt(message.id, next, result.error)
    retried.inc({ channel: message.channel })
    log.warn({ ...fields, error: result.error, nextAttemptAt: new Date(next).toISOString() }, 'notification not delivered; will try again')
    deps.onResult?.(message, result, 'retrying', now)
  }

  const send = (message: OutboxMessage): void => {
    if (message.webhookId !== null) busyWebhooks.add(message.webhookId)
    const sender = deps.senders[message.channel]
    const attempt: Promise<SendResult> = sender
      ? sender(message, abort.signal)
      : Promise.resolve({ kind: 'refused', error: `${message.channel} notifications are off` })
    const done = attempt
      .catch((error: unknown): SendResult => ({ kind: 'retry', error: error instanceof Error ? error.message : String(error) }))
      .then((result) => settle(message, result))
      .catch((error: unknown) => log.error({ err: error, notificationId: message.id }, 'notification outcome not recorded; its lease runs out and it goes again'))
      .finally(() => {
        inFlight.delete(message.id)
        if (message.webhookId !== null) busyWebhooks.delete(message.webhookId)
        wake()
      })
    inFlight.set(message.id, done)
  }

  /** The next look: when the next message falls due, never later than the poll interval. */
  const schedule = (): void => {
    clearTimeout(timer)
    if (!running) return
    let delayMs = config.pollIntervalMs
    const next = deps.outbox.nextDueAt()
    const now = deps.clock.now()
    // One already due is waiting for a slot or its webhook: the send that frees it wakes us.
    if (next !== undefined && next > now) delayMs = Math.min(next - now, delayMs)
    timer = setTimeout(pump, delayMs)
    timer.unref()
  }

  function pump(): void {
    woken = false
    if (!running) return
    try {
      const now = deps.clock.now()
      if (now - lastPurgeMs >= PURGE_EVERY_MS) {
        lastPurgeMs = now
        const purged = deps.outbox.purgeFinished(now - config.keepFinishedMs)
        if (purged > 0) log.info({ purged }, 'finished notifications forgotten')
      }
      for (const message of deps.outbox.claimDue(now, now + config.leaseMs, config.maxInFlight - inFlight.size, busyWebhooks)) send(message)
      schedule()
    } catch (error) {
      log.error({ err: error }, 'notification outbox look failed; trying again')
      timer = setTimeout(pump, config.pollIntervalMs)
      timer.unref()
    }
  }

  function wake(): void {
    if (!running || woken) return
    woken = true
    setImmediate(pump)
  }

  return {
    start() {
      // Only this process sends from this data folder: a lease left by one that died is void.
      deps.outbox.releaseAll()
      running = true
      pump()
      return Promise.resolve()
    },
    wake,
    close() {
      closing ??= (async () => {
        running = false
        clearTimeout(timer)
        if (inFlight.size > 0) {
          const grace = new Promise((resolve) => setTimeout(resolve, config.closeGraceMs).unref())
          await Promise.race([Promise.allSettled([...inFlight.values()]), grace])
          abort.abort()
          await Promise.allSettled([...inFlight.values()])
        }
        log.info('notification dispatcher closed')
      })()
      return closing
    },
  }
}
