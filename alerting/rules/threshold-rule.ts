import { METRICS, METRIC_NAMES, isMetricName, thresholdKind, type MetricName, type Threshold } from '../../contract/index.js'
import { describeDuration } from '../describe-duration.js'
import { isRecord, numberOr, type OpenAlert, type PersonRule } from './rule.js'
import type { Reading, RuleFinding } from './rule-finding.js'

export { thresholdKind } from '../../contract/index.js'

/**
 * A clinician's threshold on one metric (issue: per-person thresholds). Evaluation state as in
 * Grafana: normal, pending until `forSeconds` has passed with every reading beyond the band,
 * firing until a reading is back inside the clear band (hysteresis). Judged on readings as they
 * arrive, with the platform's receipt time.
 */
export interface ThresholdState {
  phase: 'normal' | 'pending' | 'firing'
  /** When the current run of readings beyond the band began. */
  sinceMs: number
  /** The care settings version this state was judged under. */
  version: number
  /** When it fired recently, to tell flapping from a steady condition. */
  firedAtMs: number[]
}

/** Fired this often within the window while crossing and clearing: flapping. */
export const FLAPPING_FIRES = 3
export const FLAPPING_WINDOW_MS = 60 * 60_000

export function beyondBand(rule: Threshold, value: number): 'above' | 'below' | undefined {
  if (rule.above !== undefined && value > rule.above) return 'above'
  if (rule.below !== undefined && value < rule.below) return 'below'
  return undefined
}

function insideClearBand(rule: Threshold, value: number): boolean {
  const top = rule.clearAbove ?? rule.above ?? Infinity
  const bottom = rule.clearBelow ?? rule.below ?? -Infinity
  return value <= top && value >= bottom
}

function describe(rule: Threshold, value: number, side: 'above' | 'below'): string {
  const spec = METRICS[rule.metric]
  const unit = spec.kind === 'number' ? ` ${spec.unit}` : ''
  const limit = side === 'above' ? rule.above : rule.below
  const held = rule.forSeconds > 0 ? ` for ${describeDuration(rule.forSeconds * 1000)}` : ''
  return `${spec.label} ${value}${unit}, ${side} ${limit}${unit}${held}`
}

export function evaluateThreshold(
  previous: ThresholdState | undefined,
  reading: Reading,
  rule: Threshold,
  version: number,
): { state: ThresholdState; finding?: RuleFinding } {
  const kind = thresholdKind(rule.metric)
  // A new version judges from scratch, except that a firing alert stays firing until it clears.
  const base: ThresholdState = previous && (previous.version === version || previous.phase === 'firing')
    ? { ...previous, version }
    : { phase: 'normal', sinceMs: reading.atMs, version, firedAtMs: previous?.firedAtMs ?? [] }
  const side = beyondBand(rule, reading.value)

  if (base.phase === 'firing') {
    if (!insideClearBand(rule, reading.value)) return { state: base }
    const spec = METRICS[rule.metric]
    return {
      state: { ...base, phase: 'normal', sinceMs: reading.atMs },
      finding: { action: 'clear', kind, summary: `${spec.label} back to ${reading.value}${spec.kind === 'number' ? ` ${spec.unit}` : ''}` },
    }
  }
  if (!side) return { state: { ...base, phase: 'normal', sinceMs: reading.atMs } }
  const sinceMs = base.phase === 'pending' ? base.sinceMs : reading.atMs
  if (reading.atMs - sinceMs < rule.forSeconds * 1000) return { state: { ...base, phase: 'pending', sinceMs } }
  const firedAtMs = [...base.firedAtMs.filter((t) => reading.atMs - t < FLAPPING_WINDOW_MS), reading.atMs]
  return {
    state: { ...base, phase: 'firing', sinceMs, firedAtMs },
    finding: {
      action: 'fire',
      kind,
      priority: rule.priority,
      summary: describe(rule, reading.value, side),
      flapping: firedAtMs.length >= FLAPPING_FIRES,
    },
  }
}

/** The person's thresholds: one state per metric with a rule. */
export type ThresholdStates = Partial<Record<MetricName, ThresholdState>>

const METRIC_OF_KIND: ReadonlyMap<string, MetricName> = new Map(METRIC_NAMES.map((metric) => [thresholdKind(metric), metric]))
const PHASES: ReadonlySet<unknown> = new Set(['normal', 'pending', 'firing'])

/** A metric's state as saved, or undefined when it is not one. */
function thresholdStateOf(value: unknown): ThresholdState | undefined {
  if (!isRecord(value) || !PHASES.has(value.phase) || !Array.isArray(value.firedAtMs)) return undefined
  const sinceMs = numberOr(value.sinceMs)
  const version = numberOr(value.version)
  const firedAtMs = value.firedAtMs.map(numberOr).filter((t) => t !== undefined)
  if (sinceMs === undefined || version === undefined) return undefined
  return { phase: value.phase as ThresholdState['phase'], sinceMs, version, firedAtMs }
}

/** Firing until a reading clears it, as an open alert says; a firing state survives a new version. */
const firingSince = (alert: OpenAlert): ThresholdState => ({ phase: 'firing', sinceMs: alert.raisedAtMs, version: -1, firedAtMs: [alert.raisedAtMs] })

export const thresholdRule: PersonRule<ThresholdStates> = {
  id: 'threshold',
  per: 'person',
  kinds: [...METRIC_OF_KIND.keys()],

  /** Each reading against the plan's rule for its metric, in the order received. */
  readings(previous, input, now, { plan }) {
    let state = previous
    const findings: RuleFinding[] = []
    for (const { metric, value } of input.readings) {
      const rule = plan.thresholds.find((t) => t.metric === metric)
      if (!rule) continue
      const result = evaluateThreshold(state?.[metric], { value, atMs: now }, rule, plan.version)
      state = { ...state, [metric]: result.state }
      if (result.finding) findings.push(result.finding)
    }
    return { state, findings }
  },

  /**
   * A pending `for` time, a firing state and recent fires (flapping) outlive a restart. A normal
   * state's start is never read again, so it is left out, and with it a write on every reading.
   */
  save(state) {
    const kept: ThresholdStates = {}
    for (const [metric, s] of Object.entries(state) as Array<[MetricName, ThresholdState]>) {
      if (s.phase !== 'normal') kept[metric] = s
      else if (s.firedAtMs.length > 0) kept[metric] = { ...s, sinceMs: 0 }
    }
    return Object.keys(kept).length > 0 ? kept : undefined
  },

  /** What was saved; a metric with an open alert and nothing saved (saved by an older version) is firing. */
  restore(saved, open) {
    const state: ThresholdStates = {}
    if (isRecord(saved)) {
      for (const [metric, value] of Object.entries(saved)) {
        const restored = thresholdStateOf(value)
        if (restored && isMetricName(metric)) state[metric] = restored
      }
    }
    for (const alert of open) {
      const metric = METRIC_OF_KIND.get(alert.kind)
      if (metric !== undefined && state[metric] === undefined) state[metric] = firingSince(alert)
    }
    return Object.keys(state).length > 0 ? state : undefined
  },
}
