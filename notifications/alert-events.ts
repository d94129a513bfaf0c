import type { Alert, WebhookEvent } from '../contract/index.js'
import type { AlertNotice } from './ports.js'

/** One thing to tell about an alert, with the key that makes it told once. */
export interface AlertEvent {
  type: WebhookEvent
  key: string
}

export const noticeOf = (alert: Alert): AlertNotice => ({ status: alert.status, escalationLevel: alert.escalationLevel, reraisedCount: alert.reraisedCount })

/** The event that the alert's status now is: `alert.raised` again when it went back to the queue (`reraisedCount`). */
function statusEvent(alert: Alert): AlertEvent {
  switch (alert.status) {
    case 'raised':
      return { type: 'alert.raised', key: `${alert.id}:raised:${alert.reraisedCount}` }
    case 'acknowledged':
      return { type: 'alert.acknowledged', key: `${alert.id}:acknowledged:${alert.reraisedCount}` }
    case 'resolved':
      return { type: 'alert.resolved', key: `${alert.id}:resolved` }
  }
}

/**
 * What changed in an alert since its notifications last told (`told`, none yet for a new alert):
 * its status (raised, acknowledged, resolved, or raised again), and its escalation level rising.
 * A repeat folded into it, a note or a cleared condition tells nothing. Pure.
 */
export function alertEvents(told: AlertNotice | undefined, alert: Alert): AlertEvent[] {
  if (!told) return [statusEvent(alert)]
  const events: AlertEvent[] = []
  if (alert.escalationLevel > told.escalationLevel) events.push({ type: 'alert.escalated', key: `${alert.id}:escalated:${alert.escalationLevel}` })
  if (alert.status !== told.status || alert.reraisedCount !== told.reraisedCount) events.push(statusEvent(alert))
  return events
}
