import { ALERT_KIND, LOW_BATTERY } from '../../contract/index.js'
import { step, type DeviceRule } from './rule.js'
import type { RuleFinding } from './rule-finding.js'

/** Low battery (technical): below `LOW_BATTERY.below` it fires; it closes itself once the device reports `LOW_BATTERY.clearAt` or more. */
export const LOW_BATTERY_KIND = 'device.battery-low' as const

const percent = (battery: number): string => `${Math.round(battery * 100)}%`

export function evaluateBattery(low: boolean, battery: number, deviceId: string): { low: boolean; finding?: RuleFinding } {
  if (!low && battery < LOW_BATTERY.below) {
    return {
      low: true,
      finding: { action: 'fire', kind: LOW_BATTERY_KIND, priority: ALERT_KIND[LOW_BATTERY_KIND].priority, deviceId, perDevice: true, summary: `Battery at ${percent(battery)} on ${deviceId}` },
    }
  }
  if (low && battery >= LOW_BATTERY.clearAt) {
    return {
      low: false,
      finding: { action: 'clear', kind: LOW_BATTERY_KIND, deviceId, perDevice: true, selfResolve: true, summary: `battery charged to ${percent(battery)}` },
    }
  }
  return { low }
}

export interface BatteryState {
  low: boolean
}

export const lowBatteryRule: DeviceRule<BatteryState> = {
  id: LOW_BATTERY_KIND,
  per: 'device',
  kinds: [LOW_BATTERY_KIND],

  /** Judged on each status that says how charged the battery is. */
  status(state, input, _now, { device }) {
    if (input.status.battery === undefined) return { state }
    const result = evaluateBattery(state?.low ?? false, input.status.battery, device.id)
    return step({ state: { low: result.low }, finding: result.finding })
  },

  /** Low while its open alert is. */
  restore: (_saved, open) => (open.length > 0 ? { low: true } : undefined),
}
