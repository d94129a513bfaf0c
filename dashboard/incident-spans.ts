import type { TimelineItem } from '../contract/index.js'

/** When an alert was open: from its raising until it was resolved, or until now while it is still open. */
export interface AlertSpan {
  id: string
  raisedAt: string
  resolvedAt: string | null
}

/** Oldest raised first; alerts raised in the same millisecond in the order they were made (`a-9` before `a-10`). */
const byRaising = (a: AlertSpan, b: AlertSpan): number =>
  Date.parse(a.raisedAt) - Date.parse(b.raisedAt) || a.id.localeCompare(b.id, 'en', { numeric: true })

/**
 * Each alert's incident: alerts of one person that were open at the same time (their spans
 * overlap, directly or through another alert) are one incident, answered together, and the
 * incident is named by the id of its first-raised alert. An alert still open is open until now,
 * so every alert raised after it joins its incident; one raised the moment the last open alert
 * was resolved starts a new incident.
 */
export function incidentIdsOf(spans: readonly AlertSpan[]): Map<string, string> {
  const incidents = new Map<string, string>()
  let current: { id: string; endMs: number } | undefined
  for (const span of [...spans].sort(byRaising)) {
    const raisedMs = Date.parse(span.raisedAt)
    const endMs = span.resolvedAt === null ? Number.POSITIVE_INFINITY : Date.parse(span.resolvedAt)
    if (current !== undefined && raisedMs < current.endMs) current.endMs = Math.max(current.endMs, endMs)
    else current = { id: span.id, endMs }
    incidents.set(span.id, current.id)
  }
  return incidents
}

/** PROTOCOL §2 timeline items, each one about an alert labelled with the incident its alert belongs to. */
export function withIncidents(items: readonly TimelineItem[], incidents: ReadonlyMap<string, string>): TimelineItem[] {
  return items.map((item) => {
    const incidentId = item.alertId === undefined ? undefined : incidents.get(item.alertId)
    return incidentId === undefined ? item : { ...item, incidentId }
  })
}
