import type { Priority } from '../../../../contract/alert-values.js'
import type { ThresholdInForce } from '../../../../contract/care-settings.js'
import { METRICS } from '../../../../contract/metrics.js'

const BAND_KEYS = ['above', 'below', 'clearAbove', 'clearBelow'] as const
export type BandKey = (typeof BAND_KEYS)[number]

/** One metric's row of the thresholds form, as typed. */
export interface ThresholdDraft {
  metric: string
  /** The person's own rule (sent with the PUT); otherwise the default, if any, applies. */
  own: boolean
  /** What the server said is in force for this metric before any editing. */
  source: 'default' | 'person' | 'none'
  above: string
  below: string
  clearAbove: string
  clearBelow: string
  forSeconds: string
  priority: Priority
  /** Fields typed by the clinician, as opposed to carried over from what was in force. */
  touched: readonly string[]
  /** The clear band that was in force, brought back whenever the band being typed contains it again. */
  carried: { clearAbove: string; clearBelow: string }
}

const NUMERIC_METRICS = (Object.keys(METRICS) as Array<keyof typeof METRICS>).filter((m) => METRICS[m].kind === 'number')

const text = (value: number | undefined) => (value === undefined ? '' : String(value))

export function draftsFrom(inForce: readonly ThresholdInForce[]): ThresholdDraft[] {
  return NUMERIC_METRICS.map((metric) => {
    const rule = inForce.find((t) => t.metric === metric)
    return {
      metric,
      own: rule?.source === 'person',
      source: rule?.source ?? 'none',
      above: text(rule?.above),
      below: text(rule?.below),
      clearAbove: text(rule?.clearAbove),
      clearBelow: text(rule?.clearBelow),
      forSeconds: String(rule?.forSeconds ?? 300),
      priority: rule?.priority ?? 'urgent',
      touched: [],
      carried: { clearAbove: text(rule?.clearAbove), clearBelow: text(rule?.clearBelow) },
    }
  })
}

const num = (text: string): number | undefined => (text.trim() === '' || !Number.isFinite(Number(text)) ? undefined : Number(text))

/**
 * One field typed into a row. A clear value carried over from the rule in force (the default's
 * 110 for a pulse) that the new band no longer contains is emptied, visibly, so that the rule
 * clears at its firing line instead of being refused; a clear value the clinician typed stays.
 */
export function editDraft(draft: ThresholdDraft, key: BandKey | 'forSeconds', value: string): ThresholdDraft {
  const next: ThresholdDraft = { ...draft, [key]: value, own: true, touched: draft.touched.includes(key) ? draft.touched : [...draft.touched, key] }
  const above = num(next.above)
  const below = num(next.below)
  if (!next.touched.includes('clearAbove')) {
    const carried = num(draft.carried.clearAbove)
    const fits = carried !== undefined && above !== undefined && carried <= above && (below === undefined || carried > below)
    next.clearAbove = fits ? draft.carried.clearAbove : ''
  }
  if (!next.touched.includes('clearBelow')) {
    const carried = num(draft.carried.clearBelow)
    const fits = carried !== undefined && below !== undefined && carried >= below && (above === undefined || carried < above)
    next.clearBelow = fits ? draft.carried.clearBelow : ''
  }
  return next
}

interface ThresholdBody {
  metric: string
  above?: number
  below?: number
  clearAbove?: number
  clearBelow?: number
  forSeconds: number
  priority: Priority
}

export interface BuiltThresholds {
  thresholds: ThresholdBody[]
  /** Problems found before sending, keyed like the server's: `${metric}.above`. */
  problems: Map<string, string>
}

/** The PUT body's rules: the person's own rows that give a band; a row with neither bound falls back to the default. */
export function buildThresholds(drafts: readonly ThresholdDraft[]): BuiltThresholds {
  const problems = new Map<string, string>()
  const thresholds: ThresholdBody[] = []
  for (const d of drafts) {
    if (!d.own || (d.above.trim() === '' && d.below.trim() === '')) continue
    const rule: ThresholdBody = { metric: d.metric, forSeconds: Number(d.forSeconds), priority: d.priority }
    for (const key of BAND_KEYS) {
      const raw = d[key].trim()
      if (raw === '') continue
      const value = Number(raw)
      if (Number.isFinite(value)) rule[key] = value
      else problems.set(`${d.metric}.${key}`, 'a number')
    }
    if (d.forSeconds.trim() === '' || !Number.isInteger(rule.forSeconds)) problems.set(`${d.metric}.forSeconds`, 'whole seconds')
    thresholds.push(rule)
  }
  return { thresholds, problems }
}
