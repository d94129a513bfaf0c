import type { Alert } from '../../../contract/alert.js'
import type { Outcome, Priority } from '../../../contract/alert-values.js'
import { kindText } from './format.js'
import type { AlarmRecord } from './types.js'

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

/** How long, as people say it: "42 seconds", "1 minute and 5 seconds", "2 hours and 3 minutes". */
export function durationWords(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds))
  if (seconds < 60) return plural(seconds, 'second')
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60)
    const s = seconds % 60
    return s === 0 ? plural(m, 'minute') : `${plural(m, 'minute')} and ${plural(s, 'second')}`
  }
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return m === 0 ? plural(h, 'hour') : `${plural(h, 'hour')} and ${plural(m, 'minute')}`
}

/** How fast an alarm was answered: "answered in 42 seconds", or why there is no answer time. */
export function answeredText(alarm: Pick<AlarmRecord, 'answeredAfterSeconds' | 'status'>): string {
  if (alarm.answeredAfterSeconds !== null) return `answered in ${durationWords(alarm.answeredAfterSeconds)}`
  return alarm.status === 'raised' ? 'not answered yet' : 'closed without being answered'
}

/** What was done, in plain words for the person and their family. */
export const OUTCOME_WORDS: Record<Outcome, string> = {
  'false-alarm': 'It was a false alarm; no help was needed',
  'resolved-by-phone': 'Sorted out over the phone',
  'responder-visited': 'A responder came to the home',
  'ambulance-called': 'An ambulance was called',
  technical: 'A problem with the equipment, dealt with',
  other: 'Dealt with',
}

const PRESSED_ON: Record<string, string> = {
  pendant: 'Pendant pressed',
  wearable: 'Wrist button pressed',
  hub: 'Alarm button pressed',
}

/** What raised the alarm: "Pendant pressed", "Fall detected". */
export function alarmWhat(kind: string, deviceType: string | undefined): string {
  if (kind === 'alarm.pressed' && deviceType) return PRESSED_ON[deviceType] ?? kindText(kind)
  return kindText(kind)
}

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' })
export const hhmm = (iso: string): string => clock.format(new Date(iso))

/** Alarms, as the family follows them: calls for help, not equipment notices. */
const ALARM_PRIORITIES: readonly Priority[] = ['emergency', 'urgent']

/** One alarm as the family page shows it: the live alert joined with who answered it. */
export interface FamilyAlarm {
  alertId: string
  kind: string
  priority: Priority
  status: Alert['status']
  raisedAt: string
  deviceType: string | undefined
  handler: string | null
  handlerOrganisation: string | null
  resolvedAt: string | null
  outcome: Outcome | null
}

const STATUS_RANK = { raised: 0, acknowledged: 1, resolved: 2 } as const

/**
 * The alerts this page heard of (the record, then the live feed) joined with the alarm records,
 * which name who answered: whichever is further along decides the status.
 */
export function joinAlarms(alerts: readonly Alert[], records: readonly AlarmRecord[], deviceTypes: ReadonlyMap<string, string>): FamilyAlarm[] {
  const byId = new Map<string, FamilyAlarm>()
  for (const r of records) {
    byId.set(r.alertId, { alertId: r.alertId, kind: r.kind, priority: r.priority, status: r.status, raisedAt: r.raisedAt, deviceType: undefined, handler: r.acknowledgedBy, handlerOrganisation: r.acknowledgedByOrganisation, resolvedAt: r.resolvedAt, outcome: r.outcome })
  }
  for (const a of alerts) {
    const known = byId.get(a.id)
    const ahead = !known || STATUS_RANK[a.status] > STATUS_RANK[known.status]
    byId.set(a.id, {
      alertId: a.id,
      kind: a.kind,
      priority: a.priority,
      status: ahead ? a.status : (known?.status ?? a.status),
      raisedAt: a.raisedAt,
      deviceType: deviceTypes.get(a.deviceId),
      handler: known?.handler ?? a.acknowledgedBy,
      handlerOrganisation: known?.handlerOrganisation ?? null,
      resolvedAt: (ahead ? a.resolvedAt : known?.resolvedAt) ?? null,
      outcome: (ahead ? a.outcome : known?.outcome) ?? null,
    })
  }
  return [...byId.values()].sort((x, y) => y.raisedAt.localeCompare(x.raisedAt))
}

export interface FamilyStatus {
  tone: 'well' | 'alarm'
  headline: string
  detail: string
  /** The last alarm closed today, while all is well again. */
  earlier: string | null
}

const sameDay = (iso: string, nowMs: number) => new Date(iso).toDateString() === new Date(nowMs).toDateString()

/** "All is well", or the alarm in progress and who is handling it; and how today's last alarm ended. */
export function familyStatus(alarms: readonly FamilyAlarm[], nowMs: number): FamilyStatus {
  const calls = alarms.filter((a) => ALARM_PRIORITIES.includes(a.priority))
  const open = calls.find((a) => a.status !== 'resolved')
  if (open) {
    const who = open.handler ? `${open.handler}${open.handlerOrganisation ? ` (${open.handlerOrganisation})` : ''}` : 'a responder'
    const where = open.status === 'acknowledged' ? `being handled by ${who}` : 'waiting for a responder'
    return { tone: 'alarm', headline: 'Alarm in progress', detail: `${alarmWhat(open.kind, open.deviceType)} at ${hhmm(open.raisedAt)} — ${where}`, earlier: null }
  }
  const closed = calls.filter((a) => a.resolvedAt !== null && sameDay(a.resolvedAt, nowMs)).sort((x, y) => (y.resolvedAt ?? '').localeCompare(x.resolvedAt ?? ''))[0]
  const earlier = closed?.resolvedAt
    ? `Resolved at ${hhmm(closed.resolvedAt)}: ${closed.outcome ? OUTCOME_WORDS[closed.outcome] : 'dealt with'} (${alarmWhat(closed.kind, closed.deviceType)} at ${hhmm(closed.raisedAt)}${closed.handler ? `, answered by ${closed.handler}` : ''}).`
    : null
  return { tone: 'well', headline: 'All is well', detail: 'No alarm in progress.', earlier }
}

/** What raised an alarm, said to the person themselves. */
export function myAlarmWhat(kind: string): string {
  switch (kind) {
    case 'alarm.pressed':
      return 'You pressed your alarm'
    case 'alarm.cancelled':
      return 'You cancelled an alarm'
    default:
      return kindText(kind)
  }
}
