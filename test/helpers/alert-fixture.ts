import type { Alert } from '../../contract/index.js'

/**
 * An alert as the API shows one: Ada's pendant pressed, raised and waiting, with `change` over it.
 * For unit tests of what is shown or sent about an alert.
 */
export function raisedAlert(change: Partial<Alert> = {}): Alert {
  return {
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
    ...change,
  }
}
