import { describe, expect, it } from 'vitest'
import { FLAPPING_FIRES, FLAPPING_WINDOW_MS, beyondBand, evaluateThreshold, thresholdKind, type ThresholdState } from '../../../../alerting/rules/threshold-rule.js'
import { scoreNews2 } from '../../../../alerting/rules/news2-rule.js'
import type { RuleFinding } from '../../../../alerting/rules/rule-finding.js'
import { defaultThresholds, thresholdsInForce, type Threshold } from '../../../../contract/index.js'

const S = 1000
const MIN = 60 * S
const H = 60 * MIN
const DAY = 24 * H
const T0 = Date.parse('2026-01-12T09:00:00Z')

function rule(scale: 1 | 2, metric: Threshold['metric']): Threshold {
  const found = defaultThresholds(scale).find((t) => t.metric === metric)
  if (!found) throw new Error(`no default threshold for ${metric}`)
  return found
}

/** Feeds readings in order, carrying the state along; returns every finding with its time. */
function run(
  th: Threshold,
  readings: ReadonlyArray<{ value: number; atMs: number; version?: number }>,
  start?: ThresholdState,
): { state: ThresholdState | undefined; findings: Array<{ atMs: number; finding: RuleFinding }> } {
  let state = start
  const findings: Array<{ atMs: number; finding: RuleFinding }> = []
  for (const r of readings) {
    const result = evaluateThreshold(state, { value: r.value, atMs: r.atMs }, th, r.version ?? 1)
    state = result.state
    if (result.finding) findings.push({ atMs: r.atMs, finding: result.finding })
  }
  return { state, findings }
}

const everyMinute = (value: number, from: number, minutes: number): Array<{ value: number; atMs: number }> =>
  Array.from({ length: minutes }, (_, i) => ({ value, atMs: from + i * MIN }))

describe('threshold rule: firing and its `forSeconds`', () => {
  it('fires at 91% on scale 1 but not at 92%', () => {
    const spo2 = rule(1, 'spo2')
    expect(run(spo2, everyMinute(92, T0, 180)).findings).toEqual([])
    const low = run(spo2, everyMinute(91, T0, 10))
    expect(low.findings).toEqual([
      {
        atMs: T0 + 5 * MIN,
        finding: { action: 'fire', kind: 'threshold.spo2', priority: 'urgent', summary: 'SpO2 91 %, below 92 % for 5 min', flapping: false },
      },
    ])
  })

  it('fires at 83% on scale 2 but not at 84%', () => {
    const spo2 = rule(2, 'spo2')
    expect(run(spo2, everyMinute(84, T0, 60)).findings).toEqual([])
    expect(run(spo2, everyMinute(83, T0, 6)).findings.map((f) => [f.atMs - T0, f.finding.summary])).toEqual([[5 * MIN, 'SpO2 83 %, below 84 % for 5 min']])
  })

  it('stays pending one millisecond before `forSeconds` has passed and fires exactly at it', () => {
    const spo2 = rule(1, 'spo2')
    const before = run(spo2, [
      { value: 90, atMs: T0 },
      { value: 89, atMs: T0 + 300 * S - 1 },
    ])
    expect(before.findings).toEqual([])
    expect(before.state).toEqual({ phase: 'pending', sinceMs: T0, version: 1, firedAtMs: [] })
    const at = evaluateThreshold(before.state, { value: 88, atMs: T0 + 300 * S }, spo2, 1)
    expect(at.finding).toEqual({ action: 'fire', kind: 'threshold.spo2', priority: 'urgent', summary: 'SpO2 88 %, below 92 % for 5 min', flapping: false })
    expect(at.state).toEqual({ phase: 'firing', sinceMs: T0, version: 1, firedAtMs: [T0 + 300 * S] })
  })

  it('starts the wait again when one reading in between is back inside the band', () => {
    const spo2 = rule(1, 'spo2')
    const { findings } = run(spo2, [
      { value: 90, atMs: T0 },
      { value: 90, atMs: T0 + 4 * MIN },
      { value: 92, atMs: T0 + 4 * MIN + 30 * S },
      { value: 90, atMs: T0 + 5 * MIN },
      { value: 90, atMs: T0 + 10 * MIN - 1 },
      { value: 90, atMs: T0 + 10 * MIN },
    ])
    expect(findings.map((f) => f.atMs)).toEqual([T0 + 10 * MIN])
  })

  it('fires on the first reading beyond the band when `forSeconds` is 0, and says no duration', () => {
    const th: Threshold = { metric: 'heart_rate', above: 100, forSeconds: 0, priority: 'warning' }
    const { findings } = run(th, [
      { value: 100, atMs: T0 },
      { value: 101, atMs: T0 + MIN },
    ])
    expect(findings).toEqual([
      { atMs: T0 + MIN, finding: { action: 'fire', kind: 'threshold.heart_rate', priority: 'warning', summary: 'Pulse 101 beat/min, above 100 beat/min', flapping: false } },
    ])
  })

  it('fires once for a run of readings beyond the band, however long it lasts', () => {
    const { findings, state } = run(rule(1, 'heart_rate'), everyMinute(140, T0, 6 * 60))
    expect(findings.map((f) => [f.atMs - T0, f.finding.action])).toEqual([[5 * MIN, 'fire']])
    expect(state?.phase).toBe('firing')
  })

  it.each([
    ['heart_rate', 1, 131, 130, 'Pulse 131 beat/min, above 130 beat/min for 5 min'],
    ['heart_rate', 1, 40, 41, 'Pulse 40 beat/min, below 41 beat/min for 5 min'],
    ['respiratory_rate', 1, 25, 24, 'Respiration rate 25 1/min, above 24 1/min for 5 min'],
    ['respiratory_rate', 1, 8, 9, 'Respiration rate 8 1/min, below 9 1/min for 5 min'],
    ['spo2', 1, 91, 92, 'SpO2 91 %, below 92 % for 5 min'],
    ['spo2', 2, 83, 84, 'SpO2 83 %, below 84 % for 5 min'],
    ['body_temperature', 1, 35.0, 35.1, 'Body temperature 35 Cel, below 35.1 Cel for 5 min'],
    ['systolic_bp', 1, 220, 219, 'Systolic blood pressure 220 mm[Hg], above 219 mm[Hg] for 5 min'],
    ['systolic_bp', 1, 90, 91, 'Systolic blood pressure 90 mm[Hg], below 91 mm[Hg] for 5 min'],
  ] as const)('default %s (scale %i) fires at %d, a NEWS2 score of 3, but not at %d', (metric, scale, fires, quiet, summary) => {
    const th = rule(scale, metric)
    expect(run(th, everyMinute(quiet, T0, 30)).findings).toEqual([])
    const { findings } = run(th, everyMinute(fires, T0, 6))
    expect(findings.map((f) => f.finding.action === 'fire' && f.finding.summary)).toEqual([summary])
    // The defaults are the NEWS2 score-3 bands: the firing value scores 3, the quiet one less.
    const score = (value: number): number | undefined => scoreNews2({ [metric]: value }, scale).parts[0]?.score
    expect(score(fires)).toBe(3)
    expect(score(quiet)).toBeLessThan(3)
  })
})

describe('threshold rule: clearing with hysteresis', () => {
  const firing = (th: Threshold, value: number): ThresholdState => {
    const { state } = run(th, everyMinute(value, T0, 6))
    if (state?.phase !== 'firing') throw new Error('did not fire')
    return state
  }

  it('does not clear SpO2 at 93% (between the 92% limit and the 94% clear level) and clears at 94%', () => {
    const spo2 = rule(1, 'spo2')
    const state = firing(spo2, 90)
    const between = run(spo2, everyMinute(93, T0 + 10 * MIN, 120), state)
    expect(between.findings).toEqual([])
    expect(between.state?.phase).toBe('firing')
    const back = evaluateThreshold(between.state, { value: 94, atMs: T0 + 3 * H }, spo2, 1)
    expect(back.finding).toEqual({ action: 'clear', kind: 'threshold.spo2', summary: 'SpO2 back to 94 %' })
    expect(back.state).toMatchObject({ phase: 'normal', sinceMs: T0 + 3 * H })
  })

  it('does not clear a high pulse at 111 and clears at 110', () => {
    const hr = rule(1, 'heart_rate')
    const state = firing(hr, 135)
    const between = evaluateThreshold(state, { value: 111, atMs: T0 + 20 * MIN }, hr, 1)
    expect(between.finding).toBeUndefined()
    expect(between.state.phase).toBe('firing')
    expect(evaluateThreshold(between.state, { value: 110, atMs: T0 + 21 * MIN }, hr, 1).finding).toEqual({
      action: 'clear',
      kind: 'threshold.heart_rate',
      summary: 'Pulse back to 110 beat/min',
    })
  })

  it('does not clear a low pulse at 49 and clears at 50', () => {
    const hr = rule(1, 'heart_rate')
    const state = firing(hr, 38)
    const between = evaluateThreshold(state, { value: 49, atMs: T0 + 20 * MIN }, hr, 1)
    expect(between.finding).toBeUndefined()
    expect(evaluateThreshold(between.state, { value: 50, atMs: T0 + 21 * MIN }, hr, 1).finding?.summary).toBe('Pulse back to 50 beat/min')
  })

  it('does not clear a low temperature at 36.0 and clears at 36.1', () => {
    const temp = rule(1, 'body_temperature')
    const state = firing(temp, 34.8)
    const between = evaluateThreshold(state, { value: 36.0, atMs: T0 + 20 * MIN }, temp, 1)
    expect(between.finding).toBeUndefined()
    expect(evaluateThreshold(between.state, { value: 36.1, atMs: T0 + 21 * MIN }, temp, 1).finding?.summary).toBe('Body temperature back to 36.1 Cel')
  })

  it('stays firing when a high pulse swings to a low one: neither is inside the clear band', () => {
    const hr = rule(1, 'heart_rate')
    const swung = evaluateThreshold(firing(hr, 140), { value: 45, atMs: T0 + 20 * MIN }, hr, 1)
    expect(swung.finding).toBeUndefined()
    expect(swung.state.phase).toBe('firing')
  })

  it('clears at the firing limit itself when no clear band is given', () => {
    const th: Threshold = { metric: 'heart_rate', above: 100, forSeconds: 0, priority: 'urgent' }
    const { findings } = run(th, [
      { value: 101, atMs: T0 },
      { value: 100.5, atMs: T0 + MIN },
      { value: 100, atMs: T0 + 2 * MIN },
    ])
    expect(findings.map((f) => [f.atMs - T0, f.finding.action, f.finding.summary])).toEqual([
      [0, 'fire', 'Pulse 101 beat/min, above 100 beat/min'],
      [2 * MIN, 'clear', 'Pulse back to 100 beat/min'],
    ])
  })

  it('tells which side of a two-sided band a value is on', () => {
    const hr = rule(1, 'heart_rate')
    expect([beyondBand(hr, 131), beyondBand(hr, 130), beyondBand(hr, 41), beyondBand(hr, 40)]).toEqual(['above', undefined, undefined, 'below'])
    expect(thresholdKind('spo2')).toBe('threshold.spo2')
  })
})

describe('threshold rule: flapping', () => {
  const th: Threshold = { metric: 'heart_rate', above: 120, clearAbove: 100, forSeconds: 0, priority: 'urgent' }
  /** Crosses at each start time and clears a minute later. */
  const cycles = (starts: number[]): Array<{ value: number; atMs: number }> => starts.flatMap((t) => [{ value: 125, atMs: t }, { value: 95, atMs: t + MIN }])

  it(`marks the ${FLAPPING_FIRES}rd fire within ${FLAPPING_WINDOW_MS / MIN} min as flapping`, () => {
    const { findings } = run(th, cycles([T0, T0 + 20 * MIN, T0 + 40 * MIN, T0 + 50 * MIN]))
    const fires = findings.filter((f) => f.finding.action === 'fire')
    expect(fires.map((f) => [f.atMs - T0, f.finding.action === 'fire' && f.finding.flapping])).toEqual([
      [0, false],
      [20 * MIN, false],
      [40 * MIN, true],
      [50 * MIN, true],
    ])
  })

  it('counts a fire 59:59.999 before the third as inside the window and one a full hour before as outside it', () => {
    const inside = run(th, cycles([T0, T0 + 30 * MIN, T0 + H - 1])).findings.filter((f) => f.finding.action === 'fire')
    expect(inside.map((f) => f.finding.action === 'fire' && f.finding.flapping)).toEqual([false, false, true])
    const outside = run(th, cycles([T0, T0 + 30 * MIN, T0 + H])).findings.filter((f) => f.finding.action === 'fire')
    expect(outside.map((f) => f.finding.action === 'fire' && f.finding.flapping)).toEqual([false, false, false])
  })

  it('forgets fires older than the window, so a condition crossing twice a day never flaps over 3 days', () => {
    const starts = Array.from({ length: 6 }, (_, i) => T0 + i * 12 * H)
    const { findings, state } = run(th, cycles(starts))
    expect(findings.filter((f) => f.finding.action === 'fire' && f.finding.flapping)).toEqual([])
    expect(findings.length).toBe(12)
    expect(state?.firedAtMs).toEqual([T0 + 5 * 12 * H])
  })
})

describe('threshold rule: care settings versions', () => {
  const spo2 = rule(1, 'spo2')

  it('judges a new version from scratch: a pending run restarts at the first reading under it', () => {
    const { findings } = run(spo2, [
      { value: 90, atMs: T0, version: 1 },
      { value: 90, atMs: T0 + 4 * MIN, version: 1 },
      { value: 90, atMs: T0 + 5 * MIN, version: 2 },
      { value: 90, atMs: T0 + 10 * MIN - 1, version: 2 },
      { value: 90, atMs: T0 + 10 * MIN, version: 2 },
    ])
    expect(findings.map((f) => f.atMs)).toEqual([T0 + 10 * MIN])
  })

  it('keeps a firing alert firing under a new version until it clears by the new rule', () => {
    const fired = run(spo2, everyMinute(90, T0, 6)).state
    const looser: Threshold = { metric: 'spo2', below: 88, clearBelow: 90, forSeconds: 300, priority: 'urgent' }
    const stay = evaluateThreshold(fired, { value: 89, atMs: T0 + 10 * MIN }, looser, 2)
    expect(stay.finding).toBeUndefined()
    expect(stay.state).toMatchObject({ phase: 'firing', version: 2 })
    const clear = evaluateThreshold(stay.state, { value: 90, atMs: T0 + 11 * MIN }, looser, 2)
    expect(clear.finding).toEqual({ action: 'clear', kind: 'threshold.spo2', summary: 'SpO2 back to 90 %' })
  })

  it('carries recent fires over a version change, so flapping is still seen', () => {
    const th: Threshold = { metric: 'heart_rate', above: 120, forSeconds: 0, priority: 'urgent' }
    const { findings } = run(th, [
      { value: 125, atMs: T0, version: 1 },
      { value: 110, atMs: T0 + MIN, version: 1 },
      { value: 125, atMs: T0 + 10 * MIN, version: 1 },
      { value: 110, atMs: T0 + 11 * MIN, version: 1 },
      { value: 125, atMs: T0 + 20 * MIN, version: 2 },
    ])
    const last = findings.at(-1)?.finding
    expect(last?.action === 'fire' && last.flapping).toBe(true)
  })
})

describe('threshold rule: days of readings', () => {
  it('raises nothing over 3 days of a reading every minute that never stays out of band for 5 min', () => {
    const hr = rule(1, 'heart_rate')
    const readings: Array<{ value: number; atMs: number }> = []
    for (let t = T0; t < T0 + 3 * DAY; t += MIN) {
      const minute = (t - T0) / MIN
      // A calm 60..100 with, every 2 hours, a 4-minute run at 135 (exertion that settles).
      const spike = minute % 120 < 4
      readings.push({ value: spike ? 135 : 60 + ((minute * 7) % 41), atMs: t })
    }
    const { findings, state } = run(hr, readings)
    expect(readings.length).toBe(3 * 24 * 60)
    expect(findings).toEqual([])
    expect(state?.phase).toBe('normal')
  })

  it('counts `forSeconds` in real time across the spring-forward clock change', () => {
    // 2026-03-29 01:00 UTC: Europe/London jumps from 01:00 GMT to 02:00 BST.
    const start = Date.parse('2026-03-29T00:57:00Z')
    const { findings } = run(rule(1, 'spo2'), everyMinute(89, start, 10))
    expect(findings.map((f) => new Date(f.atMs).toISOString())).toEqual(['2026-03-29T01:02:00.000Z'])
  })
})

describe('thresholds in force', () => {
  it("replaces the default for a metric with the person's own rule and keeps the other defaults, in metric order", () => {
    const own: Threshold = { metric: 'spo2', below: 88, clearBelow: 90, forSeconds: 600, priority: 'emergency' }
    const inForce = thresholdsInForce([own], 1)
    expect(inForce.map((t) => [t.metric, t.source])).toEqual([
      ['heart_rate', 'default'],
      ['respiratory_rate', 'default'],
      ['spo2', 'person'],
      ['body_temperature', 'default'],
      ['systolic_bp', 'default'],
    ])
    expect(inForce.find((t) => t.metric === 'spo2')).toMatchObject({ below: 88, forSeconds: 600, priority: 'emergency' })
  })
})
