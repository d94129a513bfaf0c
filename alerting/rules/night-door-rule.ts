import { ALERT_KIND, type CareSettings, type EventType } from '../../contract/index.js'
import { isNightAt, localClock } from './local-time.js'
import { isRecord, naming, numberOr, step, type PersonRule } from './rule.js'
import type { RuleFinding } from './rule-finding.js'

/**
 * Night door exit: a door opened at night starts a watch. It ends when the door has closed and
 * movement is then seen indoors; otherwise it fires `nightDoorMinutes` after the last door event
 * (a door left open at night fires too).
 */
export const NIGHT_DOOR_KIND = 'night.door-exit' as const

export interface NightDoorState {
  /** The night's door episode: when the door first opened and when a door last moved. */
  openedAtMs?: number
  lastDoorEventMs?: number
  doorClosed?: boolean
  firing: boolean
}

export type NightSettings = Pick<CareSettings, 'activeHours' | 'timeZone'>

/** Movement indoors, for this rule. */
const INDOORS: ReadonlySet<EventType> = new Set(['motion', 'bed.enter', 'chair.enter'])

export function onNightDoorEvent(
  previous: NightDoorState | undefined,
  event: { type: EventType; atMs: number },
  settings: NightSettings,
): { state: NightDoorState; finding?: RuleFinding } {
  const state = previous ?? { firing: false }
  if (event.type === 'door.opened' || event.type === 'door.closed') {
    // After an alert, a door opening again at night is a new watch (a home without a motion
    // sensor never sees the movement indoors that would end the old one).
    const fresh = state.firing && event.type === 'door.opened'
    const watching = state.openedAtMs !== undefined && !fresh
    if (!watching && (event.type === 'door.closed' || !isNightAt(event.atMs, settings.activeHours, settings.timeZone))) return { state }
    if (fresh) return { state: { openedAtMs: event.atMs, lastDoorEventMs: event.atMs, doorClosed: false, firing: false } }
    return { state: { ...state, openedAtMs: state.openedAtMs ?? event.atMs, lastDoorEventMs: event.atMs, doorClosed: event.type === 'door.closed' } }
  }
  if (!INDOORS.has(event.type) || state.openedAtMs === undefined || !state.doorClosed) return { state }
  const back = `movement indoors at ${localClock(event.atMs, settings.timeZone)}`
  return { state: { firing: false }, ...(state.firing ? { finding: { action: 'clear', kind: NIGHT_DOOR_KIND, summary: back } } : {}) }
}

export function tickNightDoor(
  previous: NightDoorState | undefined,
  nowMs: number,
  settings: NightSettings & Pick<CareSettings, 'nightDoorMinutes'>,
): { state: NightDoorState; finding?: RuleFinding } {
  const state = previous ?? { firing: false }
  if (state.firing || state.openedAtMs === undefined || state.lastDoorEventMs === undefined) return { state }
  if (nowMs - state.lastDoorEventMs < settings.nightDoorMinutes * 60_000) return { state }
  const how = state.doorClosed ? 'and no movement indoors since' : 'and not closed since'
  return {
    state: { ...state, firing: true },
    finding: {
      action: 'fire',
      kind: NIGHT_DOOR_KIND,
      priority: ALERT_KIND[NIGHT_DOOR_KIND].priority,
      summary: `Door opened at night at ${localClock(state.openedAtMs, settings.timeZone)} ${how} (${settings.nightDoorMinutes} min)`,
    },
  }
}

/** The rule's state: the watch, and the door it is kept for. */
export type NightDoorWatch = NightDoorState & { deviceId?: string }

/** A watch as saved, or undefined when it is not one. */
function nightDoorWatchOf(saved: unknown): NightDoorWatch | undefined {
  if (!isRecord(saved) || typeof saved.firing !== 'boolean') return undefined
  const openedAtMs = numberOr(saved.openedAtMs)
  const lastDoorEventMs = numberOr(saved.lastDoorEventMs)
  if (openedAtMs === undefined || lastDoorEventMs === undefined) return undefined
  const watch = { openedAtMs, lastDoorEventMs, doorClosed: saved.doorClosed === true, firing: saved.firing }
  return typeof saved.deviceId === 'string' ? { ...watch, deviceId: saved.deviceId } : watch
}

export const nightDoorRule: PersonRule<NightDoorWatch> = {
  id: NIGHT_DOOR_KIND,
  per: 'person',
  kinds: [NIGHT_DOOR_KIND],
  ticksWhen: (state) => state?.openedAtMs !== undefined,

  /** During a planned absence whoever opens the door (a visitor, a carer) starts no watch. */
  events(state, input, now, { plan }) {
    if (input.absent) return { state }
    const result = onNightDoorEvent(state, { type: input.type, atMs: now }, plan.settings)
    const door = input.type === 'door.opened' || input.type === 'door.closed' ? input.deviceId : state?.deviceId
    const watching = result.state.openedAtMs !== undefined && door !== undefined
    return step({ state: watching ? { ...result.state, deviceId: door } : result.state, finding: result.finding })
  },

  /** Nor does a watch begun before or during an absence carry over. */
  ticks: (state, input, now, context) => (input.absent ? { state: undefined } : naming(tickNightDoor(state, now, context.plan.settings), context, state?.deviceId)),

  /** A watch under way (or fired and waiting for movement indoors) outlives a restart. */
  save: (state) => (state.openedAtMs === undefined ? undefined : state),
  restore: (saved) => nightDoorWatchOf(saved),
}
