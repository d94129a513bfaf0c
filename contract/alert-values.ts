/**
 * PROTOCOL §2: the values of the alert object, its priorities, statuses, outcomes and history
 * actions. Plain values and types only (no zod), so that the browser bundle imports them as they
 * are; alert.ts builds its schemas from them.
 */

export const PRIORITIES = ['emergency', 'urgent', 'warning', 'technical'] as const
export type Priority = (typeof PRIORITIES)[number]

/** Lower sorts first: emergencies before everything else. */
export const PRIORITY_RANK: Record<Priority, number> = { emergency: 0, urgent: 1, warning: 2, technical: 3 }

export const ALERT_STATUSES = ['raised', 'acknowledged', 'resolved'] as const
export type AlertStatus = (typeof ALERT_STATUSES)[number]

/** PROTOCOL §2: the outcomes a responder may close an alert with. */
export const OUTCOMES = [
  'false-alarm',
  'resolved-by-phone',
  'responder-visited',
  'ambulance-called',
  'technical',
  'other',
] as const
export type Outcome = (typeof OUTCOMES)[number]

export type AlertAction =
  | 'raised'
  | 'repeated'
  | 'cancelled-by-person'
  | 'acknowledged'
  | 'resolved'
  | 'escalated'
  | 'reraised'
  | 'condition-cleared'
  | 'note'
  | 'follow-up'
  | 'attendance'
  | 'script-answers'

export interface AlertHistoryEntry {
  at: string
  action: AlertAction
  by: string | null
  detail: string | null
}

/** The console's order of incidents (contract/incidents.ts): emergencies first, then the one waiting longest. */
export const compareIncidents = (a: { priority: Priority | null; oldestRaisedAt: string | null }, b: { priority: Priority | null; oldestRaisedAt: string | null }): number =>
  PRIORITY_RANK[a.priority ?? 'technical'] - PRIORITY_RANK[b.priority ?? 'technical'] || (a.oldestRaisedAt ?? '').localeCompare(b.oldestRaisedAt ?? '')
