import { describe, expect, it } from 'vitest'
import * as lifecycle from '../../../alerting/alert-lifecycle.js'
import { describeDuration } from '../../../alerting/describe-duration.js'
import { ESCALATION_POLICY } from '../../../alerting/escalation-policy.js'
import type { Alert, Priority } from '../../../contract/index.js'

const T0 = Date.parse('2026-11-22T10:00:00Z')

function raised(): Alert {
  const { alert } = lifecycle.raise({ personId: 'p-1', deviceId: 'pendant-1', kind: 'alarm.pressed', priority: 'emergency', atMs: T0 })
  return { ...alert, id: 'a-1', personName: 'Ada Lovelace' }
}

describe('alert lifecycle', () => {
  it('raises with one occurrence at escalation level 0', () => {
    expect(raised()).toMatchObject({ status: 'raised', occurrences: 1, escalationLevel: 0, raisedAt: '2026-11-22T10:00:00.000Z', acknowledgedAt: null })
  })

  it('folds a repeat into the open alert', () => {
    const result = lifecycle.fold(raised(), { personId: 'p-1', deviceId: 'pendant-1', kind: 'alarm.pressed', priority: 'emergency', atMs: T0 + 5000 })
    expect(result.ok && result.alert).toMatchObject({ occurrences: 2, lastOccurredAt: '2026-11-22T10:00:05.000Z', status: 'raised' })
  })

  it('lets exactly one responder acknowledge and tells the other who has it', () => {
    const first = lifecycle.acknowledge(raised(), 'sam', T0 + 12_000)
    expect(first.ok && first.alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'sam', acknowledgedAt: '2026-11-22T10:00:12.000Z' })
    if (!first.ok) throw new Error('first acknowledge failed')
    expect(lifecycle.acknowledge(first.alert, 'kim', T0 + 13_000)).toEqual({ ok: false, reason: 'already acknowledged by sam' })
  })

  it('resolves with an outcome and refuses to resolve twice', () => {
    const acked = lifecycle.acknowledge(raised(), 'sam', T0 + 1000)
    if (!acked.ok) throw new Error('acknowledge failed')
    const done = lifecycle.resolve(acked.alert, 'sam', 'resolved-by-phone', 'spoke to Ada, all well', T0 + 60_000)
    expect(done.ok && done.alert).toMatchObject({ status: 'resolved', outcome: 'resolved-by-phone', resolvedBy: 'sam', note: 'spoke to Ada, all well', acknowledgedBy: 'sam' })
    if (!done.ok) throw new Error('resolve failed')
    expect(lifecycle.resolve(done.alert, 'kim', 'other', undefined, T0 + 61_000).ok).toBe(false)
    expect(lifecycle.fold(done.alert, { personId: 'p-1', deviceId: 'pendant-1', kind: 'alarm.pressed', priority: 'emergency', atMs: T0 }).ok).toBe(false)
  })

  it('treats resolving an unacknowledged alert as taking it', () => {
    const done = lifecycle.resolve(raised(), 'kim', 'false-alarm', undefined, T0 + 30_000)
    expect(done.ok && done.alert).toMatchObject({ acknowledgedBy: 'kim', acknowledgedAt: '2026-11-22T10:00:30.000Z', status: 'resolved' })
  })

  it('marks a cancellation by the person without closing the alert', () => {
    const result = lifecycle.cancelByPerson(raised(), T0 + 2000)
    expect(result.ok && result.alert).toMatchObject({ status: 'raised', cancelledAt: '2026-11-22T10:00:02.000Z' })
  })
})

// ---- Deadlines and escalation (escalation-policy.ts), in simulated time ---------------------------

const S = 1000
const MIN = 60 * S
const H = 60 * MIN
const DAY = 24 * H
const iso = (ms: number): string => new Date(ms).toISOString()

function raisedAs(priority: Priority, kind = 'news2'): Alert {
  const { alert } = lifecycle.raise({ personId: 'p-1', deviceId: 'wrist-1', kind, priority, atMs: T0, summary: `${kind} at ${priority}` })
  return { ...alert, id: 'a-2', personName: 'Ada Lovelace' }
}

/** The transition's alert, or a failed test saying why there is none. */
function must(transition: lifecycle.Transition): Alert {
  if (!transition.ok) throw new Error(`transition refused: ${transition.reason}`)
  return transition.alert
}

describe('escalation policy', () => {
  it('gives each priority its acknowledgement deadline, repeat interval and resolve deadline', () => {
    expect(ESCALATION_POLICY).toEqual({
      emergency: { ackDeadlineMs: 60 * S, repeatMs: 30 * S, resolveDeadlineMs: 30 * MIN },
      urgent: { ackDeadlineMs: 180 * S, repeatMs: 2 * MIN, resolveDeadlineMs: 1 * H },
      warning: { ackDeadlineMs: 15 * MIN, repeatMs: 10 * MIN, resolveDeadlineMs: 4 * H },
      technical: { ackDeadlineMs: 1 * H, repeatMs: 1 * H, resolveDeadlineMs: 24 * H },
    })
  })

  it.each([
    [0, '0 s'],
    [45 * S, '45 s'],
    [119 * S, '119 s'],
    [120 * S, '2 min'],
    [90 * MIN, '90 min'],
    [119 * MIN, '119 min'],
    [120 * MIN, '2 h'],
    [125 * MIN, '2 h 5 min'],
    [47 * H + 59 * MIN, '47 h 59 min'],
    [48 * H, '2 days'],
    [72 * H, '3 days'],
  ])('describes %i ms as "%s"', (ms, words) => {
    expect(describeDuration(ms)).toBe(words)
  })
})

describe('alert deadlines', () => {
  it.each([
    ['emergency', '2026-11-22T10:01:00.000Z'],
    ['urgent', '2026-11-22T10:03:00.000Z'],
    ['warning', '2026-11-22T10:15:00.000Z'],
    ['technical', '2026-11-22T11:00:00.000Z'],
  ] as const)('sets the first deadline of a raised %s alert to %s', (priority, deadline) => {
    expect(raisedAs(priority).nextEscalationAt).toBe(deadline)
  })

  it('does nothing one ms before the acknowledgement deadline', () => {
    expect(lifecycle.onDeadline(raisedAs('emergency'), T0 + 60 * S - 1)).toEqual({ ok: false, reason: 'not due' })
  })

  it('escalates an unacknowledged emergency at 60 s, then every 30 s', () => {
    const first = lifecycle.onDeadline(raisedAs('emergency'), T0 + 60 * S)
    expect(first).toEqual({
      ok: true,
      alert: { ...raisedAs('emergency'), escalationLevel: 1, nextEscalationAt: '2026-11-22T10:01:30.000Z' },
      entry: { at: '2026-11-22T10:01:00.000Z', action: 'escalated', by: null, detail: 'not acknowledged after 60 s; escalation level 1' },
    })
    const once = must(first)
    expect(lifecycle.onDeadline(once, T0 + 90 * S - 1)).toEqual({ ok: false, reason: 'not due' })
    const second = lifecycle.onDeadline(once, T0 + 90 * S)
    expect(second.ok && [second.alert.escalationLevel, second.alert.nextEscalationAt, second.entry.detail]).toEqual([
      2,
      '2026-11-22T10:02:00.000Z',
      'not acknowledged after 90 s; escalation level 2',
    ])
  })

  it('counts the repeat from when an overdue deadline is handled, and says how long it has waited', () => {
    const late = lifecycle.onDeadline(raisedAs('urgent'), T0 + 200 * S)
    expect(late.ok && [late.alert.nextEscalationAt, late.entry.detail]).toEqual(['2026-11-22T10:05:20.000Z', 'not acknowledged after 3 min; escalation level 1'])
  })

  it('moves the deadline to the resolve deadline on acknowledgement, so it no longer escalates', () => {
    const acked = must(lifecycle.acknowledge(raisedAs('emergency'), 'sam', T0 + 20 * S))
    expect(acked.nextEscalationAt).toBe('2026-11-22T10:30:20.000Z')
    expect(lifecycle.onDeadline(acked, T0 + 60 * S)).toEqual({ ok: false, reason: 'not due' })
  })

  it('puts an acknowledged emergency back in the queue when it is not resolved within 30 min', () => {
    const escalated = must(lifecycle.onDeadline(raisedAs('emergency'), T0 + 60 * S))
    const acked = must(lifecycle.acknowledge(escalated, 'sam', T0 + 70 * S))
    expect(lifecycle.onDeadline(acked, T0 + 70 * S + 30 * MIN - 1)).toEqual({ ok: false, reason: 'not due' })
    const back = lifecycle.onDeadline(acked, T0 + 70 * S + 30 * MIN)
    expect(back).toEqual({
      ok: true,
      alert: { ...acked, status: 'raised', acknowledgedAt: null, acknowledgedBy: null, reraisedCount: 1, nextEscalationAt: '2026-11-22T10:32:10.000Z' },
      entry: { at: '2026-11-22T10:31:10.000Z', action: 'reraised', by: null, detail: 'acknowledged by sam but not resolved within 30 min; back in the queue' },
    })
    // Back in the queue it escalates again, from the level it had reached.
    const again = lifecycle.onDeadline(must(back), T0 + 70 * S + 31 * MIN)
    expect(again.ok && [again.alert.escalationLevel, again.entry.action]).toEqual([2, 'escalated'])
  })

  it('never escalates or re-raises a resolved alert', () => {
    const done = must(lifecycle.resolve(raisedAs('urgent'), 'kim', 'resolved-by-phone', undefined, T0 + 30 * S))
    expect(done.nextEscalationAt).toBeNull()
    expect(lifecycle.onDeadline(done, T0 + 7 * DAY)).toEqual({ ok: false, reason: 'not due' })
    expect(lifecycle.onDeadline({ ...done, nextEscalationAt: iso(T0) }, T0 + 7 * DAY)).toEqual({ ok: false, reason: 'already resolved' })
  })

  it('escalates an unanswered technical alert every hour for 3 days, checked every minute: 72 times', () => {
    let alert = raisedAs('technical', 'device.offline')
    const escalations: string[] = []
    for (let t = T0; t <= T0 + 3 * DAY; t += MIN) {
      const result = lifecycle.onDeadline(alert, t)
      if (!result.ok) continue
      alert = result.alert
      escalations.push(`${iso(t)} ${result.entry.detail ?? ''}`)
    }
    expect(escalations.length).toBe(72)
    expect(escalations[0]).toBe('2026-11-22T11:00:00.000Z not acknowledged after 60 min; escalation level 1')
    expect(escalations[71]).toBe('2026-11-25T10:00:00.000Z not acknowledged after 3 days; escalation level 72')
  })

  it('re-raises an urgent alert every 62 min for 3 days when it is always acknowledged within 2 min and never resolved', () => {
    let alert = raisedAs('urgent')
    let inQueueSince = T0
    const actions: string[] = []
    for (let t = T0; t < T0 + 3 * DAY; t += MIN) {
      const result = lifecycle.onDeadline(alert, t)
      if (result.ok) {
        alert = result.alert
        actions.push(`${(t - T0) / MIN} ${result.entry.action}`)
        if (result.entry.action === 'reraised') inQueueSince = t
      }
      if (alert.status === 'raised' && t - inQueueSince === 2 * MIN) alert = must(lifecycle.acknowledge(alert, 'sam', t))
    }
    // Acknowledged at 2 min, back 60 min later: minute 62, 124, ... 62 x 69 = 4278 < 3 days = 4320.
    expect(actions).toEqual(Array.from({ length: 69 }, (_, i) => `${62 * (i + 1)} reraised`))
    expect(alert.reraisedCount).toBe(69)
    expect(alert.escalationLevel).toBe(0)
  })
})

describe('folding repeats', () => {
  const trigger = (priority: Priority, atMs: number, extra: Partial<lifecycle.Trigger> = {}): lifecycle.Trigger => ({
    personId: 'p-1',
    deviceId: 'wrist-1',
    kind: 'news2',
    priority,
    atMs,
    ...extra,
  })

  it('raises the priority on a more serious repeat and pulls the acknowledgement deadline in', () => {
    const result = lifecycle.fold(raisedAs('urgent'), trigger('emergency', T0 + 10 * S, { summary: 'partial NEWS2 (3 of 7 parameters): 7' }))
    expect(result.ok && result.alert).toMatchObject({ priority: 'emergency', occurrences: 2, nextEscalationAt: '2026-11-22T10:01:10.000Z', summary: 'partial NEWS2 (3 of 7 parameters): 7' })
    expect(result.ok && result.entry).toEqual({ at: '2026-11-22T10:00:10.000Z', action: 'repeated', by: null, detail: 'priority raised to emergency; partial NEWS2 (3 of 7 parameters): 7' })
  })

  it('keeps the earlier deadline when the more serious repeat comes late', () => {
    const result = lifecycle.fold(raisedAs('urgent'), trigger('emergency', T0 + 150 * S))
    expect(result.ok && [result.alert.priority, result.alert.nextEscalationAt]).toEqual(['emergency', '2026-11-22T10:03:00.000Z'])
  })

  it('keeps the priority, deadline and summary on a less serious repeat', () => {
    const result = lifecycle.fold(raisedAs('emergency'), trigger('urgent', T0 + 10 * S))
    expect(result.ok && result.alert).toMatchObject({ priority: 'emergency', nextEscalationAt: '2026-11-22T10:01:00.000Z', summary: 'news2 at emergency', occurrences: 2 })
    expect(result.ok && result.entry.detail).toBe('from wrist-1')
  })

  it('puts an acknowledged alert back in the queue when a repeat raises its priority, with the new acknowledgement deadline', () => {
    const acked = must(lifecycle.acknowledge(raisedAs('urgent'), 'sam', T0 + 30 * S))
    const result = lifecycle.fold(acked, trigger('emergency', T0 + 40 * S))
    expect(result.ok && [result.alert.priority, result.alert.status, result.alert.acknowledgedBy, result.alert.nextEscalationAt]).toEqual([
      'emergency',
      'raised',
      null,
      '2026-11-22T10:01:40.000Z',
    ])
    expect(result.ok && result.entry.detail).toMatch(/^priority raised to emergency, back in the queue; /)
  })

  it('keeps an acknowledged alert with the responder on a repeat of the same priority', () => {
    const acked = must(lifecycle.acknowledge(raisedAs('urgent'), 'sam', T0 + 30 * S))
    const result = lifecycle.fold(acked, trigger('urgent', T0 + 40 * S))
    expect(result.ok && [result.alert.status, result.alert.acknowledgedBy, result.alert.nextEscalationAt]).toEqual(['acknowledged', 'sam', '2026-11-22T11:00:30.000Z'])
  })

  it('takes back a cleared condition on a repeat, and keeps flapping once it has been seen', () => {
    const cleared = must(lifecycle.clearCondition(raisedAs('urgent'), T0 + MIN, 'SpO2 back to 95 %'))
    const flapped = must(lifecycle.fold(cleared, trigger('urgent', T0 + 2 * MIN, { flapping: true })))
    expect([flapped.clearedAt, flapped.flapping]).toEqual([null, true])
    const steady = must(lifecycle.fold(flapped, trigger('urgent', T0 + 3 * MIN)))
    expect([steady.flapping, steady.occurrences]).toEqual([true, 3])
  })
})

describe('cleared conditions and technical alerts', () => {
  it('marks a cleared condition without closing the alert, which still escalates', () => {
    const result = lifecycle.clearCondition(raisedAs('urgent'), T0 + MIN, 'SpO2 back to 95 %')
    expect(result).toEqual({
      ok: true,
      alert: { ...raisedAs('urgent'), clearedAt: '2026-11-22T10:01:00.000Z' },
      entry: { at: '2026-11-22T10:01:00.000Z', action: 'condition-cleared', by: null, detail: 'SpO2 back to 95 %' },
    })
    const cleared = must(result)
    expect(lifecycle.clearCondition(cleared, T0 + 2 * MIN, 'again')).toEqual({ ok: false, reason: 'already cleared' })
    expect(lifecycle.onDeadline(cleared, T0 + 180 * S).ok).toBe(true)
    const done = must(lifecycle.resolve(cleared, 'kim', 'false-alarm', undefined, T0 + 4 * MIN))
    expect(lifecycle.clearCondition(done, T0 + 5 * MIN, 'late')).toEqual({ ok: false, reason: 'already resolved' })
  })

  it('lets Hearth resolve a technical alert by itself, with the outcome technical', () => {
    const offline = raisedAs('technical', 'device.offline')
    expect(lifecycle.resolveBySystem(offline, T0 + 5 * H, 'pendant pendant-1 back after 5 h')).toEqual({
      ok: true,
      alert: {
        ...offline,
        status: 'resolved',
        clearedAt: '2026-11-22T15:00:00.000Z',
        resolvedAt: '2026-11-22T15:00:00.000Z',
        resolvedBy: 'hearth',
        outcome: 'technical',
        note: 'pendant pendant-1 back after 5 h',
        nextEscalationAt: null,
      },
      entry: { at: '2026-11-22T15:00:00.000Z', action: 'resolved', by: 'hearth', detail: 'technical: pendant pendant-1 back after 5 h' },
    })
  })

  it('keeps an earlier cleared time when Hearth resolves, and refuses a second resolve', () => {
    const cleared = must(lifecycle.clearCondition(raisedAs('technical', 'device.battery-low'), T0 + H, 'battery charged to 30%'))
    const done = must(lifecycle.resolveBySystem(cleared, T0 + 2 * H, 'battery charged to 35%'))
    expect([done.clearedAt, done.resolvedAt]).toEqual(['2026-11-22T11:00:00.000Z', '2026-11-22T12:00:00.000Z'])
    expect(lifecycle.resolveBySystem(done, T0 + 3 * H, 'again')).toEqual({ ok: false, reason: 'already resolved' })
  })

  it('never resolves anything but a technical alert by itself', () => {
    for (const priority of ['emergency', 'urgent', 'warning'] as const) {
      expect(lifecycle.resolveBySystem(raisedAs(priority), T0 + H, 'condition gone')).toEqual({ ok: false, reason: 'only technical alerts close by themselves' })
    }
  })
})
