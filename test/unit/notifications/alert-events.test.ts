import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../contract/index.js'
import { alertEvents, noticeOf } from '../../../notifications/alert-events.js'
import { raisedAlert } from '../../helpers/alert-fixture.js'

const raised: Alert = raisedAlert({
  raisedAt: '2026-11-29T10:00:00.000Z',
  lastOccurredAt: '2026-11-29T10:00:00.000Z',
  nextEscalationAt: '2026-11-29T10:01:00.000Z',
})

/** The events of a sequence of announcements of one alert, each told against what the one before told. */
function told(...states: Alert[]): string[] {
  let notice
  const events: string[] = []
  for (const state of states) {
    events.push(...alertEvents(notice, state).map((e) => `${e.type} ${e.key}`))
    notice = noticeOf(state)
  }
  return events
}

describe('what an alert change tells webhooks', () => {
  it('tells a new alert raised, then acknowledged, then resolved, each once', () => {
    const acknowledged = { ...raised, status: 'acknowledged' as const, acknowledgedBy: 'rory' }
    const resolved = { ...acknowledged, status: 'resolved' as const, outcome: 'false-alarm' as const }
    expect(told(raised, acknowledged, acknowledged, resolved, resolved)).toEqual([
      'alert.raised a-1:raised:0',
      'alert.acknowledged a-1:acknowledged:0',
      'alert.resolved a-1:resolved',
    ])
  })

  it('tells nothing of a repeat folded in, a cleared condition or a flap', () => {
    expect(told(raised, { ...raised, occurrences: 4, clearedAt: '2026-11-29T10:03:00.000Z', flapping: true })).toEqual(['alert.raised a-1:raised:0'])
  })

  it('tells each rise of the escalation level, and an alert back in the queue raised again', () => {
    const escalated = { ...raised, escalationLevel: 1 }
    const acknowledged = { ...escalated, status: 'acknowledged' as const }
    const backInQueue = { ...escalated, reraisedCount: 1 }
    expect(told(raised, escalated, { ...raised, escalationLevel: 2 }, acknowledged, backInQueue)).toEqual([
      'alert.raised a-1:raised:0',
      'alert.escalated a-1:escalated:1',
      'alert.escalated a-1:escalated:2',
      'alert.acknowledged a-1:acknowledged:0',
      'alert.raised a-1:raised:1',
    ])
  })

  it('tells an alert first seen already resolved only that it was resolved', () => {
    expect(told({ ...raised, status: 'resolved', escalationLevel: 3 })).toEqual(['alert.resolved a-1:resolved'])
  })
})
