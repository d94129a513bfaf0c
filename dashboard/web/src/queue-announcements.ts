import type { QueueChange } from './alert-queue.js'
import { kindText, PRIORITY_LABELS } from './format.js'

/** The words for new alerts that are not emergencies: one named, a burst counted. */
export function describeNew(changes: readonly QueueChange[]): string {
  const first = changes[0]
  if (!first) return ''
  if (changes.length === 1) {
    const { alert } = first
    return `New ${PRIORITY_LABELS[alert.priority].toLowerCase()} alert: ${alert.personName}, ${alert.summary ?? kindText(alert.kind)}.`
  }
  return `${changes.length} new alerts.`
}

/** The words for emergencies, read out at once: new ones, and those sent back to the queue. */
export function describeEmergencies(changes: readonly QueueChange[]): string {
  const [first] = changes
  if (!first) return ''
  if (changes.length > 1) return `${changes.length} emergencies: ${changes.map((c) => c.alert.personName).join(', ')}.`
  const { alert } = first
  return `${alert.reraisedCount > 0 && !first.isNew ? 'Emergency back in the queue' : 'New emergency'}: ${alert.personName}, ${alert.summary ?? kindText(alert.kind)}.`
}
