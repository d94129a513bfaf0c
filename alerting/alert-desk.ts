import type { Logger } from 'pino'
import { ACKNOWLEDGED_TEXT, HearthError, RESOLVED_TEXT, type Alert, type AlertHistoryEntry, type Clock, type Outcome } from '../contract/index.js'

/** What a responder writes in an alert's log besides acknowledging and resolving it. */
export type LogAction = Extract<AlertHistoryEntry['action'], 'note' | 'follow-up' | 'attendance' | 'script-answers'>
import * as lifecycle from './alert-lifecycle.js'
import type { CommandSender } from './command-sender.js'
import type { AlertStore } from './ports.js'

/**
 * What responders do to alerts (acknowledge, resolve, note), each one atomic step: the alert
 * change, its history and the commands it causes commit together, then the commands go and the
 * change is announced.
 */
export function createAlertDesk(deps: { logger: Logger; clock: Clock; alerts: AlertStore; commands: CommandSender; announce: (alert: Alert) => void }) {
  const log = deps.logger

  const transition = (alertId: string, change: (alert: Alert, now: number) => lifecycle.Transition, commands: (alert: Alert) => void): Alert =>
    deps.alerts.transaction(() => {
      const alert = deps.alerts.get(alertId)
      if (!alert) throw new HearthError('not_found', `no alert ${alertId}`)
      const result = change(alert, deps.clock.now())
      if (!result.ok) throw new HearthError('conflict', `alert ${alertId} is ${result.reason}`)
      deps.alerts.update(result.alert)
      deps.alerts.addHistory(result.alert.id, result.entry)
      commands(result.alert)
      return result.alert
    })

  return {
    transition,
    acknowledge(alertId: string, by: string): Alert {
      const alert = transition(alertId, (a, now) => lifecycle.acknowledge(a, by, now), (a) => {
        deps.commands.enqueue(a.deviceId, { type: 'alarm.acknowledged', alertId, text: ACKNOWLEDGED_TEXT })
      })
      log.info({ alertId, by }, 'alert acknowledged')
      deps.commands.flush()
      deps.announce(alert)
      return alert
    },
    resolve(alertId: string, by: string, outcome: Outcome, note?: string): Alert {
      let wasRaised = false
      const alert = transition(
        alertId,
        (a, now) => {
          wasRaised = a.status === 'raised'
          return lifecycle.resolve(a, by, outcome, note, now)
        },
        (a) => {
          if (wasRaised) deps.commands.enqueue(a.deviceId, { type: 'alarm.acknowledged', alertId, text: ACKNOWLEDGED_TEXT })
          deps.commands.enqueue(a.deviceId, { type: 'alarm.resolved', alertId, text: RESOLVED_TEXT })
        },
      )
      log.info({ alertId, by, outcome }, 'alert resolved')
      deps.commands.flush()
      deps.announce(alert)
      return alert
    },
    addNote(alertId: string, by: string, text: string, action: LogAction = 'note'): { alert: Alert; entry: AlertHistoryEntry } {
      const result = deps.alerts.transaction(() => {
        const alert = deps.alerts.get(alertId)
        if (!alert) throw new HearthError('not_found', `no alert ${alertId}`)
        const entry: AlertHistoryEntry = { at: new Date(deps.clock.now()).toISOString(), action, by, detail: text }
        deps.alerts.addHistory(alert.id, entry)
        return { alert, entry }
      })
      // Who and where, never what: a note is health data.
      log.info({ alertId, by, action }, 'note added to alert')
      return result
    },
  }
}

export type AlertDesk = ReturnType<typeof createAlertDesk>
