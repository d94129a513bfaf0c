import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { HealthReport } from '../contract/index.js'
import { createInfluxReadingsStore } from '../stores/influx-readings-store.js'
import type { ReadingsStore } from '../stores/readings-store.js'
import { createSpooledReadingsStore } from '../stores/spooled-readings-store.js'
import { createSqliteReadingsStore } from '../stores/sqlite-readings-store.js'
import type { Config } from './config.js'

export type ReadingsStoreConfig = Pick<Config, 'dataDir' | 'influx' | 'retention'>

/**
 * PROTOCOL §3: readings go to InfluxDB when HEARTH_INFLUX_URL is set, else to the embedded store.
 * `writer` is the ingest thread's store: InfluxDB behind a durable spool. The platform's own
 * (reading, retention) store talks to InfluxDB directly and never spools.
 */
export function openReadingsStore(config: ReadingsStoreConfig, role: 'reader' | 'writer', logger: Logger, metrics: Registry): ReadingsStore & { health(): HealthReport } {
  if (!config.influx) {
    const embedded = createSqliteReadingsStore(join(config.dataDir, 'readings.db'))
    return { ...embedded, health: () => ({ component: 'readings-store', ok: true, detail: 'embedded' }) }
  }
  const influx = createInfluxReadingsStore({ ...config.influx, requestTimeoutMs: 5000, retention: config.retention })
  if (role === 'reader') {
    return {
      ...influx,
      // InfluxDB may be away at start: reads fail until it is back, and the writer reports its health.
      start: () => influx.start().catch((error: unknown) => logger.warn({ err: error }, 'readings store unreachable at start')),
      health: () => ({ component: 'readings-store', ok: true, detail: 'influxdb' }),
    }
  }
  return createSpooledReadingsStore(influx, {
    path: join(config.dataDir, 'readings-spool.db'),
    replayBatch: 5000,
    retryMinMs: 250,
    retryMaxMs: 5000,
    logger: logger.child({ component: 'readings-spool' }),
    metrics,
  })
}
