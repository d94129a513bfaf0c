import { DEVICE_EVENT_LIMITS, type Clock, type DeviceId, type EventVerdict } from '../contract/index.js'

/**
 * Per-device limits on events (PROTOCOL §1 events; Hearth's choice where the protocol is silent,
 * see docs/device-event-limits.md). A device may send a burst of `burst` events, then
 * `ratePerSecond` a second (a token bucket); within that every event takes the full path:
 * journalled (fsync) before PUBACK, then processed into its alert. Beyond it an event is judged by
 * alerting (`EventStorms`): one that would change something not yet recorded (the first of a kind
 * of alarm, a cancel of an uncancelled press) still takes the full path; a repeat of an open alert
 * is folded into that alert and written in aggregate; anything else is refused and the device is
 * told why on its errors topic (`rate_limited`).
 *
 * In flight: a device's folded repeats that were acknowledged but are not yet on disk (their
 * aggregate is written about once a second). At `maxInFlight` further repeats are refused until
 * the next write, so that what a crash could lose, and what one device can cost, stays bounded.
 */
export interface EventLimitsConfig {
  /** Events a device may send at once before its rate applies. */
  burst: number
  /** Events a second, sustained, once the burst is spent. */
  ratePerSecond: number
  /** Folded repeats of one device acknowledged and not yet written; beyond it repeats are refused. */
  maxInFlight: number
}

/** A person pressing as fast as they can stays well inside; a stuck button or a firmware loop does not (contract/rule-defaults.ts). */
export const DEFAULT_EVENT_LIMITS: EventLimitsConfig = { burst: DEVICE_EVENT_LIMITS.burst, ratePerSecond: DEVICE_EVENT_LIMITS.ratePerSecond, maxInFlight: 100 }

export type Admission = 'within' | 'over-rate' | 'over-in-flight'

interface DeviceLimit {
  tokens: number
  refilledAtMs: number
  inFlight: number
}

/** Idle devices are forgotten at most this often (a full bucket and nothing in flight is the default state). */
const PRUNE_EVERY_MS = 60_000

/** The per-device token bucket and in-flight count: pure, time from the clock. */
export function createEventLimits(config: EventLimitsConfig, clock: Clock) {
  const devices = new Map<string, DeviceLimit>()
  let prunedAtMs = clock.now()

  const refill = (limit: DeviceLimit, nowMs: number): void => {
    const elapsedMs = Math.max(0, nowMs - limit.refilledAtMs)
    limit.tokens = Math.min(config.burst, limit.tokens + (elapsedMs * config.ratePerSecond) / 1000)
    limit.refilledAtMs = Math.max(limit.refilledAtMs, nowMs)
  }

  const prune = (nowMs: number): void => {
    if (nowMs - prunedAtMs < PRUNE_EVERY_MS) return
    prunedAtMs = nowMs
    for (const [deviceId, limit] of devices) {
      refill(limit, nowMs)
      if (limit.inFlight === 0 && limit.tokens >= config.burst) devices.delete(deviceId)
    }
  }

  return {
    /** One event from the device: within its limits (a token taken), or over its rate or its in-flight limit. */
    admit(deviceId: string): Admission {
      const nowMs = clock.now()
      prune(nowMs)
      let limit = devices.get(deviceId)
      if (!limit) {
        limit = { tokens: config.burst, refilledAtMs: nowMs, inFlight: 0 }
        devices.set(deviceId, limit)
      }
      refill(limit, nowMs)
      if (limit.tokens >= 1) {
        limit.tokens -= 1
        return 'within'
      }
      return limit.inFlight >= config.maxInFlight ? 'over-in-flight' : 'over-rate'
    },
    /** One of the device's events was acknowledged and awaits its aggregate write. */
    hold(deviceId: string): void {
      const limit = devices.get(deviceId)
      if (limit) limit.inFlight += 1
    },
    /** One held event of the device is written (or given up): no longer in flight. */
    release(deviceId: string): void {
      const limit = devices.get(deviceId)
      if (limit) limit.inFlight = Math.max(0, limit.inFlight - 1)
    },
    inFlight: (deviceId: string): number => devices.get(deviceId)?.inFlight ?? 0,
    /** Devices with state kept (for tests: idle ones are forgotten). */
    tracked: (): number => devices.size,
  }
}

/**
 * What alerting makes of an event beyond its device's limits, decided at once and cheaply (no
 * disk write): `process`, it changes something not yet recorded, so the broker journals it before
 * PUBACK and hands it on as usual; `folded`, a repeat of an open alert, counted onto it and written
 * in aggregate, after which `written` is called (never from within this call); `refused`, not
 * recorded, and the device is told on its errors topic.
 */
export interface EventStorms {
  limited(deviceId: DeviceId, verdict: EventVerdict, receivedAtMs: number, over: 'rate' | 'in-flight', written: () => void): 'process' | 'folded' | 'refused'
}

/**
 * The broker's side of the limits, called from the events branch of `authorizePublish`. Returns
 * true when it has taken the event (folded or refused): the broker then acknowledges it at once.
 *
 * PUBACK choice: both a folded repeat and a refused event are acknowledged. A folded one is
 * recorded, in aggregate. A refused one is answered on the errors topic instead: MQTT 3.1.1 has
 * no negative PUBACK, and withholding it would leave the event in the device's session to be sent
 * again on every reconnect, forever, while a device with a small in-flight window (many embedded
 * MQTT stacks allow one to ten) could send nothing behind it, not even a real alarm.
 */
export function createEventGate(config: EventLimitsConfig, deps: { clock: Clock; storms: EventStorms }) {
  const limits = createEventLimits(config, deps.clock)
  return {
    limited(deviceId: DeviceId, verdict: EventVerdict, packet: { dup?: boolean }, receivedAtMs: number): boolean {
      const admission = limits.admit(deviceId)
      // A redelivery (DUP) goes the usual way, where its id makes it count once.
      if (admission === 'within' || packet.dup === true) return false
      const over = admission === 'over-rate' ? 'rate' : 'in-flight'
      const outcome = deps.storms.limited(deviceId, verdict, receivedAtMs, over, () => limits.release(deviceId))
      if (outcome === 'process') return false
      if (outcome === 'folded') limits.hold(deviceId)
      return true
    },
    limits,
  }
}

export type EventGate = ReturnType<typeof createEventGate>
