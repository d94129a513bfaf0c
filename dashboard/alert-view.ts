import type { Alert, AlertAction, AlertHistoryEntry, SpeakingTo } from '../contract/index.js'
import type { PersonReads } from './person-reads.js'
import type { WishesStore } from './ports.js'
import type { TimelineAlertEntry } from './person-timeline.js'

/** History actions whose detail repeats what a rule read (a pulse, a NEWS2 score). */
const READING_DETAIL: ReadonlySet<AlertAction> = new Set<AlertAction>(['raised', 'repeated', 'condition-cleared'])

/** How to speak to the person, from what matters to them; undefined when they have said nothing about it. */
function speakingTo(wishes: Pick<WishesStore, 'current'>, personId: string): SpeakingTo | undefined {
  const current = wishes.current(personId)
  if (!current || (current.preferredName === null && current.communicationNeeds.length === 0)) return undefined
  return { preferredName: current.preferredName, communicationNeeds: current.communicationNeeds }
}

/**
 * An alert as one user may see it, built here for every answer and event that carries one (the
 * queue, lists, the record, the live feed, webhooks): that something happened and how it was
 * handled goes with the alerts; what a reading said (the summary of a threshold or NEWS2 alert)
 * only with vital signs; how to speak to the person (PROTOCOL §2c `person`) with `speakingTo`
 * (person-reads.ts decides all three).
 */
export function alertFor(alert: Alert, reads: Pick<PersonReads, 'vitals' | 'speakingTo'>, wishes: Pick<WishesStore, 'current'>): Alert {
  const { person: _kept, ...plain } = alert
  const person = reads.speakingTo ? speakingTo(wishes, alert.personId) : undefined
  return { ...plain, ...(reads.vitals ? {} : { summary: null }), ...(person ? { person } : {}) }
}

export function historyFor(entries: readonly AlertHistoryEntry[], reads: Pick<PersonReads, 'vitals'>): AlertHistoryEntry[] {
  return reads.vitals ? [...entries] : entries.map((e) => (READING_DETAIL.has(e.action) ? { ...e, detail: null } : e))
}

export function timelineAlertsFor(entries: readonly TimelineAlertEntry[], reads: Pick<PersonReads, 'vitals'>): TimelineAlertEntry[] {
  if (reads.vitals) return [...entries]
  return entries.map((e) => ({ ...e, summary: null, detail: READING_DETAIL.has(e.action as AlertAction) ? null : e.detail }))
}
