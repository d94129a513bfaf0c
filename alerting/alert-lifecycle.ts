import type { Alert, AlertHistoryEntry, Outcome, Priority } from '../contract/index.js'

/**
 * The alert lifecycle as pure functions: raised -> acknowledged -> resolved, repeats folded into
 * `occurrences`. Only a person acknowledges or resolves; a cleared condition never does.
 */

export type NewAlert = Omit<Alert, 'id' | 'personName'>

export interface Trigger {
  personId: string
  deviceId: string
  kind: string
  priority: Priority
  atMs: number
  detail?: string
}

export type Transition = { ok: true; alert: Alert; entry: AlertHistoryEntry } | { ok: false; reason: string }

const iso = (ms: number): string => new Date(ms).toISOString()

export function raise(trigger: Trigger): { alert: NewAlert; entry: Omit<AlertHistoryEntry, 'at'> & { at: string } } {
  const at = iso(trigger.atMs)
  return {
    alert: {
      personId: trigger.personId,
      deviceId: trigger.deviceId,
      kind: trigger.kind,
      priority: trigger.priority,
      status: 'raised',
      raisedAt: at,
      lastOccurredAt: at,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      outcome: null,
      note: null,
      cancelledAt: null,
      occurrences: 1,
      escalationLevel: 0,
    },
    entry: { at, action: 'raised', by: null, detail: trigger.detail ?? null },
  }
}

/** A repeat of what raised an open alert folds into it. */
export function fold(alert: Alert, trigger: Trigger): Transition {
  if (alert.status === 'resolved') return { ok: false, reason: 'a resolved alert takes no repeats' }
  const at = iso(trigger.atMs)
  return {
    ok: true,
    alert: { ...alert, occurrences: alert.occurrences + 1, lastOccurredAt: at },
    entry: { at, action: 'repeated', by: null, detail: trigger.detail ?? `from ${trigger.deviceId}` },
  }
}

export function cancelByPerson(alert: Alert, atMs: number): Transition {
  if (alert.status === 'resolved') return { ok: false, reason: 'already resolved' }
  const at = iso(atMs)
  return {
    ok: true,
    alert: { ...alert, cancelledAt: at },
    entry: { at, action: 'cancelled-by-person', by: null, detail: 'the person cancelled the call; a responder still closes it' },
  }
}

export function acknowledge(alert: Alert, by: string, atMs: number): Transition {
  if (alert.status === 'acknowledged') return { ok: false, reason: `already acknowledged by ${alert.acknowledgedBy ?? 'someone'}` }
  if (alert.status === 'resolved') return { ok: false, reason: `already resolved by ${alert.resolvedBy ?? 'someone'}` }
  const at = iso(atMs)
  return {
    ok: true,
    alert: { ...alert, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by },
    entry: { at, action: 'acknowledged', by, detail: null },
  }
}

/** Resolving an alert nobody acknowledged also takes it: the resolver answered it. */
export function resolve(alert: Alert, by: string, outcome: Outcome, note: string | undefined, atMs: number): Transition {
  if (alert.status === 'resolved') return { ok: false, reason: `already resolved by ${alert.resolvedBy ?? 'someone'}` }
  const at = iso(atMs)
  return {
    ok: true,
    alert: {
      ...alert,
      status: 'resolved',
      acknowledgedAt: alert.acknowledgedAt ?? at,
      acknowledgedBy: alert.acknowledgedBy ?? by,
      resolvedAt: at,
      resolvedBy: by,
      outcome,
      note: note ?? null,
    },
    entry: { at, action: 'resolved', by, detail: note ? `${outcome}: ${note}` : outcome },
  }
}
