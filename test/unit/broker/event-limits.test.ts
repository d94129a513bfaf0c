import { describe, expect, it } from 'vitest'
import { createEventGate, createEventLimits, type EventStorms } from '../../../broker/event-limits.js'
import { parseDeviceEvent, type DeviceId, type EventVerdict } from '../../../contract/index.js'

const T0 = Date.parse('2026-11-22T10:00:00Z')
const LIMITS = { burst: 20, ratePerSecond: 5, maxInFlight: 3 }

function clockAt(ms: number) {
  const clock = { ms, now: () => clock.ms }
  return clock
}

const admitMany = (limits: ReturnType<typeof createEventLimits>, deviceId: string, n: number): string[] => Array.from({ length: n }, () => limits.admit(deviceId))

describe('per-device event limits', () => {
  it('lets a burst of 20 events through, then 5 a second', () => {
    const clock = clockAt(T0)
    const limits = createEventLimits(LIMITS, clock)
    expect(admitMany(limits, 'pendant-1', 21)).toEqual([...Array<string>(20).fill('within'), 'over-rate'])
    clock.ms += 1000
    expect(admitMany(limits, 'pendant-1', 6)).toEqual([...Array<string>(5).fill('within'), 'over-rate'])
    clock.ms += 200
    expect(admitMany(limits, 'pendant-1', 2)).toEqual(['within', 'over-rate'])
  })

  it('never saves up more than the burst, however long the device was quiet', () => {
    const clock = clockAt(T0)
    const limits = createEventLimits(LIMITS, clock)
    admitMany(limits, 'pendant-1', 20)
    clock.ms += 3_600_000
    expect(admitMany(limits, 'pendant-1', 21).filter((a) => a === 'within')).toHaveLength(20)
  })

  it('says a device is over its in-flight limit while that many of its repeats await their write, and only over its rate once one is written', () => {
    const clock = clockAt(T0)
    const limits = createEventLimits(LIMITS, clock)
    admitMany(limits, 'pendant-1', 20)
    for (let i = 0; i < 3; i++) {
      expect(limits.admit('pendant-1')).toBe('over-rate')
      limits.hold('pendant-1')
    }
    expect(limits.admit('pendant-1')).toBe('over-in-flight')
    limits.release('pendant-1')
    expect(limits.inFlight('pendant-1')).toBe(2)
    expect(limits.admit('pendant-1')).toBe('over-rate')
    // Within its rate again, an event takes the usual way whatever is still in flight.
    clock.ms += 200
    expect(limits.admit('pendant-1')).toBe('within')
  })

  it("keeps each device's limits apart", () => {
    const limits = createEventLimits(LIMITS, clockAt(T0))
    admitMany(limits, 'pendant-1', 25)
    expect(limits.admit('pendant-2')).toBe('within')
    expect(limits.admit('pendant-1')).toBe('over-rate')
  })

  it('forgets a device once it has its whole burst back and nothing in flight', () => {
    const clock = clockAt(T0)
    const limits = createEventLimits(LIMITS, clock)
    admitMany(limits, 'pendant-1', 25)
    limits.hold('pendant-1')
    admitMany(limits, 'pendant-2', 25)
    clock.ms += 61_000
    limits.admit('pendant-3')
    // pendant-2 is idle and forgotten; pendant-1 still owes a write; pendant-3 just spoke.
    expect(limits.tracked()).toBe(2)
    expect(limits.inFlight('pendant-1')).toBe(1)
  })
})

describe('the event gate', () => {
  const press = (id: string, type = 'alarm.pressed'): EventVerdict => parseDeviceEvent(JSON.stringify({ id, type }))

  function gateWith(decide: (type: string) => 'process' | 'folded' | 'refused') {
    const calls: Array<{ deviceId: string; type: string; over: string }> = []
    const pending: Array<() => void> = []
    const storms: EventStorms = {
      limited(deviceId, verdict, _receivedAtMs, over, written) {
        const type = verdict.ok ? verdict.event.type : '(invalid)'
        calls.push({ deviceId, type, over })
        const outcome = decide(type)
        if (outcome === 'folded') pending.push(written)
        return outcome
      },
    }
    const clock = clockAt(T0)
    const gate = createEventGate(LIMITS, { clock, storms })
    return { gate, calls, pending, clock }
  }

  const device = 'pendant-1' as DeviceId

  it('sends events within the limits the usual way without asking alerting', () => {
    const { gate, calls } = gateWith(() => 'folded')
    for (let i = 0; i < 20; i++) expect(gate.limited(device, press(`e-${i}`), {}, T0)).toBe(false)
    expect(calls).toEqual([])
  })

  it('takes a folded repeat, holding its in-flight slot until its aggregate is written, and a refused one; sends a new one and a redelivery the usual way', () => {
    const { gate, calls, pending } = gateWith((type) => (type === 'alarm.pressed' ? 'folded' : type === 'fall.detected' ? 'process' : 'refused'))
    for (let i = 0; i < 20; i++) gate.limited(device, press(`e-${i}`), {}, T0)
    expect(gate.limited(device, press('e-20'), {}, T0)).toBe(true)
    expect(gate.limits.inFlight(device)).toBe(1)
    expect(gate.limited(device, press('e-21', 'motion'), {}, T0)).toBe(true)
    expect(gate.limited(device, press('e-22', 'fall.detected'), {}, T0)).toBe(false)
    expect(gate.limited(device, press('e-3'), { dup: true }, T0)).toBe(false)
    expect(gate.limits.inFlight(device)).toBe(1)
    expect(calls).toEqual([
      { deviceId: device, type: 'alarm.pressed', over: 'rate' },
      { deviceId: device, type: 'motion', over: 'rate' },
      { deviceId: device, type: 'fall.detected', over: 'rate' },
    ])
    for (const written of pending) written()
    expect(gate.limits.inFlight(device)).toBe(0)
  })

  it('tells alerting when the device is over its in-flight limit rather than its rate', () => {
    const { gate, calls } = gateWith(() => 'folded')
    for (let i = 0; i < 24; i++) gate.limited(device, press(`e-${i}`), {}, T0)
    expect(calls.map((c) => c.over)).toEqual(['rate', 'rate', 'rate', 'in-flight'])
  })
})
