import { describe, expect, it } from 'vitest'
import { activePeriodStart, isActiveAt, isNightAt, localClock, localParts, minuteOfDay, zonedTimeToUtc } from '../../../../alerting/rules/local-time.js'

const MIN = 60_000
const H = 60 * MIN
const DAY = 24 * H
const LONDON = 'Europe/London'
const NEW_YORK = 'America/New_York'
const utc = (iso: string): number => Date.parse(iso)
const iso = (ms: number): string => new Date(ms).toISOString()
const day = { from: '07:00', to: '22:00' }
const evening = { from: '20:00', to: '02:00' }

// Europe/London: 2026-03-29 01:00 UTC (01:00 GMT -> 02:00 BST), 2026-10-25 01:00 UTC (02:00 BST -> 01:00 GMT).
// America/New_York: 2026-03-08 07:00 UTC (02:00 EST -> 03:00 EDT), 2026-11-01 06:00 UTC (02:00 EDT -> 01:00 EST).

describe('zonedTimeToUtc', () => {
  it.each([
    ['London in winter', LONDON, 2026, 1, 15, '07:00', '2026-01-15T07:00:00.000Z'],
    ['London in summer', LONDON, 2026, 7, 15, '07:00', '2026-07-15T06:00:00.000Z'],
    ['London before the spring gap', LONDON, 2026, 3, 29, '00:30', '2026-03-29T00:30:00.000Z'],
    ['London after the spring gap', LONDON, 2026, 3, 29, '03:00', '2026-03-29T02:00:00.000Z'],
    ['London on the spring-forward morning', LONDON, 2026, 3, 29, '07:00', '2026-03-29T06:00:00.000Z'],
    ['London just after midnight on the fall-back day (still BST)', LONDON, 2026, 10, 25, '00:30', '2026-10-24T23:30:00.000Z'],
    ['London on the fall-back morning', LONDON, 2026, 10, 25, '07:00', '2026-10-25T07:00:00.000Z'],
    ['London at midnight', LONDON, 2026, 7, 1, '00:00', '2026-06-30T23:00:00.000Z'],
    ['New York the day before spring forward', NEW_YORK, 2026, 3, 7, '08:00', '2026-03-07T13:00:00.000Z'],
    ['New York on the spring-forward morning', NEW_YORK, 2026, 3, 8, '08:00', '2026-03-08T12:00:00.000Z'],
    ['New York after the spring gap', NEW_YORK, 2026, 3, 8, '03:00', '2026-03-08T07:00:00.000Z'],
    ['New York the day before fall back', NEW_YORK, 2026, 10, 31, '08:00', '2026-10-31T12:00:00.000Z'],
    ['New York on the fall-back morning', NEW_YORK, 2026, 11, 1, '08:00', '2026-11-01T13:00:00.000Z'],
    ['New York late on the fall-back day', NEW_YORK, 2026, 11, 1, '23:30', '2026-11-02T04:30:00.000Z'],
  ])('converts %s (%s %i-%i-%i %s)', (_what, zone, year, month, dayOfMonth, hhmm, expected) => {
    const [h, m] = hhmm.split(':').map(Number)
    expect(iso(zonedTimeToUtc({ year, month, day: dayOfMonth, minuteOfDay: (h ?? 0) * 60 + (m ?? 0) }, zone))).toBe(expected)
  })

  it('lands a London time skipped by spring forward (01:30) on the moment the clocks change, 02:00 BST', () => {
    const at = zonedTimeToUtc({ year: 2026, month: 3, day: 29, minuteOfDay: 90 }, LONDON)
    expect(iso(at)).toBe('2026-03-29T01:00:00.000Z')
    expect(localClock(at, LONDON)).toBe('02:00')
  })

  it('lands a New York time skipped by spring forward (02:30) just after the gap, not before it', () => {
    const at = zonedTimeToUtc({ year: 2026, month: 3, day: 8, minuteOfDay: 150 }, NEW_YORK)
    expect(at).toBeGreaterThanOrEqual(utc('2026-03-08T07:00:00Z'))
  })

  it('round-trips every local minute of the 3 days around each change that exists once', () => {
    for (const [zone, startIso] of [[LONDON, '2026-03-28T00:00:00Z'], [LONDON, '2026-10-24T00:00:00Z'], [NEW_YORK, '2026-03-07T06:00:00Z'], [NEW_YORK, '2026-10-31T06:00:00Z']] as const) {
      const start = utc(startIso)
      const wrong: string[] = []
      let checked = 0
      for (let t = start; t < start + 3 * DAY; t += MIN) {
        const p = localParts(t, zone)
        const back = zonedTimeToUtc({ year: p.year, month: p.month, day: p.day, minuteOfDay: p.hour * 60 + p.minute }, zone)
        // A repeated hour (fall back) maps either way; every other local minute maps to itself.
        if (back === t) checked++
        else if (Math.abs(back - t) !== H) wrong.push(`${iso(t)} -> ${iso(back)}`)
      }
      expect(wrong).toEqual([])
      expect(checked).toBeGreaterThanOrEqual(3 * 24 * 60 - 60)
    }
  })
})

describe('local clock and minute of day', () => {
  it('reads the wall clock on both sides of the London clock changes', () => {
    expect([utc('2026-03-29T00:59:00Z'), utc('2026-03-29T01:00:00Z')].map((t) => localClock(t, LONDON))).toEqual(['00:59', '02:00'])
    expect([utc('2026-10-25T00:59:00Z'), utc('2026-10-25T01:00:00Z')].map((t) => localClock(t, LONDON))).toEqual(['01:59', '01:00'])
    expect(minuteOfDay(utc('2026-10-25T01:00:00Z'), LONDON)).toBe(60)
  })

  it('reads the wall clock in New York and at local midnight', () => {
    expect(localClock(utc('2026-03-08T07:00:00Z'), NEW_YORK)).toBe('03:00')
    expect(localClock(utc('2026-11-01T06:00:00Z'), NEW_YORK)).toBe('01:00')
    expect(localClock(utc('2026-01-15T00:00:00Z'), LONDON)).toBe('00:00')
    expect(minuteOfDay(utc('2026-01-15T00:00:00Z'), LONDON)).toBe(0)
  })
})

describe('active hours', () => {
  it('includes `from` and excludes `to`', () => {
    const at = (hhmm: string): number => utc(`2026-01-15T${hhmm}:00Z`)
    expect(['06:59', '07:00', '21:59', '22:00'].map((h) => isActiveAt(at(h), day, LONDON))).toEqual([false, true, true, false])
    expect(isNightAt(at('06:59'), day, LONDON)).toBe(true)
    expect(isNightAt(at('07:00'), day, LONDON)).toBe(false)
  })

  it('wraps hours that run past midnight (20:00 to 02:00)', () => {
    const at = (hhmm: string): number => utc(`2026-01-15T${hhmm}:00Z`)
    expect(['19:59', '20:00', '23:59', '00:00', '01:59', '02:00', '12:00'].map((h) => isActiveAt(at(h), evening, LONDON))).toEqual([false, true, true, true, true, false, false])
  })

  it('starts the day at 07:00 local time on the spring-forward day: 06:00 UTC, an hour earlier than the day before', () => {
    expect(isActiveAt(utc('2026-03-28T06:30:00Z'), day, LONDON)).toBe(false)
    expect(isActiveAt(utc('2026-03-29T06:30:00Z'), day, LONDON)).toBe(true)
    expect(isActiveAt(utc('2026-03-29T05:59:59.999Z'), day, LONDON)).toBe(false)
  })

  it('ends a 20:00 to 02:00 evening an hour early on the spring-forward night and an hour late on the fall-back night', () => {
    expect(isActiveAt(utc('2026-03-29T00:59:59.999Z'), evening, LONDON)).toBe(true)
    expect(isActiveAt(utc('2026-03-29T01:00:00Z'), evening, LONDON)).toBe(false) // 02:00 BST
    expect(isActiveAt(utc('2026-10-25T00:30:00Z'), evening, LONDON)).toBe(true) // 01:30 BST
    expect(isActiveAt(utc('2026-10-25T01:30:00Z'), evening, LONDON)).toBe(true) // 01:30 GMT, the second time
    expect(isActiveAt(utc('2026-10-25T02:00:00Z'), evening, LONDON)).toBe(false) // 02:00 GMT
  })

  it('follows New York time', () => {
    const nyDay = { from: '08:00', to: '20:00' }
    expect(isActiveAt(utc('2026-03-07T12:30:00Z'), nyDay, NEW_YORK)).toBe(false) // 07:30 EST
    expect(isActiveAt(utc('2026-03-08T12:30:00Z'), nyDay, NEW_YORK)).toBe(true) // 08:30 EDT
    expect(isActiveAt(utc('2026-11-01T12:30:00Z'), nyDay, NEW_YORK)).toBe(false) // 07:30 EST
    expect(isActiveAt(utc('2026-11-02T00:30:00Z'), nyDay, NEW_YORK)).toBe(true) // 19:30 EST
  })
})

describe('activePeriodStart', () => {
  it.each([
    ['a winter afternoon', '2026-01-15T15:00:00Z', LONDON, day, '2026-01-15T07:00:00.000Z'],
    ['exactly at the start', '2026-01-15T07:00:00Z', LONDON, day, '2026-01-15T07:00:00.000Z'],
    ['one ms before the start (yesterday)', '2026-01-15T06:59:59.999Z', LONDON, day, '2026-01-14T07:00:00.000Z'],
    ['the spring-forward afternoon', '2026-03-29T12:00:00Z', LONDON, day, '2026-03-29T06:00:00.000Z'],
    ['the night after spring forward', '2026-03-30T05:00:00Z', LONDON, day, '2026-03-29T06:00:00.000Z'],
    ['the night before spring forward', '2026-03-29T05:00:00Z', LONDON, day, '2026-03-28T07:00:00.000Z'],
    ['the fall-back morning before 07:00 GMT', '2026-10-25T06:30:00Z', LONDON, day, '2026-10-24T06:00:00.000Z'],
    ['the fall-back afternoon', '2026-10-25T12:00:00Z', LONDON, day, '2026-10-25T07:00:00.000Z'],
    ['an evening period after midnight', '2026-01-16T01:00:00Z', LONDON, evening, '2026-01-15T20:00:00.000Z'],
    ['an evening period on the spring-forward night', '2026-03-29T00:30:00Z', LONDON, evening, '2026-03-28T20:00:00.000Z'],
    ['an evening period on the fall-back night', '2026-10-25T01:30:00Z', LONDON, evening, '2026-10-24T19:00:00.000Z'],
    ['New York on the spring-forward day', '2026-03-08T15:00:00Z', NEW_YORK, { from: '08:00', to: '20:00' }, '2026-03-08T12:00:00.000Z'],
    ['New York on the fall-back day', '2026-11-01T15:00:00Z', NEW_YORK, { from: '08:00', to: '20:00' }, '2026-11-01T13:00:00.000Z'],
    ['New York before 08:00 on the fall-back day', '2026-11-01T12:30:00Z', NEW_YORK, { from: '08:00', to: '20:00' }, '2026-10-31T12:00:00.000Z'],
  ])('finds the start for %s', (_what, at, zone, hours, expected) => {
    expect(iso(activePeriodStart(utc(at), hours, zone))).toBe(expected)
  })

  it('is 07:00 local, never after the instant, and moves exactly when 07:00 comes, for every minute of 5 days around each change', () => {
    for (const [zone, startIso] of [[LONDON, '2026-03-27T00:00:00Z'], [LONDON, '2026-10-23T00:00:00Z'], [NEW_YORK, '2026-03-06T05:00:00Z'], [NEW_YORK, '2026-10-30T04:00:00Z']] as const) {
      const starts = new Set<number>()
      const wrong: string[] = []
      const from = utc(startIso)
      for (let t = from; t < from + 5 * DAY; t += MIN) {
        const start = activePeriodStart(t, day, zone)
        const ok = start <= t && t - start < 25 * H && localClock(start, zone) === '07:00' && (localClock(t, zone) !== '07:00' || start === t)
        if (!ok) wrong.push(`${iso(t)} -> ${iso(start)}`)
        starts.add(start)
      }
      expect(wrong).toEqual([])
      // 5 local days in the loop, plus the one that began before it.
      expect(starts.size).toBe(6)
    }
  })

  it('finds the start of hours beginning at 01:30 during the first 01:30-02:00 of the London fall-back night', () => {
    const at = utc('2026-10-25T00:45:00Z') // 01:45 BST
    expect(isActiveAt(at, { from: '01:30', to: '17:00' }, LONDON)).toBe(true)
    expect(iso(activePeriodStart(at, { from: '01:30', to: '17:00' }, LONDON))).toBe('2026-10-25T00:30:00.000Z')
  })

  it('puts the start of hours beginning 01:30 at the end of the spring-forward gap (02:00 BST), not yesterday, when asked at 02:10 BST', () => {
    const at = utc('2026-03-29T01:10:00Z') // 02:10 BST
    expect(isActiveAt(at, { from: '01:30', to: '17:00' }, LONDON)).toBe(true)
    expect(at - activePeriodStart(at, { from: '01:30', to: '17:00' }, LONDON)).toBeLessThan(H)
  })
})
