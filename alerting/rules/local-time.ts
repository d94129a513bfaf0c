import { minutesOfDay } from '../../contract/index.js'

/**
 * Wall-clock time in a person's own time zone, daylight saving included, from Intl alone: rules
 * about active hours and the night speak local time, while everything stored is UTC.
 */

interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/**
 * Recent answers by zone and second: on a tick every person in a zone asks about the same
 * instants, and formatting is the costly part (thousands of people a second).
 */
const recent = new Map<string, LocalParts>()
const RECENT_LIMIT = 10_000

export function localParts(atMs: number, timeZone: string): LocalParts {
  const key = `${timeZone}|${Math.floor(atMs / 1000)}`
  const known = recent.get(key)
  if (known) return known
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(atMs)) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  const local = { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 }
  if (recent.size >= RECENT_LIMIT) recent.clear()
  recent.set(key, local)
  return local
}

/** How far the zone is ahead of UTC at this instant. */
function offsetMs(atMs: number, timeZone: string): number {
  const p = localParts(atMs, timeZone)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(atMs / 1000) * 1000
}

const DAY_MS = 86_400_000

/**
 * The UTC instant of a local wall-clock time. A time that happens twice (clocks going back) is
 * its first occurrence; a time that never happens (clocks going forward) is the moment the
 * clocks change, the first instant at or after it.
 */
export function zonedTimeToUtc(local: { year: number; month: number; day: number; minuteOfDay: number }, timeZone: string): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, 0, local.minuteOfDay)
  const before = offsetMs(wall - DAY_MS, timeZone)
  const after = offsetMs(wall + DAY_MS, timeZone)
  const valid = [wall - before, wall - after].filter((t) => offsetMs(t, timeZone) === wall - t)
  if (valid.length > 0) return Math.min(...valid)
  // In the gap: search the minute the clocks changed, between the two readings of the wall time.
  let lo = Math.min(wall - before, wall - after)
  let hi = Math.max(wall - before, wall - after)
  while (hi - lo > 60_000) {
    const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000
    if (offsetMs(mid, timeZone) === after) hi = mid
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

/** The latest instant at or before `atMs` when the active hours began (local `from`). */
export function activePeriodStart(atMs: number, hours: ActiveHours, timeZone: string): number {
  const from = minutesOfDay(hours.from)
  const today = localParts(atMs, timeZone)
  const start = zonedTimeToUtc({ year: today.year, month: today.month, day: today.day, minuteOfDay: from }, timeZone)
  if (start <= atMs) return start
  // Noon of the day before, in local terms, then its own date: safe across clock changes.
  const yesterday = localParts(start - 12 * 3_600_000 - from * 60_000, timeZone)
  return zonedTimeToUtc({ year: yesterday.year, month: yesterday.month, day: yesterday.day, minuteOfDay: from }, timeZone)
}
