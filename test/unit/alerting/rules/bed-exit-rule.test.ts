import { describe, expect, it } from 'vitest'
import { BED_EXIT_KIND, onBedEvent, tickBedExit, type BedExitState, type BedSettings } from '../../../../alerting/rules/bed-exit-rule.js'
import type { RuleFinding } from '../../../../alerting/rules/rule-finding.js'
import { DEFAULT_CARE_SETTINGS, type EventType } from '../../../../contract/index.js'

const MIN = 60_000
const H = 60 * MIN
const DAY = 24 * H
const utc = (iso: string): number => Date.parse(iso)
const iso = (ms: number): string => new Date(ms).toISOString()

const LONDON: BedSettings = { activeHours: DEFAULT_CARE_SETTINGS.activeHours, bedExitMinutes: DEFAULT_CARE_SETTINGS.bedExitMinutes, timeZone: 'Europe/London' }

/** Events at their times and a tick every minute from `fromMs` to `toMs`; the findings with their times. */
function simulate(
  settings: BedSettings,
  opts: { fromMs: number; toMs: number; events: Array<[EventType, number]>; state?: BedExitState },
): { findings: Array<[string, string, string]>; state: BedExitState | undefined } {
  const events = [...opts.events].sort((a, b) => a[1] - b[1])
  let state = opts.state
  const findings: Array<[string, string, string]> = []
  const note = (atMs: number, finding: RuleFinding | undefined): void => void (finding && findings.push([iso(atMs), finding.action, finding.summary]))
  let next = 0
  for (let t = opts.fromMs; t < opts.toMs; t += MIN) {
    for (; next < events.length && (events[next]?.[1] ?? Infinity) <= t; next++) {
      const [type, atMs] = events[next] ?? ['test', 0]
      const result = onBedEvent(state, { type, atMs }, settings)
      state = result.state
      note(atMs, result.finding)
    }
    const result = tickBedExit(state, t, settings)
    state = result.state
    note(t, result.finding)
  }
  return { findings, state }
}

describe('bed exit rule', () => {
  it('fires 45 min after getting out of bed at night, and not one ms before', () => {
    const out = utc('2026-01-15T02:10:00Z')
    const { state } = onBedEvent(undefined, { type: 'bed.exit', atMs: out }, LONDON)
    expect(state).toEqual({ outSinceMs: out, firing: false })
    const before = tickBedExit(state, out + 45 * MIN - 1, LONDON)
    expect(before).toEqual({ state })
    const at = tickBedExit(before.state, out + 45 * MIN, LONDON)
    expect(at).toEqual({
      state: { outSinceMs: out, firing: true },
      finding: { action: 'fire', kind: BED_EXIT_KIND, priority: 'urgent', summary: 'Out of bed at night since 02:10 and not back after 45 min' },
    })
  })

  it('raises nothing when back in bed within the limit', () => {
    const { findings, state } = simulate(LONDON, {
      fromMs: utc('2026-01-15T02:00:00Z'),
      toMs: utc('2026-01-15T06:00:00Z'),
      events: [
        ['bed.exit', utc('2026-01-15T02:10:00Z')],
        ['bed.enter', utc('2026-01-15T02:54:00Z')],
      ],
    })
    expect(findings).toEqual([])
    expect(state).toEqual({ firing: false })
  })

  it('clears when back in bed after it fired, saying when', () => {
    const { findings } = simulate(LONDON, {
      fromMs: utc('2026-01-15T02:00:00Z'),
      toMs: utc('2026-01-15T06:00:00Z'),
      events: [
        ['bed.exit', utc('2026-01-15T02:10:00Z')],
        ['bed.enter', utc('2026-01-15T03:20:00Z')],
      ],
    })
    expect(findings).toEqual([
      ['2026-01-15T02:55:00.000Z', 'fire', 'Out of bed at night since 02:10 and not back after 45 min'],
      ['2026-01-15T03:20:00.000Z', 'clear', 'back in bed at 03:20'],
    ])
  })

  it('does not clear on other movement, only on getting back into bed', () => {
    const fired: BedExitState = { outSinceMs: utc('2026-01-15T02:10:00Z'), firing: true }
    for (const type of ['motion', 'chair.enter', 'door.closed'] as const) {
      expect(onBedEvent(fired, { type, atMs: utc('2026-01-15T03:30:00Z') }, LONDON)).toEqual({ state: fired })
    }
  })

  it('starts a new watch on another bed exit after an alert whose return went unseen', () => {
    const fired: BedExitState = { outSinceMs: utc('2026-01-15T02:10:00Z'), firing: true }
    expect(onBedEvent(fired, { type: 'bed.exit', atMs: utc('2026-01-16T01:30:00Z') }, LONDON)).toEqual({
      state: { outSinceMs: utc('2026-01-16T01:30:00Z'), firing: false },
    })
  })

  it('keeps the first time out when a second bed exit comes before getting back in', () => {
    const { findings } = simulate(LONDON, {
      fromMs: utc('2026-01-15T02:00:00Z'),
      toMs: utc('2026-01-15T04:00:00Z'),
      events: [
        ['bed.exit', utc('2026-01-15T02:10:00Z')],
        ['bed.exit', utc('2026-01-15T02:40:00Z')],
      ],
    })
    expect(findings).toEqual([['2026-01-15T02:55:00.000Z', 'fire', 'Out of bed at night since 02:10 and not back after 45 min']])
  })

  it('starts no watch for getting up in the active hours', () => {
    expect(onBedEvent(undefined, { type: 'bed.exit', atMs: utc('2026-01-15T07:00:00Z') }, LONDON).state).toEqual({ firing: false })
    expect(onBedEvent(undefined, { type: 'bed.exit', atMs: utc('2026-01-15T21:59:59Z') }, LONDON).state).toEqual({ firing: false })
  })

  it('drops a watch still pending when the active hours begin: getting up at 06:30 is the morning', () => {
    const { findings, state } = simulate(LONDON, { fromMs: utc('2026-01-15T06:00:00Z'), toMs: utc('2026-01-15T12:00:00Z'), events: [['bed.exit', utc('2026-01-15T06:30:00Z')]] })
    expect(findings).toEqual([])
    expect(state).toEqual({ firing: false })
  })

  it('fires at 06:59 for a bed exit at 06:14, the last minute of the night', () => {
    const { findings } = simulate(LONDON, { fromMs: utc('2026-01-15T06:00:00Z'), toMs: utc('2026-01-15T08:00:00Z'), events: [['bed.exit', utc('2026-01-15T06:14:00Z')]] })
    expect(findings).toEqual([['2026-01-15T06:59:00.000Z', 'fire', 'Out of bed at night since 06:14 and not back after 45 min']])
  })

  it('raises nothing over 3 nights of a 10-minute trip to the toilet at 03:00 and getting up at 07:05', () => {
    const from = utc('2026-01-12T00:00:00Z')
    const events: Array<[EventType, number]> = []
    for (let d = 0; d < 3; d++) {
      const base = from + d * DAY
      events.push(['bed.exit', base + 3 * H], ['bed.enter', base + 3 * H + 10 * MIN], ['bed.exit', base + 7 * H + 5 * MIN], ['bed.enter', base + 22 * H + 30 * MIN])
    }
    const { findings } = simulate(LONDON, { fromMs: from, toMs: from + 3 * DAY, events })
    expect(findings).toEqual([])
  })

  it('measures 45 real minutes across the spring-forward gap: out at 00:50 GMT, fires at 02:35 BST', () => {
    const { findings } = simulate(LONDON, { fromMs: utc('2026-03-29T00:40:00Z'), toMs: utc('2026-03-29T03:00:00Z'), events: [['bed.exit', utc('2026-03-29T00:50:00Z')]] })
    expect(findings).toEqual([['2026-03-29T01:35:00.000Z', 'fire', 'Out of bed at night since 00:50 and not back after 45 min']])
  })

  it('measures 45 real minutes across the fall-back hour: out at 01:30 BST, fires at 01:15 GMT, back at 01:40 GMT', () => {
    const { findings } = simulate(LONDON, {
      fromMs: utc('2026-10-25T00:20:00Z'),
      toMs: utc('2026-10-25T03:00:00Z'),
      events: [
        ['bed.exit', utc('2026-10-25T00:30:00Z')],
        ['bed.enter', utc('2026-10-25T01:40:00Z')],
      ],
    })
    expect(findings).toEqual([
      ['2026-10-25T01:15:00.000Z', 'fire', 'Out of bed at night since 01:30 and not back after 45 min'],
      ['2026-10-25T01:40:00.000Z', 'clear', 'back in bed at 01:40'],
    ])
  })

  it('drops the watch at 07:00 BST on the spring-forward morning, an hour sooner in UTC than the day before', () => {
    // Out at 06:20 BST (05:20 UTC); 45 min would be 07:05 BST, in the day.
    const spring = simulate(LONDON, { fromMs: utc('2026-03-29T05:00:00Z'), toMs: utc('2026-03-29T08:00:00Z'), events: [['bed.exit', utc('2026-03-29T05:20:00Z')]] })
    expect(spring.findings).toEqual([])
    // The same UTC times the day before are 05:20 and 06:05 GMT: night.
    const before = simulate(LONDON, { fromMs: utc('2026-03-28T05:00:00Z'), toMs: utc('2026-03-28T08:00:00Z'), events: [['bed.exit', utc('2026-03-28T05:20:00Z')]] })
    expect(before.findings).toEqual([['2026-03-28T06:05:00.000Z', 'fire', 'Out of bed at night since 05:20 and not back after 45 min']])
  })

  it('uses the night of America/New_York', () => {
    const ny: BedSettings = { ...LONDON, timeZone: 'America/New_York' }
    // 03:00 EST = 08:00 UTC: night in New York, day in London.
    const { findings } = simulate(ny, { fromMs: utc('2026-01-15T07:00:00Z'), toMs: utc('2026-01-15T10:00:00Z'), events: [['bed.exit', utc('2026-01-15T08:00:00Z')]] })
    expect(findings).toEqual([['2026-01-15T08:45:00.000Z', 'fire', 'Out of bed at night since 03:00 and not back after 45 min']])
    expect(simulate(LONDON, { fromMs: utc('2026-01-15T07:00:00Z'), toMs: utc('2026-01-15T10:00:00Z'), events: [['bed.exit', utc('2026-01-15T08:00:00Z')]] }).findings).toEqual([])
  })
})
