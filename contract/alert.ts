import { z } from 'zod'
import { ALERT_STATUSES, OUTCOMES, PRIORITIES, PRIORITY_RANK } from './alert-values.js'

export const PrioritySchema = z.enum(PRIORITIES)
const AlertStatusSchema = z.enum(ALERT_STATUSES)
export const OutcomeSchema = z.enum(OUTCOMES)

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
  /** A `follow-up.due` alert: the alert it follows up (contract/follow-ups.ts); absent on every other alert. */
  followUpOf: z.string().optional(),
  /**
   * PROTOCOL §2c: how to speak to the person (what matters to them), for those who may see it;
   * absent when they have written nothing.
   */
  person: z.object({ preferredName: z.string().nullable(), communicationNeeds: z.array(z.string()) }).optional(),
})
export type Alert = z.infer<typeof AlertSchema>

/** Sorts emergencies first, then oldest first within a priority. */
export function compareAlertsForQueue(a: Alert, b: Alert): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.raisedAt.localeCompare(b.raisedAt)
}
