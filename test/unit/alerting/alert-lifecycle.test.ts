import { describe, expect, it } from 'vitest'
import * as lifecycle from '../../../alerting/alert-lifecycle.js'
import type { Alert } from '../../../contract/index.js'

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
