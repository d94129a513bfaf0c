import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../../contract/index.js'
import { AlertQueue, compareForQueue, isOlderState, type QueueChange } from '../../../../dashboard/web/src/alert-queue.js'

let next = 0
function alert(change: Partial<Alert> = {}): Alert {
  next += 1
  return {
    id: `a-${next}`,
    personId: 'p-1',
    personName: 'Ada Lovelace',
    deviceId: 'pendant-1',
    kind: 'alarm.pressed',
    priority: 'emergency',
    status: 'raised',
    raisedAt: '2026-01-01T10:00:00.000Z',
    lastOccurredAt: '2026-01-01T10:00:00.000Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    outcome: null,
    note: null,
    cancelledAt: null,
    occurrences: 1,
    escalationLevel: 0,
    summary: 'Alarm pressed',
    clearedAt: null,
    flapping: false,
    reraisedCount: 0,
    nextEscalationAt: null,
    ...change,
  }
}

function loaded(...alerts: Alert[]): { queue: AlertQueue; changes: Array<QueueChange | undefined> } {
  const queue = new AlertQueue()
  const changes: Array<QueueChange | undefined> = []
  queue.subscribe((c) => changes.push(c))
  queue.beginResync()
  queue.completeResync(alerts)
  changes.length = 0
  return { queue, changes }
}

describe('alert queue (web)', () => {
  it('sorts emergencies first, then the oldest first', () => {
    const late = alert({ priority: 'emergency', raisedAt: '2026-01-01T10:05:00.000Z' })
    const early = alert({ priority: 'emergency', raisedAt: '2026-01-01T10:01:00.000Z' })
    const technical = alert({ priority: 'technical', raisedAt: '2026-01-01T09:00:00.000Z' })
    const urgent = alert({ priority: 'urgent', raisedAt: '2026-01-01T09:30:00.000Z' })
    expect([late, technical, urgent, early].sort(compareForQueue).map((a) => a.id)).toEqual([early.id, late.id, urgent.id, technical.id])
  })

  it('treats an answer that arrives after the live feed moved on as older', () => {
    const raised = alert()
    const taken = { ...raised, status: 'acknowledged' as const, acknowledgedBy: 'sam' }
    const backInQueue = { ...taken, status: 'raised' as const, reraisedCount: 1 }
    expect(isOlderState(taken, raised)).toBe(true)
    expect(isOlderState(raised, taken)).toBe(false)
    expect(isOlderState(taken, backInQueue)).toBe(false)
    expect(isOlderState(backInQueue, taken)).toBe(true)
  })

  it('announces a new emergency from the live feed, but not the alerts already there at sign-in', () => {
    const { queue, changes } = loaded(alert())
    const fresh = alert()
    queue.apply(fresh)
    expect(changes).toEqual([{ alert: fresh, isNew: true, isNewEmergency: true }])
    expect(queue.sorted()).toHaveLength(2)
  })

  it('announces an open alert that becomes an emergency', () => {
    const urgent = alert({ priority: 'urgent', kind: 'news2' })
    const { queue, changes } = loaded(urgent)
    queue.apply({ ...urgent, priority: 'emergency', occurrences: 2 })
    expect(changes[0]?.isNewEmergency).toBe(true)
    expect(changes[0]?.isNew).toBe(false)
  })

  it('drops a resolved alert and never brings it back from a late answer', () => {
    const open = alert()
    const { queue } = loaded(open)
    queue.apply({ ...open, status: 'resolved', outcome: 'false-alarm' })
    queue.apply({ ...open, status: 'acknowledged' })
    expect(queue.sorted()).toEqual([])
  })

  it('rebuilds from the snapshot after a gap: alerts closed meanwhile go, events during the fetch apply on top', () => {
    const stays = alert()
    const closedMeanwhile = alert()
    const { queue } = loaded(stays, closedMeanwhile)
    queue.beginResync()
    const arrivedDuringFetch = alert({ priority: 'urgent' })
    queue.apply(arrivedDuringFetch)
    expect(queue.sorted()).toHaveLength(2)
    const changes = queue.completeResync([stays])
    expect(queue.sorted().map((a) => a.id)).toEqual([stays.id, arrivedDuringFetch.id])
    expect(changes.map((c) => c.alert.id)).toEqual([arrivedDuringFetch.id])
  })

  it('keeps its sorted list until something changes, so a render without news costs nothing', () => {
    const { queue } = loaded(alert(), alert())
    expect(queue.sorted()).toBe(queue.sorted())
  })
})
