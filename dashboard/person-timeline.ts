import { CALL_OUTCOME_LABELS, alertKindLabel, type Absence, type AlertCall, type CareSettingsVersion, type PersonNote, type TimelineItem } from '../contract/index.js'

export interface TimelineEvent {
  deviceId: string
  event: { type: string; data: Record<string, unknown> }
  receivedAtMs: number
}

export interface TimelineAlertEntry {
  alertId: string
  kind: string
  summary: string | null
  deviceId: string
  at: string
  action: string
  by: string | null
  detail: string | null
}

/** Who a username is, as the timeline labels them. */
export interface Author {
  name: string
  organisation: string | null
  role: string | null
}

export interface TimelineSources {
  events: readonly TimelineEvent[]
  alerts: readonly TimelineAlertEntry[]
  notes?: readonly PersonNote[]
  settings?: readonly CareSettingsVersion[]
  absences?: readonly Absence[]
  /** Calls made from the response plan about the person's alerts. */
  calls?: readonly AlertCall[]
  /** Looks up who held a username when they acted; unknown names (services) are shown as they are. */
  authorOf?: (username: string, atMs: number) => Author | undefined
}

/** The words an event's data adds: the room, the door, the dose. */
function eventText(type: string, data: Record<string, unknown>): string {
  const place = ['room', 'door', 'dose'].map((k) => data[k]).find((v): v is string => typeof v === 'string')
  return place ? `${type} (${place})` : type
}

const SOURCE_ORDER: Record<TimelineItem['source'], number> = { alert: 0, call: 1, note: 2, 'care-settings': 3, absence: 4, event: 5 }

/**
 * One list, newest first, of what a person's devices said, what happened to their alerts, what
 * the members of their circle wrote, and how their care settings and absences changed.
 */
export function buildTimeline(sources: TimelineSources, limit: number): TimelineItem[] {
  const author = (username: string | null, at: string): Pick<TimelineItem, 'by' | 'organisation' | 'role'> => {
    if (username === null) return { by: null }
    const who = sources.authorOf?.(username, Date.parse(at))
    return who ? { by: who.name, organisation: who.organisation, role: who.role } : { by: username }
  }
  const items: TimelineItem[] = [
    ...sources.events.map((e) => ({
      at: new Date(e.receivedAtMs).toISOString(),
      source: 'event' as const,
      type: e.event.type,
      text: eventText(e.event.type, e.event.data),
      deviceId: e.deviceId,
    })),
    ...sources.alerts.map((h) => ({
      at: h.at,
      source: 'alert' as const,
      type: h.action,
      text: `${h.summary ?? alertKindLabel(h.kind)}: ${h.action}${h.detail && h.detail !== h.summary ? `, ${h.detail}` : ''}`,
      deviceId: h.deviceId,
      alertId: h.alertId,
      ...author(h.by, h.at),
    })),
    ...(sources.notes ?? []).map(noteItem),
    ...(sources.settings ?? []).map((v) => ({
      at: v.changedAt,
      source: 'care-settings' as const,
      type: 'changed',
      text: `Care settings version ${v.version}: ${v.reason}`,
      ...author(v.changedBy, v.changedAt),
    })),
    ...(sources.absences ?? []).flatMap((a) => absenceItems(a, author)),
    ...(sources.calls ?? []).map((c) => ({ at: c.at, source: 'call' as const, type: c.outcome, text: callText(c), alertId: c.alertId, ...author(c.by, c.at) })),
  ]
  // At the same moment, what happened to an alert comes after (above) the event that caused it.
  return items.sort((a, b) => b.at.localeCompare(a.at) || SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source]).slice(0, limit)
}

/** "Call to Mary Shaw (daughter): will attend, in about 20 min. Bringing her keys" */
function callText(c: AlertCall): string {
  const eta = c.etaMinutes === null ? '' : `, in about ${c.etaMinutes} min`
  return `Call to ${c.name} (${c.relationship}): ${CALL_OUTCOME_LABELS[c.outcome].toLowerCase()}${eta}${c.note ? `. ${c.note}` : ''}`
}

/** A member's note, labelled with the author's organisation and role as they were when written. */
export function noteItem(n: PersonNote): TimelineItem {
  return { at: n.at, source: 'note', type: 'note', text: n.text, by: n.authorName, organisation: n.organisationName, role: n.role }
}

function absenceItems(a: Absence, author: (username: string | null, at: string) => Pick<TimelineItem, 'by' | 'organisation' | 'role'>): TimelineItem[] {
  const planned: TimelineItem = {
    at: a.createdAt,
    source: 'absence',
    type: 'planned',
    text: `Absence planned from ${a.from} to ${a.to}: ${a.reason}`,
    ...author(a.createdBy, a.createdAt),
  }
  if (a.endedAt === null) return [planned]
  return [planned, { at: a.endedAt, source: 'absence', type: 'ended', text: `Absence ended: ${a.reason}`, ...author(a.endedBy, a.endedAt) }]
}
