import { BED_EXIT_KIND } from './bed-exit-rule.js'
import { DEVICE_OFFLINE_KIND } from './device-offline-rule.js'
import { INACTIVITY_KIND } from './inactivity-rule.js'
import { NIGHT_DOOR_KIND } from './night-door-rule.js'
import type { FindingFilter } from './rule.js'
import type { RuleFinding } from './rule-finding.js'

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

const silenced = (finding: RuleFinding): boolean => finding.action === 'fire' && silencedByAbsence(finding.kind)

/** The rules' side of it: what fires of those kinds while an absence is in force raises nothing. Clearing still counts. */
export const plannedAbsence: FindingFilter = {
  id: 'planned-absence',
  kinds: [...SILENCED_BY_ABSENCE],
  filter: (findings, absent) => (findings.some(silenced) && absent() ? findings.filter((f) => !silenced(f)) : findings),
}
