import * as lifecycle from './alert-lifecycle.js'
import { commit, type EventEffect } from './apply-device-event.js'
import type { AlertStore } from './ports.js'
import type { PersonFinding } from './rules-engine.js'
import { foldKeyOf } from './rules/rule-finding.js'

/**
 * What one rule finding does to the person's alerts, inside the caller's transaction: a firing
 * rule raises an alert or folds into the open one; a cleared condition is noted on the open
 * alert, and closes it only where it is technical.
 */
export function applyFinding(alerts: AlertStore, { personId, deviceId, finding, version }: PersonFinding, atMs: number): EventEffect {
  const open = alerts.findOpen(personId, foldKeyOf(finding))
  if (finding.action === 'clear') {
    if (!open) return { kind: 'none' }
    return commit(alerts, finding.selfResolve ? lifecycle.resolveBySystem(open, atMs, finding.summary) : lifecycle.clearCondition(open, atMs, finding.summary))
  }
  const trigger: lifecycle.Trigger = {
    personId,
    deviceId,
    kind: finding.kind,
    priority: finding.priority,
    atMs,
    summary: finding.summary,
    detail: `${finding.summary} [judged against care settings v${version}]`,
    foldKey: foldKeyOf(finding),
    ...(finding.flapping ? { flapping: true } : {}),
  }
  if (open) return commit(alerts, lifecycle.fold(open, trigger))
  const fresh = lifecycle.raise(trigger)
  const alert = alerts.insert(fresh.alert)
  alerts.addHistory(alert.id, fresh.entry)
  return { kind: 'raised', alert }
}
