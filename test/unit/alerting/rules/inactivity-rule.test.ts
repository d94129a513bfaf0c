import { describe, expect, it } from 'vitest'
import { INACTIVITY_KIND, evaluateInactivity, type InactivitySettings, type InactivityState } from '../../../../alerting/rules/inactivity-rule.js'
import type { RuleFinding } from '../../../../alerting/rules/rule-finding.js'
import { DEFAULT_CARE_SETTINGS } from '../../../../contract/index.js'

const MIN = 60_000
const H = 60 * MIN
const DAY = 24 * H
const utc = (iso: string): number => Date.parse(iso)
const iso = (ms: number): string => new Date(ms).toISOString()

const LONDON: InactivitySettings = { activeHours: DEFAULT_CARE_SETTINGS.activeHours, inactivityHours: DEFAULT_CARE_SETTINGS.inactivityHours, timeZone: 'Europe/London' }

/**
 * Simulated time: ticks every `stepMs` from `fromMs` to `toMs` (exclusive), with activity at the
 * given instants (each seen at its own time, as the engine does on the event). Returns the findings.
 */
function simulate(
  settings: InactivitySettings,
  opts: { fromMs: number; toMs: number; stepMs?: number; lastActivityMs: number; activity?: number[]; state?: InactivityState },
): { findings: Array<{ atMs: number; finding: RuleFinding }>; state: InactivityState | undefined } {
  const step = opts.stepMs ?? MIN
  const activity = [...(opts.activity ?? [])].sort((a, b) => a - b)
  let state = opts.state
  let last = opts.lastActivityMs
  const findings: Array<{ atMs: number; finding: RuleFinding }> = []
  const judge = (nowMs: number): void => {
    const result = evaluateInactivity(state, { nowMs, lastActivityMs: last }, settings)
    state = result.state
    if (result.finding) findings.push({ atMs: nowMs, finding: result.finding })
  }
  let next = 0
  for (let t = opts.fromMs; t < opts.toMs; t += step) {
    while (next < activity.length && (activity[next] ?? Infinity) <= t) {
      last = activity[next] ?? last
      judge(last)
      next++
    }
    judge(t)
  }
  return { findings, state }
}

describe('inactivity rule', () => {
  it('fires 3 h after the last activity inside the active hours, and not one ms before', () => {
    const last = utc('2026-01-14T09:15:00Z')
    const before = evaluateInactivity(undefined, { nowMs: last + 3 * H - 1, lastActivityMs: last }, LONDON)
    expect(before).toEqual({ state: { firing: false } })
    const at = evaluateInactivity(before.state, { nowMs: last + 3 * H, lastActivityMs: last }, LONDON)
    expect(at).toEqual({
      state: { firing: true, firedAtMs: last + 3 * H },
      finding: { action: 'fire', kind: INACTIVITY_KIND, priority: 'urgent', summary: 'No movement for 3 h since the last activity at 09:15 (active hours 07:00 to 22:00)' },
    })
  })

  it('does not count the night: after an evening activity it fires 3 h after the day begins', () => {
    const { findings } = simulate(LONDON, { fromMs: utc('2026-01-14T21:30:00Z'), toMs: utc('2026-01-15T12:00:00Z'), lastActivityMs: utc('2026-01-14T21:30:00Z') })
    expect(findings.map((f) => [iso(f.atMs), f.finding.action === 'fire' && f.finding.summary])).toEqual([
      ['2026-01-15T10:00:00.000Z', 'No movement for 3 h since the day began at 07:00 (active hours 07:00 to 22:00)'],
    ])
  })

  it('never fires at night even when the quiet began before it', () => {
    const { findings } = simulate(LONDON, { fromMs: utc('2026-01-14T19:30:00Z'), toMs: utc('2026-01-15T09:59:00Z'), lastActivityMs: utc('2026-01-14T19:30:00Z') })
    expect(findings).toEqual([])
  })

  it('fires once and stays firing, however long the quiet lasts', () => {
    const { findings, state } = simulate(LONDON, { fromMs: utc('2026-01-14T07:00:00Z'), toMs: utc('2026-01-17T07:00:00Z'), lastActivityMs: utc('2026-01-14T06:00:00Z') })
    expect(findings.map((f) => iso(f.atMs))).toEqual(['2026-01-14T10:00:00.000Z'])
    expect(state).toEqual({ firing: true, firedAtMs: utc('2026-01-14T10:00:00Z') })
  })

  it('clears on activity after it fired, saying when', () => {
    const fired: InactivityState = { firing: true, firedAtMs: utc('2026-01-14T12:15:00Z') }
    const result = evaluateInactivity(fired, { nowMs: utc('2026-01-14T12:40:00Z'), lastActivityMs: utc('2026-01-14T12:40:00Z') }, LONDON)
    expect(result).toEqual({ state: { firing: false }, finding: { action: 'clear', kind: 'inactivity', summary: 'activity again at 12:40' } })
  })

  it('does not clear on activity stamped at or before the moment it fired (a late event)', () => {
    const firedAt = utc('2026-01-14T12:15:00Z')
    const fired: InactivityState = { firing: true, firedAtMs: firedAt }
    for (const lastActivityMs of [firedAt - 10 * MIN, firedAt]) {
      expect(evaluateInactivity(fired, { nowMs: firedAt + 20 * MIN, lastActivityMs }, LONDON)).toEqual({ state: fired })
    }
  })

  it('can fire again after it cleared, counting from the activity that cleared it', () => {
    const { findings } = simulate(LONDON, {
      fromMs: utc('2026-01-14T07:00:00Z'),
      toMs: utc('2026-01-14T22:00:00Z'),
      lastActivityMs: utc('2026-01-14T06:00:00Z'),
      activity: [utc('2026-01-14T11:00:00Z')],
    })
    expect(findings.map((f) => [iso(f.atMs), f.finding.action])).toEqual([
      ['2026-01-14T10:00:00.000Z', 'fire'],
      ['2026-01-14T11:00:00.000Z', 'clear'],
      ['2026-01-14T14:00:00.000Z', 'fire'],
    ])
  })

  it('raises nothing over 3 days of minute ticks for someone active every 2 hours of the day', () => {
    const from = utc('2026-01-12T00:00:00Z')
    const activity: number[] = []
    for (let d = 0; d < 3; d++) for (let hour = 7.5; hour <= 21.5; hour += 2) activity.push(from + d * DAY + hour * H)
    const { findings, state } = simulate(LONDON, { fromMs: from, toMs: from + 3 * DAY, lastActivityMs: from - 2 * H, activity })
    expect(activity.length).toBe(24)
    expect(findings).toEqual([])
    expect(state).toEqual({ firing: false })
  })

  it('fires each morning at 10:00 local time across the London spring forward (10:00 UTC, then 09:00 UTC)', () => {
    const from = utc('2026-03-27T00:00:00Z')
    // One activity each evening at 20:00 local (20:00 GMT, then 19:00 UTC in BST).
    const activity = ['2026-03-26T20:00:00Z', '2026-03-27T20:00:00Z', '2026-03-28T20:00:00Z', '2026-03-29T19:00:00Z', '2026-03-30T19:00:00Z'].map(utc)
    const { findings } = simulate(LONDON, { fromMs: from, toMs: from + 4 * DAY, lastActivityMs: activity[0] ?? 0, activity: activity.slice(1) })
    expect(findings.filter((f) => f.finding.action === 'fire').map((f) => iso(f.atMs))).toEqual([
      '2026-03-27T10:00:00.000Z',
      '2026-03-28T10:00:00.000Z',
      '2026-03-29T09:00:00.000Z',
      '2026-03-30T09:00:00.000Z',
    ])
    expect(findings.filter((f) => f.finding.action === 'clear').map((f) => f.finding.summary)).toEqual(Array(4).fill('activity again at 20:00'))
  })

  it('counts from 07:00 BST on the spring-forward morning: one ms before 10:00 BST nothing', () => {
    const last = utc('2026-03-28T21:00:00Z')
    expect(evaluateInactivity(undefined, { nowMs: utc('2026-03-29T08:59:59.999Z'), lastActivityMs: last }, LONDON).finding).toBeUndefined()
    expect(evaluateInactivity(undefined, { nowMs: utc('2026-03-29T09:00:00Z'), lastActivityMs: last }, LONDON).finding?.summary).toBe(
      'No movement for 3 h since the day began at 07:00 (active hours 07:00 to 22:00)',
    )
  })

  it('counts from 07:00 GMT on the fall-back morning: fires at 10:00 UTC, not at 09:00', () => {
    const last = utc('2026-10-24T20:00:00Z')
    expect(evaluateInactivity(undefined, { nowMs: utc('2026-10-25T09:59:59.999Z'), lastActivityMs: last }, LONDON).finding).toBeUndefined()
    expect(evaluateInactivity(undefined, { nowMs: utc('2026-10-25T10:00:00Z'), lastActivityMs: last }, LONDON).finding?.action).toBe('fire')
  })

  it('measures the quiet in real time across the fall-back hour: 3 h from 00:30 BST is 02:30 GMT on the clock', () => {
    const night = { ...LONDON, activeHours: { from: '20:00', to: '04:00' } }
    const last = utc('2026-10-24T23:30:00Z') // 00:30 BST on the 25th
    const { findings } = simulate(night, { fromMs: last, toMs: utc('2026-10-25T03:00:00Z'), lastActivityMs: last })
    expect(findings.map((f) => [iso(f.atMs), f.finding.action === 'fire' && f.finding.summary])).toEqual([
      ['2026-10-25T02:30:00.000Z', 'No movement for 3 h since the last activity at 00:30 (active hours 20:00 to 04:00)'],
    ])
  })

  it('follows America/New_York: fires at 11:00 EST on the fall-back day (16:00 UTC) and 11:00 EDT the day before (15:00 UTC)', () => {
    const ny: InactivitySettings = { activeHours: { from: '08:00', to: '20:00' }, inactivityHours: 3, timeZone: 'America/New_York' }
    const from = utc('2026-10-31T04:00:00Z') // midnight EDT
    const activity = [utc('2026-10-31T23:00:00Z')] // 19:00 EDT
    const { findings } = simulate(ny, { fromMs: from, toMs: from + 2 * DAY, lastActivityMs: from - 6 * H, activity })
    expect(findings.map((f) => [iso(f.atMs), f.finding.action])).toEqual([
      ['2026-10-31T15:00:00.000Z', 'fire'],
      ['2026-10-31T23:00:00.000Z', 'clear'],
      ['2026-11-01T16:00:00.000Z', 'fire'],
    ])
  })

  describe('active hours past midnight (20:00 to 02:00)', () => {
    const evening: InactivitySettings = { activeHours: { from: '20:00', to: '02:00' }, inactivityHours: 2, timeZone: 'Europe/London' }

    it('counts from 20:00 when the day before was quiet, and fires at 22:00', () => {
      const { findings } = simulate(evening, { fromMs: utc('2026-01-14T12:00:00Z'), toMs: utc('2026-01-15T12:00:00Z'), lastActivityMs: utc('2026-01-14T01:00:00Z') })
      expect(findings.map((f) => [iso(f.atMs), f.finding.action === 'fire' && f.finding.summary])).toEqual([
        ['2026-01-14T22:00:00.000Z', 'No movement for 2 h since the day began at 20:00 (active hours 20:00 to 02:00)'],
      ])
    })

    it('keeps counting past midnight: an activity at 23:10 fires at 01:10', () => {
      const last = utc('2026-01-14T23:10:00Z')
      const { findings } = simulate(evening, { fromMs: last, toMs: utc('2026-01-15T12:00:00Z'), lastActivityMs: last })
      expect(findings.map((f) => [iso(f.atMs), f.finding.action === 'fire' && f.finding.summary])).toEqual([
        ['2026-01-15T01:10:00.000Z', 'No movement for 2 h since the last activity at 23:10 (active hours 20:00 to 02:00)'],
      ])
    })

    it('does not fire when the limit falls after 02:00', () => {
      const last = utc('2026-01-15T00:10:00Z')
      expect(simulate(evening, { fromMs: last, toMs: utc('2026-01-15T19:59:00Z'), lastActivityMs: last }).findings).toEqual([])
    })

    it('has a 7-hour evening on the fall-back night: 6.5 h of quiet from 20:00 BST fires only then', () => {
      const long: InactivitySettings = { ...evening, inactivityHours: 6.5 }
      const from = utc('2026-10-22T12:00:00Z')
      const { findings } = simulate(long, { fromMs: from, toMs: from + 5 * DAY, lastActivityMs: from, stepMs: 5 * MIN })
      expect(findings.map((f) => [iso(f.atMs), f.finding.action === 'fire' && f.finding.summary])).toEqual([
        ['2026-10-25T01:30:00.000Z', 'No movement for 6 h 30 min since the day began at 20:00 (active hours 20:00 to 02:00)'],
      ])
    })
  })

  it('does not fire at 01:45 BST on the fall-back night for active hours beginning 01:30, 15 min into the day', () => {
    const settings: InactivitySettings = { activeHours: { from: '01:30', to: '17:00' }, inactivityHours: 3, timeZone: 'Europe/London' }
    const result = evaluateInactivity(undefined, { nowMs: utc('2026-10-25T00:45:00Z'), lastActivityMs: utc('2026-10-24T15:00:00Z') }, settings)
    expect(result.finding).toBeUndefined()
  })
})
