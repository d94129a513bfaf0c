import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../../contract/index.js'
import { statusText } from '../../../../dashboard/web/src/alert-text.js'

const base = {
  id: 'a-1',
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
  summary: null,
  clearedAt: null,
  flapping: false,
  reraisedCount: 0,
  nextEscalationAt: null,
} satisfies Alert

describe('alert status in words (web), shared by the queue and the person page', () => {
  it('says who took it, "you" for the signed-in user', () => {
    const taken: Alert = { ...base, status: 'acknowledged', acknowledgedBy: 'sam' }
    expect(statusText(base)).toBe('Waiting for a responder')
    expect(statusText(taken, 'sam')).toBe('Taken by you')
    expect(statusText(taken, 'kim')).toBe('Taken by sam')
    expect(statusText(taken)).toBe('Taken by sam')
  })

  it('names the outcome and who closed it', () => {
    expect(statusText({ ...base, status: 'resolved', outcome: 'false-alarm', resolvedBy: 'sam' })).toBe('False alarm (sam)')
  })
})
