import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../../contract/index.js'
import { AlertQueue, compareForQueue, isOlderState, type QueueChange } from '../../../../dashboard/web/src/alert-queue.js'
import { raisedAlert } from '../../../helpers/alert-fixture.js'

let next = 0
function alert(change: Partial<Alert> = {}): Alert {
  next += 1
  return raisedAlert({ id: `a-${next}`, summary: 'Alarm pressed', ...change })
}

function loaded(...alerts: Alert[]): { queue: AlertQueue; changes: Array<QueueChange | undefined> } {
  const queue = new AlertQueue()
  const changes: Array<QueueChange | undefined> = []
  queue.subscribe((c) => changes.push(c))
  queue.completeResync(queue.beginResync(), alerts)
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
    const resync = queue.beginResync()
    const arrivedDuringFetch = alert({ priority: 'urgent' })
    queue.apply(arrivedDuringFetch)
    expect(queue.sorted()).toHaveLength(2)
    const changes = queue.completeResync(resync, [stays])
    expect(queue.sorted().map((a) => a.id)).toEqual([stays.id, arrivedDuringFetch.id])
    expect(changes?.map((c) => c.alert.id)).toEqual([arrivedDuringFetch.id])
  })

  it('ignores the answer to a resync overtaken by a later one, and keeps the events held since the first', () => {
    const stays = alert()
    const { queue } = loaded(stays)
    const first = queue.beginResync()
    const duringFirst = alert({ priority: 'urgent' })
    queue.apply(duringFirst)
    const second = queue.beginResync()
    const duringSecond = alert({ priority: 'warning' })
    queue.apply(duringSecond)
    expect(queue.completeResync(first, [stays])).toBeUndefined()
    // The first answer changed nothing and applied nothing: the events are still held.
    expect(queue.sorted().map((a) => a.id)).toEqual([stays.id])
    queue.completeResync(second, [stays])
    expect(queue.sorted().map((a) => a.id)).toEqual([stays.id, duringFirst.id, duringSecond.id])
  })

  it('applies the held events when the latest resync fails, but not for an overtaken one', () => {
    const { queue } = loaded()
    const first = queue.beginResync()
    const second = queue.beginResync()
    const during = alert()
    queue.apply(during)
    queue.abandonResync(first)
    expect(queue.sorted()).toEqual([])
    queue.abandonResync(second)
    expect(queue.sorted().map((a) => a.id)).toEqual([during.id])
  })

  it('keeps the state it holds when a late answer is the same or older: clearedAt and cancelledAt stay', () => {
    const raised = alert()
    const cleared = { ...raised, clearedAt: '2026-01-01T10:02:00.000Z' }
    const cancelled = { ...raised, cancelledAt: '2026-01-01T10:03:00.000Z' }
    expect(isOlderState(raised, { ...raised })).toBe(true)
    expect(isOlderState(cleared, raised)).toBe(true)
    expect(isOlderState(raised, cleared)).toBe(false)
    expect(isOlderState(cancelled, raised)).toBe(true)
    const { queue } = loaded(raised)
    queue.apply(cleared)
    queue.apply({ ...raised })
    expect(queue.get(raised.id)?.clearedAt).toBe(cleared.clearedAt)
    const repeated = { ...raised, lastOccurredAt: '2026-01-01T10:04:00.000Z', occurrences: 2 }
    queue.apply(repeated)
    expect(queue.get(raised.id)).toBe(repeated)
  })

  it('announces an emergency sent back to the queue once, as a new emergency', () => {
    const raised = alert()
    const { queue, changes } = loaded(raised)
    const taken = { ...raised, status: 'acknowledged' as const, acknowledgedBy: 'sam' }
    queue.apply(taken)
    const back = { ...taken, status: 'raised' as const, reraisedCount: 1 }
    queue.apply(back)
    queue.apply({ ...back, escalationLevel: 1 })
    expect(changes.map((c) => c?.isNewEmergency)).toEqual([false, true, false])
  })

  it('keeps its sorted list until something changes, so a render without news costs nothing', () => {
    const { queue } = loaded(alert(), alert())
    expect(queue.sorted()).toBe(queue.sorted())
  })
})
