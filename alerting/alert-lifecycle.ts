import { PRIORITY_RANK, type Alert, type AlertHistoryEntry, type Outcome, type Priority } from '../contract/index.js'
import { describeDuration } from './describe-duration.js'
import { ESCALATION_POLICY } from './escalation-policy.js'

/**
 * The alert lifecycle as pure functions: raised -> acknowledged -> resolved, repeats folded into
 * `occurrences`, deadlines that escalate an unanswered alert or put an unresolved one back in the
 * queue. Only a person acknowledges or resolves; a cleared condition never does (a technical
 * alert is the one exception, resolved by Hearth with the outcome `technical`).
 */

export type NewAlert = Omit<Alert, 'id' | 'personName'> & { foldKey: string }

export interface Trigger {
  personId: string
  deviceId: string
  kind: string
  priority: Priority
  atMs: number
  /** What happened, in words, for the responder. */
  summary?: string
  detail?: string
  /** Alerts fold per person and key: the kind, or the kind and device for device alerts. */
  foldKey?: string
  flapping?: boolean
  /** How many occurrences it stands for: repeats of a device over its event limits are folded in aggregate. */
  repeats?: number
}

export type Transition = { ok: true; alert: Alert; entry: AlertHistoryEntry } | { ok: false; reason: string }

/** Hearth's own name where it acts on an alert by itself. */
const SYSTEM_ACTOR = 'hearth'

const iso = (ms: number): string => new Date(ms).toISOString()
const ok = (alert: Alert, entry: AlertHistoryEntry): Transition => ({ ok: true, alert, entry })

export function raise(trigger: Trigger): { alert: NewAlert; entry: AlertHistoryEntry } {
  const at = iso(trigger.atMs)
  return {
    alert: {
      personId: trigger.personId,
      deviceId: trigger.deviceId,
      kind: trigger.kind,
      foldKey: trigger.foldKey ?? trigger.kind,
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
      occurrences: trigger.repeats ?? 1,
      escalationLevel: 0,
      summary: trigger.summary ?? null,
      clearedAt: null,
      flapping: trigger.flapping ?? false,
      reraisedCount: 0,
      nextEscalationAt: iso(trigger.atMs + ESCALATION_POLICY[trigger.priority].ackDeadlineMs),
    },
    entry: { at, action: 'raised', by: null, detail: trigger.detail ?? trigger.summary ?? null },
  }
}

/** A repeat of what raised an open alert folds into it; a more serious repeat raises its priority. */
export function fold(alert: Alert, trigger: Trigger): Transition {
  if (alert.status === 'resolved') return { ok: false, reason: 'a resolved alert takes no repeats' }
  const at = iso(trigger.atMs)
  const higher = PRIORITY_RANK[trigger.priority] < PRIORITY_RANK[alert.priority]
  const priority = higher ? trigger.priority : alert.priority
  let nextEscalationAt = alert.nextEscalationAt
  if (higher && alert.status === 'raised') {
    const sooner = trigger.atMs + ESCALATION_POLICY[priority].ackDeadlineMs
    if (nextEscalationAt === null || sooner < Date.parse(nextEscalationAt)) nextEscalationAt = iso(sooner)
  }
  // Worse than what was taken on: back in the queue, so someone acknowledges the new priority.
  const requeue = higher && alert.status === 'acknowledged'
  if (requeue) nextEscalationAt = iso(trigger.atMs + ESCALATION_POLICY[priority].ackDeadlineMs)
  return ok(
    {
      ...alert,
      ...(requeue ? { status: 'raised' as const, acknowledgedAt: null, acknowledgedBy: null } : {}),
      priority,
      occurrences: alert.occurrences + (trigger.repeats ?? 1),
      lastOccurredAt: at,
      summary: trigger.summary ?? alert.summary,
      clearedAt: null,
      flapping: alert.flapping || trigger.flapping === true,
      nextEscalationAt,
    },
    {
      at,
      action: 'repeated',
      by: null,
      detail: [higher ? `priority raised to ${priority}${requeue ? ', back in the queue' : ''}` : undefined, trigger.detail ?? trigger.summary ?? `from ${trigger.deviceId}`].filter(Boolean).join('; '),
    },
  )
}

export function cancelByPerson(alert: Alert, atMs: number): Transition {
  if (alert.status === 'resolved') return { ok: false, reason: 'already resolved' }
  const at = iso(atMs)
  return ok({ ...alert, cancelledAt: at }, { at, action: 'cancelled-by-person', by: null, detail: 'the person cancelled the call; a responder still closes it' })
}

export function acknowledge(alert: Alert, by: string, atMs: number): Transition {
  if (alert.status === 'acknowledged') return { ok: false, reason: `already acknowledged by ${alert.acknowledgedBy ?? 'someone'}` }
  if (alert.status === 'resolved') return { ok: false, reason: `already resolved by ${alert.resolvedBy ?? 'someone'}` }
  const at = iso(atMs)
  return ok(
    { ...alert, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by, nextEscalationAt: iso(atMs + ESCALATION_POLICY[alert.priority].resolveDeadlineMs) },
    { at, action: 'acknowledged', by, detail: null },
  )
}

/** Resolving an alert nobody acknowledged also takes it: the resolver answered it. */
export function resolve(alert: Alert, by: string, outcome: Outcome, note: string | undefined, atMs: number): Transition {
  if (alert.status === 'resolved') return { ok: false, reason: `already resolved by ${alert.resolvedBy ?? 'someone'}` }
  const at = iso(atMs)
  return ok(
    {
      ...alert,
      status: 'resolved',
      acknowledgedAt: alert.acknowledgedAt ?? at,
      acknowledgedBy: alert.acknowledgedBy ?? by,
      resolvedAt: at,
      resolvedBy: by,
      outcome,
      note: note ?? null,
      nextEscalationAt: null,
    },
    { at, action: 'resolved', by, detail: note ? `${outcome}: ${note}` : outcome },
  )
}

/**
 * What a passed deadline does: an unacknowledged alert escalates (and will again after the
 * repeat interval); an acknowledged one that is still open goes back to the queue.
 */
export function onDeadline(alert: Alert, atMs: number): Transition {
  if (alert.nextEscalationAt === null || Date.parse(alert.nextEscalationAt) > atMs) return { ok: false, reason: 'not due' }
  const at = iso(atMs)
  const policy = ESCALATION_POLICY[alert.priority]
  if (alert.status === 'raised') {
    const level = alert.escalationLevel + 1
    const waited = describeDuration(atMs - Date.parse(alert.raisedAt))
    return ok(
      { ...alert, escalationLevel: level, nextEscalationAt: iso(atMs + policy.repeatMs) },
      { at, action: 'escalated', by: null, detail: `not acknowledged after ${waited}; escalation level ${level}` },
    )
  }
  if (alert.status === 'acknowledged') {
    const detail = `acknowledged by ${alert.acknowledgedBy ?? 'someone'} but not resolved within ${describeDuration(policy.resolveDeadlineMs)}; back in the queue`
    return ok(
      {
        ...alert,
        status: 'raised',
        acknowledgedAt: null,
        acknowledgedBy: null,
        reraisedCount: alert.reraisedCount + 1,
        nextEscalationAt: iso(atMs + policy.ackDeadlineMs),
      },
      { at, action: 'reraised', by: null, detail },
    )
  }
  return { ok: false, reason: 'already resolved' }
}

/** The condition behind the alert is no longer true; the alert stays for a person to close. */
export function clearCondition(alert: Alert, atMs: number, detail: string): Transition {
  if (alert.status === 'resolved') return { ok: false, reason: 'already resolved' }
  if (alert.clearedAt !== null) return { ok: false, reason: 'already cleared' }
  const at = iso(atMs)
  return ok({ ...alert, clearedAt: at }, { at, action: 'condition-cleared', by: null, detail })
}

/** Technical alerts only: the device is back, so Hearth closes the alert with the outcome `technical`. */
export function resolveBySystem(alert: Alert, atMs: number, note: string): Transition {
  if (alert.priority !== 'technical') return { ok: false, reason: 'only technical alerts close by themselves' }
  if (alert.status === 'resolved') return { ok: false, reason: 'already resolved' }
  const at = iso(atMs)
  return ok(
    { ...alert, status: 'resolved', clearedAt: alert.clearedAt ?? at, resolvedAt: at, resolvedBy: SYSTEM_ACTOR, outcome: 'technical', note, nextEscalationAt: null },
    { at, action: 'resolved', by: SYSTEM_ACTOR, detail: `technical: ${note}` },
  )
}
