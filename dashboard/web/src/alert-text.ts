import type { Alert } from '../../../contract/alert.js'
import { formatDateTime, formatTime, OUTCOME_LABELS } from './format.js'

/** What stands out about an alert, in words as well as in style. */
export function alertFlags(alert: Alert): string[] {
  const flags: string[] = []
  if (alert.escalationLevel > 0) flags.push(`Escalated ×${alert.escalationLevel}`)
  if (alert.reraisedCount > 0) flags.push(alert.reraisedCount > 1 ? `Back in the queue ×${alert.reraisedCount}` : 'Back in the queue')
  if (alert.occurrences > 1) flags.push(`Repeated: ${alert.occurrences} times`)
  if (alert.flapping) flags.push('Flapping')
  if (alert.cancelledAt) flags.push(`Cancelled by the person at ${formatTime(alert.cancelledAt)}`)
  if (alert.clearedAt) flags.push(`Condition cleared at ${formatTime(alert.clearedAt)}`)
  return flags
}

/** Where the alert stands, in words; `username` (the signed-in user) reads as "you". */
export function statusText(alert: Alert, username?: string): string {
  if (alert.status === 'resolved') {
    const outcome = alert.outcome ? OUTCOME_LABELS[alert.outcome] : 'resolved'
    return `${outcome}${alert.resolvedBy ? ` (${alert.resolvedBy})` : ''}${alert.resolvedAt ? `, ${formatDateTime(alert.resolvedAt)}` : ''}`
  }
  if (alert.status !== 'acknowledged') return 'Waiting for a responder'
  const who = alert.acknowledgedBy !== null && alert.acknowledgedBy === username ? 'you' : (alert.acknowledgedBy ?? 'someone')
  return `Taken by ${who}${alert.acknowledgedAt ? ` at ${formatTime(alert.acknowledgedAt)}` : ''}`
}
