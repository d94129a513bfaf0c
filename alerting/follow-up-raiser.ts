import type { Logger } from 'pino'
import { FOLLOW_UP_KIND, alertKind, type Alert, type Clock, type FollowUp } from '../contract/index.js'
import * as lifecycle from './alert-lifecycle.js'
import type { AlertStore } from './ports.js'

/** The follow-ups alerting raises: stores/follow-up-repository.ts. */
export interface FollowUpQueue {
  due(nowMs: number, limit: number): FollowUp[]
  markRaised(id: string, alertId: string): boolean
}

/**
 * Follow-ups whose time has come raised as `follow-up.due` alerts, each with its note, for the
 * same person and device as the alert it follows up and linked back to it (`followUpOf`). Run on
 * alerting's tick and at start, so that one due while Hearth was down is raised at once.
 */
export function createFollowUpRaiser(deps: { logger: Logger; clock: Clock; alerts: AlertStore; followUps: FollowUpQueue; announce: (alert: Alert) => void }) {
  const priority = alertKind(FOLLOW_UP_KIND)?.priority ?? 'urgent'

  const raiseOne = (followUp: FollowUp, nowMs: number): Alert | undefined =>
    deps.alerts.transaction(() => {
      const original = deps.alerts.get(followUp.alertId)
      if (!original) return undefined
      const fresh = lifecycle.raise({
        personId: followUp.personId,
        deviceId: original.deviceId,
        kind: FOLLOW_UP_KIND,
        priority,
        atMs: nowMs,
        summary: `Follow-up: ${followUp.note}`,
        detail: `follow-up of ${followUp.alertId} set by ${followUp.createdBy} at ${followUp.createdAt}, due ${followUp.dueAt}: ${followUp.note}`,
        // One open alert per follow-up: two due together are two calls to make.
        foldKey: `${FOLLOW_UP_KIND}:${followUp.id}`,
      })
      const alert = deps.alerts.insert({ ...fresh.alert, followUpOf: followUp.alertId })
      deps.alerts.addHistory(alert.id, fresh.entry)
      if (!deps.followUps.markRaised(followUp.id, alert.id)) throw new Error(`follow-up ${followUp.id} is no longer pending`)
      return alert
    })

  return {
    /** Raises every follow-up now due; one that fails is tried again on the next tick. */
    raiseDue(): void {
      const nowMs = deps.clock.now()
      for (const followUp of deps.followUps.due(nowMs, 100)) {
        try {
          const alert = raiseOne(followUp, nowMs)
          if (!alert) continue
          deps.logger.info({ alertId: alert.id, followUpId: followUp.id, followUpOf: followUp.alertId }, 'follow-up raised')
          deps.announce(alert)
        } catch (error) {
          deps.logger.error({ err: error, followUpId: followUp.id }, 'follow-up could not be raised; will retry')
        }
      }
    },
  }
}
