import { describe, expect, it } from 'vitest'
import { LOW_BATTERY_KIND, evaluateBattery } from '../../../../alerting/rules/low-battery-rule.js'
import { LOW_BATTERY } from '../../../../contract/index.js'

describe('low battery rule', () => {
  it('has its limits at 20% and 30%', () => {
    expect(LOW_BATTERY).toEqual({ below: 0.2, clearAt: 0.3 })
  })

  it('fires at 19% but not at 20%', () => {
    expect(evaluateBattery(false, 0.2, 'pendant-1')).toEqual({ low: false })
    expect(evaluateBattery(false, 0.19, 'pendant-1')).toEqual({
      low: true,
      finding: { action: 'fire', kind: LOW_BATTERY_KIND, priority: 'technical', deviceId: 'pendant-1', perDevice: true, summary: 'Battery at 19% on pendant-1' },
    })
  })

  it('fires once while the battery stays low, however low it goes', () => {
    for (const battery of [0.19, 0.05, 0]) expect(evaluateBattery(true, battery, 'pendant-1')).toEqual({ low: true })
  })

  it('does not clear at 29% (between the 20% limit and 30%) and clears itself at 30%', () => {
    for (const battery of [0.2, 0.25, 0.29]) expect(evaluateBattery(true, battery, 'pendant-1')).toEqual({ low: true })
    expect(evaluateBattery(true, 0.3, 'pendant-1')).toEqual({
      low: false,
      finding: { action: 'clear', kind: 'device.battery-low', deviceId: 'pendant-1', perDevice: true, selfResolve: true, summary: 'battery charged to 30%' },
    })
  })

  it('fires once as an hourly report drains 50% to 14% over 3 days, and clears once when recharged', () => {
    // The rule reads no clock at all, so daylight saving cannot touch it: h counts hours of reports.
    let low = false
    const seen: Array<[number, string, string]> = []
    const report = (h: number, percent: number): void => {
      const result = evaluateBattery(low, percent / 100, 'fall-3')
      low = result.low
      if (result.finding) seen.push([h, result.finding.action, result.finding.summary])
    }
    for (let h = 0; h <= 72; h++) report(h, 50 - Math.floor(h / 2))
    // On charge: 14% to 34% over the next 10 hours, 2% an hour.
    for (let h = 73; h <= 82; h++) report(h, 14 + 2 * (h - 72))
    expect(seen).toEqual([
      [62, 'fire', 'Battery at 19% on fall-3'],
      [80, 'clear', 'battery charged to 30%'],
    ])
  })
})
