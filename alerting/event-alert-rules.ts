import type { DeviceEvent, EventType, Priority } from '../contract/index.js'

/** Device events that raise an alert by themselves, and at what priority (issues: alarm to responder; rules). */
export const EVENT_ALERT_PRIORITY: Partial<Record<EventType, Priority>> = {
  'alarm.pressed': 'emergency',
  'fall.detected': 'emergency',
  'smoke.detected': 'emergency',
  'co.detected': 'emergency',
  'heat.detected': 'emergency',
  'flood.detected': 'emergency',
  'medication.missed': 'warning',
}

/** An `alarm.cancelled` annotates the open press it cancels; it never closes it (a person must). */
export const CANCELS: Partial<Record<EventType, EventType>> = {
  'alarm.cancelled': 'alarm.pressed',
}

const SUMMARIES: Partial<Record<EventType, string>> = {
  'alarm.pressed': 'Alarm pressed',
  'fall.detected': 'Fall detected',
  'smoke.detected': 'Smoke detected',
  'co.detected': 'Carbon monoxide detected',
  'heat.detected': 'Heat detected',
  'flood.detected': 'Flood detected',
  'medication.missed': 'Medication missed',
}

/** What the responder reads: the event in words, with what its data adds. */
export function summariseEvent(event: DeviceEvent): string {
  const base = SUMMARIES[event.type] ?? event.type
  const confidence = event.data.confidence
  if (event.type === 'fall.detected' && typeof confidence === 'number') return `${base} (confidence ${Math.round(confidence * 100)}%)`
  const dose = event.data.dose
  if (event.type === 'medication.missed' && typeof dose === 'string') return `${base}: ${dose}`
  return base
}
