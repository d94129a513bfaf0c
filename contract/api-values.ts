/**
 * PROTOCOL §2: the values the HTTP API's bodies and figures are built on, the device types and
 * their check-in intervals and the answer targets. Plain values and types only (no zod), so that
 * the browser bundle imports them as they are; api.ts builds its schemas from them.
 */

export const DEVICE_TYPES = [
  'pendant',
  'fall-detector',
  'wearable',
  'motion-sensor',
  'door-sensor',
  'bed-sensor',
  'chair-sensor',
  'smoke-alarm',
  'co-alarm',
  'heat-alarm',
  'flood-sensor',
  'medication-dispenser',
  'hub',
] as const
export type DeviceType = (typeof DEVICE_TYPES)[number]

/**
 * How often each type of device is expected to say something (any message is a check-in), unless
 * its `checkInSeconds` says otherwise. Wearables and hubs report continuously; battery sensors
 * and pendants send at least a status every hour.
 */
export const DEVICE_CHECK_IN_SECONDS: Record<DeviceType, number> = {
  pendant: 3600,
  'fall-detector': 3600,
  wearable: 900,
  'motion-sensor': 3600,
  'door-sensor': 3600,
  'bed-sensor': 3600,
  'chair-sensor': 3600,
  'smoke-alarm': 3600,
  'co-alarm': 3600,
  'heat-alarm': 3600,
  'flood-sensor': 3600,
  'medication-dispenser': 3600,
  hub: 900,
}

/** The industry targets for alarm calls (TEC Services Association): answered within 60 s and 180 s. */
export const ANSWER_TARGETS = { within60s: 0.975, within180s: 0.99 } as const

/** The first of them in seconds: what the queue's answer clocks count against. */
export const ANSWER_TARGET_SECONDS = 60
