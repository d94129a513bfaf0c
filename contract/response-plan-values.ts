import { PRIORITIES, type Priority } from './alert-values.js'

/**
 * PROTOCOL §2c: a person's response plan (whom to call, in order, when an alert is raised) and the
 * calls made from it. Plain values, types and pure decisions only (no zod), so that the browser
 * bundle imports them as they are; response-plans.ts holds the request bodies.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/**
 * When a step can be called, in the person's time zone: on `days`, from `from` to `to`. A window
 * whose `to` is not after its `from` runs past midnight into the next day (`22:00` to `07:00`),
 * and belongs to the day it starts on.
 */
export interface AvailabilityWindow {
  days: Weekday[]
  from: string
  to: string
}

export interface ResponseStep {
  name: string
  /** In words: "daughter", "neighbour", "district nurse". */
  relationship: string
  phone: string
  email?: string | undefined
  /** Family, told of alarms when the person shares them (FAMILY_RELATIONSHIPS decides when not given). */
  family?: boolean | undefined
  /** When they can be called; always when absent. */
  availability?: AvailabilityWindow[] | undefined
  /** The alert kinds or priorities the step is for; every alert when absent. */
  alertKinds?: string[] | undefined
}

export interface ResponsePlanVersion {
  personId: string
  /** 0: no plan written yet (no steps). */
  version: number
  steps: ResponseStep[]
  changedAt: string | null
  changedBy: string | null
  reason: string | null
}

export const CALL_OUTCOMES = ['no-answer', 'declined', 'will-attend', 'attended'] as const
export type CallOutcome = (typeof CALL_OUTCOMES)[number]

export const CALL_OUTCOME_LABELS: Record<CallOutcome, string> = {
  'no-answer': 'No answer',
  declined: 'Declined',
  'will-attend': 'Will attend',
  attended: 'Attended',
}

/** Outcomes after which the cascade moves on to the next step. */
const FAILED: ReadonlySet<CallOutcome> = new Set<CallOutcome>(['no-answer', 'declined'])

/** One call attempt on an alert, against one step of the plan version in force when it was made. */
export interface AlertCall {
  id: string
  alertId: string
  personId: string
  planVersion: number
  step: number
  name: string
  relationship: string
  outcome: CallOutcome
  etaMinutes: number | null
  note: string | null
  at: string
  /** The caller's username and display name. */
  by: string
  byName: string
}

/** The step the caller should try next; its phone and email only for those who may read contacts. */
export interface NextStep {
  index: number
  name: string
  relationship: string
  phone?: string
  email?: string
}

/**
 * Relationships that make a step family when it does not say (`family`): told of alarms when the
 * person shares them. Compared lower-case, with spaces as hyphens ("Daughter in law").
 */
const FAMILY_RELATIONSHIPS: ReadonlySet<string> = new Set([
  'family',
  'daughter',
  'son',
  'partner',
  'wife',
  'husband',
  'spouse',
  'mother',
  'father',
  'parent',
  'sister',
  'brother',
  'sibling',
  'grandchild',
  'granddaughter',
  'grandson',
  'niece',
  'nephew',
  'aunt',
  'uncle',
  'cousin',
  'stepdaughter',
  'stepson',
  'daughter-in-law',
  'son-in-law',
])

export function isFamily(step: Pick<ResponseStep, 'relationship' | 'family'>): boolean {
  return step.family ?? FAMILY_RELATIONSHIPS.has(step.relationship.trim().toLowerCase().replace(/\s+/g, '-'))
}

export const isPriority = (value: string): value is Priority => (PRIORITIES as readonly string[]).includes(value)

/** Whether the step is for this alert: its kinds or priorities name it, or it names none. */
export function stepCovers(step: Pick<ResponseStep, 'alertKinds'>, alert: { kind: string; priority: Priority }): boolean {
  return step.alertKinds === undefined || step.alertKinds.includes(alert.kind) || step.alertKinds.includes(alert.priority)
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** The local weekday and minute of the day of an instant in a time zone. */
function localWeekMinute(atMs: number, timeZone: string): { day: number; minute: number } {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    formats.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(atMs).map((p) => [p.type, p.value]))
  const day = WEEKDAYS.indexOf(String(parts.weekday).toLowerCase().slice(0, 3) as Weekday)
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) }
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Whether a step can be called at this instant, in the person's time zone. */
export function availableAt(step: Pick<ResponseStep, 'availability'>, atMs: number, timeZone: string): boolean {
  if (step.availability === undefined) return true
  const { day, minute } = localWeekMinute(atMs, timeZone)
  const yesterday = (day + 6) % 7
  return step.availability.some((w) => {
    const from = minutesOf(w.from)
    const to = minutesOf(w.to)
    const on = (d: number): boolean => w.days.includes(WEEKDAYS[d] as Weekday)
    if (from < to) return on(day) && minute >= from && minute < to
    return (on(day) && minute >= from) || (on(yesterday) && minute < to)
  })
}

/**
 * The step to call next about an alert: none once it is resolved or someone said they will come
 * (or came); otherwise the first step, in the plan's order, that is for this alert, can be called
 * now, and has not failed (its last call went unanswered or was declined). `calls` are those made
 * against this version of the plan.
 */
export function nextStepIndex(
  steps: readonly ResponseStep[],
  calls: ReadonlyArray<Pick<AlertCall, 'step' | 'outcome' | 'at'>>,
  alert: { kind: string; priority: Priority; status: string },
  atMs: number,
  timeZone: string,
): number | undefined {
  if (alert.status === 'resolved') return undefined
  const last = new Map<number, CallOutcome>()
  for (const call of [...calls].sort((a, b) => a.at.localeCompare(b.at))) last.set(call.step, call.outcome)
  if ([...last.values()].some((outcome) => !FAILED.has(outcome))) return undefined
  const failed = (i: number): boolean => {
    const outcome = last.get(i)
    return outcome !== undefined && FAILED.has(outcome)
  }
  const index = steps.findIndex((step, i) => !failed(i) && stepCovers(step, alert) && availableAt(step, atMs, timeZone))
  return index === -1 ? undefined : index
}
