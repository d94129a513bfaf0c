import type { Priority } from './alert-values.js'
import { METRICS, METRIC_NAMES, type MetricName } from './metrics.js'

/**
 * PROTOCOL §2 `kind`: what raised an alert, as one list for alerting, the HTTP API and the web
 * app. Each kind has the priority it is raised at, its label in plain English, and whether the
 * queue's 60 s answer clock (api-values.ts `ANSWER_TARGET_SECONDS`) applies: it does to every
 * call about a person, not to technical alerts about the equipment or Hearth itself. Plain values
 * and types only (no zod, no node:), so that the browser bundle imports them as they are.
 */
export interface AlertKindSpec {
  kind: string
  /** The priority it is raised at. A threshold's is the clinician's (urgent unless set); NEWS2's rises to emergency at 7 or more. */
  priority: Priority
  /** What raised it, in words, where the alert has no summary of its own. */
  label: string
  /** Whether the queue counts its wait against the 60 s answer target. */
  answerClock: boolean
  /** A device event of that type, a rule (alerting/rules/), or Hearth about its own working. */
  raisedBy: 'device' | 'rule' | 'hearth'
}

const FIXED_KINDS = [
  { kind: 'alarm.pressed', priority: 'emergency', label: 'Alarm pressed', answerClock: true, raisedBy: 'device' },
  { kind: 'fall.detected', priority: 'emergency', label: 'Fall detected', answerClock: true, raisedBy: 'device' },
  { kind: 'smoke.detected', priority: 'emergency', label: 'Smoke detected', answerClock: true, raisedBy: 'device' },
  { kind: 'co.detected', priority: 'emergency', label: 'Carbon monoxide detected', answerClock: true, raisedBy: 'device' },
  { kind: 'heat.detected', priority: 'emergency', label: 'Heat detected', answerClock: true, raisedBy: 'device' },
  { kind: 'flood.detected', priority: 'emergency', label: 'Flood detected', answerClock: true, raisedBy: 'device' },
  { kind: 'medication.missed', priority: 'warning', label: 'Medication missed', answerClock: true, raisedBy: 'device' },
  { kind: 'news2', priority: 'urgent', label: 'NEWS2 score', answerClock: true, raisedBy: 'rule' },
  { kind: 'inactivity', priority: 'urgent', label: 'No activity', answerClock: true, raisedBy: 'rule' },
  { kind: 'night.door-exit', priority: 'urgent', label: 'Door opened at night', answerClock: true, raisedBy: 'rule' },
  { kind: 'night.bed-exit', priority: 'urgent', label: 'Out of bed at night', answerClock: true, raisedBy: 'rule' },
  // A responder's "call back in 2 hours to check" (contract/follow-ups.ts): urgent, as a call about the person's welfare.
  { kind: 'follow-up.due', priority: 'urgent', label: 'Follow-up due', answerClock: true, raisedBy: 'hearth' },
  { kind: 'device.offline', priority: 'technical', label: 'Device offline', answerClock: false, raisedBy: 'rule' },
  { kind: 'device.battery-low', priority: 'technical', label: 'Battery low', answerClock: false, raisedBy: 'rule' },
  { kind: 'device.event-flood', priority: 'technical', label: 'Device flooding events', answerClock: false, raisedBy: 'hearth' },
  { kind: 'rule.error', priority: 'technical', label: 'Rule error', answerClock: false, raisedBy: 'hearth' },
] as const satisfies readonly AlertKindSpec[]

/** A clinician's threshold on one metric. */
export type ThresholdKind = `threshold.${MetricName}`
export type AlertKind = (typeof FIXED_KINDS)[number]['kind'] | ThresholdKind

export const thresholdKind = (metric: MetricName): ThresholdKind => `threshold.${metric}`

/** Every kind Hearth raises. */
export const ALERT_KINDS: ReadonlyArray<AlertKindSpec & { kind: AlertKind }> = [
  ...FIXED_KINDS,
  ...METRIC_NAMES.map((metric) => ({
    kind: thresholdKind(metric),
    priority: 'urgent' as const,
    label: `${METRICS[metric].label} out of range`,
    answerClock: true,
    raisedBy: 'rule' as const,
  })),
]

/** The same list by kind. */
export const ALERT_KIND = Object.fromEntries(ALERT_KINDS.map((spec) => [spec.kind, spec])) as Readonly<Record<AlertKind, AlertKindSpec>>

const BY_KIND: ReadonlyMap<string, AlertKindSpec> = new Map(ALERT_KINDS.map((spec) => [spec.kind, spec]))

/** The kind's entry, or undefined for one this version does not know (a newer version's, in old data). */
export function alertKind(kind: string): AlertKindSpec | undefined {
  return BY_KIND.get(kind)
}

/** What raised an alert, in words: `threshold.heart_rate` is "Pulse out of range"; an unknown kind as it is. */
export function alertKindLabel(kind: string): string {
  return BY_KIND.get(kind)?.label ?? kind
}

/** Whether the 60 s answer clock applies; a kind this version does not know gets it (better a clock too many). */
export function answerClockApplies(kind: string): boolean {
  return BY_KIND.get(kind)?.answerClock ?? true
}
