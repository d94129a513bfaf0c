import { z } from 'zod'

export const PRIORITIES = ['emergency', 'urgent', 'warning', 'technical'] as const
export const PrioritySchema = z.enum(PRIORITIES)
export type Priority = z.infer<typeof PrioritySchema>

/** Lower sorts first: emergencies before everything else. */
export const PRIORITY_RANK: Record<Priority, number> = { emergency: 0, urgent: 1, warning: 2, technical: 3 }

export const ALERT_STATUSES = ['raised', 'acknowledged', 'resolved'] as const
export const AlertStatusSchema = z.enum(ALERT_STATUSES)
export type AlertStatus = z.infer<typeof AlertStatusSchema>

/** PROTOCOL §2: the outcomes a responder may close an alert with. */
export const OUTCOMES = [
  'false-alarm',
  'resolved-by-phone',
  'responder-visited',
  'ambulance-called',
  'technical',
  'other',
] as const
export const OutcomeSchema = z.enum(OUTCOMES)
export type Outcome = z.infer<typeof OutcomeSchema>

const isoTime = z.iso.datetime()

/**
 * PROTOCOL §2 alert object, with Hearth's extensions: personName, summary (what happened, in
 * words), lastOccurredAt, resolvedBy, note, cancelledAt, clearedAt (the condition that raised it
 * is no longer true; a person still closes it), flapping, reraisedCount and nextEscalationAt.
 */
export const AlertSchema = z.object({
  id: z.string(),
  personId: z.string(),
  personName: z.string(),
  deviceId: z.string(),
  kind: z.string(),
  priority: PrioritySchema,
  status: AlertStatusSchema,
  raisedAt: isoTime,
  lastOccurredAt: isoTime,
  acknowledgedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: isoTime.nullable(),
  resolvedBy: z.string().nullable(),
  outcome: OutcomeSchema.nullable(),
  note: z.string().nullable(),
  /** Set when the person cancelled the press themselves; the alert still needs a responder to close it. */
  cancelledAt: isoTime.nullable(),
  occurrences: z.number().int().positive(),
  escalationLevel: z.number().int().nonnegative(),
  summary: z.string().nullable(),
  clearedAt: isoTime.nullable(),
  /** A threshold that keeps crossing and clearing: folded into this alert rather than raised again. */
  flapping: z.boolean(),
  /** Times it went back to the queue because it was acknowledged but not resolved in time. */
  reraisedCount: z.number().int().nonnegative(),
  /** When it escalates (raised) or is raised again (acknowledged) unless someone acts first. */
  nextEscalationAt: isoTime.nullable(),
})
export type Alert = z.infer<typeof AlertSchema>

export const ALERT_ACTIONS = [
  'raised',
  'repeated',
  'cancelled-by-person',
  'acknowledged',
  'resolved',
  'escalated',
  'reraised',
  'condition-cleared',
  'note',
] as const
export type AlertAction = (typeof ALERT_ACTIONS)[number]

export interface AlertHistoryEntry {
  at: string
  action: AlertAction
  by: string | null
  detail: string | null
}

/** Sorts emergencies first, then oldest first within a priority. */
export function compareAlertsForQueue(a: Alert, b: Alert): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.raisedAt.localeCompare(b.raisedAt)
}
