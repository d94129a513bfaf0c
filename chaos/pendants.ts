import { deviceTopic } from '../contract/index.js'
import type { ChaosDevice } from './chaos-device.js'

/** One press: its event id, when it was made, and whether the platform acknowledged it (PUBACK). */
export interface PressLog {
  eventId: string
  atMs: number
  acked: boolean
}

/** A call for help from the moment of the first press to the moment the pendant heard it was answered. */
export interface CallLog {
  deviceId: string
  pressedAtMs: number
  answeredAtMs?: number
}

/** How the pendants press (the fleet's `FleetConfig` holds these). */
interface PressPlan {
  pendants: readonly { id: string }[]
  /** The pendant that floods, when the scenario has one. */
  flooder?: { id: string }
  /** A pendant presses again this long (a random share of it, from half to all) after its call was answered. */
  pressEveryMs: number
  /** A call not answered in this long is pressed again (it folds into the open alert). */
  pressAgainAfterMs: number
  /** Unacknowledged publishes the flooding pendant keeps in flight. */
  floodWindow: number
}

/**
 * The fleet's pendants: wearers who press (`alarm.pressed`, each press its own event id), wait for
 * their call to be answered and press again while it is not, and optionally one pendant gone
 * wrong that presses as fast as it can send. Every press and every call is recorded.
 */
export class Pendants {
  readonly presses = new Map<string, PressLog[]>()
  readonly calls: CallLog[] = []
  /** Flood presses the flooding pendant could not hand to its connection (its buffer was full). */
  floodHeldBack = 0
  private readonly openCalls = new Map<string, CallLog & { lastPressMs: number }>()
  private readonly nextPressAt = new Map<string, number>()
  private flooding: { perSecond: number; startedMs: number; sent: number } | undefined
  private pressCounter = 0

  constructor(
    private readonly devices: ReadonlyMap<string, ChaosDevice>,
    private readonly plan: PressPlan,
  ) {
    for (const p of [...plan.pendants, ...(plan.flooder ? [plan.flooder] : [])]) this.presses.set(p.id, [])
  }

  /** Pendants waiting for their call to be answered. */
  get callsOpen(): number {
    return this.openCalls.size
  }

  /** Each wearer presses first at a random moment within `pressEveryMs` of `now`. */
  start(now: number): void {
    for (const id of this.plan.pendants.map((p) => p.id)) this.nextPressAt.set(id, now + Math.random() * this.plan.pressEveryMs)
  }

  /** Every press due by `now`, the flood's included. */
  turn(now: number): void {
    for (const p of this.plan.pendants) this.pendantTurn(p.id, now)
    if (this.flooding && this.plan.flooder) this.floodTurn(this.plan.flooder.id)
  }

  startFlood(perSecond: number): void {
    this.flooding = { perSecond, startedMs: performance.now(), sent: 0 }
  }

  /** Stops the flood; returns how many presses the flooding pendant made. */
  stopFlood(): number {
    const sent = this.flooding?.sent ?? 0
    this.flooding = undefined
    return sent
  }

  /** The pendant heard its call was answered (`alarm.acknowledged`): its wearer presses again later. */
  answered(deviceId: string): void {
    const call = this.openCalls.get(deviceId)
    if (call) {
      call.answeredAtMs = Date.now()
      this.openCalls.delete(deviceId)
      this.nextPressAt.set(deviceId, Date.now() + this.plan.pressEveryMs * (0.5 + Math.random() / 2))
    }
  }

  private press(deviceId: string): void {
    const device = this.devices.get(deviceId)
    const log = this.presses.get(deviceId)
    if (!device || !log) return
    const entry: PressLog = { eventId: `e-${++this.pressCounter}`, atMs: Date.now(), acked: false }
    log.push(entry)
    const payload = JSON.stringify({ id: entry.eventId, type: 'alarm.pressed', ts: entry.atMs / 1000, data: {} })
    device.publish(Buffer.from(deviceTopic(deviceId, 'events')), Buffer.from(payload), () => (entry.acked = true))
  }

  /** A wearer presses when it is time, and again when a call stays unanswered. */
  private pendantTurn(deviceId: string, now: number): void {
    const open = this.openCalls.get(deviceId)
    if (open) {
      if (now - open.lastPressMs > this.plan.pressAgainAfterMs) {
        open.lastPressMs = now
        this.press(deviceId)
      }
      return
    }
    if (now < (this.nextPressAt.get(deviceId) ?? Infinity)) return
    const call = { deviceId, pressedAtMs: now, lastPressMs: now }
    this.openCalls.set(deviceId, call)
    this.calls.push(call)
    this.press(deviceId)
  }

  /** The flooding pendant presses at its rate while its connection takes them; beyond, presses are held back. */
  private floodTurn(deviceId: string): void {
    const flood = this.flooding
    const device = this.devices.get(deviceId)
    if (!flood || !device) return
    const due = Math.floor(((performance.now() - flood.startedMs) / 1000) * flood.perSecond)
    for (; flood.sent < due; flood.sent++) {
      if (device.queued >= this.plan.floodWindow) this.floodHeldBack++
      else this.press(deviceId)
    }
  }
}
