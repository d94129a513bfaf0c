import { METRICS, type Threshold } from '../../contract/index.js'
import { describeDuration } from '../describe-duration.js'
import type { Reading, RuleFinding } from './rule-finding.js'

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

export const thresholdKind = (metric: string): string => `threshold.${metric}`

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
