import { deviceTopic } from '../contract/index.js'
import type { ChaosDevice } from './chaos-device.js'

/** What a wearable sent: reading `seq` (1, 2, …) is dated `atMs[seq - 1]`, with `seq` as its value. */
export interface WearableLog {
  atMs: number[]
  acked: Uint8Array
  ackedCount: number
  /** Readings whose pack was sent again (DUP) after a reconnect. */
  resent: Set<number>
}

/** How the wearables send (the fleet's `FleetConfig` holds these). */
interface ReadingsPlan {
  wearables: readonly { id: string }[]
  /** Readings a second across the wearables. */
  readingsPerSecond: number
  /** SenML records per pack (one publish). */
  packSize: number
}

/**
 * The fleet's wearables sending readings at a steady rate, each its share in packs of SenML
 * `steps` records, at its own phase. Every reading has its own time and its sequence number as its
 * value, and every acknowledgement and resend is recorded against it, so what was stored can be
 * checked reading by reading.
 */
export class Wearables {
  readonly logs = new Map<string, WearableLog>()
  private startedMs = 0
  private readonly packsSent = new Map<string, number>()

  constructor(
    private readonly devices: ReadonlyMap<string, ChaosDevice>,
    private readonly plan: ReadingsPlan,
  ) {
    for (const w of plan.wearables) this.logs.set(w.id, { atMs: [], acked: new Uint8Array(1024), ackedCount: 0, resent: new Set() })
  }

  /** The rate counts from now. */
  start(): void {
    this.startedMs = performance.now()
  }

  /** Sends every pack due by now. */
  turn(): void {
    const elapsedS = (performance.now() - this.startedMs) / 1000
    const wearables = this.plan.wearables
    const packsPerDevice = this.plan.readingsPerSecond / this.plan.packSize / Math.max(1, wearables.length)
    wearables.forEach((w, i) => {
      // Each device's packs at its own phase, so they do not all leave on the same tick.
      const due = Math.floor(packsPerDevice * elapsedS + i / wearables.length)
      let sent = this.packsSent.get(w.id) ?? 0
      for (; sent < due; sent++) this.sendPack(w.id)
      this.packsSent.set(w.id, sent)
    })
  }

  private sendPack(deviceId: string): void {
    const device = this.devices.get(deviceId)
    const log = this.logs.get(deviceId)
    if (!device || !log) return
    const records: string[] = []
    const first = log.atMs.length
    let baseMs = 0
    for (let k = 0; k < this.plan.packSize; k++) {
      // Every reading of a device has its own time, a millisecond after the one before at least.
      const atMs = Math.max(Date.now(), (log.atMs.at(-1) ?? 0) + 1)
      log.atMs.push(atMs)
      const seq = log.atMs.length
      if (k === 0) {
        baseMs = atMs
        records.push(`{"bn":"urn:dev:hearth:${deviceId}:","bt":${atMs / 1000},"n":"steps","u":"count","v":${seq}}`)
      } else {
        records.push(`{"n":"steps","u":"count","v":${seq},"t":${(atMs - baseMs) / 1000}}`)
      }
    }
    if (log.acked.length < log.atMs.length) {
      const grown = new Uint8Array(log.acked.length * 2 + this.plan.packSize)
      grown.set(log.acked)
      log.acked = grown
    }
    const last = log.atMs.length
    device.publish(
      Buffer.from(deviceTopic(deviceId, 'readings')),
      Buffer.from(`[${records.join(',')}]`),
      () => {
        for (let i = first; i < last; i++) log.acked[i] = 1
        log.ackedCount += last - first
      },
      {
        onResend: () => {
          for (let i = first; i < last; i++) log.resent.add(i + 1)
        },
      },
    )
  }
}
