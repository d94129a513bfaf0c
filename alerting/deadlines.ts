import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import type { Alert, Clock } from '../contract/index.js'
import * as lifecycle from './alert-lifecycle.js'
import type { AlertDesk } from './alert-desk.js'
import type { AlertStore } from './ports.js'

/** The timer's tick is spread over this many parts of its interval. */
export const TICK_SLICES = 10

/**
 * Deadlines and the clock's tick: an unanswered alert escalates, an acknowledged one left
 * unresolved goes back to the queue (alert-lifecycle.ts), and the rules that watch for silence
 * are checked.
 */
export function createDeadlines(deps: {
  logger: Logger
  metrics: Registry
  clock: Clock
  alerts: AlertStore
  desk: AlertDesk
  announce: (alert: Alert) => void
  rulesTick: (slice?: { index: number; of: number }) => void
  /** Follow-ups whose time has come, raised before deadlines are checked (follow-up-raiser.ts). */
  raiseDue?: () => void
}) {
  const log = deps.logger
  const escalated = new Counter({ name: 'hearth_alerts_escalated_total', help: 'Alert deadlines passed, by priority and what followed', labelNames: ['priority', 'action'], registers: [deps.metrics] })

  const escalateDue = (): void => {
    for (const due of deps.alerts.due(deps.clock.now(), 500)) {
      try {
        const alert = deps.desk.transition(due.id, (a, now) => lifecycle.onDeadline(a, now), () => undefined)
        const action = alert.status === 'raised' && alert.reraisedCount > due.reraisedCount ? 'reraised' : 'escalated'
        escalated.inc({ priority: alert.priority, action })
        log.warn({ alertId: alert.id, kind: alert.kind, escalationLevel: alert.escalationLevel, action }, `alert ${action}`)
        deps.announce(alert)
      } catch (error) {
        log.error({ err: error, alertId: due.id }, 'alert deadline failed; will retry')
      }
    }
  }

  let slice = 0
  return {
    /** Deadlines and every person's silence rules, now. */
    tick(): void {
      try {
        deps.raiseDue?.()
        escalateDue()
        deps.rulesTick()
      } catch (error) {
        log.error({ err: error }, 'alerting tick failed')
      }
    },
    /**
     * The timer's tick, in TICK_SLICES parts spread over the interval: deadlines on the first, and
     * a slice of the people's silence rules on each, so that with thousands of people no single
     * part holds the event loop (and an alarm behind it) for long.
     */
    tickSlice(): void {
      const index = slice
      slice = (slice + 1) % TICK_SLICES
      try {
        if (index === 0) {
          deps.raiseDue?.()
          escalateDue()
        }
        deps.rulesTick({ index, of: TICK_SLICES })
      } catch (error) {
        log.error({ err: error }, 'alerting tick failed')
      }
    },
  }
}
