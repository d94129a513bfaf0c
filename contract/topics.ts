import { type DeviceId, isDeviceId } from './ids.js'

/** PROTOCOL §1: every device topic starts wellbeing/v1/devices/{deviceId}/ */
const DEVICE_TOPIC_ROOT = 'wellbeing/v1/devices'

const DEVICE_TOPIC_SUFFIXES = ['status', 'readings', 'events', 'commands', 'errors'] as const
export type DeviceTopicSuffix = (typeof DEVICE_TOPIC_SUFFIXES)[number]

/** What a device may publish to (its own) and subscribe to (its own). */
export const DEVICE_PUBLISHES: readonly DeviceTopicSuffix[] = ['status', 'readings', 'events']
export const DEVICE_SUBSCRIBES: readonly DeviceTopicSuffix[] = ['commands', 'errors']

export function deviceTopic(deviceId: DeviceId | string, suffix: DeviceTopicSuffix): string {
  return `${DEVICE_TOPIC_ROOT}/${deviceId}/${suffix}`
}

/** The subscription filter that matches one suffix for every device. */
export function allDevicesTopic(suffix: DeviceTopicSuffix): string {
  return `${DEVICE_TOPIC_ROOT}/+/${suffix}`
}

export interface ParsedDeviceTopic {
  deviceId: DeviceId
  suffix: DeviceTopicSuffix
}

const PREFIX = `${DEVICE_TOPIC_ROOT}/`

/** Parses a concrete topic name (no wildcards); null when it is not a device topic. */
export function parseDeviceTopic(topic: string): ParsedDeviceTopic | null {
  if (!topic.startsWith(PREFIX)) return null
  const rest = topic.slice(PREFIX.length)
  const slash = rest.indexOf('/')
  if (slash < 0) return null
  const deviceId = rest.slice(0, slash)
  const suffix = rest.slice(slash + 1)
  if (!isDeviceId(deviceId)) return null
  if (!(DEVICE_TOPIC_SUFFIXES as readonly string[]).includes(suffix)) return null
  return { deviceId, suffix: suffix as DeviceTopicSuffix }
}
