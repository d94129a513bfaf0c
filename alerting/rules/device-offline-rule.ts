import { DEVICE_CHECK_IN_SECONDS, type DeviceType } from '../../contract/index.js'
import { describeDuration } from '../describe-duration.js'
import type { RuleFinding } from './rule-finding.js'

/**
 * Device offline (PROTOCOL §1: a device silent for longer than its check-in interval is offline,
 * will or no will): technical priority, closed by Hearth with the outcome `technical` once the
 * device speaks again, saying how long it was gone.
 */
export const DEVICE_OFFLINE_KIND = 'device.offline'

export interface DeviceWatch {
  deviceId: string
  type: DeviceType
  checkInSeconds: number | null
  lastSeenMs: number
  /** When it went offline (silence past its interval, or its will), while it is. */
  offlineSinceMs?: number
}

/** The check-in interval plus grace: a fifth of the interval, at least a minute. */
export function offlineAfterMs(device: Pick<DeviceWatch, 'type' | 'checkInSeconds'>): number {
  const intervalMs = (device.checkInSeconds ?? DEVICE_CHECK_IN_SECONDS[device.type]) * 1000
  return intervalMs + Math.max(60_000, intervalMs / 5)
}

const name = (d: DeviceWatch): string => `${d.type} ${d.deviceId}`

export function tickDeviceOffline(device: DeviceWatch, nowMs: number): { device: DeviceWatch; finding?: RuleFinding } {
  if (device.offlineSinceMs !== undefined || nowMs - device.lastSeenMs < offlineAfterMs(device)) return { device }
  const interval = describeDuration((device.checkInSeconds ?? DEVICE_CHECK_IN_SECONDS[device.type]) * 1000)
  return {
    device: { ...device, offlineSinceMs: device.lastSeenMs },
    finding: {
      action: 'fire',
      kind: DEVICE_OFFLINE_KIND,
      priority: 'technical',
      deviceId: device.deviceId,
      perDevice: true,
      summary: `${name(device)} silent for ${describeDuration(nowMs - device.lastSeenMs)} (expected every ${interval})`,
    },
  }
}

/** Its last will (`{"online":false}`): offline now, without waiting for the interval. */
export function onDeviceWill(device: DeviceWatch, atMs: number): { device: DeviceWatch; finding?: RuleFinding } {
  if (device.offlineSinceMs !== undefined) return { device }
  return {
    device: { ...device, offlineSinceMs: atMs },
    finding: {
      action: 'fire',
      kind: DEVICE_OFFLINE_KIND,
      priority: 'technical',
      deviceId: device.deviceId,
      perDevice: true,
      summary: `${name(device)} went offline: its connection dropped`,
    },
  }
}

/** Any message is a check-in; one from an offline device brings it back. */
export function onDeviceSeen(device: DeviceWatch, atMs: number): { device: DeviceWatch; finding?: RuleFinding } {
  const { offlineSinceMs, ...back } = { ...device, lastSeenMs: Math.max(device.lastSeenMs, atMs) }
  if (offlineSinceMs === undefined) return { device: back }
  return {
    device: back,
    finding: {
      action: 'clear',
      kind: DEVICE_OFFLINE_KIND,
      deviceId: device.deviceId,
      perDevice: true,
      selfResolve: true,
      summary: `${name(device)} back after ${describeDuration(atMs - offlineSinceMs)}`,
    },
  }
}
