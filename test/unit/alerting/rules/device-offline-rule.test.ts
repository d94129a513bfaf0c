import { describe, expect, it } from 'vitest'
import { DEVICE_OFFLINE_KIND, offlineAfterMs, onDeviceSeen, onDeviceWill, tickDeviceOffline, type DeviceWatch } from '../../../../alerting/rules/device-offline-rule.js'
import type { RuleFinding } from '../../../../alerting/rules/rule-finding.js'

const S = 1000
const MIN = 60 * S
const H = 60 * MIN
const DAY = 24 * H
const T0 = Date.parse('2026-01-14T09:00:00Z')
const utc = (iso: string): number => Date.parse(iso)

const pendant = (lastSeenMs: number): DeviceWatch => ({ deviceId: 'pendant-1', type: 'pendant', checkInSeconds: null, lastSeenMs })

describe('device offline rule: the interval', () => {
  it.each([
    ['a pendant on its default hourly check-in', { type: 'pendant', checkInSeconds: null }, 72 * MIN],
    ['a wearable on its default 15-min check-in', { type: 'wearable', checkInSeconds: null }, 18 * MIN],
    ['a device set to check in every 10 min', { type: 'motion-sensor', checkInSeconds: 600 }, 12 * MIN],
    ['a device set to check in every 5 min (grace of at least a minute)', { type: 'door-sensor', checkInSeconds: 300 }, 6 * MIN],
    ['a device set to check in every minute (grace of at least a minute)', { type: 'bed-sensor', checkInSeconds: 60 }, 2 * MIN],
  ] as const)('gives %s an offline limit of the interval plus max(60 s, a fifth)', (_what, device, expected) => {
    expect(offlineAfterMs(device)).toBe(expected)
  })
})

describe('device offline rule', () => {
  it('fires 72 min after the last check-in of an hourly pendant, and not one ms before', () => {
    const before = tickDeviceOffline(pendant(T0), T0 + 72 * MIN - 1)
    expect(before).toEqual({ device: pendant(T0) })
    const at = tickDeviceOffline(pendant(T0), T0 + 72 * MIN)
    expect(at).toEqual({
      device: { ...pendant(T0), offlineSinceMs: T0 },
      finding: {
        action: 'fire',
        kind: DEVICE_OFFLINE_KIND,
        priority: 'technical',
        deviceId: 'pendant-1',
        perDevice: true,
        summary: 'pendant pendant-1 silent for 72 min (expected every 60 min)',
      },
    })
  })

  it('says how long it has been silent when first noticed, in the words of its interval', () => {
    const wearable: DeviceWatch = { deviceId: 'watch-7', type: 'wearable', checkInSeconds: null, lastSeenMs: T0 }
    expect(tickDeviceOffline(wearable, T0 + 5 * H).finding?.summary).toBe('wearable watch-7 silent for 5 h (expected every 15 min)')
    const fast: DeviceWatch = { deviceId: 'door-2', type: 'door-sensor', checkInSeconds: 60, lastSeenMs: T0 }
    expect(tickDeviceOffline(fast, T0 + 2 * MIN).finding?.summary).toBe('door-sensor door-2 silent for 2 min (expected every 60 s)')
  })

  it('fires once while it stays offline', () => {
    let device = pendant(T0)
    const fired: RuleFinding[] = []
    for (let t = T0; t < T0 + 3 * DAY; t += MIN) {
      const result = tickDeviceOffline(device, t)
      device = result.device
      if (result.finding) fired.push(result.finding)
    }
    expect(fired.map((f) => f.summary)).toEqual(['pendant pendant-1 silent for 72 min (expected every 60 min)'])
    expect(device.offlineSinceMs).toBe(T0)
  })

  it('clears with selfResolve when the device speaks again, saying how long it was gone', () => {
    const offline: DeviceWatch = { ...pendant(T0), offlineSinceMs: T0 }
    const back = onDeviceSeen(offline, T0 + 5 * H + 10 * MIN)
    expect(back).toEqual({
      device: pendant(T0 + 5 * H + 10 * MIN),
      finding: { action: 'clear', kind: 'device.offline', deviceId: 'pendant-1', perDevice: true, selfResolve: true, summary: 'pendant pendant-1 back after 5 h 10 min' },
    })
    expect('offlineSinceMs' in back.device).toBe(false)
  })

  it('takes any message as a check-in, and never moves the last check-in back for a late one', () => {
    expect(onDeviceSeen(pendant(T0), T0 + 30 * MIN)).toEqual({ device: pendant(T0 + 30 * MIN) })
    expect(onDeviceSeen(pendant(T0), T0 - 30 * MIN)).toEqual({ device: pendant(T0) })
  })

  it('goes offline at once on its last will, without waiting for the interval', () => {
    const will = onDeviceWill(pendant(T0), T0 + 10 * MIN)
    expect(will).toEqual({
      device: { ...pendant(T0), offlineSinceMs: T0 + 10 * MIN },
      finding: { action: 'fire', kind: 'device.offline', priority: 'technical', deviceId: 'pendant-1', perDevice: true, summary: 'pendant pendant-1 went offline: its connection dropped' },
    })
    expect(onDeviceWill(will.device, T0 + 11 * MIN)).toEqual({ device: will.device })
    expect(tickDeviceOffline(will.device, T0 + 5 * H)).toEqual({ device: will.device })
    expect(onDeviceSeen(will.device, T0 + 13 * MIN).finding?.summary).toBe('pendant pendant-1 back after 3 min')
  })

  it('raises nothing over 3 days for a wearable checking in every 15 min, sometimes 2 min late', () => {
    let device: DeviceWatch = { deviceId: 'watch-7', type: 'wearable', checkInSeconds: null, lastSeenMs: T0 }
    const findings: RuleFinding[] = []
    let nextCheckIn = T0 + 15 * MIN
    let n = 0
    for (let t = T0; t < T0 + 3 * DAY; t += MIN) {
      if (t >= nextCheckIn) {
        const seen = onDeviceSeen(device, t)
        device = seen.device
        if (seen.finding) findings.push(seen.finding)
        n++
        nextCheckIn = t + (n % 4 === 0 ? 17 : 15) * MIN
      }
      const result = tickDeviceOffline(device, t)
      device = result.device
      if (result.finding) findings.push(result.finding)
    }
    expect(n).toBeGreaterThan(250)
    expect(findings).toEqual([])
  })

  it('goes offline and comes back once for a pendant that misses two check-ins in 3 days of hourly check-ins', () => {
    let device = pendant(T0)
    const findings: string[] = []
    for (let t = T0; t < T0 + 3 * DAY; t += MIN) {
      const missed = t > T0 + DAY && t < T0 + DAY + 2 * H + 30 * MIN
      if ((t - T0) % H === 0 && !missed) {
        const seen = onDeviceSeen(device, t)
        device = seen.device
        if (seen.finding) findings.push(`${new Date(t).toISOString()} ${seen.finding.summary}`)
      }
      const result = tickDeviceOffline(device, t)
      device = result.device
      if (result.finding) findings.push(`${new Date(t).toISOString()} ${result.finding.summary}`)
    }
    expect(findings).toEqual([
      '2026-01-15T10:12:00.000Z pendant pendant-1 silent for 72 min (expected every 60 min)',
      '2026-01-15T12:00:00.000Z pendant pendant-1 back after 3 h',
    ])
  })

  it('counts silence in real time, not on the wall clock, across the spring-forward change', () => {
    // Last seen 00:30 GMT; 72 min later it is 02:42 BST on the clock: 2 h 12 min by the wall clock.
    const device = pendant(utc('2026-03-29T00:30:00Z'))
    expect(tickDeviceOffline(device, utc('2026-03-29T01:41:59.999Z')).finding).toBeUndefined()
    expect(tickDeviceOffline(device, utc('2026-03-29T01:42:00Z')).finding?.summary).toBe('pendant pendant-1 silent for 72 min (expected every 60 min)')
  })
})
