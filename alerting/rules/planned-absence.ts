import { BED_EXIT_KIND } from './bed-exit-rule.js'
import { DEVICE_OFFLINE_KIND } from './device-offline-rule.js'
import { INACTIVITY_KIND } from './inactivity-rule.js'
import { NIGHT_DOOR_KIND } from './night-door-rule.js'

/**
 * A planned absence (in hospital, on holiday) silences the rules that an empty home sets off:
 * inactivity, night door and bed, devices going quiet, and missed medication from a dispenser
 * left at home. Never the person's own calls for help or the home's hazards: pendant, fall,
 * smoke, CO, heat and flood always raise their alert, as do vital signs when they arrive.
 */
export const SILENCED_BY_ABSENCE: ReadonlySet<string> = new Set([INACTIVITY_KIND, NIGHT_DOOR_KIND, BED_EXIT_KIND, DEVICE_OFFLINE_KIND, 'medication.missed'])

export function silencedByAbsence(kind: string): boolean {
  return SILENCED_BY_ABSENCE.has(kind)
}
