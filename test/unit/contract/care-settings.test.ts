import { describe, expect, it } from 'vitest'
import { PutThresholdsBodySchema, ThresholdSchema, problemsFromZod, thresholdsInForce } from '../../../contract/index.js'

const problems = (input: unknown): string[] => {
  const result = ThresholdSchema.safeParse(input)
  return result.success ? [] : problemsFromZod(result.error).map((p) => `${p.field}: ${p.message}`)
}

describe('threshold settings', () => {
  it('accepts a band with hysteresis and fills in the defaults', () => {
    expect(ThresholdSchema.parse({ metric: 'heart_rate', above: 120, clearAbove: 110 })).toEqual({ metric: 'heart_rate', above: 120, clearAbove: 110, forSeconds: 0, priority: 'urgent' })
  })

  it('names each field that is wrong, and why', () => {
    expect(problems({ metric: 'heart_rate', above: 50, below: 60 })).toEqual(['below: must be below above (50): the band is upside down'])
    expect(problems({ metric: 'pulse', above: 120 })).toEqual(['metric: not a numeric metric of PROTOCOL §1'])
    expect(problems({ metric: 'on_oxygen', above: 0 })).toEqual(['metric: not a numeric metric of PROTOCOL §1'])
    expect(problems({ metric: 'spo2', below: 92, forSeconds: -5 })).toEqual(['forSeconds: must not be negative'])
    expect(problems({ metric: 'spo2', forSeconds: 60 })).toEqual(['above: give above, below or both'])
    expect(problems({ metric: 'heart_rate', above: 120, clearAbove: 125 })).toEqual(['clearAbove: must be at or below above (120)'])
    expect(problems({ metric: 'spo2', below: 40 })).toEqual(['below: outside the accepted range of spo2 (50 to 100 %)'])
  })

  it('refuses a clear band that holds no value, which could never clear', () => {
    expect(problems({ metric: 'heart_rate', above: 130, below: 50, clearAbove: 45 })).toEqual(['clearAbove: the clear band (50 to 45) is empty: it could never clear'])
    expect(problems({ metric: 'heart_rate', above: 130, below: 50, clearAbove: 100, clearBelow: 100 })).toEqual(['clearBelow: the clear band (100 to 100) is empty: it could never clear'])
  })

  it('refuses two rules for one metric and a change without a reason', () => {
    const result = PutThresholdsBodySchema.safeParse({ thresholds: [{ metric: 'spo2', below: 90 }, { metric: 'spo2', below: 88 }], reason: ' ' })
    expect(result.success ? [] : problemsFromZod(result.error).map((p) => p.field)).toEqual(['thresholds.1.metric', 'reason'])
  })

  it("puts a person's own rule in place of the default for its metric and keeps the other defaults", () => {
    const inForce = thresholdsInForce([{ metric: 'heart_rate', above: 100, forSeconds: 0, priority: 'warning' }], 1)
    expect(inForce.map((t) => [t.metric, t.source, t.above, t.below])).toEqual([
      ['heart_rate', 'person', 100, undefined],
      ['respiratory_rate', 'default', 24, 9],
      ['spo2', 'default', undefined, 92],
      ['body_temperature', 'default', undefined, 35.1],
      ['systolic_bp', 'default', 219, 91],
    ])
  })
})
