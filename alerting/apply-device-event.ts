import type { Alert, DeviceEvent, DeviceId } from '../contract/index.js'
import * as lifecycle from './alert-lifecycle.js'
import { CANCELS, EVENT_ALERT_PRIORITY, summariseEvent } from './event-alert-rules.js'
import type { AlertStore } from './ports.js'

export type EventEffect = { kind: 'raised'; alert: Alert } | { kind: 'changed'; alert: Alert } | { kind: 'none' }

/**
 * What one device event does to the person's alerts. Runs inside the caller's transaction:
 * raise a new alert, fold a repeat into the open one, or mark a press cancelled by the person.
 * `silenced` kinds (a planned absence) raise nothing.
 */
export function applyDeviceEvent(
  alerts: AlertStore,
  personId: string,
  deviceId: DeviceId,
  event: DeviceEvent,
  atMs: number,
  silenced: (kind: string) => boolean = () => false,
): EventEffect {
  const priority = EVENT_ALERT_PRIORITY[event.type]
  if (priority) {
    if (silenced(event.type)) return { kind: 'none' }
    const trigger = { personId, deviceId, kind: event.type, priority, atMs, summary: summariseEvent(event) }
    const open = alerts.findOpen(personId, event.type)
    if (open) return commit(alerts, lifecycle.fold(open, trigger))
    const fresh = lifecycle.raise(trigger)
    const alert = alerts.insert(fresh.alert)
    alerts.addHistory(alert.id, fresh.entry)
    return { kind: 'raised', alert }
  }
  const cancels = CANCELS[event.type]
  const open = cancels ? alerts.findOpen(personId, cancels) : undefined
  return open ? commit(alerts, lifecycle.cancelByPerson(open, atMs)) : { kind: 'none' }
}

export function commit(alerts: AlertStore, transition: lifecycle.Transition): EventEffect {
  if (!transition.ok) return { kind: 'none' }
  alerts.update(transition.alert)
  alerts.addHistory(transition.alert.id, transition.entry)
  return { kind: 'changed', alert: transition.alert }
}
