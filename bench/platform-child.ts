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
  /** Where readings are parsed and stored: the ingest thread (as shipped) or the platform's event loop. */
  ingest: 'thread' | 'loop'
  /** Where the MQTT broker runs: its own thread (as shipped) or the platform's event loop. */
  broker: 'thread' | 'loop'
}

const api = {
  async start(params: PlatformStartParams): Promise<{ httpPort: number; mqttPort: number; metricsPort: number }> {
    const config = loadConfig({
      HEARTH_DATA_DIR: params.dataDir,
      HEARTH_HOST: '127.0.0.1',
      HEARTH_HTTP_PORT: '0',
      HEARTH_MQTT_PORT: '0',
      // Read as Prometheus reads it: on a loopback port of its own.
      HEARTH_METRICS_PORT: '0',
      HEARTH_ADMIN_PASSWORD: params.adminPassword,
      HEARTH_LOG_LEVEL: 'error',
    })
    // Errors only: the probe's unanswered alarms escalate every 30 s, and each escalation logs a warning.
    platform = await startPlatform(config, createLogger(process.env.HEARTH_BENCH_LOG ?? 'error'), undefined, { ingest: params.ingest, broker: params.broker })
    sample()
    if (platform.metricsPort === undefined) throw new Error('the platform serves no metrics port')
    return { httpPort: platform.httpPort, mqttPort: platform.mqttPort, metricsPort: platform.metricsPort }
  },
  stats: () => sample(),
  async close(): Promise<void> {
    await platform?.close()
    platform = undefined
  },
}

export type PlatformChildApi = typeof api

serveParent(api)
