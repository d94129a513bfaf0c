import { ALERT_KIND } from '../../contract/index.js'
import { step, type DeviceRule } from './rule.js'
import type { RuleFinding } from './rule-finding.js'

/** Low battery (technical): below 20% it fires; it closes itself once the device reports 30% or more. */
export const LOW_BATTERY_KIND = 'device.battery-low' as const
export const LOW_BATTERY_BELOW = 0.2
export const LOW_BATTERY_CLEAR_AT = 0.3

const percent = (battery: number): string => `${Math.round(battery * 100)}%`

export function evaluateBattery(low: boolean, battery: number, deviceId: string): { low: boolean; finding?: RuleFinding } {
  if (!low && battery < LOW_BATTERY_BELOW) {
    return {
      low: true,
      finding: { action: 'fire', kind: LOW_BATTERY_KIND, priority: ALERT_KIND[LOW_BATTERY_KIND].priority, deviceId, perDevice: true, summary: `Battery at ${percent(battery)} on ${deviceId}` },
    }
  }
  if (low && battery >= LOW_BATTERY_CLEAR_AT) {
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
