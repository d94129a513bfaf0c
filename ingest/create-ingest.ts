import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { Counter, Gauge, type Registry } from 'prom-client'
import {
  allDevicesTopic,
  deviceTopic,
  isDeviceId,
  judgeSenmlPack,
  parseDeviceStatus,
  parseDeviceTopic,
  type Clock,
  type DeviceErrorMessage,
  type DeviceId,
  type DeviceStatus,
  type HealthReport,
  type JudgedTelemetry,
  type Service,
} from '../contract/index.js'
import type { DeviceDirectory, IngestReading, MqttConnector, ReadingsLogSource, ReadingsSink } from './ports.js'
import { createReadingsClock } from './readings-clock.js'

export interface IngestConfig {
  flushIntervalMs: number
  maxBatch: number
  /** Readings held in memory while the store refuses; beyond this ingest stops reading the log (which keeps the rest). */
  maxPending: number
}

export interface IngestDeps {
  logger: Logger
  metrics: Registry
  clock: Clock
  /** Connects this service to the broker with its own credentials (status check-ins, answers on errors topics). */
  connect: MqttConnector
  /** The readings the broker logged before acknowledging them: ingest's source of readings. */
  log: ReadingsLogSource
  readings: ReadingsSink
  devices: DeviceDirectory
  /** Passes what was checked on to the rules, so that they need not read it from the broker again. */
  forward?: (item: JudgedTelemetry) => void
}

export interface Ingest extends Service {
  health(): HealthReport
  /** The broker's log is on disk up to `end`: read on to there. */
  logDurable(end: number): void
  /** Reads the log as far as it is known to be on disk and writes what is buffered (used on close and by tests that need a settled store). */
  flush(): Promise<void>
}

/** Log bytes read at a time: one chunk of readings, judged in one go. */
const READ_BYTES = 256 * 1024

/** Readings judged from the log, and the log position just after the last record they came from. */
interface Chunk {
  readings: IngestReading[]
  upTo: number
}

export function createIngest(config: IngestConfig, deps: IngestDeps): Ingest {
  const log = deps.logger
  const accepted = new Counter({ name: 'hearth_readings_accepted_total', help: 'SenML records accepted', registers: [deps.metrics] })
  const refused = new Counter({
    name: 'hearth_readings_refused_total',
    help: 'SenML records (or whole payloads) refused, by reason',
    labelNames: ['code'],
    registers: [deps.metrics],
  })
  const written = new Counter({ name: 'hearth_readings_written_total', help: 'Readings written to the store', registers: [deps.metrics] })
  const writeErrors = new Counter({ name: 'hearth_readings_write_errors_total', help: 'Failed batch writes', registers: [deps.metrics] })
  const statusRefused = new Counter({ name: 'hearth_status_refused_total', help: 'Status messages refused', registers: [deps.metrics] })
  let behind = 0
  new Gauge({
    name: 'hearth_readings_log_behind_bytes',
    help: 'Bytes of the readings log on disk that ingest has not yet stored',
    registers: [deps.metrics],
    collect() {
      this.set(behind)
    },
  })

  let client: MqttClient | undefined
  let timer: NodeJS.Timeout | undefined
  /** Judged readings not yet written, in log order. */
  let chunks: Chunk[] = []
  let pendingCount = 0
  /** How far the broker's log is on disk; where ingest reads next; how far the store has it. */
  let logEnd = 0
  let readAt = 0
  let storedUpTo = 0
  let seen = new Map<string, number>()
  let statuses: Array<{ deviceId: DeviceId; status: DeviceStatus; atMs: number }> = []
  let closing: Promise<void> | undefined
  let started = false

  const tellDevice = (deviceId: DeviceId, message: DeviceErrorMessage): void => {
    client?.publish(deviceTopic(deviceId, 'errors'), JSON.stringify(message), { qos: 0 })
  }

  let writing: Promise<void> | undefined

  /** Writes what is buffered with the log position it reaches; one write at a time, so batches reach the store in order. */
  const writePending = async (): Promise<void> => {
    while (chunks.length > 0) {
      let taken = 0
      let count = 0
      while (taken < chunks.length && (taken === 0 || count + (chunks[taken] as Chunk).readings.length <= config.maxBatch)) {
        count += (chunks[taken] as Chunk).readings.length
        taken++
      }
      const batchChunks = chunks.slice(0, taken)
      const batch = batchChunks.length === 1 ? (batchChunks[0] as Chunk).readings : batchChunks.flatMap((c) => c.readings)
      const upTo = (batchChunks.at(-1) as Chunk).upTo
      try {
        await deps.readings.writeBatch(batch, upTo)
      } catch (error) {
        writeErrors.inc()
        log.error({ err: error, batch: batch.length }, 'readings write failed; will retry (the readings log keeps them)')
        return
      }
      written.inc(batch.length)
      chunks = chunks.slice(taken)
      pendingCount -= batch.length
      storedUpTo = upTo
      behind = logEnd - storedUpTo
      try {
        deps.log.release(storedUpTo)
      } catch (error) {
        log.warn({ err: error }, 'could not remove a readings log segment already stored')
      }
      // Reading stopped while the store was away and the buffer full: go on.
      if (readAt < logEnd) schedulePump()
    }
  }

  const writeStatusesAndSeen = (): void => {
    if (statuses.length > 0) {
      const batch = statuses
      statuses = []
      try {
        deps.devices.recordStatuses(batch)
      } catch (error) {
        log.error({ err: error, statuses: batch.length }, 'could not record device status')
      }
    }
    if (seen.size > 0) {
      const batch = seen
      seen = new Map()
      try {
        deps.devices.recordSeen(batch)
      } catch (error) {
        log.error({ err: error }, 'could not record device last-seen')
      }
    }
  }

  const readingsNow = createReadingsClock()

  /** Judges one logged readings message; its good records join `into`. */
  const onReadings = (deviceId: DeviceId, payload: Buffer, receivedAtMs: number, into: IngestReading[]): void => {
    const personId = deps.devices.personOf(deviceId)
    if (personId === undefined) {
      log.warn({ deviceId }, 'readings from a device that is no longer provisioned')
      return
    }
    seen.set(deviceId, Math.max(receivedAtMs, seen.get(deviceId) ?? 0))
    const verdict = judgeSenmlPack(payload, readingsNow(receivedAtMs))
    for (const r of verdict.readings) into.push({ ...r, personId, deviceId, receivedAtMs })
    deps.forward?.({ kind: 'readings', deviceId, personId, readings: verdict.readings, receivedAtMs })
    accepted.inc(verdict.readings.length)
    if (verdict.refusals.length > 0) {
      for (const r of verdict.refusals) refused.inc({ code: r.code })
      // Codes and names only: refusal messages carry the values, which are health data.
      const reasons = verdict.refusals.map((r) => `${r.index}:${r.name ?? ''}:${r.code}`)
      log.info({ deviceId, refused: verdict.refusals.length, accepted: verdict.readings.length, reasons }, 'readings refused')
      tellDevice(deviceId, {
        topic: 'readings',
        receivedAt: new Date(receivedAtMs).toISOString(),
        accepted: verdict.readings.length,
        refused: verdict.refusals,
      })
    }
  }

  /**
   * Reads and judges the log up to its durable end, a chunk at a time, yielding to the event loop
   * between chunks; stops while the buffer is full (the store away), the log keeping the rest.
   */
  let pumping = false
  const pump = (): void => {
    pumping = false
    if (!started) return
    if (readAt >= logEnd || pendingCount >= config.maxPending) return
    let next: number
    const readings: IngestReading[] = []
    try {
      const read = deps.log.read(readAt, logEnd, READ_BYTES)
      next = read.next
      for (const record of read.records) {
        if (!isDeviceId(record.deviceId)) continue
        try {
          onReadings(record.deviceId, record.payload, record.receivedAtMs, readings)
        } catch (error) {
          log.error({ err: error, deviceId: record.deviceId }, 'ingest failed to handle a readings message')
        }
      }
    } catch (error) {
      log.error({ err: error, at: readAt }, 'could not read the readings log; will retry')
      return
    }
    if (next === readAt) return
    readAt = next
    chunks.push({ readings, upTo: readAt })
    pendingCount += readings.length
    behind = logEnd - storedUpTo
    if (pendingCount >= config.maxBatch) void flush()
    if (readAt < logEnd) schedulePump()
  }
  const schedulePump = (): void => {
    if (pumping) return
    pumping = true
    setImmediate(pump)
  }

  /** Reads all the log known to be on disk now, synchronously (close and flush). */
  const drainLog = (): void => {
    for (let guard = 0; started && readAt < logEnd && pendingCount < config.maxPending && guard < 1_000_000; guard++) {
      const before = readAt
      pump()
      if (readAt === before) break
    }
  }

  const flush = (): Promise<void> => {
    drainLog()
    writing ??= writePending().finally(() => {
      writing = undefined
    })
    writeStatusesAndSeen()
    return writing
  }

  const onStatus = (deviceId: DeviceId, payload: Buffer, receivedAtMs: number): void => {
    const verdict = parseDeviceStatus(payload)
    if (!verdict.ok) {
      statusRefused.inc()
      log.info({ deviceId, problems: verdict.problems }, 'status refused')
      tellDevice(deviceId, {
        topic: 'status',
        receivedAt: new Date(receivedAtMs).toISOString(),
        refused: verdict.problems.map((p) => ({ code: 'invalid', message: `${p.field}: ${p.message}` })),
      })
      return
    }
    // Written with the next batch (every flush interval): a fleet reconnecting at once sends thousands.
    statuses.push({ deviceId, status: verdict.status, atMs: receivedAtMs })
    deps.forward?.({ kind: 'status', deviceId, status: verdict.status, receivedAtMs })
  }

  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }): void => {
    const parsed = parseDeviceTopic(topic)
    // A retained status replayed on (re)subscribing is old news, not a check-in: it was kept when it arrived.
    if (!parsed || packet.retain) return
    const receivedAtMs = deps.clock.now()
    try {
      if (parsed.suffix === 'status') onStatus(parsed.deviceId, payload, receivedAtMs)
    } catch (error) {
      log.error({ err: error, topic }, 'ingest failed to handle a message')
    }
  }

  return {
    async start() {
      // Readings come from the log, read on from what the store last recorded.
      const oldest = deps.log.start()
      let recorded = await deps.readings.logPosition()
      if (recorded !== undefined && recorded > deps.log.end()) {
        // The store is ahead of the log: the log was removed or replaced. Read all it holds.
        log.warn({ recorded, logEnd: deps.log.end() }, 'the readings store records a log position past the end of the readings log; reading the log from its start')
        recorded = undefined
      }
      readAt = storedUpTo = Math.max(recorded ?? oldest, oldest)
      logEnd = Math.max(logEnd, readAt)
      started = true
      if (readAt < logEnd) log.info({ bytes: logEnd - readAt }, 'reading readings logged before the last stop')
      schedulePump()
      client = await deps.connect(onMessage)
      client.on('error', (error) => log.error({ err: error }, 'ingest mqtt error'))
      await client.subscribeAsync([allDevicesTopic('status')], { qos: 1 })
      timer = setInterval(() => void flush(), config.flushIntervalMs)
      log.info('ingest started')
    },
    logDurable(end) {
      if (end <= logEnd) return
      logEnd = end
      behind = logEnd - storedUpTo
      schedulePump()
    },
    flush,
    health: () => ({ component: 'ingest', ok: client?.connected === true }),
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer)
        // Forced: the broker stops first, and ingest only ever publishes at QoS 0.
        await client?.endAsync(true)
        await writing
        await flush()
        started = false
        log.info({ storedUpTo, logEnd }, 'ingest closed')
      })()
      return closing
    },
  }
}
