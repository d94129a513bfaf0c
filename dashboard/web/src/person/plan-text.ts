import { alertKindLabel } from '../../../../contract/alert-kinds.js'
import { WEEKDAYS, isPriority, type AvailabilityWindow, type Weekday } from '../../../../contract/response-plan-values.js'

export const DAY_LABELS: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' }

/** "Mon–Fri", "Sat, Sun", "Mon, Wed–Fri": runs of three days or more as a range. */
function daysText(days: readonly Weekday[]): string {
  const sorted = WEEKDAYS.filter((d) => days.includes(d))
  const runs: Weekday[][] = []
  for (const day of sorted) {
    const run = runs.at(-1)
    if (run && WEEKDAYS.indexOf(run.at(-1) as Weekday) === WEEKDAYS.indexOf(day) - 1) run.push(day)
    else runs.push([day])
  }
  return runs.map((run) => (run.length >= 3 ? `${DAY_LABELS[run[0] as Weekday]}–${DAY_LABELS[run.at(-1) as Weekday]}` : run.map((d) => DAY_LABELS[d]).join(', '))).join(', ')
}

/** When a step can be called, in the person's time zone. */
export function availabilityText(windows: readonly AvailabilityWindow[] | undefined): string {
  if (!windows) return 'Any time'
  return windows.map((w) => `${daysText(w.days)} ${w.from}–${w.to}`).join('; ')
}

/** What a step is for: alert kinds in words, priorities as they are. */
export function alertKindsText(kinds: readonly string[] | undefined): string {
  if (!kinds) return 'Every alert'
  return kinds.map((k) => (isPriority(k) ? `any ${k} alert` : alertKindLabel(k))).join(', ')
}
