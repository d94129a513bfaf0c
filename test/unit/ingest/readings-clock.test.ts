import { describe, expect, it } from 'vitest'
import { createReadingsClock } from '../../../ingest/readings-clock.js'

/** As the InfluxDB store writes a time: whole microseconds. */
const micros = (ms: number): number => Math.round(ms * 1000)

describe('readings clock', () => {
  it('gives 5,000 packs received in the same millisecond distinct, rising microseconds', () => {
    const now = createReadingsClock()
    const at = Date.parse('2026-11-22T21:40:00.123Z')
    const times = Array.from({ length: 5000 }, () => micros(now(at)))
    expect(new Set(times).size).toBe(5000)
    expect(times.every((t, i) => i === 0 || t === (times[i - 1] as number) + 1)).toBe(true)
    expect(times[0]).toBe(at * 1000)
  })

  it('takes the receive time as it is once the clock has moved on', () => {
    const now = createReadingsClock()
    const at = Date.parse('2026-11-22T21:40:00.123Z')
    now(at)
    now(at)
    expect(now(at + 1)).toBe(at + 1)
  })

  it('never goes back for a clock stepped back less than a second, and follows one stepped back further', () => {
    const now = createReadingsClock()
    const at = Date.parse('2026-11-22T21:40:00.123Z')
    expect(now(at)).toBe(at)
    expect(micros(now(at - 500))).toBe(at * 1000 + 1)
    expect(now(at - 5000)).toBe(at - 5000)
  })
})
