import type { Alert, AlertAction, AlertHistoryEntry, PersonAccess } from '../contract/index.js'
import type { TimelineAlertEntry } from './person-timeline.js'

/** History actions whose detail repeats what a rule read (a pulse, a NEWS2 score). */
const READING_DETAIL: ReadonlySet<AlertAction> = new Set<AlertAction>(['raised', 'repeated', 'condition-cleared'])

const seesReadings = (access: PersonAccess): boolean => access.scopes.includes('vitals')

/**
 * An alert as one user may see it: that something happened and how it was handled goes with the
 * alerts scope; what a reading said (the summary of a threshold or NEWS2 alert) only with vitals.
 */
export function alertFor(alert: Alert, access: PersonAccess): Alert {
  return seesReadings(access) ? alert : { ...alert, summary: null }
}

export function historyFor(entries: readonly AlertHistoryEntry[], access: PersonAccess): AlertHistoryEntry[] {
  return seesReadings(access) ? [...entries] : entries.map((e) => (READING_DETAIL.has(e.action) ? { ...e, detail: null } : e))
}

export function timelineAlertsFor(entries: readonly TimelineAlertEntry[], access: PersonAccess): TimelineAlertEntry[] {
  if (seesReadings(access)) return [...entries]
  return entries.map((e) => ({ ...e, summary: null, detail: READING_DETAIL.has(e.action as AlertAction) ? null : e.detail }))
}
