import type { DeviceStatus, DeviceType } from '../contract/index.js'
import { onDeviceSeen, onDeviceWill, tickDeviceOffline, type DeviceWatch } from './rules/device-offline-rule.js'
import { evaluateBattery } from './rules/low-battery-rule.js'
import type { RuleFinding } from './rules/rule-finding.js'

export interface KnownDevice {
  id: string
  type: DeviceType
  personId: string
  checkInSeconds: number | null
  /** Last message, or when it was provisioned if it has never spoken. */
  lastSeenMs: number
}

interface WatchedDevice extends DeviceWatch {
  personId: string
  batteryLow: boolean
}

/**
 * The device rules' state for every provisioned device: when each was last heard from, whether
 * it is offline, whether its battery is low. Findings come back to the rules engine.
 */
export function createDeviceWatch() {
  const devices = new Map<string, WatchedDevice>()
  let typesByPerson = new Map<string, Set<DeviceType>>()
  let startedAtMs = 0

  const update = (device: WatchedDevice, next: DeviceWatch): void => {
    devices.set(device.deviceId, { personId: device.personId, batteryLow: device.batteryLow, ...next })
  }

  return {
    start(nowMs: number): void {
      startedAtMs = nowMs
    },

    /** New devices are added, moved or changed ones updated, removed ones dropped. */
    sync(known: readonly KnownDevice[]): void {
      const ids = new Set<string>()
      typesByPerson = new Map()
      for (const device of known) {
        ids.add(device.id)
        const types = typesByPerson.get(device.personId) ?? new Set<DeviceType>()
        typesByPerson.set(device.personId, types.add(device.type))
        const current = devices.get(device.id)
        const lastSeenMs = Math.max(current?.lastSeenMs ?? startedAtMs, device.lastSeenMs)
        devices.set(device.id, {
          ...(current ?? { batteryLow: false }),
          deviceId: device.id,
          type: device.type,
          checkInSeconds: device.checkInSeconds,
          personId: device.personId,
          lastSeenMs,
        })
      }
      for (const id of devices.keys()) if (!ids.has(id)) devices.delete(id)
    },

    knows: (deviceId: string): boolean => devices.has(deviceId),

    /** The device types each person has, so rules that need a kind of sensor run only where one is. */
    typesOf(personId: string): ReadonlySet<DeviceType> {
      return typesByPerson.get(personId) ?? new Set()
    },

    /** Everyone with a device: the people the silence rules watch. */
    persons(): Iterable<string> {
      return typesByPerson.keys()
    },

    /** An open alert from before a restart: the device is still offline, or its battery still low. */
    restore(deviceId: string, kind: string, sinceMs: number): void {
      const device = devices.get(deviceId)
      if (device && kind === 'device.offline') devices.set(deviceId, { ...device, offlineSinceMs: sinceMs })
      if (device && kind === 'device.battery-low') devices.set(deviceId, { ...device, batteryLow: true })
    },

    /** Any message is a check-in; one from an offline device brings it back. */
    seen(deviceId: string, atMs: number): RuleFinding | undefined {
      const device = devices.get(deviceId)
      if (!device) return undefined
      const result = onDeviceSeen(device, atMs)
      update(device, result.device)
      return result.finding
    },

    /** A status: a will (`online: false`) takes the device offline now; a battery level is judged. */
    status(deviceId: string, status: DeviceStatus, atMs: number, absent: boolean): RuleFinding[] {
      const device = devices.get(deviceId)
      if (!device) return []
      const findings: RuleFinding[] = []
      // During a planned absence a will changes nothing: silence counts again from the absence's end.
      const seen = status.online ? onDeviceSeen(device, atMs) : absent ? { device } : onDeviceWill(device, atMs)
      if (seen.finding) findings.push(seen.finding)
      const battery = status.battery === undefined ? { low: device.batteryLow } : evaluateBattery(device.batteryLow, status.battery, deviceId)
      if (battery.finding) findings.push(battery.finding)
      devices.set(deviceId, { personId: device.personId, ...seen.device, batteryLow: battery.low })
      return findings
    },

    /** The offline rule on the clock; a person away (`absent`) has every device count as just heard from. */
    tick(nowMs: number, absent: (personId: string) => boolean): Array<{ personId: string; finding: RuleFinding }> {
      const found: Array<{ personId: string; finding: RuleFinding }> = []
      for (const device of devices.values()) {
        if (absent(device.personId)) {
          device.lastSeenMs = Math.max(device.lastSeenMs, nowMs)
          continue
        }
        const result = tickDeviceOffline(device, nowMs)
        if (!result.finding) continue
        update(device, result.device)
        found.push({ personId: device.personId, finding: result.finding })
      }
      return found
    },
  }
}

export type DeviceWatchState = ReturnType<typeof createDeviceWatch>
