import { DateTime, IANAZone } from 'luxon'
import { minutesOfDay } from '../../contract/index.js'

/**
 * Wall-clock time in a person's own time zone, daylight saving included, from Luxon (on the IANA
 * time zone data of Intl): rules about active hours and the night speak local time, while
 * everything stored is UTC.
 */

interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** The zone, or the error Intl itself gives for a name it does not know (a rule that throws raises `rule.error`). */
function zoneOf(timeZone: string): IANAZone {
  const zone = IANAZone.create(timeZone)
  if (!zone.isValid) throw new RangeError(`Invalid time zone specified: ${timeZone}`)
  return zone
}

/**
 * Recent answers by zone and second: on a tick every person in a zone asks about the same
 * instants, and reading the zone is the costly part (thousands of people a second).
 */
const recent = new Map<string, LocalParts>()
const RECENT_LIMIT = 10_000

export function localParts(atMs: number, timeZone: string): LocalParts {
  const key = `${timeZone}|${Math.floor(atMs / 1000)}`
  const known = recent.get(key)
  if (known) return known
  const { year, month, day, hour, minute, second } = DateTime.fromMillis(atMs, { zone: zoneOf(timeZone) })
  const local = { year, month, day, hour, minute, second }
  if (recent.size >= RECENT_LIMIT) recent.clear()
  recent.set(key, local)
  return local
}

const DAY_MS = 86_400_000

/**
 * The UTC instant of a local wall-clock time. A time that happens twice (clocks going back) is
 * its first occurrence; a time that never happens (clocks going forward) is the moment the
 * clocks change, the first instant at or after it.
 */
export function zonedTimeToUtc(local: { year: number; month: number; day: number; minuteOfDay: number }, timeZone: string): number {
  const zone = zoneOf(timeZone)
  const wall = { year: local.year, month: local.month, day: local.day, hour: Math.floor(local.minuteOfDay / 60), minute: local.minuteOfDay % 60, second: 0, millisecond: 0 }
  // Luxon reads a wall time with the offset of the time it is set on: set on the day before and
  // the day after, a time that happens twice comes back as each of its occurrences.
  const around = DateTime.fromObject(wall, { zone })
  const readings = [around.minus({ days: 1 }), around.plus({ days: 1 })].map((t) => t.set(wall))
  const real = readings.filter((t) => t.hour === wall.hour && t.minute === wall.minute).map((t) => t.toMillis())
  if (real.length > 0) return Math.min(...real)
  // In the gap Luxon reads on with the offset from before it, landing past the change by as much
  // as the time is past the gap's start: the change is the minute the offset moved, within that.
  const past = Math.min(...readings.map((t) => t.toMillis()))
  const after = zone.offset(past)
  let lo = past - (after - zone.offset(past - DAY_MS)) * 60_000
  let hi = past
  while (hi - lo > 60_000) {
    const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000
    if (zone.offset(mid) === after) hi = mid
    else lo = mid
  }
  return hi
}

export function minuteOfDay(atMs: number, timeZone: string): number {
  const p = localParts(atMs, timeZone)
  return p.hour * 60 + p.minute
}

/** `HH:MM` in the zone, for messages people read. */
export function localClock(atMs: number, timeZone: string): string {
  const p = localParts(atMs, timeZone)
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`
}

export interface ActiveHours {
  from: string
  to: string
}

/** Whether a local time falls in the active hours; hours that run past midnight wrap. */
export function isActiveAt(atMs: number, hours: ActiveHours, timeZone: string): boolean {
  const m = minuteOfDay(atMs, timeZone)
  const from = minutesOfDay(hours.from)
  const to = minutesOfDay(hours.to)
  return from < to ? m >= from && m < to : m >= from || m < to
}

/** Night is whatever lies outside the person's active hours. */
export function isNightAt(atMs: number, hours: ActiveHours, timeZone: string): boolean {
  return !isActiveAt(atMs, hours, timeZone)
}

/**
 * When the active hours begin on a local date and on the calendar day before it, whatever the
 * clocks did in between: asked on every tick for every person, it changes once a day.
 */
const starts = new Map<string, { today: number; yesterday: number }>()

function startsOn(date: { year: number; month: number; day: number }, from: number, timeZone: string): { today: number; yesterday: number } {
  const key = `${timeZone}|${from}|${date.year}-${date.month}-${date.day}`
  let known = starts.get(key)
  if (!known) {
    const before = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: 12 }, { zone: zoneOf(timeZone) }).minus({ days: 1 })
    known = {
      today: zonedTimeToUtc({ ...date, minuteOfDay: from }, timeZone),
      yesterday: zonedTimeToUtc({ year: before.year, month: before.month, day: before.day, minuteOfDay: from }, timeZone),
    }
    if (starts.size >= RECENT_LIMIT) starts.clear()
    starts.set(key, known)
  }
  return known
}

/** The latest instant at or before `atMs` when the active hours began (local `from`). */
export function activePeriodStart(atMs: number, hours: ActiveHours, timeZone: string): number {
  const { today, yesterday } = startsOn(localParts(atMs, timeZone), minutesOfDay(hours.from), timeZone)
  return today <= atMs ? today : yesterday
}
