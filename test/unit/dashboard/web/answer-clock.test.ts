import { afterEach, describe, expect, it } from 'vitest'
import { serverNow, setServerTime } from '../../../../dashboard/web/src/answer-clock.js'

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
})
