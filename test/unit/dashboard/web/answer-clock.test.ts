import { afterEach, describe, expect, it } from 'vitest'
import { hasAnswerClock, serverNow, setServerTime } from '../../../../dashboard/web/src/answer-clock.js'

describe('answer clock (web)', () => {
  afterEach(() => setServerTime(new Date().toISOString()))

  it("counts from the server's clock, sent with the socket's ready event, not the browser's", () => {
    setServerTime(new Date(Date.now() + 90_000).toISOString())
    expect(serverNow() - Date.now()).toBeGreaterThan(89_000)
    expect(serverNow() - Date.now()).toBeLessThan(91_000)
  })

  it('ignores a server time it cannot read', () => {
    setServerTime(new Date().toISOString())
    setServerTime('not a time')
    expect(Math.abs(serverNow() - Date.now())).toBeLessThan(1000)
  })

  it('counts calls about a person against the answer target, and shows no answer clock for a technical alert about the equipment', () => {
    const clocked = (kind: string): boolean => hasAnswerClock({ kind })
    expect(['alarm.pressed', 'fall.detected', 'medication.missed', 'threshold.heart_rate', 'inactivity'].map(clocked)).toEqual([true, true, true, true, true])
    expect(['device.offline', 'device.battery-low', 'device.event-flood', 'rule.error'].map(clocked)).toEqual([false, false, false, false])
  })
})
