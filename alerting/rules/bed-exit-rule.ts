import { ALERT_KIND, type CareSettings, type EventType } from '../../contract/index.js'
import { isNightAt, localClock } from './local-time.js'
import { isRecord, naming, numberOr, step, type PersonRule } from './rule.js'
import type { RuleFinding } from './rule-finding.js'

/**
 * Bed exit not returned: out of bed at night for longer than `bedExitMinutes`. Getting up near
 * the end of the night is a morning: a watch still pending when the active hours begin is dropped.
 */
export const BED_EXIT_KIND = 'night.bed-exit' as const

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
      priority: ALERT_KIND[BED_EXIT_KIND].priority,
      summary: `Out of bed at night since ${localClock(state.outSinceMs, settings.timeZone)} and not back after ${settings.bedExitMinutes} min`,
    },
  }
}

/** The rule's state: the watch, and the bed sensor it is kept for. */
export type BedExitWatch = BedExitState & { deviceId?: string }

export const bedExitRule: PersonRule<BedExitWatch> = {
  id: BED_EXIT_KIND,
  per: 'person',
  kinds: [BED_EXIT_KIND],
  ticksWhen: (state) => state?.outSinceMs !== undefined,

  /** During a planned absence whoever gets into or out of bed (a visitor, a carer) starts no watch. */
  events(state, input, now, { plan }) {
    if (input.absent) return { state }
    const result = onBedEvent(state, { type: input.type, atMs: now }, plan.settings)
    const bed = input.type === 'bed.exit' ? input.deviceId : state?.deviceId
    const watching = result.state.outSinceMs !== undefined && bed !== undefined
    return step({ state: watching ? { ...result.state, deviceId: bed } : result.state, finding: result.finding })
  },

  /** Nor does a watch begun before or during an absence carry over. */
  ticks: (state, input, now, context) => (input.absent ? { state: undefined } : naming(tickBedExit(state, now, context.plan.settings), context, state?.deviceId)),

  /** A watch under way (or fired and waiting for the return to bed) outlives a restart. */
  save: (state) => (state.outSinceMs === undefined ? undefined : state),
  restore(saved) {
    if (!isRecord(saved)) return undefined
    const outSinceMs = numberOr(saved.outSinceMs)
    if (outSinceMs === undefined) return undefined
    const watch = { outSinceMs, firing: saved.firing === true }
    return typeof saved.deviceId === 'string' ? { ...watch, deviceId: saved.deviceId } : watch
  },
}
