import { join } from 'node:path'
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Gauge, Registry } from 'prom-client'
import type { ServiceAccount } from '../broker/authorizer.js'
import { createBroker } from '../broker/create-broker.js'
import type { EventRefusal } from '../broker/event-admission.js'
import type { DeviceId } from '../contract/index.js'
import { createDeviceRepository } from '../stores/device-repository.js'
import { openDatabase } from '../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../stores/operational-schema.js'
import { READINGS_LOG_FOLDER, ReadingsLogWriter } from '../stores/readings-log.js'
import type { Config } from './config.js'
import { createLogger } from './logger.js'
import { serviceAddressCheck } from './broker-access.js'
import { PortStream } from './port-stream.js'
import { proxyTrust } from './trusted-proxies.js'

/**
 * The MQTT broker in a thread of its own: parsing, routing and acknowledging the readings of
 * thousands of devices never holds up the event loop that raises alarms and pushes them to
 * responders. The thread keeps the readings log (a reading is on disk before its PUBACK) and reads
 * device credentials from its own connection to the operational database; each device event goes
 * to the platform's thread to be admitted (limits, journal, alerting), and its PUBACK waits for that.
 */
export interface BrokerThreadData extends Pick<Config, 'dataDir' | 'host' | 'maxPacketBytes' | 'connectTimeoutMs' | 'trustProxy' | 'serviceAddresses' | 'tls'> {
  entry: string
  port: number
  services: ServiceAccount[]
  logLevel: string
}

/** Host → thread: requests answered with a reply. */
export type BrokerThreadCall = { id: number; op: 'metrics' | 'close' }
/** Host → thread. */
export type BrokerThreadRequest =
  | BrokerThreadCall
  | { op: 'admitted'; id: number; refusal?: EventRefusal }
  | { op: 'disconnect'; clientId: string }
  | { op: 'secretReplaced'; clientId: string; untilMs: number }
  | { op: 'webSocket'; address: string; port: MessagePort }

/** Thread → host. */
export type BrokerThreadMessage =
  | { type: 'ready'; port: number; tlsPort?: number; logEnd: number }
  | { type: 'failed'; error: string }
  | { type: 'log'; line: string }
  | { type: 'event'; id: number; deviceId: DeviceId; payload: Uint8Array; dup: boolean; receivedAtMs: number }
  | { type: 'durable'; end: number }
  | { type: 'delivered'; deviceId: DeviceId; payload: Uint8Array }
  | { type: 'subscribed'; deviceId: DeviceId; stillQueued: Uint8Array[] }
  | { type: 'reply'; id: number; result?: string; error?: string }

/** The window over which the thread's event-loop delay is reported. */
const LOOP_DELAY_WINDOW_MS = 10_000

const data = workerData as BrokerThreadData
const parent = parentPort
if (!parent) throw new Error('platform/broker-thread.ts runs as a worker thread')
const send = (message: BrokerThreadMessage): void => parent.postMessage(message)

// Log lines go to the platform's logger, which writes them with its own.
const logger = createLogger(data.logLevel, { write: (line: string) => send({ type: 'log', line }) }).child({ component: 'broker' })
const metrics = new Registry()
// How long a packet that arrives may wait for this thread's event loop: what an alarm waits before it is read.
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()
let lastWindow = { p99: 0, max: 0 }
const loopWindow = setInterval(() => {
  lastWindow = { p99: loopDelay.percentile(99) / 1e9, max: loopDelay.max / 1e9 }
  loopDelay.reset()
}, LOOP_DELAY_WINDOW_MS)
loopWindow.unref()
new Gauge({
  name: 'hearth_broker_event_loop_delay_seconds',
  help: `Event-loop delay of the broker's thread over the last complete ${LOOP_DELAY_WINDOW_MS / 1000} s, by quantile (0.99, and 1 for the longest)`,
  labelNames: ['quantile'],
  registers: [metrics],
  collect() {
    this.set({ quantile: '0.99' }, lastWindow.p99)
    this.set({ quantile: '1' }, lastWindow.max)
  },
})
const db = openDatabase(join(data.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
const readingsLog = await ReadingsLogWriter.open(join(data.dataDir, READINGS_LOG_FOLDER))
readingsLog.onDurable((end) => send({ type: 'durable', end }))

let nextAdmission = 1
const admissions = new Map<number, (refusal?: EventRefusal) => void>()
const broker = createBroker(
  {
    host: data.host,
    port: data.port,
    ...(data.tls ? { tls: data.tls } : {}),
    maxPacketBytes: data.maxPacketBytes,
    connectTimeoutMs: data.connectTimeoutMs,
    trustProxy: proxyTrust(data.trustProxy),
    serviceAddresses: serviceAddressCheck(data),
  },
  {
    logger,
    metrics,
    clock: { now: () => Date.now() },
    // This thread only reads the operational database: the platform's thread is its writer.
    credentials: createDeviceRepository(db),
    services: data.services,
    readingsLog,
    admitEvent(deviceId, payload, dup, receivedAtMs, done) {
      const id = nextAdmission++
      admissions.set(id, done)
      // A copy of its own: a view into aedes' read buffer would carry all of it across.
      send({ type: 'event', id, deviceId, payload: new Uint8Array(payload), dup, receivedAtMs })
    },
    commands: {
      delivered: (deviceId, payload) => send({ type: 'delivered', deviceId, payload: new Uint8Array(payload) }),
      subscribed: (deviceId, stillQueued) => send({ type: 'subscribed', deviceId, stillQueued: stillQueued.map((p) => new Uint8Array(p)) }),
    },
  },
)

const close = async (): Promise<void> => {
  clearInterval(loopWindow)
  loopDelay.disable()
  // The broker first: nothing more is acknowledged, and what was is on disk when the log closes.
  await broker.close()
  await readingsLog.close()
  db.close()
}

parent.on('message', (request: BrokerThreadRequest) => {
  if (request.op === 'admitted') {
    const done = admissions.get(request.id)
    admissions.delete(request.id)
    return done?.(request.refusal)
  }
  if (request.op === 'disconnect') return void broker.disconnect(request.clientId)
  if (request.op === 'secretReplaced') return broker.secretReplaced(request.clientId, request.untilMs)
  if (request.op === 'webSocket') return broker.acceptWebSocketStream(new PortStream(request.port), request.address)
  const work: Promise<string | undefined> = request.op === 'metrics' ? metrics.metrics() : close().then(() => undefined)
  work.then(
    (result) => send({ type: 'reply', id: request.id, ...(result === undefined ? {} : { result }) }),
    (error: unknown) => send({ type: 'reply', id: request.id, error: error instanceof Error ? error.message : String(error) }),
  )
})

try {
  await broker.start()
  const tlsPort = broker.tlsPort()
  send({ type: 'ready', port: broker.port(), ...(tlsPort === undefined ? {} : { tlsPort }), logEnd: readingsLog.end() })
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? error.message : String(error) })
}
