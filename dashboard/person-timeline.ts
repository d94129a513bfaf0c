import type { TimelineItem } from '../contract/index.js'

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

/** The words an event's data adds: the room, the door, the dose. */
function eventText(type: string, data: Record<string, unknown>): string {
  const place = ['room', 'door', 'dose'].map((k) => data[k]).find((v): v is string => typeof v === 'string')
  return place ? `${type} (${place})` : type
}

/** One list, newest first, of what a person's devices said and what happened to their alerts. */
export function buildTimeline(events: readonly TimelineEvent[], alerts: readonly TimelineAlertEntry[], limit: number): TimelineItem[] {
  const items: TimelineItem[] = [
    ...events.map((e) => ({
      at: new Date(e.receivedAtMs).toISOString(),
      source: 'event' as const,
      type: e.event.type,
      text: eventText(e.event.type, e.event.data),
      deviceId: e.deviceId,
    })),
    ...alerts.map((h) => ({
      at: h.at,
      source: 'alert' as const,
      type: h.action,
      text: `${h.summary ?? h.kind}: ${h.action}${h.detail && h.detail !== h.summary ? `, ${h.detail}` : ''}`,
      deviceId: h.deviceId,
      alertId: h.alertId,
      by: h.by,
    })),
  ]
  // At the same moment, what happened to an alert comes after (above) the event that caused it.
  return items.sort((a, b) => b.at.localeCompare(a.at) || (a.source === b.source ? 0 : a.source === 'alert' ? -1 : 1)).slice(0, limit)
}
