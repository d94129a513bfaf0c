import { ALERT_KINDS, alertKindLabel, type DeviceEvent, type EventType, type Priority } from '../contract/index.js'

/** Device events that raise an alert by themselves (the kinds a device raises, named by its event type), and at what priority. */
export const EVENT_ALERT_PRIORITY = Object.fromEntries(ALERT_KINDS.filter((k) => k.raisedBy === 'device').map((k) => [k.kind, k.priority])) as Partial<Record<EventType, Priority>>

/** An `alarm.cancelled` annotates the open press it cancels; it never closes it (a person must). */
export const CANCELS: Partial<Record<EventType, EventType>> = {
  'alarm.cancelled': 'alarm.pressed',
}

/** What the responder reads: the event in words (its kind's label), with what its data adds. */
export function summariseEvent(event: DeviceEvent): string {
  const base = alertKindLabel(event.type)
  const confidence = event.data.confidence
  if (event.type === 'fall.detected' && typeof confidence === 'number') return `${base} (confidence ${Math.round(confidence * 100)}%)`
  const dose = event.data.dose
  if (event.type === 'medication.missed' && typeof dose === 'string') return `${base}: ${dose}`
  return base
}
