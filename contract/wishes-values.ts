/**
 * PROTOCOL §2c: "what matters to me", the person's own words about themselves, kept in versions.
 * Plain values and types only (no zod), so that the browser bundle imports them as they are;
 * wishes.ts holds the request body.
 */

/** When the person gets up and goes to bed, in their own time zone (`HH:MM`). */
export interface Routine {
  wake: string
  sleep: string
}

export interface Wishes {
  /** What they like to be called: responders greet them by it. */
  preferredName: string | null
  preferredLanguage: string | null
  goals: string[]
  /** How to speak with them: "hard of hearing in the left ear", "speak slowly". */
  communicationNeeds: string[]
  routine: Routine | null
  /** How and when they like to be contacted, in their words. */
  contactPreferences: string | null
  /** Whether family members in their response plan are told by email of an alarm and how it ended. */
  shareAlarmsWithFamily: boolean
}

export const NO_WISHES: Wishes = {
  preferredName: null,
  preferredLanguage: null,
  goals: [],
  communicationNeeds: [],
  routine: null,
  contactPreferences: null,
  shareAlarmsWithFamily: false,
}

/** One version: what was written, by whom, when and why. Version 0 (nothing written yet) has no author. */
export interface WishesVersion extends Wishes {
  personId: string
  version: number
  changedAt: string | null
  changedBy: string | null
  reason: string | null
}

/** How a responder speaks to the person: carried on each alert for those who may see it (PROTOCOL §2c). */
export interface SpeakingTo {
  preferredName: string | null
  communicationNeeds: string[]
}

/** The waking day the rules use, and where it came from. */
export interface ActiveHoursInForce {
  from: string
  to: string
  source: 'care-settings' | 'routine' | 'default'
}

/**
 * The person's active hours (the inactivity window; outside them is night for the night door and
 * bed exit rules): a clinician's explicit setting wins, then the person's own routine (wake to
 * sleep), then the clinic default.
 */
export function activeHoursInForce(settings: { activeHours: { from: string; to: string } }, clinicianSet: boolean, routine: Routine | null | undefined): ActiveHoursInForce {
  if (clinicianSet) return { ...settings.activeHours, source: 'care-settings' }
  if (routine) return { from: routine.wake, to: routine.sleep, source: 'routine' }
  return { ...settings.activeHours, source: 'default' }
}
