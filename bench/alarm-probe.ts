import type { Socket } from 'socket.io-client'
import { OFFLINE_WILL_PAYLOAD, deviceTopic, type Alert, type ServerToClientEvents } from '../contract/index.js'
import { LeanMqttConnection } from '../simulators/lean-mqtt-connection.js'
import { TestApi, connectLive } from '../test/helpers/test-platform.js'
import { serveParent } from './child-rpc.js'

/**
 * Presses pendants and times each press to the socket.io `alert` that reports it on a signed-in
 * dashboard: both ends in this one process, on one monotonic clock.
 */
interface Pendant {
  id: string
  topic: Buffer
  connection: LeanMqttConnection
  presses: number
  /** performance.now() of the press not yet seen on the dashboard. */
  pressedAt?: number
  /** Date.now() of that press, to compare with the time the platform says it received it. */
  pressedAtWallMs?: number
}

export interface ProbeResult {
  latenciesMs: number[]
  /**
   * For each press, the part of its latency before the platform received it (the alert's
   * `lastOccurredAt`, to the millisecond): time in the pendant's process, the kernel and the
   * broker's socket queue. The rest is the platform's handling and the way to the dashboard.
   */
  toPlatformMs: number[]
  /** Presses whose alert had not arrived 10 s after the window. */
  missed: number
  /** Presses skipped because that pendant's previous press was still outstanding. */
  skipped: number
}

let pendants = new Map<string, Pendant>()
let live: Socket<ServerToClientEvents> | undefined
let latencies: number[] = []
let toPlatform: number[] = []
let counter = 0

function onAlert(alert: Alert): void {
  const pendant = pendants.get(alert.deviceId)
  if (alert.kind !== 'alarm.pressed' || pendant?.pressedAt === undefined || alert.occurrences < pendant.presses) return
  latencies.push(performance.now() - pendant.pressedAt)
  if (pendant.pressedAtWallMs !== undefined) toPlatform.push(Math.max(0, Date.parse(alert.lastOccurredAt) - pendant.pressedAtWallMs))
  pendant.pressedAt = undefined
}

function press(pendant: Pendant): void {
  const id = `e-probe-${++counter}`
  const payload = Buffer.from(JSON.stringify({ id, type: 'alarm.pressed', ts: Date.now() / 1000, data: {} }))
  pendant.presses++
  pendant.pressedAt = performance.now()
  pendant.pressedAtWallMs = Date.now()
  pendant.connection.publish(pendant.topic, payload, 1)
}

const api = {
  async start(params: { httpUrl: string; mqttPort: number; adminPassword: string; pendants: Array<{ id: string; secret: string }> }): Promise<void> {
    const http = new TestApi(params.httpUrl)
    await http.login('admin', params.adminPassword)
    live = await connectLive(http)
    live.on('alert', onAlert)
    const opened = await Promise.all(
      params.pendants.map(async (p) => {
        const { connection } = await LeanMqttConnection.open({
          host: '127.0.0.1',
          port: params.mqttPort,
          clientId: p.id,
          username: p.id,
          password: p.secret,
          clean: false,
          keepaliveS: 600,
          will: { topic: deviceTopic(p.id, 'status'), payload: Buffer.from(OFFLINE_WILL_PAYLOAD), qos: 1, retain: true },
          timeoutMs: 30_000,
        })
        await connection.subscribe([{ topic: deviceTopic(p.id, 'commands'), qos: 1 }])
        return { id: p.id, topic: Buffer.from(deviceTopic(p.id, 'events')), connection, presses: 0 }
      }),
    )
    pendants = new Map(opened.map((p) => [p.id, p]))
  },

  /** Presses `perSecond` times a second, round robin, for `durationMs`; then waits up to 10 s for the stragglers. */
  async measure(params: { perSecond: number; durationMs: number }): Promise<ProbeResult> {
    latencies = []
    toPlatform = []
    let skipped = 0
    const all = [...pendants.values()]
    let next = 0
    const timer = setInterval(() => {
      const pendant = all[next++ % all.length]
      if (!pendant) return
      if (pendant.pressedAt === undefined) press(pendant)
      else skipped++
    }, 1000 / params.perSecond)
    await new Promise((resolve) => setTimeout(resolve, params.durationMs))
    clearInterval(timer)
    const deadline = performance.now() + 10_000
    while (all.some((p) => p.pressedAt !== undefined) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    const missed = all.filter((p) => p.pressedAt !== undefined).length
    for (const p of all) p.pressedAt = undefined
    return { latenciesMs: latencies, toPlatformMs: toPlatform, missed, skipped }
  },

  async close(): Promise<void> {
    live?.disconnect()
    await Promise.all([...pendants.values()].map((p) => p.connection.end()))
    pendants.clear()
  },
}

export type AlarmProbeApi = typeof api

serveParent(api)
