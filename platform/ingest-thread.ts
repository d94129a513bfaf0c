import { parentPort, workerData } from 'node:worker_threads'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { createIngest, type IngestConfig } from '../ingest/create-ingest.js'
import type { DeviceDirectory } from '../ingest/ports.js'
import type { JudgedTelemetry } from '../contract/index.js'
import { createDeviceRepository } from '../stores/device-repository.js'
import { openDatabase } from '../stores/open-database.js'
import { OPERATIONAL_MIGRATIONS } from '../stores/operational-schema.js'
import { serviceConnector } from './connect-service-client.js'
import { createLogger } from './logger.js'
import { READINGS_LOG_FOLDER } from '../stores/readings-log.js'
import { ReadingsLogReader } from '../stores/readings-log-reader.js'
import { openReadingsStore, type ReadingsStoreConfig } from './readings-store-factory.js'

/**
 * The ingest service in a thread of its own: parsing, checking and storing readings never holds
 * up the event loop that carries alarms to responders. It has its own broker connection, its own
 * connections to the databases, and its own metrics, which the platform serves on /metrics.
 */
export interface IngestThreadData {
  entry: string
  store: ReadingsStoreConfig
  ingest: IngestConfig
  mqttUrl: string
  username: string
  password: string
  logLevel: string
}

/** Host → thread: requests answered with a reply, and how far the readings log is on disk. */
export type IngestThreadCall = { id: number; op: 'metrics' | 'health' | 'flush' | 'close' }
export type IngestThreadRequest =
  | IngestThreadCall
  | { op: 'log'; end: number }
  /** A device moved to another person or was deprovisioned: whose it is must be looked up again. */
  | { op: 'deviceChanged'; deviceId: string }

/** Thread → host. */
export type IngestThreadMessage =
  | { type: 'ready' }
  | { type: 'failed'; error: string }
  | { type: 'log'; line: string }
  | { type: 'seen'; seen: Array<[string, number]> }
  /** JSON of JudgedTelemetry[]: a string crosses threads far cheaper than a structured clone of many small objects. */
  | { type: 'telemetry'; items: string }
  | { type: 'statuses'; statuses: Parameters<DeviceDirectory['recordStatuses']>[0] }
  | { type: 'reply'; id: number; result?: string; error?: string }

/** How long checked telemetry may wait for the rules: a batch every 20 ms. */
const FORWARD_INTERVAL_MS = 20

const data = workerData as IngestThreadData
const port = parentPort
if (!port) throw new Error('platform/ingest-thread.ts runs as a worker thread')
const send = (message: IngestThreadMessage): void => port.postMessage(message)

// Log lines go to the platform's logger, which writes them with its own.
const logger = createLogger(data.logLevel, { write: (line: string) => send({ type: 'log', line }) }).child({ component: 'ingest' })
const metrics = new Registry()
const db = openDatabase(join(data.store.dataDir, 'hearth.db'), OPERATIONAL_MIGRATIONS, { synchronous: 'NORMAL' })
const repository = createDeviceRepository(db)
// This thread only reads the operational database. Its writes (last seen, status) go to the
// platform's thread: a second writer there would make alarms wait for its write lock.
// Whose each device is, looked up once rather than for every message; forgotten when the device
// moves or is deprovisioned. Unknown devices are not remembered: one may be provisioned next.
const people = new Map<string, string>()
const devices: DeviceDirectory = {
  personOf(deviceId) {
    const known = people.get(deviceId)
    if (known !== undefined) return known
    const personId = repository.personOf(deviceId)
    if (personId !== undefined) people.set(deviceId, personId)
    return personId
  },
  recordSeen: (seen) => send({ type: 'seen', seen: [...seen] }),
  recordStatuses: (statuses) => send({ type: 'statuses', statuses: [...statuses] }),
}
const readings = openReadingsStore(data.store, 'writer', logger, metrics)
const readingsLog = new ReadingsLogReader(join(data.store.dataDir, READINGS_LOG_FOLDER))
// What ingest checked goes on to the rules in small batches: one message per item would cost the
// platform's thread more than reading it from the broker did.
let telemetry: JudgedTelemetry[] = []
const forward = (): void => {
  if (telemetry.length === 0) return
  send({ type: 'telemetry', items: JSON.stringify(telemetry) })
  telemetry = []
}
const forwardTimer = setInterval(forward, FORWARD_INTERVAL_MS)

const ingest = createIngest(data.ingest, {
  logger,
  metrics,
  clock: { now: () => Date.now() },
  connect: serviceConnector(data.mqttUrl, data.username, data.password),
  log: readingsLog,
  readings,
  devices,
  forward: (item) => telemetry.push(item),
})

const close = async (): Promise<void> => {
  clearInterval(forwardTimer)
  await ingest.close()
  forward()
  await readings.close()
  readingsLog.close()
  db.close()
}

port.on('message', (request: IngestThreadRequest) => {
  if (request.op === 'log') return ingest.logDurable(request.end)
  if (request.op === 'deviceChanged') return void people.delete(request.deviceId)
  const work: Promise<string | undefined> =
    request.op === 'metrics'
      ? metrics.metrics()
      : request.op === 'health'
        ? Promise.resolve(JSON.stringify([ingest.health(), readings.health()]))
        : request.op === 'flush'
          ? ingest.flush().then(() => undefined)
          : close().then(() => undefined)
  work.then(
    (result) => send({ type: 'reply', id: request.id, ...(result === undefined ? {} : { result }) }),
    (error: unknown) => send({ type: 'reply', id: request.id, error: error instanceof Error ? error.message : String(error) }),
  )
})

try {
  await readings.start()
  await ingest.start()
  send({ type: 'ready' })
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? error.message : String(error) })
}
