import type { EventType, Priority } from '../contract/index.js'

/** Device events that raise an alert by themselves, and at what priority (issue: alarm to responder). */
export const EVENT_ALERT_PRIORITY: Partial<Record<EventType, Priority>> = {
  'alarm.pressed': 'emergency',
  'fall.detected': 'emergency',
  'smoke.detected': 'emergency',
  'co.detected': 'emergency',
  'heat.detected': 'emergency',
  'flood.detected': 'emergency',
}

/** An `alarm.cancelled` annotates the open press it cancels; it never closes it (a person must). */
export const CANCELS: Partial<Record<EventType, EventType>> = {
  'alarm.cancelled': 'alarm.pressed',
}
