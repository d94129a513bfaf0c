import type { CareSettings, EventType } from '../../contract/index.js'
import { isNightAt, localClock } from './local-time.js'
import type { RuleFinding } from './rule-finding.js'

/**
 * Bed exit not returned: out of bed at night for longer than `bedExitMinutes`. Getting up near
 * the end of the night is a morning: a watch still pending when the active hours begin is dropped.
 */
export const BED_EXIT_KIND = 'night.bed-exit'

export interface BedExitState {
  outSinceMs?: number
  firing: boolean
}

export type BedSettings = Pick<CareSettings, 'activeHours' | 'timeZone' | 'bedExitMinutes'>

export function onBedEvent(
  previous: BedExitState | undefined,
  event: { type: EventType; atMs: number },
  settings: BedSettings,
): { state: BedExitState; finding?: RuleFinding } {
  const state = previous ?? { firing: false }
  if (event.type === 'bed.exit') {
    // A second exit after an alert (its return went unseen) is a new watch.
    const waiting = state.outSinceMs !== undefined && !state.firing
    if (waiting || !isNightAt(event.atMs, settings.activeHours, settings.timeZone)) return { state }
    return { state: { outSinceMs: event.atMs, firing: false } }
  }
  if (event.type !== 'bed.enter') return { state }
  const back = `back in bed at ${localClock(event.atMs, settings.timeZone)}`
  return { state: { firing: false }, ...(state.firing ? { finding: { action: 'clear', kind: BED_EXIT_KIND, summary: back } } : {}) }
}

export function tickBedExit(previous: BedExitState | undefined, nowMs: number, settings: BedSettings): { state: BedExitState; finding?: RuleFinding } {
  const state = previous ?? { firing: false }
  if (state.firing || state.outSinceMs === undefined) return { state }
  if (!isNightAt(nowMs, settings.activeHours, settings.timeZone)) return { state: { firing: false } }
  if (nowMs - state.outSinceMs < settings.bedExitMinutes * 60_000) return { state }
  return {
    state: { ...state, firing: true },
    finding: {
      action: 'fire',
      kind: BED_EXIT_KIND,
      priority: 'urgent',
      summary: `Out of bed at night since ${localClock(state.outSinceMs, settings.timeZone)} and not back after ${settings.bedExitMinutes} min`,
    },
  }
}
