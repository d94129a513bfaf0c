import { describe, expect, it } from 'vitest'
import { GIVE_UP_AFTER_MS, RETRY_SCHEDULE_MS, nextAttemptAt } from '../../../notifications/retry-schedule.js'

const MADE = 1_800_000_000_000

describe('when a failed delivery is tried again', () => {
  it('backs off 5 s, 30 s, 2 min, 10 min, 30 min, then hourly, within 20 % either way', () => {
    const expected = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000]
    expected.forEach((base, i) => {
      const now = MADE + 1000
      expect(nextAttemptAt(i + 1, MADE, now, RETRY_SCHEDULE_MS, 0)).toBe(now + base * 0.8)
      expect(nextAttemptAt(i + 1, MADE, now, RETRY_SCHEDULE_MS, 0.5)).toBe(now + base)
      expect(nextAttemptAt(i + 1, MADE, now, RETRY_SCHEDULE_MS, 0.999_999)).toBeCloseTo(now + base * 1.2, -1)
    })
  })

  it('has a last try a day after the message was made, and then gives it up', () => {
    const late = MADE + GIVE_UP_AFTER_MS - 60_000
    expect(nextAttemptAt(20, MADE, late, RETRY_SCHEDULE_MS, 0.5)).toBe(MADE + GIVE_UP_AFTER_MS)
    expect(nextAttemptAt(21, MADE, MADE + GIVE_UP_AFTER_MS, RETRY_SCHEDULE_MS, 0.5)).toBeUndefined()
  })
})
