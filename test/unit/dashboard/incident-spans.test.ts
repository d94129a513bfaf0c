import { describe, expect, it } from 'vitest'
import type { TimelineItem } from '../../../contract/index.js'
import { incidentIdsOf, withIncidents, type AlertSpan } from '../../../dashboard/incident-spans.js'

/** An alert open from `from` to `to` (03:mm on one night), or still open when `to` is null. */
const span = (id: string, from: number, to: number | null): AlertSpan => ({
  id,
  raisedAt: `2026-03-01T03:${String(from).padStart(2, '0')}:00.000Z`,
  resolvedAt: to === null ? null : `2026-03-01T03:${String(to).padStart(2, '0')}:00.000Z`,
})

const incidents = (spans: AlertSpan[]) => Object.fromEntries(incidentIdsOf(spans))

describe('incidents from alert spans', () => {
  it('makes alerts open at the same time one incident, named by the first raised', () => {
    expect(incidents([span('a-2', 5, 20), span('a-1', 2, 41)])).toEqual({ 'a-1': 'a-1', 'a-2': 'a-1' })
  })

  it('chains alerts that overlap only through another one', () => {
    // a-1 and a-3 never were open together, but each was open with a-2.
    expect(incidents([span('a-1', 0, 10), span('a-2', 8, 30), span('a-3', 25, 40)])).toEqual({ 'a-1': 'a-1', 'a-2': 'a-1', 'a-3': 'a-1' })
  })

  it('keeps an alert raised after the last one was resolved apart, even the same minute', () => {
    expect(incidents([span('a-1', 0, 10), span('a-2', 10, 15), span('a-3', 30, 35)])).toEqual({ 'a-1': 'a-1', 'a-2': 'a-2', 'a-3': 'a-3' })
  })

  it('joins everything raised after an alert still open to its incident', () => {
    expect(incidents([span('a-1', 0, 5), span('a-2', 10, null), span('a-3', 50, 52), span('a-4', 55, null)])).toEqual({
      'a-1': 'a-1',
      'a-2': 'a-2',
      'a-3': 'a-2',
      'a-4': 'a-2',
    })
  })

  it('names an incident of alerts raised in the same millisecond by the one made first', () => {
    expect(incidents([span('a-10', 1, 4), span('a-9', 1, 3)])).toEqual({ 'a-9': 'a-9', 'a-10': 'a-9' })
  })

  it('labels only the timeline items about an alert it knows', () => {
    const items: TimelineItem[] = [
      { at: '2026-03-01T03:05:00.000Z', source: 'call', type: 'will-attend', text: 'Call to Mary', alertId: 'a-2' },
      { at: '2026-03-01T03:04:00.000Z', source: 'note', type: 'note', text: 'Spoke to Ada' },
      { at: '2026-03-01T03:03:00.000Z', source: 'alert', type: 'raised', text: 'Fall detected: raised', alertId: 'a-7' },
    ]
    expect(withIncidents(items, new Map([['a-2', 'a-1']])).map((i) => i.incidentId)).toEqual(['a-1', undefined, undefined])
  })
})
