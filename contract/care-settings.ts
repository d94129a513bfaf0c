import { z } from 'zod'
import { PrioritySchema } from './alert.js'
import { isTimeZone } from './time-zone.js'
import { METRICS, type MetricName } from './metrics.js'

/**
 * A person's clinical settings as PROTOCOL §2 speaks them: threshold rules and the settings the
 * other rules need (NEWS2 scale, active hours, time zone, the silence and night-time limits).
 * Every change is a new version; every reading is judged against exactly one version.
 */

export type NumericMetricName = { [K in MetricName]: (typeof METRICS)[K]['kind'] extends 'number' ? K : never }[MetricName]
export const NUMERIC_METRICS = (Object.keys(METRICS) as MetricName[]).filter((m) => METRICS[m].kind === 'number') as NumericMetricName[]
function isNumericMetric(name: string): name is NumericMetricName {
  return (NUMERIC_METRICS as string[]).includes(name)
}

/**
 * One threshold rule. It fires when a value is strictly above `above` or strictly below `below`
 * for `forSeconds`, and clears only once values are back inside the clear band (at or below
 * `clearAbove`, at or above `clearBelow`), which defaults to the firing band itself.
 */
export const ThresholdSchema = z
  .strictObject({
    metric: z.string().refine(isNumericMetric, 'not a numeric metric of PROTOCOL §1'),
    above: z.number().finite().optional(),
    below: z.number().finite().optional(),
    clearAbove: z.number().finite().optional(),
    clearBelow: z.number().finite().optional(),
    forSeconds: z.number().int('whole seconds').min(0, 'must not be negative').max(86_400, 'at most a day').default(0),
    priority: PrioritySchema.default('urgent'),
  })
  .superRefine((t, ctx) => {
    const problem = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [path], message })
    if (t.above === undefined && t.below === undefined) problem('above', 'give above, below or both')
    if (t.above !== undefined && t.below !== undefined && t.below >= t.above) problem('below', `must be below above (${t.above}): the band is upside down`)
    if (t.clearAbove !== undefined) {
      if (t.above === undefined) problem('clearAbove', 'needs above')
      else if (t.clearAbove > t.above) problem('clearAbove', `must be at or below above (${t.above})`)
    }
    if (t.clearBelow !== undefined) {
      if (t.below === undefined) problem('clearBelow', 'needs below')
      else if (t.clearBelow < t.below) problem('clearBelow', `must be at or above below (${t.below})`)
    }
    // The clear band must hold some values, or the condition could never clear.
    const clearTop = t.clearAbove ?? t.above
    const clearBottom = t.clearBelow ?? t.below
    if ((t.clearAbove !== undefined || t.clearBelow !== undefined) && clearTop !== undefined && clearBottom !== undefined && clearBottom >= clearTop) {
      problem(t.clearBelow !== undefined ? 'clearBelow' : 'clearAbove', `the clear band (${clearBottom} to ${clearTop}) is empty: it could never clear`)
    }
    if (isNumericMetric(t.metric)) {
      const spec = METRICS[t.metric]
      for (const key of ['above', 'below', 'clearAbove', 'clearBelow'] as const) {
        const value = t[key]
        if (value !== undefined && (value < spec.min || value > spec.max)) problem(key, `outside the accepted range of ${t.metric} (${spec.min} to ${spec.max} ${spec.unit})`)
      }
    }
  })
export type ThresholdInput = z.input<typeof ThresholdSchema>
export type Threshold = z.output<typeof ThresholdSchema> & { metric: NumericMetricName }

export const PutThresholdsBodySchema = z.strictObject({
  thresholds: z
    .array(ThresholdSchema)
    .max(NUMERIC_METRICS.length)
    .superRefine((list, ctx) => {
      const seen = new Set<string>()
      list.forEach((t, i) => {
        if (seen.has(t.metric)) ctx.addIssue({ code: 'custom', path: [i, 'metric'], message: `${t.metric} appears twice: one rule per metric` })
        seen.add(t.metric)
      })
    }),
  reason: z.string().trim().min(1, 'say why').max(500),
})

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/
export const LocalTimeSchema = z.string().regex(HHMM, 'a local time such as 07:00')

/** Minutes after local midnight of an `HH:MM` time. */
export function minutesOfDay(hhmm: string): number {
  const match = HHMM.exec(hhmm)
  if (!match) throw new RangeError(`not a local time: ${hhmm}`)
  return Number(match[1]) * 60 + Number(match[2])
}

export const CareSettingsSchema = z.strictObject({
  /** NEWS2 SpO2 scale: 1 for most people, 2 for hypercapnic respiratory failure (set by a clinician). */
  news2Scale: z.union([z.literal(1), z.literal(2)]),
  /** The person's waking day, in their own time zone; outside it is night. */
  activeHours: z
    .strictObject({ from: LocalTimeSchema, to: LocalTimeSchema })
    .refine((h) => h.from !== h.to, { message: 'from and to must differ', path: ['to'] }),
  timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone'),
  /** Inactivity: no motion or occupancy for this long inside active hours. */
  inactivityHours: z.number().min(0.25, 'at least 0.25').max(24, 'at most 24'),
  /** Night door exit: no motion indoors this long after a door event at night. */
  nightDoorMinutes: z.number().int('whole minutes').min(1, 'at least 1').max(240, 'at most 240'),
  /** Bed exit: out of bed at night this long without returning. */
  bedExitMinutes: z.number().int('whole minutes').min(1, 'at least 1').max(720, 'at most 720'),
})
export type CareSettings = z.infer<typeof CareSettingsSchema>

export const DEFAULT_CARE_SETTINGS: Omit<CareSettings, 'timeZone'> = {
  news2Scale: 1,
  activeHours: { from: '07:00', to: '22:00' },
  inactivityHours: 3,
  nightDoorMinutes: 15,
  bedExitMinutes: 45,
}

export const PatchCareSettingsBodySchema = CareSettingsSchema.partial()
  .extend({ reason: z.string().trim().min(1, 'say why').max(500) })
  .refine((b) => Object.keys(b).some((k) => k !== 'reason'), { message: 'change at least one setting', path: ['(root)'] })

/**
 * A planned absence silences welfare monitoring: longer than this it is planned by a supervisor
 * (or an admin), who answers for the person being unwatched that long.
 */
export const ABSENCE_DAYS_WITHOUT_SUPERVISOR = 90

export const AbsenceBodySchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    reason: z.string().trim().min(1, 'say why').max(500),
  })
  .transform((a) => ({ fromMs: Date.parse(a.from), toMs: Date.parse(a.to), reason: a.reason }))
  .refine((a) => a.toMs > a.fromMs, { message: 'must be after from', path: ['to'] })
  .refine((a) => a.toMs - a.fromMs <= 366 * 86_400_000, { message: 'an absence is at most a year', path: ['to'] })

export interface Absence {
  id: string
  personId: string
  from: string
  to: string
  reason: string
  createdBy: string
  createdAt: string
  endedAt: string | null
  endedBy: string | null
}

/**
 * A planned absence in force, as the responders' queue shows it: welfare monitoring of this person
 * is silenced until `to`. `reason` only for those who may read the person's absences (scope
 * `care-settings` or `absences:write`): "in hospital" is health information.
 */
export interface SilencedNotice {
  absenceId: string
  personId: string
  personName: string
  from: string
  to: string
  reason: string | null
  createdBy: string
  /** Set when it was ended early: the notice goes. */
  endedAt: string | null
}

/** One field of one version change, as the audit shows it. */
export interface CareSettingsChange {
  field: string
  old: unknown
  new: unknown
}

export interface CareSettingsVersion {
  personId: string
  version: number
  changedAt: string
  changedBy: string
  reason: string
  changes: CareSettingsChange[]
}

/** What is in force for a person: their own thresholds, with defaults for the metrics they have none for. */
export interface ThresholdInForce extends Threshold {
  source: 'default' | 'person'
}

/**
 * Default thresholds: the NEWS2 score-3 bands (Royal College of Physicians, 2017), each clearing
 * at its score-2 boundary. SpO2 follows the person's scale: scale 1 fires at 91% or below,
 * scale 2 at 83% or below. Values are whole units, so "≤ 40" is `below: 41`.
 */
export function defaultThresholds(scale: 1 | 2): Threshold[] {
  const forSeconds = 300
  return [
    { metric: 'heart_rate', above: 130, below: 41, clearAbove: 110, clearBelow: 50, forSeconds, priority: 'urgent' },
    { metric: 'respiratory_rate', above: 24, below: 9, clearAbove: 20, clearBelow: 11, forSeconds, priority: 'urgent' },
    scale === 1
      ? { metric: 'spo2', below: 92, clearBelow: 94, forSeconds, priority: 'urgent' }
      : { metric: 'spo2', below: 84, clearBelow: 86, forSeconds, priority: 'urgent' },
    { metric: 'body_temperature', below: 35.1, clearBelow: 36.1, forSeconds, priority: 'urgent' },
    { metric: 'systolic_bp', above: 219, below: 91, clearAbove: 219, clearBelow: 101, forSeconds, priority: 'urgent' },
  ]
}

/**
 * The defaults as in force, one frozen set per scale shared by every plan: the platform keeps a
 * care plan per person in memory, and most people have only the defaults.
 */
const DEFAULTS_IN_FORCE: Record<1 | 2, readonly ThresholdInForce[]> = {
  1: defaultThresholds(1).map((t) => Object.freeze(Object.assign({}, t, { source: 'default' as const }))),
  2: defaultThresholds(2).map((t) => Object.freeze(Object.assign({}, t, { source: 'default' as const }))),
}

/** The person's own rules replace the default for their metric; the other defaults stay. */
export function thresholdsInForce(own: readonly Threshold[], scale: 1 | 2): ThresholdInForce[] {
  const mine = new Set(own.map((t) => t.metric))
  // Object.assign rather than `{ ...t, source }`: V8 gives each object spread-then-extended a hidden
  // class of its own.
  return [
    ...DEFAULTS_IN_FORCE[scale].filter((t) => !mine.has(t.metric)),
    ...own.map((t): ThresholdInForce => Object.assign({}, t, { source: 'person' as const })),
  ].sort((a, b) => NUMERIC_METRICS.indexOf(a.metric) - NUMERIC_METRICS.indexOf(b.metric))
}
