import type { Outcome, Priority } from '../../../contract/alert.js'
import type { DeviceType } from '../../../contract/api.js'

/**
 * Values that contract/alert.ts and contract/api.ts define beside their zod schemas. Importing
 * them from there would put zod (about 90 kB) into the browser bundle, so they are repeated here;
 * test/unit/dashboard/web/contract-values.test.ts fails the moment the two differ.
 */

export const PRIORITY_RANK: Record<Priority, number> = { emergency: 0, urgent: 1, warning: 2, technical: 3 }

export const OUTCOMES = [
  'false-alarm',
  'resolved-by-phone',
  'responder-visited',
  'ambulance-called',
  'technical',
  'other',
] as const satisfies readonly Outcome[]

export { ROLES } from '../../../contract/circle-values.js'

export const DEVICE_CHECK_IN_SECONDS: Record<DeviceType, number> = {
  pendant: 3600,
  'fall-detector': 3600,
  wearable: 900,
  'motion-sensor': 3600,
  'door-sensor': 3600,
  'bed-sensor': 3600,
  'chair-sensor': 3600,
  'smoke-alarm': 3600,
  'co-alarm': 3600,
  'heat-alarm': 3600,
  'flood-sensor': 3600,
  'medication-dispenser': 3600,
  hub: 900,
}

export const DEVICE_TYPES = Object.keys(DEVICE_CHECK_IN_SECONDS) as DeviceType[]

/** The answer target the queue's clocks count against (PROTOCOL: 97.5% of alarm calls within 60 s). */
export const ANSWER_TARGET_SECONDS = 60
