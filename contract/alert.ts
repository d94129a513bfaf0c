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

/** PROTOCOL §2 alert object, with Hearth's extensions (personName, cancelledAt, note, resolvedBy, lastOccurredAt). */
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
})
export type Alert = z.infer<typeof AlertSchema>

export const ALERT_ACTIONS = ['raised', 'repeated', 'cancelled-by-person', 'acknowledged', 'resolved'] as const
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
