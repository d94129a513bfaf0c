import { ALERT_KIND, DEVICE_CHECK_IN_SECONDS, offlineAfterSeconds, type DeviceType } from '../../contract/index.js'
import type { KnownDevice } from '../device-watch.js'
import { describeDuration } from '../describe-duration.js'
import { step, type DeviceRule, type RuleStep } from './rule.js'
import type { RuleFinding } from './rule-finding.js'

/**
 * Device offline (PROTOCOL §1: a device silent for longer than its check-in interval is offline,
 * will or no will): technical priority, closed by Hearth with the outcome `technical` once the
 * device speaks again, saying how long it was gone.
 */
export const DEVICE_OFFLINE_KIND = 'device.offline' as const

export interface DeviceWatch {
  deviceId: string
  type: DeviceType
  checkInSeconds: number | null
  lastSeenMs: number
  /** When it went offline (silence past its interval, or its will), while it is. */
  offlineSinceMs?: number
}

/** The check-in interval plus grace (contract/rule-defaults.ts `OFFLINE_GRACE`). */
export function offlineAfterMs(device: Pick<DeviceWatch, 'type' | 'checkInSeconds'>): number {
  return offlineAfterSeconds(device.checkInSeconds ?? DEVICE_CHECK_IN_SECONDS[device.type]) * 1000
}

const name = (d: DeviceWatch): string => `${d.type} ${d.deviceId}`

function wentOffline(device: DeviceWatch, sinceMs: number, summary: string): { device: DeviceWatch; finding: RuleFinding } {
  return {
    device: { ...device, offlineSinceMs: sinceMs },
    finding: { action: 'fire', kind: DEVICE_OFFLINE_KIND, priority: ALERT_KIND[DEVICE_OFFLINE_KIND].priority, deviceId: device.deviceId, perDevice: true, summary },
  }
}

export function tickDeviceOffline(device: DeviceWatch, nowMs: number): { device: DeviceWatch; finding?: RuleFinding } {
  if (device.offlineSinceMs !== undefined || nowMs - device.lastSeenMs < offlineAfterMs(device)) return { device }
  const interval = describeDuration((device.checkInSeconds ?? DEVICE_CHECK_IN_SECONDS[device.type]) * 1000)
  return wentOffline(device, device.lastSeenMs, `${name(device)} silent for ${describeDuration(nowMs - device.lastSeenMs)} (expected every ${interval})`)
}

/** Its last will (`{"online":false}`): offline now, without waiting for the interval. */
export function onDeviceWill(device: DeviceWatch, atMs: number): { device: DeviceWatch; finding?: RuleFinding } {
  if (device.offlineSinceMs !== undefined) return { device }
  return wentOffline(device, atMs, `${name(device)} went offline: its connection dropped`)
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

/** What the rule keeps per device beyond what is stored: when it was heard from since, and whether it is offline. */
export interface OfflineState {
  lastSeenMs?: number
  offlineSinceMs?: number
}

/** The device as the rule's functions see it: heard from at the later of its stored and its own time. */
function watchOf(state: OfflineState | undefined, device: KnownDevice): DeviceWatch {
  const lastSeenMs = Math.max(state?.lastSeenMs ?? device.lastSeenMs, device.lastSeenMs)
  const watch: DeviceWatch = { deviceId: device.id, type: device.type, checkInSeconds: device.checkInSeconds, lastSeenMs }
  return state?.offlineSinceMs === undefined ? watch : { ...watch, offlineSinceMs: state.offlineSinceMs }
}

function stepOf(result: { device: DeviceWatch; finding?: RuleFinding }): RuleStep<OfflineState> {
  const { lastSeenMs, offlineSinceMs } = result.device
  return step({ state: offlineSinceMs === undefined ? { lastSeenMs } : { lastSeenMs, offlineSinceMs }, finding: result.finding })
}

const seen = (state: OfflineState | undefined, atMs: number, device: KnownDevice): RuleStep<OfflineState> => stepOf(onDeviceSeen(watchOf(state, device), atMs))

export const deviceOfflineRule: DeviceRule<OfflineState> = {
  id: DEVICE_OFFLINE_KIND,
  per: 'device',
  kinds: [DEVICE_OFFLINE_KIND],

  /** Any message is a check-in. */
  readings: (state, _input, now, { device }) => seen(state, now, device),
  events: (state, _input, now, { device }) => seen(state, now, device),

  /** A will (`online: false`) takes it offline now; during a planned absence it changes nothing. */
  status(state, input, now, { device }) {
    if (input.status.online) return seen(state, now, device)
    return input.absent ? { state } : stepOf(onDeviceWill(watchOf(state, device), now))
  },

  /** Silence past the interval; a person away has every device count as just heard from. */
  ticks(state, input, now, { device }) {
    const watch = watchOf(state, device)
    return stepOf(input.absent ? { device: { ...watch, lastSeenMs: Math.max(watch.lastSeenMs, now) } } : tickDeviceOffline(watch, now))
  },

  /** Offline since its open alert was raised. */
  restore: (_saved, open) => (open[0] ? { offlineSinceMs: open[0].raisedAtMs } : undefined),
}
