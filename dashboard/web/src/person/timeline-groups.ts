import type { Outcome } from '../../../../contract/alert-values.js'
import type { TimelineItem } from '../../../../contract/api.js'
import { OUTCOME_LABELS, formatDateTime } from '../format.js'

/** One line of the timeline: an item on its own, or everything done on one incident, read in order. */
export type TimelineRow = { item: TimelineItem } | { incidentId: string; heading: string; items: TimelineItem[] }

const clockFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' })

/** What an alert item is about, as its text says before the action: "Fall detected" of "Fall detected: raised". */
function alertLabel(item: TimelineItem): string | undefined {
  const end = item.text.indexOf(`: ${item.type}`)
  return item.source === 'alert' && end > 0 ? item.text.slice(0, end) : undefined
}

/** The outcome a `resolved` item names ("…: resolved, responder-visited: note"), in words. */
function outcomeOf(item: TimelineItem): string | undefined {
  const detail = item.text.split(': resolved, ')[1]
  if (detail === undefined) return undefined
  const code = detail.split(':')[0] as Outcome
  return OUTCOME_LABELS[code] ?? code
}

const distinct = (values: ReadonlyArray<string | undefined>): string[] => [...new Set(values.filter((v): v is string => v !== undefined))]

/**
 * "Incident: Fall detected, 3 Feb, 03:02 to 03:41 · Resolved: Responder visited", from what the
 * entries (oldest first) say: the kinds from the alerts' texts, the times from the first and last
 * entry, and an outcome only once every alert shown has a resolved entry; until then, open.
 */
export function incidentHeading(items: readonly TimelineItem[]): string {
  const first = items[0]?.at ?? ''
  const last = items.at(-1)?.at ?? first
  const sameDay = new Date(first).toDateString() === new Date(last).toDateString()
  const when = `${formatDateTime(first)} to ${sameDay ? clockFormat.format(new Date(last)) : formatDateTime(last)}`
  const kinds = distinct(items.map(alertLabel))
  const alerts = distinct(items.map((i) => i.alertId))
  const resolved = items.filter((i) => i.source === 'alert' && i.type === 'resolved')
  const allResolved = resolved.length > 0 && alerts.every((id) => resolved.some((i) => i.alertId === id))
  const state = allResolved ? `Resolved: ${distinct(resolved.map(outcomeOf)).join(' and ') || 'resolved'}` : 'Open'
  return `Incident${kinds.length > 0 ? `: ${kinds.join(' and ')}` : ''}, ${when} · ${state}`
}

/**
 * The timeline's rows from its items (newest first): items of one incident make one row, at the
 * place of its newest item, with its entries oldest first; every other item stays a row of its own.
 */
export function timelineRows(items: readonly TimelineItem[]): TimelineRow[] {
  const byIncident = new Map<string, TimelineItem[]>()
  for (const item of items) if (item.incidentId !== undefined) byIncident.set(item.incidentId, [item, ...(byIncident.get(item.incidentId) ?? [])])
  const rows: TimelineRow[] = []
  const shown = new Set<string>()
  for (const item of items) {
    if (item.incidentId === undefined) rows.push({ item })
    else if (!shown.has(item.incidentId)) {
      shown.add(item.incidentId)
      const own = byIncident.get(item.incidentId) ?? []
      rows.push({ incidentId: item.incidentId, heading: incidentHeading(own), items: own })
    }
  }
  return rows
}
