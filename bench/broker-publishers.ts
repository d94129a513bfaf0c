import { deviceTopic } from '../contract/index.js'
import { LeanMqttConnection } from '../simulators/lean-mqtt-connection.js'
import { serveParent } from './child-rpc.js'
import type { Credentials } from './provision-fleet.js'

/**
 * Broker-only load: publishers at QoS 1 to their own readings topics. Each payload starts with
 * the send time on the system's monotonic clock (process.hrtime, the same in every process), so
 * the subscriber process can time delivery.
 */
interface Publisher {
  topic: Buffer
  connection: LeanMqttConnection
}

export const PAYLOAD_BYTES = 200
const MAX_IN_FLIGHT = 8
const TICK_MS = 5

let publishers: Publisher[] = []
let cursor = 0
const tally = { sent: 0, acked: 0, heldBack: 0 }

function payload(): Buffer {
  const bytes = Buffer.alloc(PAYLOAD_BYTES, 0x20)
  bytes.writeBigUInt64BE(process.hrtime.bigint(), 0)
  return bytes
}

/** Sends one message from the next publisher with room in its window; false when none has room. */
function sendOne(onAck?: () => void): boolean {
  for (let tries = 0; tries < publishers.length; tries++) {
    const p = publishers[cursor++ % publishers.length]
    if (!p || p.connection.closed || p.connection.inFlight >= MAX_IN_FLIGHT) continue
    tally.sent++
    p.connection.publish(p.topic, payload(), 1, () => {
      tally.acked++
      onAck?.()
    })
    return true
  }
  tally.heldBack++
  return false
}

const api = {
  async connect(params: { port: number; devices: Credentials[]; perTick: number }): Promise<number> {
    for (let at = 0; at < params.devices.length; at += params.perTick) {
      const opened = await Promise.all(
        params.devices.slice(at, at + params.perTick).map(async (d) => {
          const { connection } = await LeanMqttConnection.open({ host: '127.0.0.1', port: params.port, clientId: d.id, username: d.id, password: d.secret, clean: false, keepaliveS: 300, timeoutMs: 30_000 })
          return { topic: Buffer.from(deviceTopic(d.id, 'readings')), connection }
        }),
      )
      publishers.push(...opened)
    }
    return publishers.length
  },

  /** `perSecond` messages a second for `durationMs` (open loop). */
  async paced(params: { perSecond: number; durationMs: number }): Promise<typeof tally> {
    const started = performance.now()
    let sent = 0
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - started
        if (elapsed >= params.durationMs) {
          clearInterval(timer)
          return resolve()
        }
        for (const due = Math.floor((params.perSecond * elapsed) / 1000); sent < due; sent++) sendOne()
      }, TICK_MS)
    })
    return { ...tally }
  },

  /** Saturation: keeps `window` messages in flight, the next sent on each PUBACK, for `durationMs`. */
  async saturate(params: { window: number; durationMs: number }): Promise<typeof tally> {
    const stopAt = performance.now() + params.durationMs
    const next = (): void => {
      if (performance.now() < stopAt) sendOne(next)
    }
    for (let i = 0; i < params.window; i++) next()
    await new Promise((resolve) => setTimeout(resolve, params.durationMs))
    return { ...tally }
  },

  tally: () => ({ ...tally }),

  async close(): Promise<void> {
    await Promise.all(publishers.map((p) => p.connection.end()))
    publishers = []
  },
}

export type BrokerPublishersApi = typeof api

serveParent(api)
