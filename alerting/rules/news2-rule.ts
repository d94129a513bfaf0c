import type { MetricName, Priority } from '../../contract/index.js'
import { step, type PersonRule } from './rule.js'
import type { Reading, RuleFinding } from './rule-finding.js'

/**
 * Home NEWS2 (Royal College of Physicians, National Early Warning Score 2, 2017) from the latest
 * readings within a window. Seven parameters; the home usually measures three or four of them
 * and never consciousness, so a score from fewer is always called partial.
 */
const NEWS2_WINDOW_MS = 30 * 60_000
export const NEWS2_PARAMETERS = 7

export interface News2Inputs {
  respiratory_rate?: number
  spo2?: number
  /** Supplemental oxygen (`on_oxygen`); unknown counts as a missing parameter and SpO2 is scored as on air. */
  on_oxygen?: boolean
  systolic_bp?: number
  heart_rate?: number
  body_temperature?: number
}

export interface News2Score {
  total: number
  measured: number
  parts: Array<{ parameter: string; score: number }>
  anyThree: boolean
}

const band = (value: number, limits: Array<[number, number]>, otherwise: number): number => {
  for (const [upTo, score] of limits) if (value <= upTo) return score
  return otherwise
}

function spo2Score(spo2: number, scale: 1 | 2, onOxygen: boolean): number {
  if (scale === 1) return band(spo2, [[91, 3], [93, 2], [95, 1]], 0)
  if (spo2 <= 92 || !onOxygen) return band(spo2, [[83, 3], [85, 2], [87, 1]], 0)
  return band(spo2, [[94, 1], [96, 2]], 3)
}

/** The RCP chart, parameter by parameter. */
export function scoreNews2(inputs: News2Inputs, scale: 1 | 2): News2Score {
  const parts: News2Score['parts'] = []
  const add = (parameter: string, score: number): void => void parts.push({ parameter, score })
  if (inputs.respiratory_rate !== undefined) add('respiration rate', band(inputs.respiratory_rate, [[8, 3], [11, 1], [20, 0], [24, 2]], 3))
  if (inputs.spo2 !== undefined) add(`SpO2 (scale ${scale})`, spo2Score(inputs.spo2, scale, inputs.on_oxygen === true))
  if (inputs.on_oxygen !== undefined) add('air or oxygen', inputs.on_oxygen ? 2 : 0)
  if (inputs.systolic_bp !== undefined) add('systolic BP', band(inputs.systolic_bp, [[90, 3], [100, 2], [110, 1], [219, 0]], 3))
  if (inputs.heart_rate !== undefined) add('pulse', band(inputs.heart_rate, [[40, 3], [50, 1], [90, 0], [110, 1], [130, 2]], 3))
  if (inputs.body_temperature !== undefined) add('temperature', band(inputs.body_temperature, [[35.0, 3], [36.0, 1], [38.0, 0], [39.0, 1]], 2))
  return {
    total: parts.reduce((sum, p) => sum + p.score, 0),
    measured: parts.length,
    parts,
    anyThree: parts.some((p) => p.score === 3),
  }
}

/** Aggregate 7 or more: emergency; 5 or 6, or any single parameter scoring 3: urgent. */
export function news2Priority(score: News2Score): Priority | undefined {
  if (score.total >= 7) return 'emergency'
  if (score.total >= 5 || score.anyThree) return 'urgent'
  return undefined
}

export function describeNews2(score: News2Score): string {
  const complete = score.measured === NEWS2_PARAMETERS
  const head = complete ? `NEWS2 ${score.total}` : `partial NEWS2 (${score.measured} of ${NEWS2_PARAMETERS} parameters): ${score.total}`
  const scored = score.parts.filter((p) => p.score > 0).map((p) => `${p.parameter} ${p.score}`)
  return scored.length > 0 ? `${head}; ${scored.join(', ')}` : head
}

export interface News2State {
  priority: Priority | undefined
}

export const NEWS2_KIND = 'news2'

/** Fires when the band is reached, again when it rises (urgent to emergency), clears below both. */
export function evaluateNews2(previous: News2State | undefined, inputs: News2Inputs, scale: 1 | 2): { state: News2State; finding?: RuleFinding } {
  const score = scoreNews2(inputs, scale)
  const priority = news2Priority(score)
  const before = previous?.priority
  if (priority === undefined) {
    if (before === undefined) return { state: { priority } }
    return { state: { priority }, finding: { action: 'clear', kind: NEWS2_KIND, summary: `${describeNews2(score)}: below the alert bands` } }
  }
  const rises = before === undefined || (before === 'urgent' && priority === 'emergency')
  if (!rises) return { state: { priority: before } }
  return { state: { priority }, finding: { action: 'fire', kind: NEWS2_KIND, priority, summary: describeNews2(score) } }
}

/** The metrics NEWS2 scores, `on_oxygen` included. */
const NEWS2_METRICS: ReadonlySet<MetricName> = new Set<MetricName>(['respiratory_rate', 'spo2', 'on_oxygen', 'systolic_bp', 'heart_rate', 'body_temperature'])

/** The person's latest reading of each NEWS2 metric, and the band the score is in. */
export interface News2Watch {
  latest: Partial<Record<MetricName, Reading>>
  news2?: News2State
}

/** The inputs from the latest readings no older than the window. */
function inputsAt(latest: News2Watch['latest'], atMs: number): News2Inputs {
  const inputs: News2Inputs = {}
  for (const [metric, reading] of Object.entries(latest) as Array<[MetricName, Reading]>) {
    if (atMs - reading.atMs > NEWS2_WINDOW_MS) continue
    if (metric === 'on_oxygen') inputs.on_oxygen = reading.value === 1
    else inputs[metric as Exclude<keyof News2Inputs, 'on_oxygen'>] = reading.value
  }
  return inputs
}

export const news2Rule: PersonRule<News2Watch> = {
  id: NEWS2_KIND,
  per: 'person',
  kinds: [NEWS2_KIND],

  /** Scored again on every pack of readings, from the latest of each parameter within 30 min. */
  readings(previous, input, now, { plan }) {
    if (input.readings.length === 0) return { state: previous }
    const latest = { ...previous?.latest }
    for (const { metric, value } of input.readings) if (NEWS2_METRICS.has(metric)) latest[metric] = { value, atMs: now }
    const result = evaluateNews2(previous?.news2, inputsAt(latest, now), plan.settings.news2Scale)
    return { ...step(result), state: { latest, news2: result.state } }
  },

  /** The band of the open alert; the readings start again. */
  restore: (_saved, open) => (open[0] ? { latest: {}, news2: { priority: open[0].priority } } : undefined),
}
