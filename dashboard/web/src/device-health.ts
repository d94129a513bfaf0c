import type { DeviceView } from '../../ports.js'
import { DEVICE_CHECK_IN_SECONDS } from '../../../contract/api-values.js'

/** Below this a battery is low (README: `device.battery-low` fires under 0.20). */
export const LOW_BATTERY = 0.2

export type DeviceHealth = 'offline' | 'never-seen' | 'low-battery' | 'ok'

export function checkInSecondsOf(device: DeviceView): number {
  return device.checkInSeconds ?? DEVICE_CHECK_IN_SECONDS[device.type]
}

/** Offline when it says so, or when it has been silent longer than its check-in interval. */
export function isOffline(device: DeviceView, nowMs: number): boolean {
  if (device.online === false) return true
  if (device.lastSeenAt === null) return false
  return nowMs - Date.parse(device.lastSeenAt) > checkInSecondsOf(device) * 1000
}

export function deviceHealth(device: DeviceView, nowMs: number): DeviceHealth {
  if (isOffline(device, nowMs)) return 'offline'
  if (device.lastSeenAt === null && device.online !== true) return 'never-seen'
  if (device.battery !== null && device.battery < LOW_BATTERY) return 'low-battery'
  return 'ok'
}

const HEALTH_RANK: Record<DeviceHealth, number> = { offline: 0, 'never-seen': 1, 'low-battery': 2, ok: 3 }

/** Offline first, then never seen, then low battery; the rest by id. */
export function sortDevicesForAttention(devices: readonly DeviceView[], nowMs: number): DeviceView[] {
  return [...devices].sort((a, b) => HEALTH_RANK[deviceHealth(a, nowMs)] - HEALTH_RANK[deviceHealth(b, nowMs)] || a.id.localeCompare(b.id))
}

/** The line a technician pastes to prove a new device's credentials (PROTOCOL §1 topics). */
export function mosquittoPubLine(host: string, id: string, secret: string): string {
  return `mosquitto_pub -h ${host} -p 1883 -i ${id} -u ${id} -P '${secret}' -q 1 -t wellbeing/v1/devices/${id}/events -m '{"id":"e-1","type":"test","data":{}}'`
}
