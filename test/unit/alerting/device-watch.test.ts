import { describe, expect, it } from 'vitest'
import { createDeviceWatch, type KnownDevice } from '../../../alerting/device-watch.js'
import type { DeviceType } from '../../../contract/index.js'

const T0 = Date.parse('2026-11-20T08:00:00Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const ADA = 'p-ada'
const BOB = 'p-bob'

const known = (id: string, type: DeviceType, personId = ADA, lastSeenMs = T0, checkInSeconds: number | null = null): KnownDevice => ({ id, type, personId, checkInSeconds, lastSeenMs })
const nobodyAway = (): boolean => false

/** A watch started at T0 over these devices. */
function watching(...devices: KnownDevice[]) {
  const watch = createDeviceWatch()
  watch.start(T0)
  watch.sync(devices)
  return watch
}

/** Ticks every minute from `fromMs` to `toMs` inclusive; what fired, with when. */
function tickEveryMinute(watch: ReturnType<typeof createDeviceWatch>, fromMs: number, toMs: number, away: (personId: string) => boolean = nobodyAway) {
  const found: Array<{ atMs: number; personId: string; deviceId: string | undefined; summary: string }> = []
  for (let at = fromMs; at <= toMs; at += MINUTE) {
    for (const { personId, finding } of watch.tick(at, away)) found.push({ atMs: at, personId, deviceId: finding.deviceId, summary: finding.summary })
  }
  return found
}

describe('device watch: silence', () => {
  it('raises a technical device.offline finding for a device silent past its interval and grace, and not a millisecond before', () => {
    const watch = watching(known('pendant-1', 'pendant'))
    expect(watch.tick(T0 + 72 * MINUTE - 1, nobodyAway)).toEqual([])
    expect(watch.tick(T0 + 72 * MINUTE, nobodyAway)).toEqual([
      {
        personId: ADA,
        finding: {
          action: 'fire',
          kind: 'device.offline',
          priority: 'technical',
          deviceId: 'pendant-1',
          perDevice: true,
          summary: 'pendant pendant-1 silent for 72 min (expected every 60 min)',
        },
      },
    ])
  })

  it("counts silence against the device's own check-in interval, or its type's", () => {
    const watch = watching(known('pendant-1', 'pendant', ADA, T0, 300), known('wrist-1', 'wearable', BOB))
    expect(tickEveryMinute(watch, T0, T0 + 20 * MINUTE)).toEqual([
      { atMs: T0 + 6 * MINUTE, personId: ADA, deviceId: 'pendant-1', summary: 'pendant pendant-1 silent for 6 min (expected every 5 min)' },
      { atMs: T0 + 18 * MINUTE, personId: BOB, deviceId: 'wrist-1', summary: 'wearable wrist-1 silent for 18 min (expected every 15 min)' },
    ])
  })

  it('fires once while the device stays silent, and again when it falls silent after coming back', () => {
    const watch = watching(known('pendant-1', 'pendant', ADA, T0, 300))
    expect(tickEveryMinute(watch, T0, T0 + 60 * MINUTE).map((f) => f.atMs)).toEqual([T0 + 6 * MINUTE])
    watch.seen('pendant-1', T0 + 61 * MINUTE)
    expect(tickEveryMinute(watch, T0 + 61 * MINUTE, T0 + 120 * MINUTE).map((f) => f.atMs)).toEqual([T0 + 67 * MINUTE])
  })

  it('takes any message as a check-in, and never moves the last one back for a late message', () => {
    const watch = watching(known('pendant-1', 'pendant'))
    expect(watch.seen('pendant-1', T0 + 60 * MINUTE)).toBeUndefined()
    expect(watch.seen('pendant-1', T0 + 10 * MINUTE)).toBeUndefined()
    expect(tickEveryMinute(watch, T0, T0 + 132 * MINUTE).map((f) => [f.atMs, f.summary])).toEqual([
      [T0 + 132 * MINUTE, 'pendant pendant-1 silent for 72 min (expected every 60 min)'],
    ])
  })

  it('counts a device never heard from since before the watch started from its start', () => {
    const watch = watching(known('pendant-1', 'pendant', ADA, T0 - 7 * 24 * HOUR))
    expect(tickEveryMinute(watch, T0, T0 + 2 * HOUR).map((f) => f.atMs)).toEqual([T0 + 72 * MINUTE])
  })

  it('closes the offline alert by itself when the device speaks again, saying how long since it was last heard', () => {
    const watch = watching(known('pendant-1', 'pendant'))
    watch.tick(T0 + 72 * MINUTE, nobodyAway)
    expect(watch.seen('pendant-1', T0 + 3 * HOUR)).toEqual({
      action: 'clear',
      kind: 'device.offline',
      deviceId: 'pendant-1',
      perDevice: true,
      selfResolve: true,
      summary: 'pendant pendant-1 back after 3 h',
    })
    expect(watch.seen('pendant-1', T0 + 3 * HOUR + MINUTE)).toBeUndefined()
  })

  it("raises nothing for a device whose person is away, and counts its silence from the absence's end", () => {
    const watch = watching(known('door-1', 'door-sensor', ADA), known('bed-1', 'bed-sensor', BOB))
    const awayUntil = T0 + 5 * HOUR
    const adaAway = (personId: string): boolean => personId === ADA
    expect(tickEveryMinute(watch, T0, awayUntil, adaAway)).toEqual([
      { atMs: T0 + 72 * MINUTE, personId: BOB, deviceId: 'bed-1', summary: 'bed-sensor bed-1 silent for 72 min (expected every 60 min)' },
    ])
    expect(tickEveryMinute(watch, awayUntil + MINUTE, awayUntil + 3 * HOUR).map((f) => [f.atMs, f.deviceId])).toEqual([[awayUntil + 72 * MINUTE, 'door-1']])
  })
})

describe('device watch: status', () => {
  it('takes a device offline at once on its will, and back when it says it is online', () => {
    const watch = watching(known('door-1', 'door-sensor'))
    expect(watch.status('door-1', { online: false }, T0 + 10 * MINUTE, false)).toEqual([
      { action: 'fire', kind: 'device.offline', priority: 'technical', deviceId: 'door-1', perDevice: true, summary: 'door-sensor door-1 went offline: its connection dropped' },
    ])
    expect(watch.status('door-1', { online: false }, T0 + 11 * MINUTE, false)).toEqual([])
    expect(tickEveryMinute(watch, T0 + 11 * MINUTE, T0 + 3 * HOUR)).toEqual([])
    expect(watch.status('door-1', { online: true }, T0 + 40 * MINUTE, false).map((f) => [f.action, f.summary])).toEqual([['clear', 'door-sensor door-1 back after 30 min']])
  })

  it('takes no notice of a will while its person is away', () => {
    const watch = watching(known('door-1', 'door-sensor'))
    expect(watch.status('door-1', { online: false }, T0 + 10 * MINUTE, true)).toEqual([])
    expect(watch.seen('door-1', T0 + 20 * MINUTE)).toBeUndefined()
  })

  it('raises a low battery finding below 20% once, and closes it by itself at 30% or more', () => {
    const watch = watching(known('pendant-1', 'pendant'))
    expect(watch.status('pendant-1', { online: true, battery: 0.2 }, T0, false)).toEqual([])
    expect(watch.status('pendant-1', { online: true, battery: 0.19 }, T0 + HOUR, false)).toEqual([
      { action: 'fire', kind: 'device.battery-low', priority: 'technical', deviceId: 'pendant-1', perDevice: true, summary: 'Battery at 19% on pendant-1' },
    ])
    expect(watch.status('pendant-1', { online: true, battery: 0.05 }, T0 + 2 * HOUR, false)).toEqual([])
    expect(watch.status('pendant-1', { online: true }, T0 + 3 * HOUR, false)).toEqual([])
    expect(watch.status('pendant-1', { online: true, battery: 0.29 }, T0 + 4 * HOUR, false)).toEqual([])
    expect(watch.status('pendant-1', { online: true, battery: 0.3 }, T0 + 5 * HOUR, false)).toEqual([
      { action: 'clear', kind: 'device.battery-low', deviceId: 'pendant-1', perDevice: true, selfResolve: true, summary: 'battery charged to 30%' },
    ])
  })

  it('judges the battery in a will too, and keeps each device’s battery apart', () => {
    const watch = watching(known('pendant-1', 'pendant'), known('wrist-1', 'wearable'))
    expect(watch.status('pendant-1', { online: false, battery: 0.1 }, T0 + MINUTE, false).map((f) => [f.kind, f.action])).toEqual([
      ['device.offline', 'fire'],
      ['device.battery-low', 'fire'],
    ])
    expect(watch.status('wrist-1', { online: true, battery: 0.1 }, T0 + MINUTE, false).map((f) => [f.kind, f.deviceId])).toEqual([['device.battery-low', 'wrist-1']])
    expect(watch.status('wrist-1', { online: true, battery: 0.9 }, T0 + 2 * MINUTE, false).map((f) => [f.kind, f.action, f.deviceId])).toEqual([
      ['device.battery-low', 'clear', 'wrist-1'],
    ])
    expect(watch.status('pendant-1', { online: true, battery: 0.15 }, T0 + 3 * MINUTE, false).map((f) => [f.kind, f.action])).toEqual([['device.offline', 'clear']])
  })

  it('takes an event or a reading as a check-in, bringing an offline device back', () => {
    const watch = watching(known('door-1', 'door-sensor'), known('wrist-1', 'wearable'))
    expect(tickEveryMinute(watch, T0, T0 + 2 * HOUR).map((f) => f.deviceId)).toEqual(['wrist-1', 'door-1'])
    const opened = watch.judge('door-1', { watch: 'events', deviceId: 'door-1', type: 'door.opened', absent: false }, T0 + 2 * HOUR)
    expect(opened.map((f) => [f.kind, f.action, f.summary])).toEqual([['device.offline', 'clear', 'door-sensor door-1 back after 2 h']])
    const pulse = watch.judge('wrist-1', { watch: 'readings', deviceId: 'wrist-1', readings: [{ metric: 'heart_rate', value: 72 }] }, T0 + 2 * HOUR)
    expect(pulse.map((f) => [f.kind, f.action, f.summary])).toEqual([['device.offline', 'clear', 'wearable wrist-1 back after 2 h']])
    expect(tickEveryMinute(watch, T0 + 2 * HOUR, T0 + 2 * HOUR + 17 * MINUTE)).toEqual([])
  })

  it('answers nothing for a device it does not watch', () => {
    const watch = watching(known('pendant-1', 'pendant'))
    expect(watch.seen('ghost-1', T0)).toBeUndefined()
    expect(watch.status('ghost-1', { online: false, battery: 0.01 }, T0, false)).toEqual([])
    expect(watch.knows('ghost-1')).toBe(false)
  })
})

describe('device watch: after a restart', () => {
  it('keeps a device with an open offline alert offline: no second alert, and its return closes the first', () => {
    const watch = watching(known('pendant-1', 'pendant', ADA, T0 - 5 * HOUR))
    watch.restore('pendant-1', 'device.offline', T0 - 4 * HOUR)
    expect(tickEveryMinute(watch, T0, T0 + 3 * HOUR)).toEqual([])
    expect(watch.seen('pendant-1', T0 + 3 * HOUR)?.summary).toBe('pendant pendant-1 back after 7 h')
  })

  it('keeps a device with an open low battery alert low: no second alert, and a charge closes the first', () => {
    const watch = watching(known('pendant-1', 'pendant'))
    watch.restore('pendant-1', 'device.battery-low', T0 - HOUR)
    expect(watch.status('pendant-1', { online: true, battery: 0.1 }, T0, false)).toEqual([])
    expect(watch.status('pendant-1', { online: true, battery: 0.95 }, T0 + HOUR, false).map((f) => [f.kind, f.action])).toEqual([['device.battery-low', 'clear']])
  })

  it('ignores an open alert of another kind, or for a device it does not watch', () => {
    const watch = watching(known('pendant-1', 'pendant'))
    watch.restore('pendant-1', 'alarm.pressed', T0 - HOUR)
    watch.restore('ghost-1', 'device.offline', T0 - HOUR)
    expect(watch.knows('ghost-1')).toBe(false)
    expect(tickEveryMinute(watch, T0, T0 + 72 * MINUTE).map((f) => f.deviceId)).toEqual(['pendant-1'])
    expect(watch.status('pendant-1', { online: true, battery: 0.1 }, T0 + 73 * MINUTE, false).map((f) => f.kind)).toEqual(['device.offline', 'device.battery-low'])
  })
})

describe('device watch: the devices it knows', () => {
  it('knows each person by the types of device they have', () => {
    const watch = watching(known('pendant-1', 'pendant', ADA), known('door-1', 'door-sensor', ADA), known('door-2', 'door-sensor', ADA), known('bed-1', 'bed-sensor', BOB))
    expect([...watch.persons()].sort()).toEqual([ADA, BOB])
    expect([...watch.typesOf(ADA)].sort()).toEqual(['door-sensor', 'pendant'])
    expect([...watch.typesOf(BOB)]).toEqual(['bed-sensor'])
    expect([...watch.typesOf('p-nobody')]).toEqual([])
  })

  it("drops a device no longer provisioned, and brings a moved device's findings to its new person", () => {
    const watch = watching(known('pendant-1', 'pendant', ADA), known('door-1', 'door-sensor', ADA))
    watch.sync([known('pendant-1', 'pendant', BOB)])
    expect([watch.knows('pendant-1'), watch.knows('door-1')]).toEqual([true, false])
    expect([...watch.persons()]).toEqual([BOB])
    expect([...watch.typesOf(ADA)]).toEqual([])
    expect(tickEveryMinute(watch, T0, T0 + 2 * HOUR).map((f) => [f.personId, f.deviceId])).toEqual([[BOB, 'pendant-1']])
  })

  it('keeps what it knows of a device across a sync: its last check-in, and that it is offline or low', () => {
    const watch = watching(known('pendant-1', 'pendant'))
    watch.seen('pendant-1', T0 + HOUR)
    watch.status('pendant-1', { online: false, battery: 0.1 }, T0 + 2 * HOUR, false)
    watch.sync([known('pendant-1', 'pendant', ADA, T0)])
    expect(tickEveryMinute(watch, T0 + 2 * HOUR, T0 + 6 * HOUR)).toEqual([])
    expect(watch.status('pendant-1', { online: true, battery: 0.1 }, T0 + 6 * HOUR, false).map((f) => [f.kind, f.action])).toEqual([['device.offline', 'clear']])
  })
})
