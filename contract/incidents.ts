import { z } from 'zod'
import type { Alert } from './alert.js'
import type { Priority } from './alert-values.js'

/**
 * Hearth extension (PROTOCOL §2c, the call-handling console): all open alerts of one person are
 * one incident, answered together and held by at most one responder at a time.
 */
export interface Incident {
  personId: string
  /** Who the person is and how to speak to them (preferred name and needs only for those who may see them). */
  person: { name: string; preferredName: string | null; communicationNeeds: string[] }
  /** The highest priority among its alerts; null only on the live event of an incident whose last alert was resolved. */
  priority: Priority | null
  oldestRaisedAt: string | null
  /** Its open alerts, in queue order (emergencies first, oldest first). */
  alerts: Alert[]
  heldBy: { userId: string; displayName: string } | null
  heldSince: string | null
  /** The newest note a responder wrote on any of its alerts, so that everyone at the console sees it on the card. */
  latestNote: { at: string; by: string; text: string } | null
}

/** `POST /api/incidents/{personId}/take`: `force` lets a supervisor take an incident someone else holds. */
export const TakeIncidentBodySchema = z.strictObject({ force: z.boolean().optional() })

/** `POST /api/incidents/{personId}/transfer`: to a named colleague who may act on alerts. */
export const TransferIncidentBodySchema = z.strictObject({
  toUserId: z.string().trim().min(1, 'the colleague to hand the incident to').max(64),
  note: z.string().trim().max(1000).optional(),
})

