import type { RuleFinding } from './rule-finding.js'

/** Low battery (technical): below 20% it fires; it closes itself once the device reports 30% or more. */
export const LOW_BATTERY_KIND = 'device.battery-low'
export const LOW_BATTERY_BELOW = 0.2
export const LOW_BATTERY_CLEAR_AT = 0.3

const percent = (battery: number): string => `${Math.round(battery * 100)}%`

export function evaluateBattery(low: boolean, battery: number, deviceId: string): { low: boolean; finding?: RuleFinding } {
  if (!low && battery < LOW_BATTERY_BELOW) {
    return {
      low: true,
      finding: { action: 'fire', kind: LOW_BATTERY_KIND, priority: 'technical', deviceId, perDevice: true, summary: `Battery at ${percent(battery)} on ${deviceId}` },
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
