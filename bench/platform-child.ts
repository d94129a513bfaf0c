import { Aedes, type AedesOptions } from 'aedes'
import { loadConfig } from '../platform/config.js'
import { createLogger } from '../platform/logger.js'
import { startPlatform, type RunningPlatform } from '../platform/start-platform.js'
import { serveParent } from './child-rpc.js'
import { processSampler } from './process-stats.js'

/**
 * The whole platform as `npm start` runs it, in a process of its own, so that its memory and
 * CPU time are its own. The data dir comes provisioned by the bench.
 */
let platform: RunningPlatform | undefined
const sample = processSampler()

export interface PlatformStartParams {
  dataDir: string
  adminPassword: string
  /** Experiment only: overrides aedes' `concurrency` (messages in delivery at once; 100 by default). */
  aedesConcurrency?: number
  /** Experiment only: device events skip the queue of messages waiting for delivery (see `alarmLane`). */
  alarmLane?: boolean
}

/** The part of aedes' message emitter (mqemitter) the alarm-lane experiment touches. */
interface MessageEmitter {
  emit(message: { topic: string }, done?: () => void): unknown
  _do(message: { topic: string }, done: () => void): unknown
}

/**
 * Experiment: aedes delivers at most `concurrency` messages at once and queues the rest in one
 * FIFO for every topic, so an alarm waits behind the readings queued before it. Here events start
 * delivery at once. The real change belongs in broker/create-broker.ts (its own `mq`).
 */
function alarmLane(broker: Aedes): void {
  const mq = (broker as unknown as { mq: MessageEmitter }).mq
  const emit = mq.emit.bind(mq)
  mq.emit = (message, done) => (message.topic.endsWith('/events') ? mq._do(message, done ?? (() => undefined)) : emit(message, done))
}

/** Experiment hook: the bench may try a broker change without changing broker/ (the real fix belongs there). */
function patchAedes(extra: Partial<AedesOptions>, lane: boolean): void {
  const original = Aedes.createBroker.bind(Aedes)
  Aedes.createBroker = async (options?: AedesOptions) => {
    const broker = await original({ ...options, ...extra })
    if (lane) alarmLane(broker)
    return broker
  }
}

const api = {
  async start(params: PlatformStartParams): Promise<{ httpPort: number; mqttPort: number }> {
    if (params.aedesConcurrency !== undefined || params.alarmLane) {
      patchAedes(params.aedesConcurrency === undefined ? {} : { concurrency: params.aedesConcurrency }, params.alarmLane === true)
    }
    const config = loadConfig({
      HEARTH_DATA_DIR: params.dataDir,
      HEARTH_HOST: '127.0.0.1',
      HEARTH_HTTP_PORT: '0',
      HEARTH_MQTT_PORT: '0',
      HEARTH_ADMIN_PASSWORD: params.adminPassword,
      HEARTH_LOG_LEVEL: 'error',
    })
    // Errors only: the probe's unanswered alarms escalate every 30 s, and each escalation logs a warning.
    platform = await startPlatform(config, createLogger(process.env.HEARTH_BENCH_LOG ?? 'error'))
    sample()
    return { httpPort: platform.httpPort, mqttPort: platform.mqttPort }
  },
  stats: () => sample(),
  async close(): Promise<void> {
    await platform?.close()
    platform = undefined
  },
}

export type PlatformChildApi = typeof api

serveParent(api)
