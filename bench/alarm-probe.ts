import { io, type Socket } from 'socket.io-client'
import { OFFLINE_WILL_PAYLOAD, deviceTopic, type Alert } from '../contract/index.js'
import { LeanMqttConnection } from '../simulators/lean-mqtt-connection.js'
import { TestApi, connectLive } from '../harness/test-platform.js'
import { serveParent } from './child-rpc.js'
import type { ProbeConnection } from './load-target.js'
import type { ReferenceAlert } from './reference/reference-alerting.js'

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
  /** The id of that press's event, which the reference pipeline's alert carries. */
  eventId?: string
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
  /** Dashboard reads of the pendants' people's records and timelines made meanwhile (each one audited), and how long each took. */
  readsMs: number[]
  /** Reads that failed or were still outstanding when the next was due. */
  readsFailed: number
}

let pendants = new Map<string, Pendant>()
/** The fields of an `alert` the probe reads: Hearth's and the reference pipeline's both carry them. */
type TimedAlert = Pick<Alert, 'deviceId' | 'kind' | 'occurrences' | 'lastOccurredAt'> | ReferenceAlert

let live: Socket | undefined
let http: TestApi | undefined
/** The pendants' people, whose records the dashboard reads while alarms are timed. */
let personIds: string[] = []
let latencies: number[] = []
let toPlatform: number[] = []
let counter = 0

function onAlert(alert: TimedAlert): void {
  const pendant = pendants.get(alert.deviceId)
  if (alert.kind !== 'alarm.pressed' || pendant?.pressedAt === undefined || alert.occurrences < pendant.presses) return
  if ('eventId' in alert && alert.eventId !== pendant.eventId) return
  latencies.push(performance.now() - pendant.pressedAt)
  if (pendant.pressedAtWallMs !== undefined) toPlatform.push(Math.max(0, Date.parse(alert.lastOccurredAt) - pendant.pressedAtWallMs))
  pendant.pressedAt = undefined
}

function press(pendant: Pendant): void {
  const id = `e-probe-${++counter}`
  const payload = Buffer.from(JSON.stringify({ id, type: 'alarm.pressed', ts: Date.now() / 1000, data: {} }))
  pendant.presses++
  pendant.eventId = id
  pendant.pressedAt = performance.now()
  pendant.pressedAtWallMs = Date.now()
  pendant.connection.publish(pendant.topic, payload, 1)
}

/** Reads records and timelines of the pendants' people, alternately, at a steady rate. */
function readLoad(perSecond: number): { stop(): Promise<{ readsMs: number[]; readsFailed: number }> } {
  const readsMs: number[] = []
  let readsFailed = 0
  let next = 0
  let inFlight = 0
  const pending = new Set<Promise<void>>()
  const read = async (): Promise<void> => {
    const personId = personIds[next % personIds.length]
    const path = next++ % 2 === 0 ? `/api/persons/${personId}` : `/api/persons/${personId}/timeline?limit=50`
    const started = performance.now()
    inFlight++
    try {
      const { status } = await (http as TestApi).request('GET', path)
      if (status === 200) readsMs.push(performance.now() - started)
      else readsFailed++
    } catch {
      readsFailed++
    } finally {
      inFlight--
    }
  }
  const timer =
    perSecond > 0 && personIds.length > 0
      ? setInterval(() => {
          if (inFlight >= 8) return void readsFailed++
          const p = read()
          pending.add(p)
          void p.finally(() => pending.delete(p))
        }, 1000 / perSecond)
      : undefined
  return {
    async stop() {
      clearInterval(timer)
      await Promise.all(pending)
      return { readsMs, readsFailed }
    },
  }
}

async function connectReference(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

const api = {
  /** Hearth: the admin signs in to the dashboard. The reference: its socket.io needs no sign-in and serves no records to read. */
  async start(params: { target: ProbeConnection; mqttPort: number; pendants: Array<{ id: string; secret: string }> }): Promise<void> {
    if (params.target.kind === 'hearth') {
      http = new TestApi(params.target.httpUrl)
      await http.login('admin', params.target.adminPassword)
      live = await connectLive(http)
      const signedIn = http
      personIds = await Promise.all(params.pendants.slice(0, 20).map(async (p) => ((await signedIn.request('GET', `/api/devices/${p.id}`)).body as { personId: string }).personId))
    } else {
      live = await connectReference(params.target.alertUrl)
    }
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

  /**
   * Presses `perSecond` times a second, round robin, for `durationMs`; then waits up to 10 s for
   * the stragglers. Meanwhile the signed-in dashboard opens `readsPerSecond` records and timelines,
   * each of which the platform writes to its audit log, as responders and clinicians do.
   */
  async measure(params: { perSecond: number; durationMs: number; readsPerSecond: number }): Promise<ProbeResult> {
    latencies = []
    toPlatform = []
    let skipped = 0
    const reads = readLoad(params.readsPerSecond)
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
    const { readsMs, readsFailed } = await reads.stop()
    const deadline = performance.now() + 10_000
    while (all.some((p) => p.pressedAt !== undefined) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    const missed = all.filter((p) => p.pressedAt !== undefined).length
    for (const p of all) p.pressedAt = undefined
    return { latenciesMs: latencies, toPlatformMs: toPlatform, missed, skipped, readsMs, readsFailed }
  },

  async close(): Promise<void> {
    live?.disconnect()
    await Promise.all([...pendants.values()].map((p) => p.connection.end()))
    pendants.clear()
  },
}

export type AlarmProbeApi = typeof api

serveParent(api)
