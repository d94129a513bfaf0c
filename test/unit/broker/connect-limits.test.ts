import { describe, expect, it } from 'vitest'
import { DEFAULT_CONNECT_LIMITS, createConnectLimits } from '../../../broker/connect-limits.js'

const T0 = Date.parse('2026-11-22T10:00:00Z')
const LIMITS = { ...DEFAULT_CONNECT_LIMITS, perAddress: 10, perId: 20, windowMs: 60_000, firstHoldMs: 30_000, maxHoldMs: 300_000, quietMs: 600_000 }

function setUp(config = LIMITS) {
  const clock = { ms: T0, now: () => clock.ms }
  return { clock, limits: createConnectLimits(config, clock) }
}

type Limits = ReturnType<typeof setUp>['limits']
const failMany = (limits: Limits, n: number, address: (i: number) => string, id?: string): void => {
  for (let i = 0; i < n; i++) limits.failed(address(i), id)
}

describe('limits on failed CONNECTs', () => {
  it('holds an address back after 10 failures in a minute, for 30 s, and no other address', () => {
    const { clock, limits } = setUp()
    failMany(limits, 9, () => '203.0.113.7')
    expect(limits.held('203.0.113.7', 'pendant-1')).toBeUndefined()
    limits.failed('203.0.113.7')
    expect(limits.held('203.0.113.7', 'pendant-1')).toEqual({ by: 'address', untilMs: T0 + 30_000 })
    expect(limits.held('203.0.113.7', undefined)).toMatchObject({ by: 'address' })
    expect(limits.held('203.0.113.8', 'pendant-1')).toBeUndefined()
    clock.ms = T0 + 30_000
    expect(limits.held('203.0.113.7', 'pendant-1')).toBeUndefined()
  })

  it('counts failures within a window only', () => {
    const { clock, limits } = setUp()
    failMany(limits, 9, () => '203.0.113.7')
    clock.ms = T0 + 60_000
    failMany(limits, 9, () => '203.0.113.7')
    expect(limits.held('203.0.113.7', 'pendant-1')).toBeUndefined()
  })

  it('holds again on each failure after a hold, twice as long each time, up to 5 minutes', () => {
    const { clock, limits } = setUp()
    failMany(limits, 10, () => '203.0.113.7')
    const holds: number[] = []
    for (let i = 0; i < 6; i++) {
      const hold = limits.held('203.0.113.7', undefined)
      if (!hold) throw new Error('not held')
      clock.ms = hold.untilMs
      expect(limits.held('203.0.113.7', undefined)).toBeUndefined()
      limits.failed('203.0.113.7')
      holds.push((limits.held('203.0.113.7', undefined)?.untilMs ?? clock.ms) - clock.ms)
    }
    expect(holds).toEqual([60_000, 120_000, 240_000, 300_000, 300_000, 300_000])
  })

  it('forgets an address quiet for 10 minutes after its hold: the back-off starts over', () => {
    const { clock, limits } = setUp()
    failMany(limits, 10, () => '203.0.113.7')
    clock.ms = T0 + 30_000 + 600_000
    limits.failed('203.0.113.7')
    expect(limits.held('203.0.113.7', undefined)).toBeUndefined()
    failMany(limits, 9, () => '203.0.113.7')
    expect(limits.held('203.0.113.7', undefined)).toEqual({ by: 'address', untilMs: clock.ms + 30_000 })
  })

  it('holds an id after 20 wrong secrets from anywhere, whichever address asks, but not for unknown ids', () => {
    const { limits } = setUp()
    failMany(limits, 19, (i) => `198.51.100.${i}`, 'pendant-1')
    expect(limits.held('192.0.2.1', 'pendant-1')).toBeUndefined()
    limits.failed('198.51.100.99', 'pendant-1')
    expect(limits.held('192.0.2.1', 'pendant-1')).toEqual({ by: 'id', untilMs: T0 + 30_000 })
    expect(limits.held('192.0.2.1', 'pendant-2')).toBeUndefined()
    // Failures that checked no secret (unknown device, no password) count against the address only.
    failMany(limits, 50, (i) => `198.51.101.${i}`)
    expect(limits.held('192.0.2.1', 'ghost-1')).toBeUndefined()
    expect(limits.tracked().ids).toBe(1)
  })

  it('lets a device in from an address it connected from while that address or its id is held', () => {
    const { limits } = setUp()
    limits.succeeded('203.0.113.7', 'pendant-1')
    failMany(limits, 10, () => '203.0.113.7')
    failMany(limits, 20, (i) => `198.51.100.${i}`, 'pendant-1')
    expect(limits.held('203.0.113.7', 'pendant-1')).toBeUndefined()
    expect(limits.held('203.0.113.7', 'pendant-2')).toMatchObject({ by: 'address' })
    expect(limits.held('192.0.2.1', 'pendant-1')).toMatchObject({ by: 'id' })
  })

  it('holds a trusted address and id by their own count: a guesser on the device network guessing its id', () => {
    const { limits } = setUp()
    limits.succeeded('203.0.113.7', 'pendant-1')
    failMany(limits, 9, () => '203.0.113.7', 'pendant-1')
    expect(limits.held('203.0.113.7', 'pendant-1')).toBeUndefined()
    limits.failed('203.0.113.7', 'pendant-1')
    expect(limits.held('203.0.113.7', 'pendant-1')).toEqual({ by: 'pair', untilMs: T0 + 30_000 })
    // Further failures through the pair while the address is held do not lengthen its hold.
    limits.succeeded('203.0.113.7', 'pendant-2')
    limits.failed('203.0.113.7', 'pendant-2')
    expect(limits.held('203.0.113.7', 'pendant-3')).toEqual({ by: 'address', untilMs: T0 + 30_000 })
  })

  it("clears an id's failures when the device connects, but not its address's", () => {
    const { limits } = setUp()
    failMany(limits, 20, (i) => `198.51.100.${i}`, 'pendant-1')
    failMany(limits, 10, () => '203.0.113.7')
    limits.succeeded('192.0.2.1', 'pendant-1')
    expect(limits.held('192.0.2.2', 'pendant-1')).toBeUndefined()
    limits.succeeded('203.0.113.7', 'pendant-2')
    expect(limits.held('203.0.113.7', 'pendant-3')).toMatchObject({ by: 'address' })
  })

  it('keeps at most maxTracked keys of each kind and maxTrusted pairs, the least recent forgotten first', () => {
    const { limits } = setUp({ ...LIMITS, maxTracked: 100, maxTrusted: 50 })
    failMany(limits, 10, () => '203.0.113.7')
    for (let i = 0; i < 1000; i++) limits.failed(`10.0.${i >> 8}.${i & 255}`, `device-${i}`)
    for (let i = 0; i < 1000; i++) limits.succeeded(`10.1.${i >> 8}.${i & 255}`, `service-${i}`)
    expect(limits.tracked()).toEqual({ addresses: 100, ids: 100, pairs: 0, trusted: 50 })
  })
})
