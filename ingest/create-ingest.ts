import type { MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { DeviceErrorMessage } from '../contract/device-errors.js'
import type { DeviceId } from '../contract/ids.js'
import type { JudgedTelemetry } from '../contract/judged-telemetry.js'
import type { Clock, HealthReport, Service } from '../contract/runtime.js'
import { allDevicesTopic, deviceTopic, parseDeviceTopic } from '../contract/topics.js'
import { createDeviceCheckins } from './device-checkins.js'
import { createIngestMetrics } from './ingest-metrics.js'
import { createReadingsJudge } from './judge-readings.js'
import type { DeviceDirectory, MqttConnector, ReadingsLogSource, ReadingsSink } from './ports.js'
import { createReadingsLogPump } from './readings-log-pump.js'
import { createReadingsWriter } from './readings-writer.js'

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

/**
 * The ingest service, composed of its parts: `readings-log-pump.ts` reads the readings log,
 * `judge-readings.ts` judges each message, `readings-writer.ts` writes the readings to the store
 * in batches, and `device-checkins.ts` keeps status and last seen. Its own MQTT connection takes
 * every device's status and answers devices on their `errors` topic.
 */
export function createIngest(config: IngestConfig, deps: IngestDeps): Ingest {
  const log = deps.logger
  const metrics = createIngestMetrics(deps.metrics, () => pump.behind())

  let client: MqttClient | undefined
  let timer: NodeJS.Timeout | undefined
  let closing: Promise<void> | undefined

  const tellDevice = (deviceId: DeviceId, message: DeviceErrorMessage): void => {
    client?.publish(deviceTopic(deviceId, 'errors'), JSON.stringify(message), { qos: 0 })
  }

  const checkins = createDeviceCheckins({ logger: log, devices: deps.devices, metrics, tell: tellDevice, forward: deps.forward })
  const writer = createReadingsWriter(config, { logger: log, sink: deps.readings, metrics, stored: (upTo) => pump.stored(upTo) })
  const pump = createReadingsLogPump(config, {
    logger: log,
    log: deps.log,
    writer,
    judge: createReadingsJudge({ logger: log, devices: deps.devices, metrics, seen: checkins.seen, tell: tellDevice, forward: deps.forward }),
    flush: () => void flush(),
  })

  const flush = (): Promise<void> => {
    pump.drain()
    const written = writer.write()
    checkins.write()
    return written
  }

  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }): void => {
    const parsed = parseDeviceTopic(topic)
    // A retained status replayed on (re)subscribing is old news, not a check-in: it was kept when it arrived.
    if (!parsed || packet.retain) return
    const receivedAtMs = deps.clock.now()
    try {
      if (parsed.suffix === 'status') checkins.status(parsed.deviceId, payload, receivedAtMs)
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
      pump.begin(Math.max(recorded ?? oldest, oldest))
      client = await deps.connect(onMessage)
      client.on('error', (error) => log.error({ err: error }, 'ingest mqtt error'))
      await client.subscribeAsync([allDevicesTopic('status')], { qos: 1 })
      timer = setInterval(() => void flush(), config.flushIntervalMs)
      log.info('ingest started')
    },
    logDurable: (end) => pump.durable(end),
    flush,
    health: () => ({ component: 'ingest', ok: client?.connected === true }),
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer)
        // Forced: the broker stops first, and ingest only ever publishes at QoS 0.
        await client?.endAsync(true)
        await writer.writing()
        await flush()
        pump.stop()
        log.info(pump.positions(), 'ingest closed')
      })()
      return closing
    },
  }
}
