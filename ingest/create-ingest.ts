import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import {
  allDevicesTopic,
  deviceTopic,
  judgeSenmlPack,
  parseDeviceStatus,
  parseDeviceTopic,
  type Clock,
  type DeviceErrorMessage,
  type DeviceId,
  type DeviceStatus,
  type HealthReport,
  type JudgedTelemetry,
  type MqttConnector,
  type Service,
} from '../contract/index.js'
import type { DeviceDirectory, IngestReading, ReadingsSink } from './ports.js'
import { createReadingsClock } from './readings-clock.js'

export interface IngestConfig {
  flushIntervalMs: number
  maxBatch: number
  /** Readings held for retry while the store refuses; beyond this the oldest are dropped and counted. */
  maxPending: number
}

export interface IngestDeps {
  logger: Logger
  metrics: Registry
  clock: Clock
  /** Connects this service to the broker with its own credentials. */
  connect: MqttConnector
  readings: ReadingsSink
  devices: DeviceDirectory
  /** Passes what was checked on to the rules, so that they need not read it from the broker again. */
  forward?: (item: JudgedTelemetry) => void
}

export interface Ingest extends Service {
  health(): HealthReport
  /** Writes what is buffered now (used on close and by tests that need a settled store). */
  flush(): Promise<void>
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
  const dropped = new Counter({ name: 'hearth_readings_dropped_total', help: 'Readings dropped because the store stayed away', registers: [deps.metrics] })
  const statusRefused = new Counter({ name: 'hearth_status_refused_total', help: 'Status messages refused', registers: [deps.metrics] })

  let client: MqttClient | undefined
  let timer: NodeJS.Timeout | undefined
  const pending: IngestReading[] = []
  let seen = new Map<string, number>()
  let statuses: Array<{ deviceId: DeviceId; status: DeviceStatus; atMs: number }> = []
  let closing: Promise<void> | undefined

  const tellDevice = (deviceId: DeviceId, message: DeviceErrorMessage): void => {
    client?.publish(deviceTopic(deviceId, 'errors'), JSON.stringify(message), { qos: 0 })
  }

  let writing: Promise<void> | undefined

  /** Writes what is buffered; one write at a time, so batches reach the store in order. */
  const writePending = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending.slice(0, config.maxBatch)
      try {
        await deps.readings.writeBatch(batch)
      } catch (error) {
        writeErrors.inc()
        log.error({ err: error, batch: batch.length }, 'readings write failed; will retry')
        if (pending.length > config.maxPending) {
          const excess = pending.length - config.maxPending
          pending.splice(0, excess)
          dropped.inc(excess)
          log.error({ dropped: excess }, 'readings dropped: store unavailable and buffer full')
        }
        return
      }
      written.inc(batch.length)
      pending.splice(0, batch.length)
    }
  }

  const flush = (): Promise<void> => {
    writing ??= writePending().finally(() => {
      writing = undefined
    })
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
    return writing
  }

  const readingsNow = createReadingsClock()

  const onReadings = (deviceId: DeviceId, payload: Buffer, receivedAtMs: number): void => {
    const personId = deps.devices.personOf(deviceId)
    if (personId === undefined) {
      log.warn({ deviceId }, 'readings from a device that is no longer provisioned')
      return
    }
    seen.set(deviceId, receivedAtMs)
    const verdict = judgeSenmlPack(payload, readingsNow(receivedAtMs))
    for (const r of verdict.readings) pending.push({ ...r, personId, deviceId, receivedAtMs })
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
    if (pending.length >= config.maxBatch) void flush()
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
      if (parsed.suffix === 'readings') onReadings(parsed.deviceId, payload, receivedAtMs)
      else if (parsed.suffix === 'status') onStatus(parsed.deviceId, payload, receivedAtMs)
    } catch (error) {
      log.error({ err: error, topic }, 'ingest failed to handle a message')
    }
  }

  return {
    async start() {
      client = await deps.connect(onMessage)
      client.on('error', (error) => log.error({ err: error }, 'ingest mqtt error'))
      await client.subscribeAsync([allDevicesTopic('readings'), allDevicesTopic('status')], { qos: 1 })
      timer = setInterval(() => void flush(), config.flushIntervalMs)
      log.info('ingest started')
    },
    flush,
    health: () => ({ component: 'ingest', ok: client?.connected === true }),
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer)
        await client?.endAsync()
        await flush()
        log.info('ingest closed')
      })()
      return closing
    },
  }
}
