import type { DeviceType, EventType, Priority, ThresholdInput } from '../../contract/index.js'

/**
 * A named scenario: a home's devices, what they say and when, and the alerts Hearth should raise
 * in answer, in order, and no others. Times are offsets from the scenario's start, a local time
 * in the person's own zone; the runner plays them against the platform's clock.
 */
export interface Scenario {
  name: string
  title: string
  /** When it begins: an ISO 8601 instant with the person's offset, such as 2026-06-15T05:00:00+01:00. */
  start: string
  timeZone: string
  durationMs: number
  /** Platform time between clock ticks (deadlines and silence rules); defaults to 30 s. */
  tickMs?: number
  devices: Record<string, { type: DeviceType; checkInSeconds?: number }>
  thresholds?: ThresholdInput[]
  steps: ScenarioStep[]
  expected: ExpectedAlert[]
}

export type ScenarioStep =
  | { atMs: number; device: string; readings: Array<{ n: string; u: string; v: number }> }
  | { atMs: number; device: string; event: EventType; data?: Record<string, unknown> }
  /** The device stops every message, check-ins included, until it next has a step. */
  | { atMs: number; device: string; silent: true }

export interface ExpectedAlert {
  kind: string
  priority: Priority
  /** When it is raised, local time in the person's zone (HH:MM). */
  raisedAt: string
  /** Checked at the end of the scenario, where given. */
  status?: 'raised' | 'acknowledged' | 'resolved'
  outcome?: string
  flapping?: boolean
  minOccurrences?: number
  escalationLevel?: number
  /** Whether its condition had cleared by the end. */
  cleared?: boolean
  /** A phrase its summary contains. */
  summary?: string
  /** A phrase one of its history entries contains (such as how its priority rose). */
  history?: string
}

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

/** Offsets from `fromMs` to `toMs` (exclusive) every `stepMs`. */
export function every(fromMs: number, toMs: number, stepMs: number): number[] {
  const times: number[] = []
  for (let t = fromMs; t < toMs; t += stepMs) times.push(t)
  return times
}

/** The value on a straight line from `from` to `to` over `[0, spanMs]`, rounded to `decimals`. */
export function ramp(from: number, to: number, atMs: number, spanMs: number, decimals = 0): number {
  const value = from + ((to - from) * Math.min(Math.max(atMs, 0), spanMs)) / spanMs
  const scale = 10 ** decimals
  return Math.round(value * scale) / scale
}

/** Motion in the home every `stepMs`, as a person pottering about would make. */
export function motionEvery(device: string, fromMs: number, toMs: number, stepMs: number): ScenarioStep[] {
  const rooms = ['kitchen', 'living room', 'hallway', 'bathroom']
  return every(fromMs, toMs, stepMs).map((atMs, i) => ({ atMs, device, event: 'motion' as const, data: { room: rooms[i % rooms.length] } }))
}
