import type { DeviceEvent, DeviceId } from '../contract/index.js'

/** Repeats of one kind from one device, counted since the last write. */
export interface Repeats {
  count: number
  firstId: string
  lastId: string
  firstAtMs: number
  lastAtMs: number
  /** The latest, for the alert's summary (a fall's confidence). */
  event: DeviceEvent
  /** Releases each repeat's in-flight slot once written. */
  written: Array<() => void>
}

/** Events of one type refused since the last answer to the device. */
interface Refusals {
  count: number
  firstId: string | undefined
  lastId: string | undefined
}

/** Events over the limits, by what was done with them. */
export interface Tally {
  folded: number
  refused: number
  kept: number
}

/** A device over its limits, from its first limited event until it has been quiet for `quietMs`. */
export interface Storm {
  deviceId: DeviceId
  personId: string | undefined
  startedAtMs: number
  lastLimitedAtMs: number
  /** Kinds with an open alert for the person, as last seen (dropped when such an alert is resolved). */
  open: Set<string>
  repeats: Map<string, Repeats>
  refused: Map<string, Refusals>
  /** Folded repeats written since the last answer to the device, by kind, with the alert they went to. */
  foldedAnswers: Map<string, { count: number; alertId: string; firstId: string; lastId: string }>
  sinceSummary: Tally
  total: Tally
  /** The technical alert was raised (or found open after a restart) in this storm. */
  alerted: boolean
  alertUpdatedAtMs: number
  summarisedAtMs: number
}

/** The type invalid events are counted and answered under. */
export const INVALID = '(invalid)'

/** A number as people read it: 12,345. */
export const count = (n: number): string => n.toLocaleString('en-GB')

/** The ids of a run of events, as ` (first)` or ` (first to last)`; nothing when none is known. */
export const idRange = (first: string | undefined, last: string | undefined): string =>
  first === undefined ? '' : first === last ? ` (${first})` : ` (${first} to ${last ?? first})`

/** A storm begun at `startedAtMs`, last limited at `nowMs`; `alerted` when its technical alert is already open. */
export function newStorm(deviceId: DeviceId, personId: string | undefined, startedAtMs: number, nowMs: number, alerted: boolean): Storm {
  return {
    deviceId,
    personId,
    startedAtMs,
    lastLimitedAtMs: nowMs,
    open: new Set(),
    repeats: new Map(),
    refused: new Map(),
    foldedAnswers: new Map(),
    sinceSummary: { folded: 0, refused: 0, kept: 0 },
    total: { folded: 0, refused: 0, kept: 0 },
    alerted,
    alertUpdatedAtMs: nowMs,
    summarisedAtMs: nowMs,
  }
}
