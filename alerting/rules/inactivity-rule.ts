import { ALERT_KIND, type CareSettings, type DeviceType } from '../../contract/index.js'
import { describeDuration } from '../describe-duration.js'
import { activePeriodStart, isActiveAt, localClock } from './local-time.js'
import { ACTIVITY_EVENTS, step, type PersonRule } from './rule.js'
import type { RuleFinding } from './rule-finding.js'

/**
 * Inactivity: no motion or occupancy for `inactivityHours` inside the person's active hours, in
 * their own time zone. The quiet time counts from the last activity or from the start of today's
 * active hours, whichever is later, so a night's sleep never counts against anyone.
 */
export const INACTIVITY_KIND = 'inactivity' as const

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
      priority: ALERT_KIND[INACTIVITY_KIND].priority,
      summary: `No movement for ${describeDuration(nowMs - quietSince)} since ${since} (active hours ${settings.activeHours.from} to ${settings.activeHours.to})`,
    },
  }
}

/** Sensors that report activity: without one, silence means nothing and the rule stays off. */
const ACTIVITY_SENSORS: readonly DeviceType[] = ['motion-sensor', 'door-sensor', 'bed-sensor', 'chair-sensor']

export const inactivityRule: PersonRule<InactivityState> = {
  id: INACTIVITY_KIND,
  per: 'person',
  kinds: [INACTIVITY_KIND],
  ticksWhen: (_state, home) => ACTIVITY_SENSORS.some((type) => home.deviceTypes.has(type)),

  /** Activity (the home's `lastActivityMs`, already updated) notes a firing alert at once; the clock judges the rest. */
  events(state, input, now, { plan, lastActivityMs }) {
    if (!ACTIVITY_EVENTS.has(input.type) || !state?.firing) return { state }
    return step(evaluateInactivity(state, { nowMs: now, lastActivityMs }, plan.settings))
  },

  /** An empty home (a planned absence) is quiet by design: the engine counts silence again from its end. */
  ticks(state, input, now, { plan, lastActivityMs }) {
    if (input.absent) return { state }
    return step(evaluateInactivity(state, { nowMs: now, lastActivityMs }, plan.settings))
  },

  /** Firing since its open alert was raised. */
  restore: (_saved, open) => (open[0] ? { firing: true, firedAtMs: open[0].raisedAtMs } : undefined),
}
