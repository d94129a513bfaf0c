import type { Priority } from './alert-values.js'
import { ANSWER_TARGET_SECONDS } from './api-values.js'

/**
 * The fixed numbers the rules and the alert desk work by, beside the per-person defaults of
 * care-settings.ts: the low-battery levels, the grace before a silent device is offline, the
 * per-device event limits and each priority's deadlines. docs/rules.md shows them in tables
 * generated from this file (platform/docs-rule-defaults.ts), so the page cannot drift from the code.
 */

/** Low battery: a status whose `battery` (0 to 1) is below `below` fires; `clearAt` or more closes it. */
export const LOW_BATTERY = { below: 0.2, clearAt: 0.3 } as const

/** A device is offline once silent for its check-in interval plus grace: `fraction` of the interval, at least `minimumSeconds`. */
export const OFFLINE_GRACE = { fraction: 0.2, minimumSeconds: 60 } as const

/** How long a device with this check-in interval may be silent before it is offline, in seconds. */
export function offlineAfterSeconds(checkInSeconds: number): number {
  return checkInSeconds + Math.max(OFFLINE_GRACE.minimumSeconds, checkInSeconds * OFFLINE_GRACE.fraction)
}

/**
 * Per-device event limits (docs/device-event-limits.md): a burst of `burst` events, then
 * `ratePerSecond` sustained; a flooding device's alert closes once it has kept within them for
 * `quietSeconds`.
 */
export const DEVICE_EVENT_LIMITS = { burst: 20, ratePerSecond: 5, quietSeconds: 600 } as const

/**
 * How long an alert may wait for a person, by priority. After `ackDeadlineSeconds` an
 * unacknowledged alert escalates, and again every `repeatSeconds` until someone acknowledges it;
 * an acknowledged alert not resolved within `resolveDeadlineSeconds` goes back to the queue (the
 * responder may have been pulled away).
 */
export interface EscalationTimes {
  ackDeadlineSeconds: number
  repeatSeconds: number
  resolveDeadlineSeconds: number
  /** Where the acknowledgement deadline comes from, when it is a published target. */
  source?: string
}

const MIN = 60
const H = 60 * MIN

/**
 * The emergency deadline is the industry target (TEC Services Association: 97.5% of alarm calls
 * answered within 60 s, 99% within 180 s); urgent alerts get the 180 s bound.
 */
export const ESCALATION_DEADLINES: Readonly<Record<Priority, EscalationTimes>> = {
  emergency: { ackDeadlineSeconds: ANSWER_TARGET_SECONDS, repeatSeconds: 30, resolveDeadlineSeconds: 30 * MIN, source: 'TSA target: 97.5% of alarm calls answered in 60 s' },
  urgent: { ackDeadlineSeconds: 180, repeatSeconds: 2 * MIN, resolveDeadlineSeconds: 1 * H, source: 'TSA: 99% within 180 s' },
  warning: { ackDeadlineSeconds: 15 * MIN, repeatSeconds: 10 * MIN, resolveDeadlineSeconds: 4 * H },
  technical: { ackDeadlineSeconds: 1 * H, repeatSeconds: 1 * H, resolveDeadlineSeconds: 24 * H },
}
