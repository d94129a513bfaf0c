import type { LeanMqttConnection, Qos } from './lean-mqtt-connection.js'
import type { LoadTally, MixedStream } from './load-devices.js'

/** One simulated device of a load fleet: its topics, encoded once, and its connection. */
export interface FleetDevice {
  id: string
  readings: Buffer
  status: Buffer
  events: Buffer
  bn: string
  connection?: LeanMqttConnection
}

/** A device with this many QoS 1 packs unacknowledged is skipped. */
const MAX_IN_FLIGHT = 8

/** In-range values (PROTOCOL §1 metric table) that raise no threshold or NEWS2 alert. */
const METRICS: ReadonlyArray<{ n: string; u: string; low: number; high: number }> = [
  { n: 'heart_rate', u: 'beat/min', low: 62, high: 88 },
  { n: 'spo2', u: '%', low: 95, high: 99 },
  { n: 'respiratory_rate', u: '1/min', low: 13, high: 18 },
  { n: 'body_temperature', u: 'Cel', low: 36.4, high: 37.2 },
  { n: 'systolic_bp', u: 'mm[Hg]', low: 112, high: 132 },
  { n: 'diastolic_bp', u: 'mm[Hg]', low: 70, high: 84 },
  { n: 'ambient_temperature', u: 'Cel', low: 19, high: 22 },
  { n: 'steps', u: 'count', low: 0, high: 40 },
]

/** The records after the base record's time: fixed per variant, so a pack costs one concatenation. */
export function packTails(packSize: number, variants: number): string[] {
  return Array.from({ length: variants }, (_, v) => {
    const records = Array.from({ length: packSize }, (_, i) => {
      const metric = METRICS[i % METRICS.length] ?? METRICS[0]!
      const value = Math.round((metric.low + ((metric.high - metric.low) * ((v * 7 + i * 3) % 10)) / 10) * 10) / 10
      const time = Math.floor(i / METRICS.length)
      return `${i === 0 ? '' : '{'}"n":"${metric.n}","u":"${metric.u}","v":${value}${time > 0 ? `,"t":${-time}` : ''}}`
    })
    return `${records.join(',')}]`
  })
}

/** Chooses the device and the payload of each readings pack, and keeps the counts. */
export class PackSender {
  private cursor = 0
  private packs = 0

  constructor(
    private readonly live: readonly FleetDevice[],
    private readonly tails: readonly string[],
    private readonly stream: MixedStream,
    private readonly tally: LoadTally,
  ) {}

  /** Paced: sends the packs due by now, catching up at most `maxCatchUpS` after a stall. */
  pace(elapsedS: number, maxCatchUpS: number): void {
    const perSecond = this.stream.readingsPerSecond / this.stream.packSize
    const due = Math.floor(perSecond * elapsedS)
    const floor = Math.floor(perSecond * (elapsedS - maxCatchUpS))
    if (this.packs < floor) {
      this.tally.heldBack += (floor - this.packs) * this.stream.packSize
      this.packs = floor
    }
    for (; this.packs < due; this.packs++) {
      const qos: Qos = (this.packs * this.stream.qos1Share) % 1 < this.stream.qos1Share ? 1 : 0
      this.send(qos)
    }
  }

  /** Saturation: keeps `window` QoS 1 packs in flight while `running()`. */
  saturate(running: () => boolean): void {
    const next = (): void => {
      if (running()) this.send(1, next)
    }
    for (let i = 0; i < this.stream.window; i++) next()
  }

  private send(qos: Qos, onAck?: () => void): void {
    for (let tries = 0; tries < this.live.length; tries++) {
      const device = this.live[this.cursor++ % this.live.length]
      const connection = device?.connection
      if (!device || !connection || connection.closed || connection.inFlight >= MAX_IN_FLIGHT) continue
      const tail = this.tails[this.cursor % this.tails.length] ?? ''
      const payload = Buffer.from(`${device.bn}${Date.now() / 1000},${tail}`)
      connection.publish(device.readings, payload, qos, qos === 1 ? () => this.acked(onAck) : undefined)
      this.tally.packsSent++
      this.tally.readingsSent += this.stream.packSize
      if (qos === 1) this.tally.qos1Sent++
      return
    }
    this.tally.heldBack += this.stream.packSize
  }

  private acked(then: (() => void) | undefined): void {
    this.tally.qos1Acked++
    then?.()
  }
}
