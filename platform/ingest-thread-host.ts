import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Clock, HealthReport, JudgedTelemetry, Service } from '../contract/index.js'
import { createIngest } from '../ingest/create-ingest.js'
import type { DeviceDirectory } from '../ingest/ports.js'
import { serviceConnector } from './connect-service-client.js'
import { READINGS_LOG_FOLDER } from '../stores/readings-log.js'
import { ReadingsLogReader } from '../stores/readings-log-reader.js'
import { openReadingsStore } from './readings-store-factory.js'
import { moduleExtension, threadExecArgv } from './thread-entry.js'
import { relogFrom } from './thread-log.js'
import type { IngestThreadCall, IngestThreadData, IngestThreadMessage, IngestThreadRequest } from './ingest-thread.js'

export interface IngestRunner extends Service {
  /** Health of ingest and of the store it writes to. */
  health(): Promise<HealthReport[]>
  /** The thread's metrics in the Prometheus text format, for /metrics. */
  metricsText(): Promise<string>
  /** Writes what ingest has buffered. */
  flush(): Promise<void>
  /** A device moved to another person or was deprovisioned: its next readings are the new person's, or refused. */
  deviceChanged(deviceId: string): void
}

const RESTART_DELAY_MS = 1000
const CLOSE_TIMEOUT_MS = 15_000
const DEVICE_WRITE_INTERVAL_MS = 1000
/** Devices whose last-seen time is written in one turn of the event loop. */
const SEEN_WRITE_SLICE = 500

/** Runs platform/ingest-thread.ts in a worker thread, restarts it if it dies, and relays its logs, health and metrics. */
/** The broker's side of the readings log, as ingest's host needs it: how far it is on disk, and when that moves. */
export interface ReadingsLogEnd {
  end(): number
  onDurable(listener: (end: number) => void): void
}

export function createIngestThread(
  data: Omit<IngestThreadData, 'entry'>,
  deps: { logger: Logger; log: ReadingsLogEnd; devices: Pick<DeviceDirectory, 'recordSeen' | 'recordStatuses'>; onTelemetry: (items: JudgedTelemetry[]) => void },
): IngestRunner {
  const logger = deps.logger
  let worker: Worker | undefined
  let closing: Promise<void> | undefined
  let nextId = 1
  const waiting = new Map<number, { resolve: (result: string | undefined) => void; reject: (error: Error) => void }>()
  let stopped: HealthReport = { component: 'ingest', ok: false, detail: 'starting' }

  const relog = relogFrom(logger, 'ingest')

  /**
   * The thread's device writes (last seen, status), made here: the platform's thread is the
   * operational database's only writer. Gathered and written once a second, in one transaction.
   */
  let seen = new Map<string, number>()
  let statuses: Parameters<DeviceDirectory['recordStatuses']>[0][number][] = []
  const record = (message: Extract<IngestThreadMessage, { type: 'seen' | 'statuses' }>): void => {
    if (message.type === 'seen') for (const [deviceId, atMs] of message.seen) seen.set(deviceId, Math.max(atMs, seen.get(deviceId) ?? 0))
    else statuses.push(...message.statuses)
  }
  const writeDevices = (slice = SEEN_WRITE_SLICE): void => {
    const [seenNow, statusesNow] = [seen, statuses]
    seen = new Map()
    statuses = []
    try {
      if (statusesNow.length > 0) deps.devices.recordStatuses(statusesNow)
    } catch (error) {
      logger.error({ err: error, component: 'ingest' }, 'could not record device status')
    }
    if (seenNow.size > 0) writeSeen([...seenNow], slice)
  }
  /**
   * Last seen, a slice of devices per turn of the event loop: thousands of devices in one write
   * would hold an alarm up for as long as it takes.
   */
  const writeSeen = (entries: Array<[string, number]>, slice: number): void => {
    try {
      deps.devices.recordSeen(new Map(entries.splice(0, slice)))
    } catch (error) {
      logger.error({ err: error, component: 'ingest' }, 'could not record device last-seen')
    }
    if (entries.length > 0) setImmediate(writeSeen, entries, slice)
  }
  deps.log.onDurable((end) => worker?.postMessage({ op: 'log', end } satisfies IngestThreadRequest))
  const deviceWriter = setInterval(() => writeDevices(), DEVICE_WRITE_INTERVAL_MS)
  deviceWriter.unref()

  const judge = (items: JudgedTelemetry[]): void => {
    try {
      deps.onTelemetry(items)
    } catch (error) {
      logger.error({ err: error, component: 'alerting' }, 'rules could not judge telemetry')
    }
  }

  const request = (op: IngestThreadCall['op'], timeoutMs = 30_000): Promise<string | undefined> => {
    const current = worker
    if (!current) return Promise.reject(new Error('the ingest thread is not running'))
    const id = nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error(`the ingest thread did not answer ${op} within ${timeoutMs} ms`))
      }, timeoutMs)
      waiting.set(id, {
        resolve: (result) => {
          clearTimeout(timer)
          resolve(result)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      current.postMessage({ id, op } satisfies IngestThreadRequest)
    })
  }

  /** Starts the thread; resolves once it is connected and subscribed. */
  const spawn = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const entry = new URL(`./ingest-thread${moduleExtension}`, import.meta.url).href
      // A profiler's flags only: the platform's others (a test runner's) are not the thread's.
      const thread = new Worker(new URL('./thread-boot.mjs', import.meta.url), { workerData: { ...data, entry } satisfies IngestThreadData, execArgv: threadExecArgv })
      worker = thread
      // Ingest reads the log up to what is on disk; from here on it is told each time that moves.
      thread.postMessage({ op: 'log', end: deps.log.end() } satisfies IngestThreadRequest)
      let started = false
      thread.on('message', (message: IngestThreadMessage) => {
        if (message.type === 'log') relog(message.line)
        else if (message.type === 'seen' || message.type === 'statuses') record(message)
        else if (message.type === 'telemetry') judge(JSON.parse(message.items) as JudgedTelemetry[])
        else if (message.type === 'ready') {
          started = true
          resolve()
        } else if (message.type === 'failed') reject(new Error(`ingest could not start: ${message.error}`))
        else {
          const waiter = waiting.get(message.id)
          waiting.delete(message.id)
          if (message.error !== undefined) waiter?.reject(new Error(message.error))
          else waiter?.resolve(message.result)
        }
      })
      thread.on('error', (error) => logger.error({ err: error, component: 'ingest' }, 'ingest thread failed'))
      thread.on('exit', (code) => {
        if (worker === thread) worker = undefined
        for (const waiter of waiting.values()) waiter.reject(new Error('the ingest thread exited'))
        waiting.clear()
        stopped = { component: 'ingest', ok: false, detail: `stopped (exit ${code})` }
        if (!started) return reject(new Error(`the ingest thread exited (${code}) before it was ready`))
        if (closing) return
        // Readings the thread had taken but not yet written are lost with it; devices resend QoS 1 packs it had not acknowledged.
        logger.error({ component: 'ingest', code }, `ingest thread stopped; restarting in ${RESTART_DELAY_MS} ms`)
        setTimeout(() => {
          if (!closing) spawn().catch((error: unknown) => logger.error({ err: error, component: 'ingest' }, 'ingest thread did not restart'))
        }, RESTART_DELAY_MS).unref()
      })
    })

  return {
    start: spawn,
    async health() {
      if (!worker) return [stopped]
      try {
        return JSON.parse((await request('health', 2000)) ?? '[]') as HealthReport[]
      } catch (error) {
        return [{ component: 'ingest', ok: false, detail: error instanceof Error ? error.message : String(error) }]
      }
    },
    async metricsText() {
      return worker ? ((await request('metrics', 5000)) ?? '') : ''
    },
    async flush() {
      await request('flush')
    },
    deviceChanged(deviceId) {
      worker?.postMessage({ op: 'deviceChanged', deviceId } satisfies IngestThreadRequest)
    },
    close() {
      closing ??= (async () => {
        const thread = worker
        if (thread) {
          const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()))
          try {
            await request('close', CLOSE_TIMEOUT_MS)
          } catch (error) {
            logger.error({ err: error, component: 'ingest' }, 'ingest thread did not close cleanly')
          }
          await thread.terminate()
          await exited
        }
        clearInterval(deviceWriter)
        // All at once at the end: the stores close next.
        writeDevices(Number.POSITIVE_INFINITY)
      })()
      return closing
    },
  }
}

/**
 * Ingest on the platform's own event loop, for a platform run on a clock of its own (accelerated
 * scenarios, tests on a manual clock): that clock cannot cross into a thread. Telemetry reaches
 * the rules by the same route as from the thread: what ingest checked, handed on.
 */
export function createIngestInProcess(
  data: Omit<IngestThreadData, 'entry'>,
  deps: { logger: Logger; metrics: Registry; clock: Clock; log: ReadingsLogEnd; devices: DeviceDirectory; onTelemetry: (items: JudgedTelemetry[]) => void },
): IngestRunner {
  const log = deps.logger.child({ component: 'ingest' })
  const readings = openReadingsStore(data.store, 'writer', log, deps.metrics)
  const reader = new ReadingsLogReader(join(data.store.dataDir, READINGS_LOG_FOLDER))
  const ingest = createIngest(data.ingest, {
    logger: log,
    metrics: deps.metrics,
    clock: deps.clock,
    devices: deps.devices,
    connect: serviceConnector(data.mqttUrl, data.username, data.password),
    log: reader,
    readings,
    // What ingest checked goes to the rules as from the thread, only without the batching a thread needs.
    forward: (item) => deps.onTelemetry([item]),
  })
  deps.log.onDurable((end) => ingest.logDurable(end))
  return {
    async start() {
      await readings.start()
      ingest.logDurable(deps.log.end())
      await ingest.start()
    },
    health: () => Promise.resolve([ingest.health(), readings.health()]),
    metricsText: () => Promise.resolve(''),
    flush: () => ingest.flush(),
    // Looked up for every message here: nothing to forget.
    deviceChanged: () => undefined,
    async close() {
      await ingest.close()
      await readings.close()
      reader.close()
    },
  }
}
