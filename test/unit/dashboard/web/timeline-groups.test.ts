import { describe, expect, it } from 'vitest'
import type { TimelineItem } from '../../../../contract/index.js'
import { formatDateTime } from '../../../../dashboard/web/src/format.js'
import { incidentHeading, timelineRows } from '../../../../dashboard/web/src/person/timeline-groups.js'

const at = (minute: number) => `2026-02-03T03:${String(minute).padStart(2, '0')}:00.000Z`
const alertItem = (minute: number, alertId: string, text: string, type: string, incidentId = 'a-1'): TimelineItem => ({ at: at(minute), source: 'alert', type, text, alertId, incidentId })
const note = (minute: number, text: string): TimelineItem => ({ at: at(minute), source: 'note', type: 'note', text })

/** What the server sends: newest first. */
const NIGHT: TimelineItem[] = [
  note(50, 'Peggy settled'),
  alertItem(41, 'a-2', 'Alarm pressed: resolved, responder-visited: Tom stayed', 'resolved'),
  alertItem(30, 'a-1', 'Fall detected: resolved, responder-visited', 'resolved'),
  { at: at(10), source: 'call', type: 'will-attend', text: 'Call to Tom Reed (neighbour): will attend', alertId: 'a-1', incidentId: 'a-1' },
  alertItem(5, 'a-2', 'Alarm pressed: raised', 'raised'),
  note(4, 'Mid-incident note'),
  alertItem(2, 'a-1', 'Fall detected: raised', 'raised'),
  alertItem(1, 'a-0', 'Inactivity: resolved, false-alarm', 'resolved', 'a-0'),
]

describe('incidents on the person timeline', () => {
  it("shows an incident's entries as one row at its newest item's place, oldest first", () => {
    const rows = timelineRows(NIGHT)
    expect(rows.map((r) => ('item' in r ? r.item.text : r.incidentId))).toEqual(['Peggy settled', 'a-1', 'Mid-incident note', 'a-0'])
    const incident = rows[1]
    expect(incident && 'items' in incident ? incident.items.map((i) => i.at) : []).toEqual([at(2), at(5), at(10), at(30), at(41)])
  })

  it('heads an incident with its kinds, its first and last times and how it ended', () => {
    const oldestFirst = NIGHT.filter((i) => i.incidentId === 'a-1').reverse()
    expect(incidentHeading(oldestFirst)).toBe(`Incident: Fall detected and Alarm pressed, ${formatDateTime(at(2))} to ${formatDateTime(at(41)).split(', ')[1]} · Resolved: Responder visited`)
  })

  it('calls an incident open until every alert in it has been resolved', () => {
    const open = [alertItem(2, 'a-1', 'Fall detected: raised', 'raised'), alertItem(5, 'a-2', 'Alarm pressed: raised', 'raised'), alertItem(9, 'a-1', 'Fall detected: resolved, false-alarm', 'resolved')]
    expect(incidentHeading(open)).toMatch(/ · Open$/)
  })
})
