import type { Outcome, Priority } from '../../../contract/alert-values.js'
import { METRICS, isMetricName } from '../../../contract/metrics.js'

export const PRIORITY_LABELS: Record<Priority, string> = {
  emergency: 'Emergency',
  urgent: 'Urgent',
  warning: 'Warning',
  technical: 'Technical',
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  'false-alarm': 'False alarm',
  'resolved-by-phone': 'Resolved by phone',
  'responder-visited': 'Responder visited',
  'ambulance-called': 'Ambulance called',
  technical: 'Technical',
  other: 'Other',
}

export { ROLE_LABELS } from '../../../contract/circle-values.js'

/** What raised an alert, in words (contract/alert-kinds.ts): `threshold.heart_rate` is "Pulse out of range". */
export { alertKindLabel as kindText } from '../../../contract/alert-kinds.js'

export function metricLabel(metric: string): string {
  return isMetricName(metric) ? METRICS[metric].label : metric
}

/** Units as people read them (`Cel` is °C). */
function unitText(unit: string | null | undefined): string {
  switch (unit) {
    case 'Cel':
      return '°C'
    case 'mm[Hg]':
      return 'mmHg'
    case '1/min':
      return 'breaths/min'
    case 'beat/min':
      return 'bpm'
    case 'count':
    case null:
    case undefined:
      return ''
    default:
      return unit
  }
}

export function metricUnit(metric: string): string {
  if (!isMetricName(metric)) return ''
  const spec = METRICS[metric]
  return spec.kind === 'number' ? unitText(spec.unit) : ''
}

/** `0:42`, `12:05`, `1:02:03`: a clock counting up. */
export function formatElapsed(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(seconds % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** `45 s`, `3 min`, `2 h 5 min`, `3 days`: how long, for people. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  return `${Math.floor(hours / 24)} days`
}

export function formatAgo(iso: string | null, nowMs: number = Date.now()): string {
  if (!iso) return 'never'
  return `${formatDuration((nowMs - Date.parse(iso)) / 1000)} ago`
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })
const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

export function formatTime(iso: string): string {
  return timeFormat.format(new Date(iso))
}

export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso))
}

/** A calendar date (`1950-03-07`), shown without any time zone shift. */
export function formatDate(isoDate: string): string {
  return dateFormat.format(new Date(`${isoDate}T00:00:00Z`))
}

export function formatPercent(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)}%`
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}
