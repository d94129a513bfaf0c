import type { CareSettings } from '../../contract/index.js'
import { describeDuration } from '../describe-duration.js'
import { activePeriodStart, isActiveAt, localClock } from './local-time.js'
import type { RuleFinding } from './rule-finding.js'

/**
 * Inactivity: no motion or occupancy for `inactivityHours` inside the person's active hours, in
 * their own time zone. The quiet time counts from the last activity or from the start of today's
 * active hours, whichever is later, so a night's sleep never counts against anyone.
 */
export const INACTIVITY_KIND = 'inactivity'

export interface InactivityState {
  firing: boolean
  firedAtMs?: number
}

export type InactivitySettings = Pick<CareSettings, 'activeHours' | 'inactivityHours' | 'timeZone'>

export function evaluateInactivity(
  previous: InactivityState | undefined,
  input: { nowMs: number; lastActivityMs: number },
  settings: InactivitySettings,
): { state: InactivityState; finding?: RuleFinding } {
  const state = previous ?? { firing: false }
  const { nowMs, lastActivityMs } = input
  if (state.firing) {
    if (state.firedAtMs === undefined || lastActivityMs <= state.firedAtMs) return { state }
    return {
      state: { firing: false },
      finding: { action: 'clear', kind: INACTIVITY_KIND, summary: `activity again at ${localClock(lastActivityMs, settings.timeZone)}` },
    }
  }
  if (!isActiveAt(nowMs, settings.activeHours, settings.timeZone)) return { state }
  const dayStart = activePeriodStart(nowMs, settings.activeHours, settings.timeZone)
  const quietSince = Math.max(lastActivityMs, dayStart)
  const limitMs = settings.inactivityHours * 3_600_000
  if (nowMs - quietSince < limitMs) return { state }
  const since = lastActivityMs >= dayStart ? `the last activity at ${localClock(lastActivityMs, settings.timeZone)}` : `the day began at ${settings.activeHours.from}`
  return {
    state: { firing: true, firedAtMs: nowMs },
    finding: {
      action: 'fire',
      kind: INACTIVITY_KIND,
      priority: 'urgent',
      summary: `No movement for ${describeDuration(nowMs - quietSince)} since ${since} (active hours ${settings.activeHours.from} to ${settings.activeHours.to})`,
    },
  }
}
