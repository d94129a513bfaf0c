import type { AccessLogEntry } from '../../../contract/circle-values.js'

/** What an audit action did, said of the person's record in the third person and to the person. */
const ACTIONS: Record<string, [staff: string, person: string]> = {
  'person.read': ['Opened the record', 'Opened your record'],
  'person.created': ['Created the record', 'Created your record'],
  'person.changed': ['Changed the details', 'Changed your details'],
  'readings.read': ['Read vital signs', 'Looked at your vital signs'],
  'timeline.read': ['Read the timeline', 'Looked at your timeline'],
  'alarms.read': ['Read the alarms', 'Looked at your alarms'],
  'circle.read': ['Read the circle of care', 'Looked at who is in your circle'],
  'access-log.read': ['Read the access log', 'Looked at who looked at your record'],
  'access-details.revealed': ['Revealed the key-safe code and access details', 'Looked at your key-safe code and access details'],
  'alert.acknowledged': ['Answered an alarm', 'Answered your alarm'],
  'alert.resolved': ['Closed an alarm', 'Closed your alarm'],
  'alert.read': ['Read an alert', 'Looked at one of your alarms'],
  'alert.noted': ['Wrote on an alarm', 'Wrote a note on your alarm'],
  'note.written': ['Wrote a note', 'Wrote a note on your record'],
  'circle.member-added': ['Added a member to the circle', 'Added someone to your circle'],
  'circle.member-ended': ['Ended a membership of the circle', 'Took someone out of your circle'],
  'circle.consent-withdrawn': ['Recorded a withdrawal of consent', 'Recorded that consent was withdrawn'],
  'break-glass.opened': ['Opened emergency access', 'Opened your record in an emergency'],
  'thresholds.changed': ['Changed the thresholds', 'Changed your alert thresholds'],
  'thresholds.read': ['Read the thresholds', 'Looked at your alert thresholds'],
  'care-settings.changed': ['Changed the care settings', 'Changed your care settings'],
  'care-settings.read': ['Read the care settings', 'Looked at your care settings'],
  'care-settings.history-read': ['Read the care settings history', 'Looked at the history of your care settings'],
  'absences.read': ['Read the planned absences', 'Looked at your planned absences'],
  'absence.planned': ['Planned an absence', 'Planned an absence'],
  'absence.ended': ['Ended an absence', 'Ended a planned absence'],
  'device.read': ['Read a device', 'Looked at one of your devices'],
  'user.created': ["Created the person's account", 'Created your account'],
  'user.changed': ["Changed the person's account", 'Changed your account'],
  'user.disabled': ["Disabled the person's account", 'Disabled your account'],
  'device.provisioned': ['Added a device', 'Added a device to your home'],
  'device.deprovisioned': ['Took a device out of service', 'Took one of your devices out of service'],
  'device.secret-rotated': ["Replaced a device's secret", 'Replaced the secret of one of your devices'],
  'device.moved-away': ['Moved a device to someone else', 'Moved one of your devices to someone else'],
  'device.moved-in': ['Moved a device to this person', 'Moved a device to you'],
  'person.archived': ['Archived the record', 'Archived your record'],
  'person.unarchived': ['Brought the record back from the archive', 'Brought your record back from the archive'],
  'wishes.read': ['Read what matters to the person', 'Looked at what matters to you'],
  'wishes.history-read': ['Read the history of what matters to the person', 'Looked at the history of what matters to you'],
  'wishes.changed': ['Changed what matters to the person', 'Changed what matters to you'],
  'response-plan.read': ['Read the response plan', 'Looked at your response plan'],
  'response-plan.history-read': ['Read the history of the response plan', 'Looked at the history of your response plan'],
  'response-plan.changed': ['Changed the response plan', 'Changed your response plan'],
  'alert.call-logged': ['Logged a call from the response plan', 'Logged a call to someone in your response plan'],
  'alert.calls-read': ['Read the calls made about an alarm', 'Looked at the calls made about your alarm'],
}

/** An action in words; one Hearth has not named yet reads as its code, made readable. */
export function accessActionText(action: string, voice: 'staff' | 'person'): string {
  const known = ACTIONS[action]
  if (known) return voice === 'staff' ? known[0] : known[1]
  const words = action.replace(/[.:_-]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Why the access was allowed, in words. */
export function accessBasisText(entry: Pick<AccessLogEntry, 'basis' | 'breakGlass' | 'reason'>, voice: 'staff' | 'person'): string {
  if (entry.breakGlass || entry.basis === 'break-glass') return `Emergency access${entry.reason ? `: “${entry.reason}”` : ''}`
  switch (entry.basis) {
    case 'direct-care':
      return voice === 'person' ? 'Direct care: your monitoring service' : 'Direct care'
    case 'consent':
      return voice === 'person' ? 'Your consent' : "The person's consent"
    case 'proxy-consent':
      return voice === 'person' ? "Your representative's consent" : "The proxy's consent"
    case 'self':
      return voice === 'person' ? 'Your own account' : "The person's own account"
    case null:
      return '—'
    default:
      return entry.basis
  }
}

/** Entries of one user doing one thing on one basis within a while of each other, shown as a single line. */
export interface AccessLogGroup {
  /** The newest of them (entries come newest first). */
  first: AccessLogEntry
  /** The oldest of them. */
  last: AccessLogEntry
  count: number
}

/** Reads this close together are one visit. */
const VISIT_GAP_MS = 30 * 60_000

const keyOf = (e: AccessLogEntry) => JSON.stringify([e.userId, e.action, e.basis, e.breakGlass, e.reason])

/** A page left open reads the record every few seconds: one visit's reads are one line, "12 times". */
export function groupAccessLog(entries: readonly AccessLogEntry[]): AccessLogGroup[] {
  const groups: AccessLogGroup[] = []
  const open = new Map<string, AccessLogGroup>()
  for (const entry of entries) {
    const key = keyOf(entry)
    const group = open.get(key)
    if (group && Date.parse(group.last.at) - Date.parse(entry.at) <= VISIT_GAP_MS) {
      group.last = entry
      group.count += 1
      continue
    }
    const fresh = { first: entry, last: entry, count: 1 }
    groups.push(fresh)
    open.set(key, fresh)
  }
  return groups
}
